"""sql/views as Glue VIRTUAL_VIEW tables: the form Athena itself stores a view in.

Deploy writes them through the Glue API rather than running `CREATE OR REPLACE VIEW` on
Athena: a table can be compared with what is wanted, so applying twice changes nothing, and no
query runs at deploy time. Column types come from the same view on the local DuckDB catalog
(typed even on an empty lake), mapped to Athena's types.
"""

from __future__ import annotations

import base64
import json
from tempfile import TemporaryDirectory
from typing import Any

from sqlglot import exp

from flightlake.athena import database_map
from flightlake.athena_sql import parse, remap_databases
from flightlake.catalog.glue import database_name
from flightlake.catalog.local import connect
from flightlake.contracts.types import athena_types_of_duckdb
from flightlake.lake import Lake
from flightlake.resources import view_files


def view_names(database_prefix: str) -> list[tuple[str, str]]:
    """(database, view) per view file: the tables refresh_views writes through Athena."""
    out = []
    for view in view_files():
        (tree,) = parse(view.text, view.source)
        out.append((database_name(tree.this.db, database_prefix), tree.this.name))
    return out


def view_inputs(database_prefix: str) -> list[tuple[str, dict[str, Any]]]:
    """(database, TableInput) per view file."""
    with TemporaryDirectory() as empty:
        con = connect(Lake.at(empty))  # typed empty tables: the views' column types
        out = []
        for view in view_files():
            (tree,) = parse(view.text, view.source)
            if not isinstance(tree, exp.Create):
                raise ValueError(f"{view.source}: a view file holds one CREATE VIEW")
            table = tree.this
            layer, name = table.db, table.name
            columns = [
                (column, *athena_types_of_duckdb(duckdb_type))
                for column, duckdb_type, *_ in con.execute(f"DESCRIBE {layer}.{name}").fetchall()
            ]
            query = remap_databases(tree.expression, database_map(database_prefix))
            database = database_name(layer, database_prefix)
            presto = {
                "originalSql": query.sql(dialect="athena"),
                "catalog": "awsdatacatalog",
                "schema": database,
                "columns": [{"name": c, "type": trino} for c, trino, _ in columns],
            }
            encoded = base64.b64encode(json.dumps(presto, sort_keys=True).encode()).decode()
            out.append(
                (
                    database,
                    {
                        "Name": name,
                        "Description": _description(view.text),
                        "TableType": "VIRTUAL_VIEW",
                        "Parameters": {"presto_view": "true", "comment": "Presto View"},
                        "ViewOriginalText": f"/* Presto View: {encoded} */",
                        "ViewExpandedText": "/* Presto View */",
                        "StorageDescriptor": {
                            "Columns": [{"Name": c, "Type": hive} for c, _, hive in columns],
                            "SerdeInfo": {},
                        },
                    },
                )
            )
        con.close()
    return out


def _description(sql: str) -> str:
    """The file's header comment, as the table's description."""
    lines = [line.removeprefix("--").strip() for line in sql.splitlines() if line.startswith("--")]
    text = " ".join(lines)
    return text if len(text) <= 255 else text[:254] + "…"
