"""The local catalog: DuckDB schemas processed and curated, one view per table over its Parquet;
raw, one view per crawled source over its CSV drops; quarantine, one view per processed table
with rows set aside (rule, file, line, raw line and bytes).

A fresh in-memory DuckDB is built for every command, so no lock is ever held between
commands: analysts can query while a pipeline run writes (partitions are swapped
atomically, so a query sees a month before or after the swap, never half of it).
"""

from __future__ import annotations

from importlib.resources.abc import Traversable

import duckdb

from flightlake.contracts import Contract, all_contracts
from flightlake.contracts.types import duckdb_type
from flightlake.crawl import registered_tables
from flightlake.footers import files_under
from flightlake.lake import Lake
from flightlake.query import run
from flightlake.resources import view_files

LAYERS = ("raw", "processed", "curated", "quarantine")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def view_sql(lake: Lake, contract: Contract) -> str:
    """CREATE VIEW for one table: its Parquet files, or an empty typed relation before the
    table is first built (so queries and checks still know its columns)."""
    name = f"{contract.layer}.{contract.name}"
    columns = ", ".join(f'"{c}"' for c in contract.column_names)
    if not files_under(lake, lake.table_dir(contract.layer, contract.name)):
        empty = ", ".join(
            f'CAST(NULL AS {duckdb_type(c.type)}) AS "{c.name}"' for c in contract.columns
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
    return sorted(registered_tables(lake))


def quarantine_view_sql(lake: Lake, table: str) -> str | None:
    """quarantine.<table>: every row the table set aside, with its rule and raw bytes (none
    before a row of it was)."""
    if not files_under(lake, lake.quarantine_dir(table)):
        return None
    files = _quote(lake.uri(lake.quarantine_dir(table)) + "/*/*.parquet")
    return (
        f"CREATE OR REPLACE VIEW quarantine.{table} AS SELECT * FROM read_parquet({files}, "
        "hive_partitioning = true, hive_types = {'delivered': 'DATE'}, union_by_name = true)"
    )


def raw_view_sql(lake: Lake, source: str) -> str:
    """raw.<source>: every drop of a source as delivered (strings; `delivered` partition)."""
    files = _quote(lake.uri(lake.raw_dir(source)) + "/*/*.csv*")
    # A corrupt drop (bad gzip, binary noise) must not take the catalog down with it: its
    # lines are processing's to quarantine, and raw.<source> skips what it cannot parse.
    return (
        f"CREATE OR REPLACE VIEW raw.{source} AS SELECT * FROM read_csv({files}, "
        f"header = true, all_varchar = true, union_by_name = true, hive_partitioning = true, "
        f"filename = true, ignore_errors = true)"
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
        try:
            con.execute(raw_view_sql(lake, source))
        except duckdb.Error:  # an unreadable drop: raw.<source> is left out, the rest stays
            continue
    for contract in all_contracts():
        quarantined = quarantine_view_sql(lake, contract.name) if contract.source else None
        if quarantined:
            con.execute(quarantined)
    if with_views:
        create_views(con)
    return con


def create_views(con: duckdb.DuckDBPyConnection, root: Traversable | None = None) -> list[str]:
    """Create every view of sql/views (Athena SQL, transpiled); return their names. `root`
    replaces the packaged sql/ folder."""
    views = view_files(root)
    for view in views:
        run(con, view.text, view.source)
    return [view.name for view in views]
