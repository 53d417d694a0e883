"""processed weather, planes and airports on hand-written rows."""

from datetime import date, datetime

from flightlake.contracts import get
from flightlake.processing.parsing import apply_rules
from glue_jobs.transforms import airports, planes, weather


def test_weather_keeps_both_local_01_hours_of_the_dst_night(make_raw):
    raw = make_raw(
        "weather",
        [
            "EWR,2013,11,3,1,50,40,70,200,10,NA,0,1010,10,2013-11-03T05:00:00Z",
            "EWR,2013,11,3,1,49,40,71,200,9,NA,0,1011,10,2013-11-03T06:00:00Z",
        ],
        file_date=date(2013, 11, 3),
    )
    rows = (
        apply_rules(weather.transform(raw, {}, "r"), get("weather").all_rules())
        .orderBy("_line")
        .collect()
    )
    assert [r.observed_at_utc for r in rows] == [datetime(2013, 11, 3, 5), datetime(2013, 11, 3, 6)]
    assert {r.observed_at_local for r in rows} == {datetime(2013, 11, 3, 1)}
    assert rows[0].temp_f == 50.0 and rows[0].wind_dir_deg == 200 and rows[0].wind_gust_mph is None
    assert all(r._errors == [] for r in rows)


def test_weather_impossible_wind_is_a_rule_break(make_raw):
    raw = make_raw(
        "weather",
        ["EWR,2013,2,12,3,39,27,61,260,1048.36,NA,0,1008,10,2013-02-12T08:00:00Z"],
        file_date=date(2013, 2, 12),
    )
    row = apply_rules(weather.transform(raw, {}, "r"), get("weather").all_rules()).first()
    assert row._errors == ["wind_speed_mph_range"]


def test_planes_unknown_year_is_null_not_zero(make_raw):
    raw = make_raw(
        "planes",
        [
            "n10156 ,NA,Fixed wing multi engine,EMBRAER,EMB-145XR,2,55,NA,Turbo-fan",
            "N102UW,0,Fixed wing multi engine,AIRBUS,A320-214,2,182,NA,Turbo-fan",
            "N103US,1999,Fixed wing multi engine,AIRBUS,A320-214,2,182,NA,Turbo-fan",
        ],
    )
    rows = planes.transform(raw, {}, "r").orderBy("_line").collect()
    assert [(r.tailnum, r.year_built) for r in rows] == [
        ("N10156", None),
        ("N102UW", None),
        ("N103US", 1999),
    ]


def test_airports_supplement_fills_only_missing_codes(spark, make_raw):
    raw = make_raw(
        "airports",
        [
            "EWR,Newark Liberty Intl,40.69,-74.17,18,-5,A,America/New_York",
            "SJU,From The Provider,18.43,-66.0,9,-4,N,America/Puerto_Rico",
        ],
    )
    supplement = spark.createDataFrame(
        [
            ("SJU", "Supplement SJU", 18.4, -66.0, 9, -4.0, "N", "America/Puerto_Rico", "ref.csv"),
            (
                "BQN",
                "Supplement BQN",
                18.5,
                -67.1,
                237,
                -4.0,
                "N",
                "America/Puerto_Rico",
                "ref.csv",
            ),
        ],
        "faa string, name string, lat double, lon double, alt_ft int, utc_offset_h double, "
        "dst string, tzone string, source_file string",
    )
    rows = {
        r.faa: r
        for r in airports.transform(raw, {"airports_supplement": supplement}, "r").collect()
    }
    assert set(rows) == {"EWR", "SJU", "BQN"}
    assert (rows["SJU"].name, rows["SJU"].origin) == ("From The Provider", "snapshot")
    assert (rows["BQN"].origin, rows["BQN"]._line) == ("supplement", None)
