"""Which raw files a table has already consumed, and which new files are worth reading.

The ledger is written only after a table's output is published, so a killed run leaves
its files unrecorded and the rerun processes them again; publishing replaces whole days,
so processing a file twice converges to the same table.
"""

from __future__ import annotations

from dataclasses import dataclass

from flightlake.contracts import Contract
from flightlake.lake import Lake, RawFile
from flightlake.runtime.storage import read_json, write_json


@dataclass(frozen=True)
class Pending:
    new: list[RawFile]
    superseded: set[str]  # paths of new files replaced by a later delivery of the same data

    @property
    def current(self) -> list[RawFile]:
        return [f for f in self.new if f.path not in self.superseded]


def load(lake: Lake, table: str) -> dict[str, dict]:
    return read_json(lake.storage, lake.ledger_file(table), default={})


class RawLayoutError(ValueError):
    """A raw file that does not follow the provider layout; the message names it."""


def pending(lake: Lake, contract: Contract) -> Pending:
    """The table's raw files not in its ledger, and which of them a later delivery replaced."""
    table, source = contract.name, contract.source.name
    done = load(lake, table)
    everything = lake.raw_files(source)
    if contract.source.layout == "daily":
        undated = [f.path for f in everything if f.covers is None]
        if undated:
            raise RawLayoutError(
                f"{undated[0]}: a daily {source} file must be named {source}_YYYY-MM-DD.csv "
                f"(move it out of raw/ or rename it; {len(undated)} such file(s))"
            )
    new = [f for f in everything if f.path not in done]
    # Latest delivery wins: per covered day (or for the snapshot as a whole) only the
    # newest delivery is published; older new files are read, counted and set aside.
    latest: dict[object, tuple] = {}
    for f in everything:
        rank = (f.delivered, f.path)
        if f.covers not in latest or rank > latest[f.covers]:
            latest[f.covers] = rank
    superseded = {f.path for f in new if (f.delivered, f.path) != latest[f.covers]}
    return Pending(new=new, superseded=superseded)


def commit(lake: Lake, table: str, files: list[RawFile], superseded: set[str], run_id: str) -> None:
    done = load(lake, table)
    for f in files:
        done[f.path] = {
            "size": f.size,
            "delivered": f.delivered.isoformat(),
            "covers": f.covers.isoformat() if f.covers else None,
            "outcome": "superseded" if f.path in superseded else "published",
            "run_id": run_id,
        }
    write_json(lake.storage, lake.ledger_file(table), done)
