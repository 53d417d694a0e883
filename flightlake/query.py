"""Athena SQL, run locally: parse as Athena (Trino), map database names, write DuckDB SQL.

Files in sql/ are written once in Athena's dialect. Locally they are transpiled by sqlglot
and run on the DuckDB catalog (flightlake.catalog.local); where sqlglot's DuckDB output
would differ from Trino's semantics, DuckDBFromAthena below corrects it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

import duckdb
import pyarrow as pa
from sqlglot import exp
from sqlglot.dialects.duckdb import DuckDB
from sqlglot.dialects.hive import Hive

from flightlake.athena_sql import SqlError, parse, remap_databases
from flightlake.sqlresolve import schema_of, unresolved

# The databases SQL files name, and what they are called in this environment.
LOCAL_DATABASES = {"processed": "processed", "curated": "curated"}


def _unit(expression: exp.Expression) -> str:
    unit = expression.args.get("unit")
    return unit.name.upper() if unit is not None else "DAY"


class DuckDBFromAthena(DuckDB):
    class Generator(DuckDB.Generator):
        TRANSFORMS: ClassVar[dict] = {
            **DuckDB.Generator.TRANSFORMS,
            # Trino counts whole units elapsed; DuckDB's DATE_DIFF counts boundaries crossed
            # (10:00:59 → 10:01:00 is 1 minute there, 0 in Trino). DATE_SUB counts whole units.
            exp.DateDiff: lambda self, e: self.func(
                "DATE_SUB", exp.Literal.string(_unit(e)), e.expression, e.this
            ),
        }


def _trino_functions(node: exp.Expression) -> exp.Expression:
    """format_datetime(ts, 'yyyy-MM') uses Java patterns; DuckDB has no such function."""
    if isinstance(node, exp.Anonymous) and node.name.upper() == "FORMAT_DATETIME":
        if len(node.expressions) != 2:
            raise ValueError(f"format_datetime takes (timestamp, format), got {node.sql('athena')}")
        ts, fmt = node.expressions
        return exp.TimeToStr(this=ts, format=Hive().format_time(fmt))
    return node


def to_duckdb(
    sql: str, source: str = "<query>", databases: Mapping[str, str] = LOCAL_DATABASES
) -> list[str]:
    try:
        return [
            remap_databases(tree.transform(_trino_functions), databases).sql(
                dialect=DuckDBFromAthena
            )
            for tree in parse(sql, source)
        ]
    except ValueError as exc:  # a function sqlglot parsed but DuckDB cannot express
        raise SqlError(f"{source}: {exc}") from None


def run(con: duckdb.DuckDBPyConnection, sql: str, source: str = "<query>") -> pa.Table | None:
    """Run every statement; return the last one's result (None for DDL)."""
    result = None
    for statement in to_duckdb(sql, source):
        try:
            relation = con.sql(statement)
            # DuckDB evaluates lazily: conversion errors surface only when fetching.
            result = relation.to_arrow_table() if relation is not None else None
        except duckdb.Error as exc:
            raise SqlError(
                _locate(con, sql, source) or f"{source}: {str(exc).strip().splitlines()[0]}"
            ) from None
    return result


def _locate(con: duckdb.DuckDBPyConnection, sql: str, source: str) -> str | None:
    """DuckDB reports positions in the transpiled SQL; resolve the original file's tables and
    columns instead, which names the line in the file the person wrote."""
    try:
        problems = unresolved(parse(sql, source), source, schema_of(con))
    except Exception:  # the locator is best effort; the engine's message still stands
        return None
    return problems[0] if problems else None
