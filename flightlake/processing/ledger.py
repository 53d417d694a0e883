"""Which raw files a table has already consumed, and which new files are worth reading.

The ledger is written only after a table's output is published, so a killed run leaves
its files unrecorded and the rerun processes them again; publishing replaces whole days,
so processing a file twice converges to the same table.

A raw file rewritten in place after it was processed (its content version — MD5 in a
folder, ETag on S3 — is not the one recorded) is read again as a redelivery of its own date
and delivery, and the run says so: the provider's latest bytes win, as for any redelivery.
In a folder, a copy that only lost its file times is not rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flightlake.contracts import Contract
from flightlake.lake import Lake, RawFile
from flightlake.runtime.storage import read_json, write_json


@dataclass(frozen=True)
class Pending:
    new: list[RawFile]
    superseded: set[str]  # paths of new files replaced by a later delivery of the same data
    changed: list[str] = field(default_factory=list)  # processed files rewritten since
    unmatched: list[str] = field(default_factory=list)  # files of the source's folder not read

    @property
    def current(self) -> list[RawFile]:
        return [f for f in self.new if f.path not in self.superseded]


def load(lake: Lake, table: str) -> dict[str, dict]:
    return read_json(lake.storage, lake.ledger_file(table), default={})


def pending(lake: Lake, contract: Contract) -> Pending:
    """The table's raw files not in its ledger, and which of them a later delivery replaced."""
    table, source = contract.name, contract.source.name
    done = load(lake, table)
    daily = contract.source.layout == "daily"
    everything, unmatched = lake.raw_listing(source, daily)
    changed = [f.path for f in everything if f.path in done and _rewritten(done[f.path], f)]
    new = [f for f in everything if f.path not in done or f.path in changed]
    # Latest delivery wins: per covered day (or for the snapshot as a whole) only the
    # newest delivery is published; older new files are read, counted and set aside.
    latest: dict[object, tuple] = {}
    for f in everything:
        rank = (f.delivered, f.path)
        if f.covers not in latest or rank > latest[f.covers]:
            latest[f.covers] = rank
    superseded = {f.path for f in new if (f.delivered, f.path) != latest[f.covers]}
    return Pending(new=new, superseded=superseded, changed=changed, unmatched=unmatched)


def _rewritten(entry: dict, f: RawFile) -> bool:
    recorded = entry.get("version", "")
    if not recorded:  # predates versions: taken as unchanged
        return False
    if ":" in recorded:
        # A size:mtime stamp, from before content versions: only the size can still be
        # compared (times are what content versions stopped trusting).
        return recorded.split(":", 1)[0] != str(f.size)
    return recorded != f.version


def commit(lake: Lake, table: str, files: list[RawFile], superseded: set[str], run_id: str) -> None:
    done = load(lake, table)
    for f in files:
        done[f.path] = {
            "size": f.size,
            "version": f.version,
            "delivered": f.delivered.isoformat(),
            "covers": f.covers.isoformat() if f.covers else None,
            "outcome": "superseded" if f.path in superseded else "published",
            "run_id": run_id,
        }
    write_json(lake.storage, lake.ledger_file(table), done)
