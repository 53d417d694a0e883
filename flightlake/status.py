"""Per-table state of the lake, read from Parquet footers and run records (no Spark)."""

from __future__ import annotations

from dataclasses import dataclass

from flightlake import runs
from flightlake.contracts import CONTRACTS, CURATED, MONITORING, PREDICTIONS, Contract
from flightlake.footers import files_under, parquet_rows
from flightlake.lake import Lake


@dataclass
class TableStatus:
    table: str  # qualified: processed.flights
    partitions: int
    rows: int
    last_run: str | None = None
    last_run_status: str | None = None
    quarantined: int | None = None  # processed tables only


def _rows(lake: Lake, prefix: str) -> tuple[int, int]:
    """(files, rows) of the Parquet files under a prefix."""
    files = files_under(lake, prefix)
    return len(files), parquet_rows(lake, files)


def table_status(lake: Lake) -> list[TableStatus]:
    """Every table of every layer, with the last run of the step that writes it (a run that
    had something to do)."""
    last: dict[str, dict] = {}
    for record in runs.load_all(lake):
        if record.get("step") and record.get("status") != "skipped":
            last[record["step"]] = record
    writers: list[tuple[Contract, str]] = [
        *((c, f"process_{name}") for name, c in CONTRACTS.items()),
        *((c, "curate") for c in CURATED.values()),
        (PREDICTIONS, "score"),
        (MONITORING, "monitor"),
    ]
    out = []
    for contract, step in writers:
        parts, rows = _rows(lake, lake.table_dir(contract.layer, contract.name))
        run = last.get(step)
        out.append(
            TableStatus(
                table=contract.qualified_name,
                partitions=parts,
                rows=rows,
                last_run=run["run_id"] if run else None,
                last_run_status=run["status"] if run else None,
                quarantined=(
                    _rows(lake, lake.quarantine_dir(contract.name))[1]
                    if contract.layer == "processed"
                    else None
                ),
            )
        )
    return out


def unread_raw(lake: Lake) -> list[str]:
    """Files under raw/ that are no source's data file: never processed."""
    return lake.unmatched_raw(
        {c.source.name: c.source.layout == "daily" for c in CONTRACTS.values()}
    )
