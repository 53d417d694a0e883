"""The ledger decides what is new by content versions; entries from before them by size."""

from datetime import date

from flightlake.contracts import get
from flightlake.lake import Lake
from flightlake.processing import ledger
from flightlake.runtime.storage import write_json

FILE = "raw/flights/delivered=2013-01-02/flights_2013-01-01.csv"


def _lake(tmp_path, content: bytes) -> Lake:
    lake = Lake.at(str(tmp_path))
    lake.storage.write_bytes(FILE, content)
    return lake


def _record(lake: Lake, version: str) -> None:
    entry = {"version": version, "size": 0, "delivered": "2013-01-02",
             "covers": date(2013, 1, 1).isoformat(), "outcome": "published", "run_id": "r"}
    write_json(lake.storage, lake.ledger_file("flights"), {FILE: entry})


def test_a_recorded_content_version_decides(tmp_path):
    lake = _lake(tmp_path, b"year\n2013\n")
    [f] = lake.raw_files("flights", daily=True)
    _record(lake, f.version)
    assert ledger.pending(lake, get("flights")).new == []
    lake.storage.write_bytes(FILE, b"year\n2014\n")  # same size, other bytes
    assert ledger.pending(lake, get("flights")).changed == [FILE]


def test_an_entry_from_before_content_versions_is_compared_by_size(tmp_path):
    lake = _lake(tmp_path, b"year\n2013\n")
    _record(lake, "10:1700000000000000000")  # size:mtime, as folders were versioned before
    assert ledger.pending(lake, get("flights")).changed == []
    lake.storage.write_bytes(FILE, b"year\n2013\n2013\n")
    assert ledger.pending(lake, get("flights")).changed == [FILE]
