"""`flightlake sql --check`: every file in sql/ parses as Athena SQL and names only tables
and columns that exist (contracts for tables, the views' own output for views)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from sqlglot import exp
from sqlglot.errors import OptimizeError
from sqlglot.optimizer.qualify import qualify
from sqlglot.schema import MappingSchema

from flightlake.catalog.glue import HIVE_TYPES
from flightlake.catalog.local import all_contracts, connect, sql_dir
from flightlake.lake import Lake
from flightlake.query import SqlError, parse, run

_LINE = re.compile(r"Line: (\d+), Col: (\d+)")


def schema_of(con) -> MappingSchema:
    tables: dict[str, dict[str, dict[str, str]]] = {}
    for contract in all_contracts():
        tables.setdefault(contract.layer, {})[contract.name] = {
            c.name: HIVE_TYPES[c.type] for c in contract.columns
        }
    for schema_name, view, column in con.sql(
        "SELECT table_schema, table_name, column_name FROM information_schema.columns "
        "WHERE table_name IN (SELECT view_name FROM duckdb_views() WHERE NOT internal)"
    ).fetchall():
        tables.setdefault(schema_name, {}).setdefault(view, {})[column] = "varchar"
    return MappingSchema(tables, dialect="athena")


def _line(node: exp.Expression) -> str:
    ident = node.this if isinstance(node, exp.Table) else node
    line = getattr(ident, "meta", {}).get("line")
    return str(line) if line else "?"


def check_text(text: str, source: str, schema: MappingSchema) -> list[str]:
    try:
        trees = parse(text, source)
    except SqlError as exc:
        return [str(exc)]
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


def check_all(root: Path | None = None) -> tuple[int, list[str]]:
    """(files checked, problems). Views are created on an empty lake: typed, no data."""
    root = root or sql_dir()
    files = sorted(root.rglob("*.sql"))
    with tempfile.TemporaryDirectory() as empty:
        try:
            con = connect(Lake.at(empty))
        except SqlError as exc:
            return len(files), [str(exc)]
        schema = schema_of(con)
        problems = []
        for path in files:
            source = str(path.relative_to(root.parent))
            found = check_text(path.read_text(), source, schema)
            if not found and path.parent.name == "queries":
                try:
                    run(con, path.read_text(), source)  # binds functions and types too
                except SqlError as exc:
                    found = [str(exc)]
            problems.extend(found)
    return len(files), problems
