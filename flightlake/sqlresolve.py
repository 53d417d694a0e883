"""The tables and columns an Athena statement names that the catalog does not have.

Below flightlake.query (which uses it to point a failing statement at the line of the file
its author wrote) and flightlake.sqlcheck (`flightlake sql --check`): it works on parsed
statements and a catalog's schema, and runs nothing.
"""

from __future__ import annotations

import re

import duckdb
from sqlglot import exp
from sqlglot.errors import OptimizeError
from sqlglot.optimizer.qualify import qualify
from sqlglot.schema import MappingSchema

from flightlake.contracts import all_contracts
from flightlake.contracts.types import presto_type
from flightlake.trino.types import trino_of_duckdb

_LINE = re.compile(r"Line: (\d+), Col: (\d+)")


def schema_of(con: duckdb.DuckDBPyConnection) -> MappingSchema:
    """Every contract table with its Athena column types, and every other relation `con` holds
    (views, quarantine tables) with the Trino types of its DuckDB columns; raw tables' columns
    are of unknown type."""
    tables: dict[str, dict[str, dict[str, str]]] = {}
    for contract in all_contracts():
        tables.setdefault(contract.layer, {})[contract.name] = {
            # Athena reads a Parquet timestamp as a timestamp(3).
            c.name: "timestamp(3)" if presto_type(c.type) == "timestamp" else presto_type(c.type)
            for c in contract.columns
        }
    contracts = {(layer, name) for layer, names in tables.items() for name in names}
    for schema_name, view, column, duckdb_type in con.execute(
        "SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_name IN (SELECT view_name FROM duckdb_views() WHERE NOT internal)"
    ).fetchall():
        if (schema_name, view) in contracts:
            continue
        # A raw table is text here (every drop read as delivered) but typed by the Glue
        # crawler on Athena: its columns' Trino types are not known locally.
        trino = "unknown" if schema_name == "raw" else trino_of_duckdb(duckdb_type)
        tables.setdefault(schema_name, {}).setdefault(view, {})[column] = trino
    return MappingSchema(tables, dialect="athena")


def _line(node: exp.Expression) -> str:
    ident = node.this if isinstance(node, exp.Table) else node
    line = getattr(ident, "meta", {}).get("line")
    return str(line) if line else "?"


def unresolved(trees: list[exp.Expression], source: str, schema: MappingSchema) -> list[str]:
    """`source:line: what` for every table or column the statements name that `schema` lacks."""
    problems = []
    for tree in trees:
        query = tree.expression if isinstance(tree, exp.Create) else tree
        ctes = {cte.alias_or_name for cte in query.find_all(exp.CTE)}
        missing = [
            t for t in query.find_all(exp.Table) if t.name not in ctes and schema.find(t) is None
        ]
        for table in missing:
            problems.append(f"{source}:{_line(table)}: unknown table {table.sql(dialect='athena')}")
        if missing:
            continue
        try:
            qualify(query.copy(), schema=schema, dialect="athena", validate_qualify_columns=True)
        except OptimizeError as exc:
            where = _LINE.search(str(exc))
            line = where.group(1) if where else "?"
            problems.append(f"{source}:{line}: {_LINE.sub('', str(exc)).strip().rstrip('.')}")
    return problems
