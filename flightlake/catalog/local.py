"""The local catalog: DuckDB schemas processed and curated, one view per table over its Parquet.

A fresh in-memory DuckDB is built for every command, so no lock is ever held between
commands: analysts can query while a pipeline run writes (partitions are swapped
atomically, so a query sees a month before or after the swap, never half of it).
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from flightlake.contracts import CONTRACTS, CURATED, PREDICTIONS, Contract
from flightlake.footers import files_under
from flightlake.lake import Lake

DUCKDB_TYPES = {
    "string": "VARCHAR",
    "int": "INTEGER",
    "bigint": "BIGINT",
    "double": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMPTZ",
    "timestamp_ntz": "TIMESTAMP",
}
LAYERS = ("raw", "processed", "curated")


def sql_dir() -> Path:
    """The repository's sql/ folder (FLIGHTLAKE_SQL_DIR overrides)."""
    return Path(os.environ.get("FLIGHTLAKE_SQL_DIR") or Path(__file__).resolve().parents[2] / "sql")


def view_files() -> list[Path]:
    return sorted((sql_dir() / "views").glob("*.sql"))


def all_contracts() -> list[Contract]:
    return [*CONTRACTS.values(), *CURATED.values(), PREDICTIONS]


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def view_sql(lake: Lake, contract: Contract) -> str:
    """CREATE VIEW for one table: its Parquet files, or an empty typed relation before the
    table is first built (so queries and checks still know its columns)."""
    name = f"{contract.layer}.{contract.name}"
    columns = ", ".join(f'"{c}"' for c in contract.column_names)
    if not files_under(lake, lake.table_dir(contract.layer, contract.name)):
        empty = ", ".join(
            f'CAST(NULL AS {DUCKDB_TYPES[c.type]}) AS "{c.name}"' for c in contract.columns
        )
        return f"CREATE OR REPLACE VIEW {name} AS SELECT {empty} WHERE false"
    base = lake.uri(lake.table_dir(contract.layer, contract.name))
    if contract.partition_by:
        hive = ", ".join(f"'{p}': 'VARCHAR'" for p in contract.partition_by)
        source = (
            f"read_parquet({_quote(base + '/*/*.parquet')}, hive_partitioning = true, "
            f"hive_types = {{{hive}}})"
        )
    else:
        source = f"read_parquet({_quote(base + '/*.parquet')})"
    return f"CREATE OR REPLACE VIEW {name} AS SELECT {columns} FROM {source}"


def registered_raw(lake: Lake) -> list[str]:
    """Raw sources registered by `flightlake crawl`."""
    from flightlake.crawl import registered_tables

    return sorted(registered_tables(lake))


def raw_view_sql(lake: Lake, source: str) -> str:
    """raw.<source>: every drop of a source as delivered (strings; `delivered` partition)."""
    files = _quote(lake.uri(f"raw/{source}") + "/*/*.csv")
    return (
        f"CREATE OR REPLACE VIEW raw.{source} AS SELECT * FROM read_csv({files}, "
        f"header = true, all_varchar = true, union_by_name = true, hive_partitioning = true, "
        f"filename = true)"
    )


def connect(lake: Lake, with_views: bool = True) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    # Instants are stored in UTC; show them in UTC, as Athena does.
    con.execute("SET TimeZone = 'UTC'")
    for layer in LAYERS:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {layer}")
    for contract in all_contracts():
        con.execute(view_sql(lake, contract))
    for source in registered_raw(lake):
        con.execute(raw_view_sql(lake, source))
    if with_views:
        create_views(con)
    return con


def create_views(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Create every view of sql/views (Athena SQL, transpiled); return their names."""
    from flightlake.query import run

    root = sql_dir().parent
    for path in view_files():
        run(con, path.read_text(), str(path.relative_to(root)))
    return [p.stem for p in view_files()]
