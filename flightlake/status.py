"""Per-table state of the lake, read from Parquet footers and run records (no Spark)."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow.parquet as pq

from flightlake import runs
from flightlake.contracts import CONTRACTS
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
    """(files, rows) of the Parquet files under a prefix, from their footers."""
    files = [f.path for f in lake.storage.list_files(prefix) if f.path.endswith(".parquet")]
    rows = 0
    for path in files:
        if lake.root.startswith("s3://"):
            import io

            rows += pq.ParquetFile(io.BytesIO(lake.storage.read_bytes(path))).metadata.num_rows
        else:
            rows += pq.ParquetFile(lake.uri(path)).metadata.num_rows
    return len(files), rows


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
