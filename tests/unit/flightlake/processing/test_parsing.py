from datetime import date

from pyspark.sql import Row

GOOD = "2013,1,1,517,515,2,830,819,11,UA,1545,N14228,EWR,IAH,227,1400,5,15,2013-01-01T10:00:00Z"


def errors(df):
    return [r["_errors"] for r in df.orderBy("_line").select("_errors").collect()]


def test_na_becomes_null_and_types_are_parsed(make_raw):
    line = "2013,1,1,NA,515,NA,NA,819,NA,UA,1545,NA,EWR,IAH,NA,1400,5,15,2013-01-01T10:00:00Z"
    row = make_raw("flights", [line], file_date=date(2013, 1, 1)).first()
    assert row.dep_time is None and row.tailnum is None and row.arr_delay is None
    assert row.sched_dep_time == 515 and row.distance == 1400
    assert row._errors == []


def test_wrong_column_count_and_unparseable_fields_are_named(make_raw):
    df = make_raw(
        "flights",
        [
            GOOD,
            GOOD + ",extra",
            GOOD.replace(",2,830", ",two,830"),
        ],
        file_date=date(2013, 1, 1),
    )
    assert errors(df) == [[], ["column_count"], ["dep_delay_unparseable"]]


def test_a_header_lacking_columns_names_each_missing_one(make_raw):
    df = make_raw("flights", [GOOD], file_date=date(2013, 1, 1), header="year,month,dia")
    first = errors(df)[0]
    assert first[:2] == ["missing_day", "missing_dep_time"] and "missing_year" not in first


def test_source_rules_check_dates_and_clock_times(make_raw):
    df = make_raw(
        "flights",
        [
            GOOD.replace("2013,1,1,517", "2013,1,2,517"),  # belongs to another day's file
            GOOD.replace(",517,515,", ",575,515,"),  # 5:75 is not a time
            GOOD.replace(",517,515,2,", ",517,515,9,"),  # delay disagrees with the clocks
        ],
        file_date=date(2013, 1, 1),
    )
    assert errors(df) == [
        ["date_matches_file"],
        ["dep_time_hhmm", "dep_delay_consistent"],
        ["dep_delay_consistent"],
    ]


def test_quoted_fields_with_commas_count_as_one_field(make_raw):
    df = make_raw("airlines", ['XX,"Acme, Inc."'])
    assert df.select("name", "_errors").first() == Row(name="Acme, Inc.", _errors=[])
