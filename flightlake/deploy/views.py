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
from flightlake.catalog.glue import database_name
from flightlake.catalog.local import connect, view_files
from flightlake.lake import Lake
from flightlake.query import parse, remap_databases

_TYPES = {
    "VARCHAR": "varchar",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "HUGEINT": "bigint",
    "DOUBLE": "double",
    "FLOAT": "real",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamp",
}
_HIVE = {"varchar": "string", "integer": "int", "real": "float"}


def _athena_type(duckdb_type: str) -> str:
    if duckdb_type.startswith("DECIMAL"):
        return duckdb_type.lower()
    try:
        return _TYPES[duckdb_type]
    except KeyError:
        raise ValueError(f"no Athena type for DuckDB's {duckdb_type}") from None


def view_inputs(database_prefix: str) -> list[tuple[str, dict[str, Any]]]:
    """(database, TableInput) per view file."""
    with TemporaryDirectory() as empty:
        con = connect(Lake.at(empty))  # typed empty tables: the views' column types
        out = []
        for path in view_files():
            (tree,) = parse(path.read_text(), str(path))
            if not isinstance(tree, exp.Create):
                raise ValueError(f"{path}: a view file holds one CREATE VIEW")
            table = tree.this
            layer, name = table.db, table.name
            columns = [
                {"name": row[0], "type": _athena_type(row[1])}
                for row in con.execute(f"DESCRIBE {layer}.{name}").fetchall()
            ]
            query = remap_databases(tree.expression, database_map(database_prefix))
            database = database_name(layer, database_prefix)
            presto = {
                "originalSql": query.sql(dialect="athena"),
                "catalog": "awsdatacatalog",
                "schema": database,
                "columns": columns,
            }
            encoded = base64.b64encode(json.dumps(presto, sort_keys=True).encode()).decode()
            out.append(
                (
                    database,
                    {
                        "Name": name,
                        "Description": _description(path.read_text()),
                        "TableType": "VIRTUAL_VIEW",
                        "Parameters": {"presto_view": "true", "comment": "Presto View"},
                        "ViewOriginalText": f"/* Presto View: {encoded} */",
                        "ViewExpandedText": "/* Presto View */",
                        "StorageDescriptor": {
                            "Columns": [
                                {"Name": c["name"], "Type": _HIVE.get(c["type"], c["type"])}
                                for c in columns
                            ],
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
