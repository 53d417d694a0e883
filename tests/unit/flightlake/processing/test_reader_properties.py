"""Property-based tests of reading and classifying raw lines (hypothesis): random quoting,
encodings, field counts and line endings. Every line gets exactly one fate, the accounting
holds, and a well-formed RFC 4180 line reads as Python's csv module reads it."""

from __future__ import annotations

import csv

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from flightlake.contracts import get
from flightlake.processing.parsing import parse
from flightlake.processing.raw_reader import read_lines, split_fields
from glue_jobs.process import classify

AIRLINES = get("airlines")  # two string columns: carrier, name
HEADER = b"carrier,name"

text = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\n\r"), max_size=12)


def rfc4180(value: str) -> str:
    """A field as a careful provider writes it: quoted when it must be."""
    if any(ch in value for ch in ',"') or value != value.strip():
        return '"' + value.replace('"', '""') + '"'
    return value


# (the line's bytes, the two values a reader must find in it, or None: no reference reading)
well_formed = st.tuples(text, text).map(
    lambda f: (",".join(rfc4180(v) for v in f).encode(), list(f))
)
raw_line = st.one_of(
    well_formed,
    # any number of fields, arbitrary quoting
    st.lists(text, max_size=4).map(lambda f: (",".join(f).encode(), None)),
    # bytes that may not be UTF-8 at all (no LF: that would make two lines)
    st.binary(max_size=20).map(lambda b: (b.replace(b"\n", b""), None)),
)
ending = st.sampled_from([b"\n", b"\r\n"])


def write(tmp_path, lines: list[bytes], endings: list[bytes]) -> str:
    data = HEADER + b"\n" + b"".join(line + end for line, end in zip(lines, endings, strict=True))
    path = tmp_path / "raw/airlines/delivered=2013-01-01/airlines.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return str(path)


def expected_value(value: str) -> str | None:
    """As the contract reads a string: spaces trimmed (Spark's trim), NA or empty → null."""
    trimmed = value.strip(" ")
    return None if trimmed in ("", "NA") else trimmed


def is_control(c: str) -> bool:
    return (ord(c) < 32 and c != "\t") or 0x7F <= ord(c) <= 0x9F


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.lists(st.tuples(raw_line, ending), min_size=1, max_size=8),
    last_newline=st.booleans(),
)
def test_every_line_gets_one_fate_and_good_lines_read_as_csv(spark, tmp_path, data, last_newline):
    # An empty last line without a line ending is no line at all: nothing to check.
    assume(last_newline or data[-1][0][0] != b"")
    lines = [line for (line, _), _ in data]
    endings = [end for _, end in data]
    if not last_newline:
        endings[-1] = b""
    uri = write(tmp_path, lines, endings)
    read = read_lines(spark, [uri], AIRLINES.source)
    typed = parse(split_fields(read.where("NOT _blank"), AIRLINES.source), AIRLINES.source)
    rows = {
        r._line: r
        for r in classify(typed, AIRLINES, set())
        .select("_line", "_fate", "_errors", "_raw_bytes", "carrier", "name")
        .collect()
    }
    blank = {r._line for r in read.where("_blank").select("_line").collect()}
    # Every line of the file after the header is a row (one fate) or blank, never both.
    assert set(rows) | blank == set(range(2, len(lines) + 2))
    assert not set(rows) & blank
    for number, ((line, values), end) in enumerate(
        zip([d[0] for d in data], endings, strict=True), start=2
    ):
        # A CR before the LF is line ending, not content.
        raw = line if end == b"\r\n" else line.removesuffix(b"\r")
        if number in blank:
            assert raw.strip(b" ") == b""
            continue
        row = rows[number]
        assert row._fate in ("published", "quarantined", "duplicate")
        assert bytes(row._raw_bytes) == raw  # the bytes are kept exactly
        try:
            decoded = raw.decode("utf-8")
        except UnicodeDecodeError:
            assert row._errors[0] == "encoding"
            continue
        if any(is_control(c) for c in decoded):
            assert row._errors[0] == "encoding"
            continue
        if decoded.count('"') % 2:
            assert "unbalanced_quote" in row._errors
        if values is not None:  # well formed: read as RFC 4180 says
            assert next(csv.reader([decoded], strict=True)) == values
            assert [row.carrier, row.name] == [expected_value(v) for v in values], decoded
            structural = {"encoding", "unbalanced_quote", "column_count", "line_too_long"}
            assert not structural & set(row._errors), decoded
