"""`flightlake sql` shows results as Athena does: its column names, its value text in the table
and in CSV (Athena's result file), lossless JSON lines; the values' text rules themselves."""

from __future__ import annotations

import json
import math
from decimal import Decimal

import pyarrow.parquet as pq
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from flightlake.cli import app
from flightlake.trino.text import cell, double_varchar, java_double

runner = CliRunner()

QUERY = (
    "SELECT 1 AS n, count(*), ARRAY[1, 2], MAP(ARRAY['a', 'b'], ARRAY[1, 2]), "
    "DATE '2013-01-31' AS d, TIMESTAMP '2013-01-31 23:30:00.000' AS ts, "
    "12345678901234567890.125 AS big, 1e10 AS dbl, CAST(NULL AS varchar) AS nothing, '' AS empty, "
    "'say \"hi\"' AS quoted, true AS yes"
)


def _sql(tmp_path, *args: str):
    (tmp_path / "lake" / "curated").mkdir(parents=True, exist_ok=True)
    result = runner.invoke(app, ["sql", *args, "--lake", str(tmp_path / "lake")])
    assert result.exit_code == 0, result.output
    return result.output


def test_csv_is_athenas_result_file(tmp_path):
    lines = _sql(tmp_path, QUERY, "--format", "csv").splitlines()
    assert lines == [
        '"n","_col1","_col2","_col3","d","ts","big","dbl","nothing","empty","quoted","yes"',
        '"1","1","[1, 2]","{a=1, b=2}","2013-01-31","2013-01-31 23:30:00.000",'
        '"12345678901234567890.125","1.0E10",,"","say ""hi""","true"',
    ]


def test_json_keeps_numbers_and_writes_the_rest_losslessly(tmp_path):
    (line,) = _sql(tmp_path, QUERY, "--format", "json").splitlines()
    assert json.loads(line) == {
        "n": 1,
        "_col1": 1,
        "_col2": [1, 2],
        "_col3": {"a": 1, "b": 2},
        "d": "2013-01-31",
        "ts": "2013-01-31 23:30:00.000",
        "big": "12345678901234567890.125",
        "dbl": 1e10,
        "nothing": None,
        "empty": "",
        "quoted": 'say "hi"',
        "yes": True,
    }


def test_a_parenthesized_column_keeps_its_name(tmp_path):
    lines = _sql(tmp_path, "SELECT (x), x + 1 FROM (VALUES 1) AS t(x)", "--format", "csv")
    assert lines.splitlines()[0] == '"x","_col1"'


def test_json_keeps_every_column_of_a_repeated_name(tmp_path):
    (line,) = _sql(tmp_path, "SELECT 1 AS id, 2 AS id", "--format", "json").splitlines()
    assert json.loads(line) == {"id": 1, "id#2": 2}


def test_table_shows_athenas_text(tmp_path):
    shown = _sql(tmp_path, "SELECT 7 / 2, avg(x), 1.0 / 3 FROM (VALUES 1, 2) AS t(x)")
    assert "_col0" in shown and "_col2" in shown
    assert "1.5" in shown and "0.3" in shown and "0.333" not in shown


def test_parquet_keeps_the_trino_types(tmp_path):
    out = tmp_path / "out.parquet"
    _sql(tmp_path, "SELECT 1.0 / 3 AS third", "--format", "parquet", "--output", str(out))
    field = pq.read_table(out).schema.field("third")
    assert field.metadata[b"trino_type"] == b"decimal(2, 1)"


def test_values_as_athena_writes_them():
    assert cell(0.1) == "0.1" and cell(100.0) == "100.0" and cell(1e-4) == "1.0E-4"
    assert cell(float("nan")) == "NaN" and cell(-math.inf) == "-Infinity"
    assert cell(True) == "true" and cell(None) is None
    assert cell([[1, None], []]) == "[[1, null], []]"
    assert cell({"x": 1, "y": "a"}) == "{x=1, y=a}"
    wide = Decimal("12345678901234567890123456789.12345678")
    assert cell(wide, "decimal(38, 9)") == "12345678901234567890123456789.123456780"


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_java_double_round_trips_in_javas_layout(x):
    """Double.toString: the shortest digits that read back as x, decimal notation exactly for
    10^-3 <= |x| < 10^7, else d.dddE±n with one digit before the point."""
    written = java_double(x)
    assert float(written.replace("E", "e")) == x
    scientific = "E" in written
    assert scientific == (x != 0 and not 1e-3 <= abs(x) < 1e7)
    mantissa = written.split("E")[0].lstrip("-")
    assert "." in mantissa and mantissa.split(".")[1] != ""
    if scientific:
        assert len(mantissa.split(".")[0]) == 1 and mantissa[0] != "0"


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_double_varchar_is_always_scientific(x):
    """CAST(double AS varchar): one digit, a point, at least one digit, E, the exponent."""
    written = double_varchar(x)
    assert float(written.replace("E", "e")) == x
    mantissa = written.lstrip("-").split("E")[0]
    if x == 0:
        assert mantissa == "0"  # 0E0, -0E0
    else:
        assert "." in mantissa and mantissa.split(".")[1] != ""
        assert 1 <= float(mantissa) < 10
