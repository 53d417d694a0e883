"""A corpus of deliveries as providers really send them, built from real days of 2013: each
kind of bad or surprising input, every line's expected fate, and exact accounting.

One run processes the whole corpus (one file per day, January 4 onwards) with the gate off:
this is about what happens to each line; what the gate makes of a file is test_gate_files.py.
"""

from __future__ import annotations

import gzip
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import pyarrow.parquet as pq
import pytest

from flightlake.lake import Lake
from flightlake.landing import land, read_source_csv
from tests.integration.conftest import publish_snapshots, run_daily


def source_days() -> dict[date, list[bytes]]:
    lines = read_source_csv("flights").getvalue().splitlines(keepends=True)
    days: dict[date, list[bytes]] = defaultdict(list)
    days[date.min] = [lines[0]]
    for line in lines[1:]:
        y, m, d = (int(p) for p in line.split(b",", 3)[:3])
        days[date(y, m, d)].append(line)
    return days


DAYS = source_days()
HEADER = DAYS[date.min][0]


@dataclass
class Case:
    """One delivery: its bytes, and what must become of its lines."""

    kind: str
    content: bytes
    # line number (1-based, as in the file) → the rule it is quarantined under
    bad: dict[int, str] = field(default_factory=dict)
    published: int = 0
    duplicates: int = 0
    blank: int = 0
    name: str = ""  # the file name, when not <flights_<day>.csv>
    drift: str = ""  # expected in the run's header drift


def body(day: date) -> list[bytes]:
    return list(DAYS[day])


def swap_field(line: bytes, index: int, value: bytes) -> bytes:
    fields = line.rstrip(b"\n").split(b",")
    fields[index] = value
    return b",".join(fields) + b"\n"


TAILNUM, CARRIER, ORIGIN, DISTANCE, DEP_DELAY = 11, 9, 12, 15, 5


def cases() -> list[Case]:
    days = iter(date(2013, 1, 4) + timedelta(days=i) for i in range(60))
    out: list[Case] = []

    def add(kind: str, make) -> None:
        day = next(days)
        case = make(day, body(day))
        case.kind = kind
        case.name = case.name or f"flights_{day.isoformat()}.csv"
        out.append(case)

    def clean(day, rows):
        return Case("", HEADER + b"".join(rows), published=len(rows))

    def row_fault(index: int, value: bytes, rule: str):
        def make(day, rows):
            rows[1] = swap_field(rows[1], index, value)
            return Case("", HEADER + b"".join(rows), bad={3: rule}, published=len(rows) - 1)

        return make

    def replace_line(text: bytes, rule: str):
        def make(day, rows):
            rows[1] = text
            return Case("", HEADER + b"".join(rows), bad={3: rule}, published=len(rows) - 1)

        return make

    add("clean day", clean)

    def gz(day, rows):
        case = clean(day, rows)
        case.content = gzip.compress(case.content)
        case.name = f"flights_{day.isoformat()}.csv.gz"
        return case

    add("gzip-compressed delivery", gz)
    add(
        "corrupt gzip",
        lambda day, rows: Case(
            "", b"\x1f\x8b\x08\x00garbage", bad={0: "unreadable"}, name=f"flights_{day}.csv.gz"
        ),
    )
    add(
        "truncated gzip",
        lambda day, rows: Case(
            "",
            gzip.compress(HEADER + b"".join(rows))[:200],
            bad={0: "unreadable"},
            name=f"flights_{day}.csv.gz",
        ),
    )

    def noise(day, rows):
        rng = random.Random(13)
        data = bytes(rng.randrange(256) for _ in range(3000)).replace(b"\n", b"")
        return Case("", data + b"\n" + data[::-1] + b"\n", bad={1: "encoding", 2: "encoding"})

    add("binary noise", noise)
    add("invalid UTF-8 byte in a field", row_fault(TAILNUM, b"N36\xe9NB", "encoding"))
    add("NUL inside a field", row_fault(TAILNUM, b"N36\x00NB", "encoding"))
    add("other control character", row_fault(TAILNUM, b"N3\x07NB", "encoding"))
    add("lone CR inside a line", row_fault(TAILNUM, b"N3\rNB", "encoding"))
    add("quoted comma (RFC 4180)", row_fault(TAILNUM, b'"N369,NB"', "tailnum_format"))
    add("doubled quote inside quotes", row_fault(TAILNUM, b'"N1""4"', "tailnum_format"))
    add("unbalanced quote", row_fault(TAILNUM, b'"N14228', "unbalanced_quote"))

    def quoted_ok(day, rows):
        rows[1] = swap_field(rows[1], TAILNUM, b'"' + rows[1].split(b",")[TAILNUM] + b'"')
        return clean(day, rows)

    add("quoted plain field", quoted_ok)
    add(
        "UTF-8 byte order mark",
        lambda d, r: Case("", b"\xef\xbb\xbf" + clean(d, r).content, published=len(r)),
    )
    add(
        "header in upper case",
        lambda d, r: Case("", HEADER.upper() + b"".join(r), published=len(r)),
    )

    def reordered(day, rows):
        order = list(range(19))
        order[0], order[TAILNUM] = order[TAILNUM], order[0]

        def shuffle(line: bytes) -> bytes:
            f = line.rstrip(b"\n").split(b",")
            return b",".join(f[i] for i in order) + b"\n"

        return Case("", shuffle(HEADER) + b"".join(shuffle(r) for r in rows), published=len(rows))

    add("reordered columns", reordered)

    def extra(day, rows):
        def more(line: bytes, value: bytes) -> bytes:
            return line.rstrip(b"\n") + b"," + value + b"\n"

        content = more(HEADER, b"gate") + b"".join(more(r, b"B12") for r in rows)
        return Case("", content, published=len(rows), drift="column added gate (dropped)")

    add("extra trailing column", extra)

    def missing(day, rows):
        def drop(line: bytes) -> bytes:
            f = line.rstrip(b"\n").split(b",")
            return b",".join(f[:DEP_DELAY] + f[DEP_DELAY + 1 :]) + b"\n"

        content = drop(HEADER) + b"".join(drop(r) for r in rows)
        bad = {i + 2: "missing_dep_delay" for i in range(len(rows))}
        return Case("", content, bad=bad, drift="column missing dep_delay (file rejected)")

    add("required column missing", missing)
    add(
        "no header line",
        lambda d, r: Case("", b"".join(r), bad={i + 1: "header_missing" for i in range(len(r))}),
    )
    add("header only", lambda d, r: Case("", HEADER))
    add("empty file", lambda d, r: Case("", b""))

    def blanks(day, rows):
        content = HEADER + b"".join(rows[:5]) + b"\n  \n" + b"".join(rows[5:]) + b"\r\n"
        return Case("", content, published=len(rows), blank=3)

    add("blank lines", blanks)
    add(
        "CRLF line endings",
        lambda d, r: Case("", (HEADER + b"".join(r)).replace(b"\n", b"\r\n"), published=len(r)),
    )

    def truncated(day, rows):
        content = HEADER + b"".join(rows)
        cut = content[: -len(rows[-1]) // 2]
        return Case("", cut, bad={len(rows) + 1: "column_count"}, published=len(rows) - 1)

    add("truncated mid-line", truncated)

    def few(day, rows):
        rows[1] = b",".join(rows[1].split(b",")[:10]) + b"\n"
        return Case("", HEADER + b"".join(rows), bad={3: "column_count"}, published=len(rows) - 1)

    add("too few fields", few)
    add(
        "too many fields",
        lambda d, r: replace_line(r[1].rstrip(b"\n") + b",x\n", "column_count")(d, r),
    )

    def other_day(day, rows):
        rows[1] = DAYS[day + timedelta(days=100)][0]
        return Case(
            "", HEADER + b"".join(rows), bad={3: "date_matches_file"}, published=len(rows) - 1
        )

    add("row of another day", other_day)

    def impossible_date(day, rows):
        rows[1] = b"2013,2,30," + rows[1].split(b",", 3)[3]
        return Case("", HEADER + b"".join(rows), bad={3: "date_valid"}, published=len(rows) - 1)

    add("impossible date", impossible_date)
    add("out-of-range value", row_fault(DISTANCE, b"99999", "distance_range"))
    add("unparseable number", row_fault(DEP_DELAY, b"abc", "dep_delay_unparseable"))
    add("required value NA", row_fault(4, b"NA", "sched_dep_time_present"))
    add("unknown carrier", row_fault(CARRIER, b"ZZ", "carrier_in_airlines"))
    add("unknown origin airport", row_fault(ORIGIN, b"XXX", "origin_airport_known"))

    def duplicate(day, rows):
        rows.insert(2, rows[1])
        return Case("", HEADER + b"".join(rows), published=len(rows) - 1, duplicates=1)

    add("duplicate row", duplicate)
    add("huge line", replace_line(b"x" * 100_000 + b"\n", "line_too_long"))
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("FLIGHTLAKE_QUALITY_GATE", "off")
    root = tmp_path_factory.mktemp("corpus") / "lake"
    lake = Lake.at(str(root))
    land(lake, date(2013, 1, 3))
    publish_snapshots(lake)  # what the flights are checked against
    all_cases = cases()
    for case in all_cases:
        target = root / "raw/flights/delivered=2013-03-01" / case.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(case.content)
    # Redelivery: a day delivered twice; the later file wins, the earlier is set aside.
    early = root / "raw/flights/delivered=2013-03-01/flights_2013-03-10.csv"
    late = root / "raw/flights/delivered=2013-03-02/flights_2013-03-10.csv"
    early.write_bytes(HEADER + b"".join(DAYS[date(2013, 3, 10)][:100]))
    late.parent.mkdir(parents=True, exist_ok=True)
    late.write_bytes(HEADER + b"".join(DAYS[date(2013, 3, 10)]))
    # Files that are no data file: reported, never read.
    (root / "raw/flights/flights_2013-03-11.csv").write_bytes(HEADER)
    (root / "raw/flights/delivered=2013-03-01/flights_2013-03-12.csv.zip").write_bytes(b"PK")
    (root / "raw/flights/delivered=2013-03-01/notes.txt").write_bytes(b"hello")
    run = run_daily(lake)
    monkeypatch.undo()
    return root, all_cases, run.result("process_flights")


def test_corpus_has_30_kinds():
    assert len(cases()) >= 30


def test_every_line_has_its_expected_fate(corpus):
    root, all_cases, _ = corpus
    bad = pq.read_table(root / "quarantine" / "flights").to_pandas()
    published = pq.read_table(root / "processed" / "flights").to_pandas()
    per_file = Counter(published.source_file)
    for case in all_cases:
        path = f"raw/flights/delivered=2013-03-01/{case.name}"
        rows = bad[bad.source_file == path]
        got = dict(zip(rows.line.astype(int), rows.rule, strict=True))
        assert got == case.bad, case.kind
        assert per_file.get(path, 0) == case.published, case.kind


def test_accounting_is_exact(corpus):
    _, all_cases, result = corpus
    expected_bad = sum(len(c.bad) for c in all_cases)
    assert result.quarantined == expected_bad
    assert result.duplicates == sum(c.duplicates for c in all_cases)
    assert result.blank == sum(c.blank for c in all_cases)
    assert result.superseded == 100  # the earlier delivery of March 10
    assert result.balanced


def test_raw_bytes_are_kept_exactly(corpus):
    """Every quarantined line of every case keeps the bytes of its line in the file."""
    root, all_cases, _ = corpus
    bad = pq.read_table(root / "quarantine" / "flights").to_pandas()
    checked = 0
    for case in all_cases:
        if case.name.endswith(".gz"):
            continue  # its lines are those of the decompressed file (or it has none)
        lines = case.content.split(b"\n")
        path = f"raw/flights/delivered=2013-03-01/{case.name}"
        for row in bad[bad.source_file == path].itertuples():
            assert row.raw_bytes == lines[row.line - 1].removesuffix(b"\r"), case.kind
            checked += 1
    assert checked == sum(len(c.bad) for c in all_cases if not c.name.endswith(".gz"))


def test_values_are_never_altered(corpus):
    root, all_cases, _ = corpus
    published = pq.read_table(root / "processed" / "flights").to_pandas()
    by_kind = {c.kind: c for c in all_cases}
    for kind in ("reordered columns", "quoted plain field", "header in upper case"):
        path = f"raw/flights/delivered=2013-03-01/{by_kind[kind].name}"
        day = date.fromisoformat(by_kind[kind].name[8:18])
        expected = sorted(r.split(b",")[TAILNUM].decode() for r in DAYS[day])
        got = sorted(published[published.source_file == path].tailnum.fillna("NA"))
        assert got == expected, kind


def test_header_drift_and_unread_files_are_reported(corpus):
    _, all_cases, result = corpus
    for case in all_cases:
        if case.drift:
            assert f"raw/flights/delivered=2013-03-01/{case.name}: {case.drift}" in result.drift
    assert sorted(result.unmatched) == [
        "raw/flights/delivered=2013-03-01/flights_2013-03-12.csv.zip",
        "raw/flights/delivered=2013-03-01/notes.txt",
        "raw/flights/flights_2013-03-11.csv",
    ]
