"""Feature logic on tiny inline flights: labels, point-in-time history, weather windows,
holidays, vocabularies, splits, and the leakage test."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from pyspark.sql import types as T

from features import build, vocabulary
from features.definitions import FEATURE_NAMES, HISTORY_WINDOWS, LABEL, PREVIOUS_LEG_WINDOWS
from features.split import SplitConfig

SCHEMA = T.StructType(
    [
        T.StructField("flight_id", T.StringType()),
        T.StructField("flight_date", T.DateType()),
        T.StructField("carrier", T.StringType()),
        T.StructField("origin", T.StringType()),
        T.StructField("dest", T.StringType()),
        T.StructField("tailnum", T.StringType()),
        T.StructField("sched_dep_hour", T.IntegerType()),
        T.StructField("on_time", T.BooleanType()),
        T.StructField("sched_dep_local", T.TimestampNTZType()),
        T.StructField("sched_arr_local", T.TimestampNTZType()),
        T.StructField("distance", T.IntegerType()),
        T.StructField("plane_age_years", T.IntegerType()),
        T.StructField("seats", T.IntegerType()),
        T.StructField("engines", T.IntegerType()),
        T.StructField("plane_known", T.BooleanType()),
        *(
            T.StructField(c, T.DoubleType())
            for c in (
                "temp_f",
                "dewpoint_f",
                "humidity_pct",
                "wind_speed_mph",
                "wind_gust_mph",
                "precip_in",
                "pressure_mb",
                "visibility_mi",
            )
        ),
        T.StructField("flight", T.IntegerType()),
        T.StructField("sched_dep_utc", T.TimestampType()),
        T.StructField("sched_arr_utc", T.TimestampType()),
    ]
)
UTC_OFFSET = timedelta(hours=4)  # New York in July (EDT)


def flight(day: int, hour: int, on_time: bool, *, carrier="AA", tail="N1", number=1,
           precip=0.0, visibility=10.0, dest="LAX", month=7, temp=50.0) -> tuple:
    d = date(2013, month, day)
    dep = datetime(2013, month, day, hour, 30)
    arr = dep + timedelta(hours=3)
    return (
        f"{d:%Y%m%d}-{carrier}-{number}-JFK", d, carrier, "JFK", dest, tail, hour, on_time,
        dep, arr, 2475, 10, 180, 2, True,
        temp, 40.0, 60.0, 10.0, None, precip, 1015.0, visibility,
        number, dep + UTC_OFFSET, arr + UTC_OFFSET,
    )


def features(spark, rows, holidays=()):
    out = build.transform(spark.createDataFrame(rows, SCHEMA), holidays)
    return {r["flight_id"]: r.asDict() for r in out.collect()}


@pytest.fixture(scope="module")
def got(spark):
    """One Spark pass over every case (each case on its own carrier or day)."""
    rows = [
        # history: carrier AA on July 1-3
        flight(1, 8, False, number=1),
        flight(1, 9, True, number=2),
        flight(2, 8, False, number=1),
        flight(3, 8, True, number=1),  # same day as the scored flight: must not count
        flight(3, 9, True, number=2),
        # holidays: July 4th
        flight(4, 8, True, carrier="WN"),
        # no tail number on two days
        flight(5, 8, False, carrier="UA", tail=None),
        flight(6, 8, False, carrier="UA", tail=None),
        # weather windows on July 20, and a flight after midnight
        flight(20, 6, True, carrier="DL", number=1, precip=0.1, visibility=2.0),
        flight(20, 8, True, carrier="DL", number=2, precip=0.2),
        flight(20, 23, True, carrier="DL", number=3, precip=0.0),
        flight(21, 1, True, carrier="DL", number=4, precip=0.5, visibility=0.5),
        # the plane's day and the origin's load on July 10 (flight 1 was late on July 9)
        flight(9, 6, False, carrier="F9", tail="N9", number=1),
        flight(10, 6, True, carrier="F9", tail="N9", number=1),
        flight(10, 13, True, carrier="F9", tail="N9", number=2),
        flight(10, 6, True, carrier="US", tail=None, number=5),
        # freezing precipitation on December 2
        flight(2, 7, True, carrier="EV", number=1, precip=0.2, temp=30.0, month=12),
        flight(2, 9, True, carrier="EV", number=2, precip=0.1, temp=36.0, month=12),
    ]
    return features(spark, rows, build.federal_holidays(2013, 2013))


def test_label_is_dot_not_on_time(got):
    assert got["20130701-AA-1-JFK"][LABEL] == 1
    assert got["20130701-AA-2-JFK"][LABEL] == 0


def test_history_uses_only_earlier_days(got):
    first, third = got["20130701-AA-1-JFK"], got["20130703-AA-2-JFK"]
    assert first["carrier_flights_7d"] == 0 and first["carrier_late_rate_7d"] is None
    # Day 3, window of 1 day: day 2 only (1 flight, late).
    assert third["carrier_flights_1d"] == 1 and third["carrier_late_rate_1d"] == 1.0
    # Window of 7 days: days 1 and 2 (3 flights, 2 late).
    assert third["carrier_flights_7d"] == 3
    assert third["carrier_late_rate_7d"] == pytest.approx(2 / 3)
    # origin × hour 9: only day 1's 09:00 flight (on time).
    assert third["origin_hour_flights_7d"] == 1 and third["origin_hour_late_rate_7d"] == 0.0


def test_missing_tail_has_no_history_not_a_null_group(got):
    row = got["20130706-UA-1-JFK"]
    assert row["tail_flights_28d"] == 0 and row["tail_late_rate_28d"] is None
    assert row["carrier_flights_1d"] == 1


def test_weather_window_stays_inside_the_local_day(got):
    assert got["20130720-DL-2-JFK"]["precip_window_in"] == pytest.approx(0.3)
    assert got["20130720-DL-2-JFK"]["visibility_window_min_mi"] == 2.0
    assert got["20130720-DL-3-JFK"]["precip_window_in"] == 0.0
    assert got["20130720-DL-3-JFK"]["visibility_window_min_mi"] == 10.0
    assert got["20130720-DL-1-JFK"]["precip_day_in"] == pytest.approx(0.3)


def test_the_planes_day_from_the_schedule(got):
    first, second = got["20130710-F9-1-JFK"], got["20130710-F9-2-JFK"]
    assert (first["tail_legs_day"], first["tail_leg_number"]) == (2, 1)
    assert (second["tail_legs_day"], second["tail_leg_number"]) == (2, 2)
    assert first["tail_turn_minutes"] is None
    # Previous leg arrives 09:30, this one leaves 13:30.
    assert second["tail_turn_minutes"] == 240
    assert first["tail_first_dep_minute"] == second["tail_first_dep_minute"] == 6 * 60 + 30
    # The previous leg (flight 1) was late on its only earlier day.
    assert first["prev_leg_late_rate_7d"] is None
    assert second["prev_leg_late_rate_7d"] == 1.0


def test_a_flight_without_tail_flies_one_leg(got):
    row = got["20130710-US-5-JFK"]
    assert (row["tail_legs_day"], row["tail_leg_number"]) == (1, 1)
    assert row["tail_turn_minutes"] is None and row["prev_leg_late_rate_28d"] is None


def test_origin_load_counts_the_days_schedule(got):
    assert got["20130710-US-5-JFK"]["origin_hour_departures"] == 2  # F9 1 and US 5 at 06:xx
    assert got["20130710-F9-2-JFK"]["origin_hour_departures"] == 1
    assert got["20130710-F9-2-JFK"]["origin_day_departures"] == 3
    assert got["20130710-F9-2-JFK"]["carrier_origin_day_departures"] == 2


def test_weather_before_departure_and_over_the_day(got):
    assert got["20130720-DL-1-JFK"]["precip_before_in"] == pytest.approx(0.1)
    assert got["20130720-DL-2-JFK"]["precip_before_in"] == pytest.approx(0.3)
    assert got["20130720-DL-3-JFK"]["visibility_before_min_mi"] == 2.0
    assert got["20130720-DL-1-JFK"]["precip_hours_day"] == 2
    # Only the hour at or below 34 °F counts as frozen.
    assert got["20131202-EV-2-JFK"]["frozen_precip_day_in"] == pytest.approx(0.2)


def test_previous_leg_windows_are_history_windows():
    """The previous-leg features read the flight-number history of these windows."""
    assert set(PREVIOUS_LEG_WINDOWS) <= set(HISTORY_WINDOWS)


def test_holidays(got):
    assert got["20130704-WN-1-JFK"]["is_holiday"] == 1
    assert got["20130701-AA-2-JFK"]["is_holiday"] == 0
    assert got["20130701-AA-2-JFK"]["days_to_holiday"] == 3
    assert date(2013, 11, 28) in build.federal_holidays(2013, 2013)


def test_no_feature_depends_on_its_own_date_or_later(spark):
    """Leakage: change every outcome from day 10 on, and everything after day 10 (drop
    flights, add flights, change weather): the features of days ≤ 10 do not move."""
    base = []
    for day in range(1, 16):
        for n, (carrier, tail, dest) in enumerate(
            [("AA", "N1", "LAX"), ("B6", "N2", "BOS"), ("AA", "N3", "BOS"), ("B6", "N1", "LAX")]
        ):
            late = (day * 7 + n * 3) % 5 == 0
            base.append(
                flight(day, 6 + 3 * n, not late, carrier=carrier, tail=tail, dest=dest,
                       number=n, precip=0.01 * ((day + n) % 3))
            )
        if day % 2:  # a second departure in the 06:00 hour, without a tail number
            base.append(flight(day, 6, day % 3 == 0, carrier="UA", tail=None, number=7))
    cut = date(2013, 7, 10)
    changed = []
    for row in base:
        if row[1] > cut:
            if row[6] == 12:
                continue  # a flight gone
            row = (*row[:7], not row[7], *row[8:20], 1.5, row[21], 0.1, *row[23:])  # + weather
        elif row[1] == cut:
            row = (*row[:7], not row[7], *row[8:])  # the day's own outcomes
        changed.append(row)
    changed.append(flight(12, 7, False, carrier="ZZ", tail="N1", number=99))  # a new flight

    before, after = features(spark, base), features(spark, changed)
    compared = 0
    for flight_id, row in before.items():
        if row["flight_date"] > cut:
            continue
        assert {f: after[flight_id][f] for f in FEATURE_NAMES} == {
            f: row[f] for f in FEATURE_NAMES
        }, flight_id
        compared += 1
    assert compared == 45
    # Every feature takes more than one value among the compared flights, so each is tested.
    constant = {"is_holiday", "plane_age_years", "seats", "engines", "plane_known", "temp_f",
                "dewpoint_f", "humidity_pct", "wind_speed_mph", "wind_gust_mph", "pressure_mb",
                "visibility_mi", "visibility_window_min_mi", "visibility_day_min_mi",
                "visibility_before_min_mi", "wind_window_max_mph", "wind_day_max_mph",
                "wind_before_max_mph", "frozen_precip_day_in", "pressure_day_range_mb",
                "month", "distance", "origin", "days_to_holiday"}
    varied = {
        f for f in FEATURE_NAMES
        if len({repr(r[f]) for r in before.values() if r["flight_date"] <= cut}) > 1
    }
    assert varied == set(FEATURE_NAMES) - constant
    # The same change does move features after the cut: the comparison can fail.
    moved = [
        i for i, row in before.items()
        if row["flight_date"] > cut and i in after
        and any(after[i][f] != row[f] for f in FEATURE_NAMES)
    ]
    assert len(moved) > 10


def test_vocabulary_from_training_rows_only(spark):
    train = spark.createDataFrame(
        [("AA", "JFK", "LAX"), ("AA", "JFK", "BOS"), ("B6", "LGA", "LAX")],
        "carrier string, origin string, dest string",
    )
    vocab = vocabulary.build(train)
    assert vocab == {"carrier": ["AA", "B6"], "origin": ["JFK", "LGA"], "dest": ["LAX", "BOS"]}
    later = spark.createDataFrame(
        [("B6", "EWR", "LAX"), (None, "JFK", "SFO")], "carrier string, origin string, dest string"
    )
    coded = [tuple(r) for r in vocabulary.encode(later, vocab).collect()]
    assert coded == [(2, vocabulary.UNKNOWN, 1), (vocabulary.UNKNOWN, 1, vocabulary.UNKNOWN)]


def test_split_config(tmp_path, spark):
    config = SplitConfig.load()
    assert config.ranges["validation"] == (date(2013, 10, 1), date(2013, 10, 31))
    df = spark.createDataFrame(
        [(date(2013, 9, 30),), (date(2013, 10, 1),), (date(2013, 12, 31),)], "d date"
    )
    assert [r[0] for r in df.select(config.column(df.d)).collect()] == [
        "train", "validation", "test"
    ]
    bad = tmp_path / "splits.toml"
    bad.write_text(
        '[train]\nfrom = 2013-01-01\nto = 2013-10-31\n[validation]\nfrom = 2013-10-01\n'
        'to = 2013-10-31\n[test]\nfrom = 2013-11-01\nto = 2013-12-31\n'
    )
    with pytest.raises(ValueError, match="overlap"):
        SplitConfig.load(bad)
    bad.write_text("[train]\nfrom = 'soon'\nto = 2013-01-02\n")
    with pytest.raises(ValueError, match="not a YYYY-MM-DD date"):
        SplitConfig.load(bad)
