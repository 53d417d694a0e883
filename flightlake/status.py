"""Per-table state of the lake, read from Parquet footers and run records (no Spark)."""

from __future__ import annotations

from dataclasses import dataclass

from flightlake import runs
from flightlake.contracts import CONTRACTS
from flightlake.footers import files_under, parquet_rows
from flightlake.lake import Lake


@dataclass
class TableStatus:
    table: str
    partitions: int
    rows: int
    last_run: str | None
    last_run_status: str | None
    quarantined: int


def _rows(lake: Lake, prefix: str) -> tuple[int, int]:
    """(files, rows) of the Parquet files under a prefix."""
    files = files_under(lake, prefix)
    return len(files), parquet_rows(lake, files)


def table_status(lake: Lake) -> list[TableStatus]:
    records = runs.load_all(lake)
    out = []
    for name in CONTRACTS:
        parts, rows = _rows(lake, lake.processed_dir(name))
        _, bad = _rows(lake, lake.quarantine_dir(name))
        touched = [r for r in records if name in r.get("tables", {})]
        last = touched[-1] if touched else None
        out.append(
            TableStatus(
                table=name,
                partitions=parts,
                rows=rows,
                last_run=last["run_id"] if last else None,
                last_run_status=last["status"] if last else None,
                quarantined=bad,
            )
        )
    return out
