"""Athena functions transpiled to DuckDB give Trino's results (expected values are Trino's
documented semantics, written by hand)."""

from datetime import date, datetime
from decimal import Decimal

import duckdb
import pytest

from flightlake.athena_sql import SqlError, remap_databases
from flightlake.query import run, to_duckdb


@pytest.fixture
def con():
    c = duckdb.connect()
    c.execute("SET TimeZone = 'UTC'")
    yield c
    c.close()


def value(con, expr: str):
    return run(con, f"SELECT {expr} AS v").to_pylist()[0]["v"]


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("date_trunc('month', TIMESTAMP '2013-03-10 23:59:00')", datetime(2013, 3, 1)),
        ("date_trunc('hour', TIMESTAMP '2013-03-10 23:59:00')", datetime(2013, 3, 10, 23)),
        ("date_diff('day', DATE '2013-01-01', DATE '2013-01-06')", 5),
        # Trino counts whole units elapsed, not boundaries crossed.
        (
            "date_diff('minute', TIMESTAMP '2013-01-01 10:00:59', TIMESTAMP '2013-01-01 10:01:00')",
            0,
        ),
        ("date_diff('day', TIMESTAMP '2013-01-01 00:00:01', TIMESTAMP '2013-01-02 00:00:00')", 0),
        (
            "date_diff('hour', TIMESTAMP '2013-01-02 00:00:00', TIMESTAMP '2013-01-01 00:00:00')",
            -24,
        ),
        ("date_format(TIMESTAMP '2013-01-01 05:07:09', '%Y-%m %H:%i:%s')", "2013-01 05:07:09"),
        ("format_datetime(TIMESTAMP '2013-07-04 18:00:00', 'yyyy-MM')", "2013-07"),
        ("hour(from_iso8601_timestamp('2013-01-01T10:00:00Z'))", 10),
        ("try_cast('abc' AS integer)", None),
        ("try_cast('12' AS integer)", 12),
        ("regexp_like('UA', '^[A-Z0-9]{2}$')", True),
        ("regexp_like('U$', '^[A-Z0-9]{2}$')", False),
        ("day_of_week(DATE '2013-01-06')", 7),
        ("month(DATE '2013-12-31') * 100 + year(DATE '2013-12-31') - 2013", 1200),
        ("greatest(1, NULL, 3)", None),
        ("round(2.675, 2)", Decimal("2.68")),  # a DECIMAL literal in Trino too
        ("concat('E', 'WR')", "EWR"),
        ("cardinality(ARRAY[1, 2, 3])", 3),
        ("date_add('day', 1, DATE '2013-12-31')", datetime(2014, 1, 1)),
    ],
)
def test_function_semantics(con, expr, expected):
    got = value(con, expr)
    if isinstance(got, datetime) and isinstance(expected, datetime):
        got = got.replace(tzinfo=None)
    if isinstance(got, date) and not isinstance(got, datetime):
        got = datetime(got.year, got.month, got.day)
    assert got == expected


def test_aggregates(con):
    row = run(
        con,
        "SELECT approx_percentile(x, 0.5) AS p50, approx_percentile(x, 0.9) AS p90, "
        "count_if(x > 900) AS big FROM (SELECT range + 1 AS x FROM range(1000)) t",
    ).to_pylist()[0]
    assert abs(row["p50"] - 500) <= 5 and abs(row["p90"] - 900) <= 9
    assert row["big"] == 100


def test_database_names_are_mapped_and_catalog_dropped():
    import sqlglot

    tree = sqlglot.parse_one('SELECT * FROM "awsdatacatalog"."curated"."flights"', read="athena")
    assert remap_databases(tree, {"curated": "dev_curated"}).sql(dialect="athena") == (
        'SELECT * FROM "dev_curated"."flights"'
    )


def test_parse_error_names_source_line_and_column():
    with pytest.raises(SqlError, match=r"^views/x\.sql:3:9: Expecting \)"):
        to_duckdb("SELECT a,\n b FROM (\n SELECT 1", "views/x.sql")


def test_unknown_table_is_located_in_the_file(con):
    with pytest.raises(SqlError, match=r"^q\.sql:2: unknown table nope$"):
        run(con, "SELECT *\nFROM nope", "q.sql")


def test_runtime_error_falls_back_to_the_engine_message(con):
    with pytest.raises(SqlError, match=r"^q\.sql: Conversion Error: .*'x'"):
        run(con, "SELECT CAST('x' AS integer)", "q.sql")
