"""`flightlake sql --check`: every file in sql/ parses as Athena SQL, names only tables and
columns that exist (contracts for tables, the views' own output for views), and translates
to Athena's answer locally (a refused construct is reported: flightlake.trino.refusals)."""

from __future__ import annotations

import tempfile
from importlib.resources.abc import Traversable

from sqlglot.schema import MappingSchema

from flightlake.athena_sql import SqlError, parse
from flightlake.catalog.local import connect, create_views
from flightlake.lake import Lake
from flightlake.query import run
from flightlake.resources import QueryFile, query_files, view_files
from flightlake.sqlresolve import schema_of, unresolved


def check_text(text: str, source: str, schema: MappingSchema) -> list[str]:
    try:
        trees = parse(text, source)
    except SqlError as exc:
        return [str(exc)]
    return unresolved(trees, source, schema)


def check_all(root: Traversable | None = None) -> tuple[int, list[str]]:
    """(files checked, problems). Views are created on an empty lake: typed, no data. `root`
    replaces the packaged sql/ folder."""
    files = [*query_files(root), *view_files(root)]
    with tempfile.TemporaryDirectory() as empty:
        try:
            con = connect(Lake.at(empty), with_views=False)
            create_views(con, root)
        except SqlError as exc:
            return len(files), [str(exc)]
        schema = schema_of(con)
        problems = []
        for file in files:
            found = check_text(file.text, file.source, schema)
            if not found and isinstance(file, QueryFile):
                try:
                    run(con, file.text, file.source)  # binds functions and types too
                except SqlError as exc:
                    found = [str(exc)]
            problems.extend(found)
        con.close()
    return len(files), problems
