"""The local catalog: DuckDB schemas processed and curated, one view per table over its Parquet;
raw, one view per crawled source over its CSV drops; quarantine, one view per processed table
with rows set aside (rule, file, line, raw line and bytes).

A fresh in-memory DuckDB is built for every command, so no lock is ever held between
commands: analysts can query while a pipeline run writes (partitions are swapped
atomically, so a query sees a month before or after the swap, never half of it).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from importlib.resources.abc import Traversable

import duckdb

from flightlake.contracts import Column, Contract, all_contracts
from flightlake.contracts.types import duckdb_type
from flightlake.crawl import registered_tables
from flightlake.footers import files_under
from flightlake.lake import Lake
from flightlake.query import run
from flightlake.resources import ViewFile, view_files

LAYERS = ("raw", "processed", "curated", "quarantine")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _local_type(column: Column) -> str:
    """An instant (stored in UTC) is a TIMESTAMP here, as it is a `timestamp` on Athena: its
    UTC wall clock, in a session whose zone is UTC."""
    return "TIMESTAMP" if column.type == "timestamp" else duckdb_type(column.type)


def _column(column: Column) -> str:
    if column.type == "timestamp":
        return f'CAST("{column.name}" AS TIMESTAMP) AS "{column.name}"'
    return f'"{column.name}"'


def view_sql(lake: Lake, contract: Contract) -> str:
    """CREATE VIEW for one table: its Parquet files, or an empty typed relation before the
    table is first built (so queries and checks still know its columns)."""
    name = f"{contract.layer}.{contract.name}"
    columns = ", ".join(_column(c) for c in contract.columns)
    if not files_under(lake, lake.table_dir(contract.layer, contract.name)):
        empty = ", ".join(f'CAST(NULL AS {_local_type(c)}) AS "{c.name}"' for c in contract.columns)
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


def connect(
    lake: Lake,
    with_views: bool = True,
    raw: Collection[str] | None = None,
    views: Collection[str] | None = None,
) -> duckdb.DuckDBPyConnection:
    """`raw` and `views`: the raw sources and sql/views to create (all when None). A raw
    table reads every drop's header to union them by name, seconds for a year of daily drops,
    and each view is translated from Athena SQL, so a command creates only what it names."""
    con = duckdb.connect(":memory:")
    # Instants are stored in UTC; show them in UTC, as Athena does.
    con.execute("SET TimeZone = 'UTC'")
    for layer in LAYERS:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {layer}")
    for contract in all_contracts():
        con.execute(view_sql(lake, contract))
    for source in registered_raw(lake):
        if raw is not None and source not in raw:
            continue
        try:
            con.execute(raw_view_sql(lake, source))
        except duckdb.Error:  # an unreadable drop: raw.<source> is left out, the rest stays
            continue
    for contract in all_contracts():
        quarantined = quarantine_view_sql(lake, contract.name) if contract.source else None
        if quarantined:
            con.execute(quarantined)
    if with_views:
        create_views(con, only=views)
    return con


def create_views(
    con: duckdb.DuckDBPyConnection,
    root: Traversable | None = None,
    only: Collection[str] | None = None,
) -> list[str]:
    """Create the views of sql/views (Athena SQL, translated), each after the views it names;
    return their names in that order. `only`: those views and the views they name (all when
    None). `root` replaces the packaged sql/."""
    files = {view.name: view for view in view_files(root)}
    wanted = sorted(files) if only is None else sorted(set(only) & set(files))
    ordered: list[str] = []
    for name in wanted:
        _after_dependencies(name, files, ordered, set())
    for name in ordered:
        run(con, files[name].text, files[name].source)
    return ordered


def _after_dependencies(
    name: str, files: dict[str, ViewFile], ordered: list[str], visiting: set[str]
) -> None:
    """Append `name` to `ordered` after every view its text names (a name in the text counts:
    at worst a view is created that is not needed)."""
    if name in ordered or name in visiting:
        return
    visiting.add(name)
    for other in sorted(files):
        if other != name and re.search(rf"\b{re.escape(other)}\b", files[name].text):
            _after_dependencies(other, files, ordered, visiting)
    ordered.append(name)
