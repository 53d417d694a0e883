"""curated.flights and the daily statistics on hand-written rows."""

from datetime import date, datetime

import pytest

from glue_jobs.transforms import curated_flights, daily_stats

FLIGHTS = (
    "flight_id string, flight_date date, carrier string, origin string, dest string, "
    "tailnum string, status string, sched_dep_local timestamp_ntz, sched_dep_utc timestamp, "
    "dep_delay int, arr_delay int"
)


@pytest.fixture(scope="module")
def refs(spark):
    weather = spark.createDataFrame(
        [("EWR", datetime(2013, 1, 1, 10), 35.0, 10.0, 0.0, 10.0)],
        "origin string, observed_at_utc timestamp, temp_f double, wind_speed_mph double, "
        "precip_in double, visibility_mi double",
    )
    for name in ("dewpoint_f", "humidity_pct", "wind_gust_mph", "pressure_mb"):
        weather = weather.withColumn(name, weather.temp_f * 0.0)
    weather = weather.withColumn("wind_dir_deg", weather.temp_f.cast("int"))
    planes = spark.createDataFrame(
        [("N1", 2004, "EMBRAER", "E145", 2, 55)],
        "tailnum string, year_built int, manufacturer string, model string, engines int, seats int",
    )
    airports = spark.createDataFrame(
        [("EWR", "Newark"), ("IAH", "Houston")], "faa string, name string"
    )
    airlines = spark.createDataFrame([("UA", "United")], "carrier string, name string")
    return {"weather": weather, "planes": planes, "airports": airports, "airlines": airlines}


def flight(fid, status="departed", tail="N1", arr=10, dep=0, utc_hour=10, dest="IAH"):
    return (
        fid,
        date(2013, 1, 1),
        "UA",
        "EWR",
        dest,
        tail,
        status,
        datetime(2013, 1, 1, utc_hour - 5, 15),
        datetime(2013, 1, 1, utc_hour, 15),
        dep,
        arr,
    )


def test_enrichment_keeps_every_flight_and_flags_unknowns(spark, refs):
    df = spark.createDataFrame(
        [
            flight("a"),
            flight("b", tail="N999", utc_hour=11, dest="ZZZ"),
        ],
        FLIGHTS,
    )
    rows = {r.flight_id: r for r in curated_flights.transform(df, refs).collect()}
    assert len(rows) == 2
    a, b = rows["a"], rows["b"]
    assert (a.weather_known, a.temp_f, a.plane_known, a.plane_age_years, a.seats) == (
        True,
        35.0,
        True,
        9,
        55,
    )
    assert (a.carrier_name, a.origin_name, a.dest_name, a.sched_dep_hour) == (
        "United",
        "Newark",
        "Houston",
        5,
    )
    assert (b.weather_known, b.temp_f, b.plane_known, b.plane_age_years, b.dest_name) == (
        False,
        None,
        False,
        None,
        None,
    )


def test_a_plane_registered_after_the_flight_has_no_age(spark, refs):
    """The registry is a snapshot: a 2004 aircraft's tail number flew in 2003 on another."""
    early = (flight("c")[0], date(2003, 6, 1), *flight("c")[2:])
    built_that_year = (flight("d")[0], date(2004, 1, 1), *flight("d")[2:])
    rows = {
        r.flight_id: r
        for r in curated_flights.transform(
            spark.createDataFrame([early, built_that_year], FLIGHTS), refs
        ).collect()
    }
    assert (rows["c"].plane_known, rows["c"].plane_age_years, rows["c"].seats) == (True, None, 55)
    assert rows["d"].plane_age_years == 0


@pytest.mark.parametrize(
    ("status", "arr", "dep", "on_time", "bucket", "dep15"),
    [
        ("departed", -3, 0, True, "early", False),
        ("departed", 14, 20, True, "on_time", True),
        ("departed", 15, 15, False, "15_44", True),
        ("departed", 45, 50, False, "45_119", True),
        ("departed", 120, 130, False, "120_plus", True),
        ("cancelled", None, None, False, "cancelled", False),
        ("diverted", None, 3, False, "diverted", False),
    ],
)
def test_dot_on_time_and_buckets(spark, refs, status, arr, dep, on_time, bucket, dep15):
    df = spark.createDataFrame([flight("x", status=status, arr=arr, dep=dep)], FLIGHTS)
    row = curated_flights.transform(df, refs).first()
    assert (row.on_time, row.arr_delay_bucket, row.dep_delayed_15) == (on_time, bucket, dep15)
    assert row.is_cancelled == (status == "cancelled") and row.is_diverted == (status == "diverted")


def test_daily_stats_by_route(spark):
    rows = [
        (date(2013, 1, 1), "EWR", "IAH", d, a, a is not None and a < 15, c, False)
        for d, a, c in (
            (5, 10, False),
            (25, 20, False),
            (30, 30, False),
            (41, 40, False),
            (None, None, True),
        )
    ] + [(date(2013, 1, 1), "EWR", "ORD", 0, 0, True, False, False)]
    df = spark.createDataFrame(
        rows,
        "flight_date date, origin string, dest string, dep_delay int, "
        "arr_delay int, on_time boolean, is_cancelled boolean, is_diverted boolean",
    )
    out = {r.dest: r for r in daily_stats.transform(df, ["origin", "dest"]).collect()}
    iah = out["IAH"]
    assert (iah.flights, iah.cancelled, iah.diverted, iah.on_time) == (5, 1, 0, 1)
    assert iah.on_time_rate == 0.2
    assert (iah.mean_arr_delay, iah.median_arr_delay, iah.p90_arr_delay) == (25.0, 25.0, 37.0)
    assert (iah.median_dep_delay, iah.flight_month) == (27.5, "2013-01")
    assert out["ORD"].on_time_rate == 1.0
    by_airport = daily_stats.transform(df, ["origin"]).collect()
    assert [(r.origin, r.flights) for r in by_airport] == [("EWR", 6)]
