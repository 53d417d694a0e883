"""processed flights on hand-written rows: timestamps, midnight, DST, status, bad rows."""

from datetime import date, datetime

import pytest

from flightlake.contracts import get
from flightlake.processing.parsing import apply_rules
from glue_jobs.transforms import flights

D = date(2013, 1, 1)


@pytest.fixture(scope="module")
def refs(spark):
    airports = spark.createDataFrame(
        [
            ("EWR", "America/New_York", "snapshot"),
            ("JFK", "America/New_York", "snapshot"),
            ("LGA", "America/New_York", "snapshot"),
            ("IAH", "America/Chicago", "snapshot"),
            ("LAX", "America/Los_Angeles", "snapshot"),
            ("BQN", "America/Puerto_Rico", "supplement"),
        ],
        "faa string, tzone string, origin string",
    )
    planes = spark.createDataFrame([("N14228",), ("N547JB",)], "tailnum string")
    return {"airports": airports, "planes": planes}


def process(make_raw, refs, lines, file_date=D):
    raw = make_raw("flights", lines, file_date=file_date)
    out = apply_rules(flights.transform(raw, refs, "run-1"), get("flights").all_rules())
    return {r["_line"]: r for r in out.collect()}


def line(
    y,
    m,
    d,
    dep,
    sched_dep,
    dep_delay,
    arr,
    sched_arr,
    arr_delay,
    dest="IAH",
    tail="N14228",
    distance=1400,
    carrier="UA",
):
    return (
        f"{y},{m},{d},{dep},{sched_dep},{dep_delay},{arr},{sched_arr},{arr_delay},{carrier},"
        f"1545,{tail},EWR,{dest},227,{distance},{sched_dep // 100},{sched_dep % 100},x"
    )


def test_ordinary_flight_gets_local_and_utc_times(make_raw, refs):
    row = process(make_raw, refs, [line(2013, 1, 1, 517, 515, 2, 830, 819, 11)])[2]
    assert row.flight_id == "20130101-UA-1545-EWR"
    assert row.sched_dep_local == datetime(2013, 1, 1, 5, 15)
    assert row.sched_dep_utc == datetime(2013, 1, 1, 10, 15)
    assert row.dep_local == datetime(2013, 1, 1, 5, 17)
    assert row.sched_arr_local == datetime(2013, 1, 1, 8, 19)  # Houston clock
    assert row.sched_arr_utc == datetime(2013, 1, 1, 14, 19)
    assert row.arr_utc == datetime(2013, 1, 1, 14, 30)
    assert (row.status, row.flight_month, row.origin_tz, row.dest_tz) == (
        "departed",
        "2013-01",
        "America/New_York",
        "America/Chicago",
    )
    assert row._errors == []


def test_2400_is_midnight_of_the_next_day(make_raw, refs):
    row = process(make_raw, refs, [line(2013, 1, 1, 2400, 2359, 1, 2359, 2230, 89, dest="LAX")])[2]
    assert row.dep_local == datetime(2013, 1, 2, 0, 0)
    assert row.sched_arr_local == datetime(2013, 1, 1, 22, 30)  # LA clock, same day
    assert row.arr_local == datetime(2013, 1, 1, 23, 59)


def test_late_departure_and_arrival_after_midnight_on_the_spring_dst_day(make_raw, refs):
    # The real JFK→BQN row of 2013-03-10: scheduled 23:59, left 7 minutes late.
    row = process(
        make_raw,
        refs,
        [line(2013, 3, 10, 6, 2359, 7, 336, 338, -2, dest="BQN", tail="N547JB", distance=1576)],
        file_date=date(2013, 3, 10),
    )[2]
    assert row.sched_dep_utc == datetime(2013, 3, 11, 3, 59)  # EDT began that morning
    assert row.dep_local == datetime(2013, 3, 11, 0, 6)
    assert row.dep_utc == datetime(2013, 3, 11, 4, 6)
    assert row.sched_arr_local == datetime(2013, 3, 11, 3, 38)  # Puerto Rico, no DST
    assert row.arr_local == datetime(2013, 3, 11, 3, 36)
    assert row.arr_utc == datetime(2013, 3, 11, 7, 36)
    assert row.dest_supplemented is True and row.tailnum_unregistered is False


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [
        (date(2013, 3, 9), 11),
        (date(2013, 3, 10), 10),
        (date(2013, 11, 2), 10),
        (date(2013, 11, 3), 11),
    ],
)
def test_daylight_saving_changes_the_utc_offset(make_raw, refs, day, utc_hour):
    row = process(
        make_raw,
        refs,
        [line(day.year, day.month, day.day, 600, 600, 0, 900, 900, 0)],
        file_date=day,
    )[2]
    assert row.sched_dep_utc == datetime(day.year, day.month, day.day, utc_hour, 0)


def test_status_cancelled_and_diverted(make_raw, refs):
    rows = process(
        make_raw,
        refs,
        [
            line(2013, 1, 1, "NA", 515, "NA", "NA", 819, "NA"),
            line(2013, 1, 1, 517, 515, 2, 1100, 819, "NA"),
        ],
    )
    assert (rows[2].status, rows[2].dep_local, rows[2].arr_local) == ("cancelled", None, None)
    assert rows[3].status == "diverted" and rows[3].dep_local is not None
    assert rows[3].arr_local is None
    assert rows[2]._errors == [] and rows[3]._errors == []


def test_unknown_tail_is_flagged_and_normalised(make_raw, refs):
    rows = process(
        make_raw,
        refs,
        [
            line(2013, 1, 1, 517, 515, 2, 830, 819, 11, tail=" n14228 "),
            line(2013, 1, 1, 517, 515, 2, 830, 819, 11, tail="N999ZZ"),
        ],
    )
    assert (rows[2].tailnum, rows[2].tailnum_unregistered) == ("N14228", False)
    assert (rows[3].tailnum, rows[3].tailnum_unregistered) == ("N999ZZ", True)


def test_impossible_values_break_named_rules(make_raw, refs):
    rows = process(
        make_raw,
        refs,
        [
            line(2013, 1, 1, 517, 515, 2, 830, 819, 11, distance=-5),
            line(2013, 1, 1, 517, 515, 2, 830, 819, 2000),
            line(2013, 1, 1, 517, 515, 2, 830, 819, 11, carrier="U$"),
            line(2013, 1, 1, 517, 515, 2, 830, 819, 11, dest="ZZZ"),
        ],
    )
    assert rows[2]._errors == ["distance_range"]
    assert rows[3]._errors == ["arr_delay_range"]
    assert "carrier_format" in rows[4]._errors
    assert rows[5]._errors[0] == "dest_airport_known"


def test_departure_in_the_spring_forward_gap_is_quarantined(make_raw, refs):
    # 02:30 on 2013-03-10 never happened in New York: clocks went from 01:59 to 03:00.
    rows = process(
        make_raw,
        refs,
        [line(2013, 3, 10, 230, 230, 0, 530, 530, 0), line(2013, 3, 10, 330, 330, 0, 630, 630, 0)],
        file_date=date(2013, 3, 10),
    )
    assert rows[2]._errors == ["sched_dep_exists"]
    assert rows[3]._errors == [] and rows[3].sched_dep_utc == datetime(2013, 3, 10, 7, 30)


def test_autumn_repeated_hour_is_read_as_daylight_time(make_raw, refs):
    rows = process(
        make_raw, refs, [line(2013, 11, 3, 130, 130, 0, 430, 430, 0)], file_date=date(2013, 11, 3)
    )
    assert rows[2]._errors == [] and rows[2].sched_dep_utc == datetime(2013, 11, 3, 5, 30)
