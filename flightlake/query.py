"""Athena SQL, run locally with Athena's answer: parse as Athena (Trino), map database names,
translate to DuckDB with Trino's semantics (flightlake.trino.translate), run on the DuckDB
catalog (flightlake.catalog.local).

The result is an Arrow table whose fields carry their Trino type in field metadata
(`trino_type`, and `zone` for a timestamp with a named time zone), so it can be shown as
Athena shows it (flightlake.trino.text).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import duckdb
import pyarrow as pa

from flightlake.athena_sql import SqlError, parse, remap_databases
from flightlake.sqlresolve import schema_of, unresolved
from flightlake.trino import macros
from flightlake.trino.translate import Output, Translation, translate

# The databases SQL files name, and what they are called in this environment.
LOCAL_DATABASES = {"processed": "processed", "curated": "curated"}


def to_duckdb(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    source: str = "<query>",
    databases: Mapping[str, str] = LOCAL_DATABASES,
) -> list[Translation]:
    """Each statement of `sql` as DuckDB SQL, typed against the tables `con` holds."""
    trees = [remap_databases(tree, databases) for tree in parse(sql, source)]
    schema = schema_of(con)
    return [translate(tree, schema, source) for tree in trees]


def _typed(table: pa.Table, outputs: tuple[Output, ...]) -> pa.Table:
    """The result with Athena's column names, each field carrying its Trino type."""
    fields = []
    for field, output in zip(table.schema, outputs, strict=True):
        metadata = {"trino_type": output.trino_type}
        if output.zone:
            metadata["zone"] = output.zone
        fields.append(field.with_name(output.name).with_metadata(metadata))
    return pa.Table.from_arrays(table.columns, schema=pa.schema(fields))


def run(con: duckdb.DuckDBPyConnection, sql: str, source: str = "<query>") -> pa.Table | None:
    """Run every statement; return the last one's result (None for DDL)."""
    macros.install(con)
    result = None
    for translation in to_duckdb(con, sql, source):
        try:
            relation = con.sql(translation.sql)
            # DuckDB evaluates lazily: conversion errors surface only when fetching.
            table = relation.to_arrow_table() if relation is not None else None
        except duckdb.Error as exc:
            raise SqlError(_locate(con, sql, source) or _engine_error(exc, source)) from None
        result = (
            _typed(table, translation.outputs)
            if table is not None and translation.outputs
            else table
        )
    return result


_MISSING_FUNCTION = re.compile(r"Catalog Error: \w+ Function with name (\w+) does not exist")


def _engine_error(exc: duckdb.Error, source: str) -> str:
    first = str(exc).strip().splitlines()[0]
    missing = _MISSING_FUNCTION.search(first)
    if missing:
        return (
            f"{source}: {missing.group(1)}(): not available locally (DuckDB has no such "
            "function); Athena may have it: flightlake sql --athena"
        )
    return f"{source}: {first}"


def _locate(con: duckdb.DuckDBPyConnection, sql: str, source: str) -> str | None:
    """DuckDB reports positions in the transpiled SQL; resolve the original file's tables and
    columns instead, which names the line in the file the person wrote."""
    try:
        problems = unresolved(parse(sql, source), source, schema_of(con))
    except Exception:  # the locator is best effort; the engine's message still stands
        return None
    return problems[0] if problems else None
