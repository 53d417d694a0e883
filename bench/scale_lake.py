"""The ×N lake of the scale benchmarks: the real 2013 deliveries landed, then each daily file
copied to the N−1 years before 2013 as that year's delivery (2004–2012 for ×10).

A copy is the 2013 file with its year moved: the `year` field and the year of `time_hour`
of every line, the file's name and its delivery folder. Nothing else changes, so every year
holds the real rows of 2013 (Feb 29 has no source day and stays absent; the daylight-saving
days of the other years differ from 2013's, so a few scheduled times fall in their
spring-forward gap and are quarantined, as they would be). The snapshots are landed once.

    .venv/bin/python bench/scale_lake.py /tmp/lake-x10 --years 10
"""

from __future__ import annotations

import argparse
from datetime import date, timedelta

from flightlake.lake import Lake
from flightlake.landing import DAILY_DATE_FIELDS, land


def _shift_line(line: bytes, year_field: int, years: int) -> bytes:
    fields = line.split(b",")
    fields[year_field] = str(int(fields[year_field]) + years).encode()
    stamp = fields[-1]  # time_hour, e.g. 2013-03-11T03:00:00Z (its year may be 2014)
    fields[-1] = str(int(stamp[:4]) + years).encode() + stamp[4:]
    return b",".join(fields)


def shifted(content: bytes, year_field: int, years: int) -> bytes:
    """A daily file's bytes with every line moved by `years` (header and line endings kept)."""
    header, _, body = content.partition(b"\n")
    lines = body.split(b"\n")
    return b"\n".join(
        [header, *(_shift_line(x, year_field, years) if x.strip() else x for x in lines)]
    )


def _moved(day: date, years: int) -> date:
    return day.replace(year=day.year + years)


def build(root: str, years: int) -> Lake:
    """Land 2013 into `root`, then copy its daily files to the `years` − 1 years before."""
    lake = Lake.at(root)
    land(lake)
    for source, year_field in DAILY_DATE_FIELDS.items():
        for raw in lake.raw_files(source, daily=True):
            content = lake.storage.read_bytes(raw.path)
            for back in range(1, years):
                day = _moved(raw.covers, -back)
                name = raw.path.rsplit("/", 1)[1].replace(raw.covers.isoformat(), day.isoformat())
                # Delivered the morning after, as landing does (Dec 31 → Jan 1 of the next year).
                delivered = day + timedelta(days=1)
                lake.storage.write_bytes(
                    lake.raw_file(source, delivered, name), shifted(content, year_field, -back)
                )
    return lake


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("root")
    parser.add_argument("--years", type=int, default=10)
    args = parser.parse_args()
    lake = build(args.root, args.years)
    files = sum(len(lake.raw_files(s, daily=True)) for s in DAILY_DATE_FIELDS)
    print(f"{args.root}: {args.years} year(s), {files:,} daily files")


if __name__ == "__main__":
    main()
