"""Every row gets exactly one fate: published, quarantined, duplicate or superseded."""

from datetime import date

from flightlake.contracts import get
from glue_jobs.process import classify
from glue_jobs.transforms import weather

OBS = "EWR,2013,1,1,1,39,26,59,270,10,NA,0,1012,10,2013-01-01T06:00:00Z"


def fates(df):
    return [(r._line, r._fate) for r in df.orderBy("_source_file", "_line").collect()]


def test_duplicate_hour_is_counted_once_and_bad_rows_do_not_shadow_good_ones(make_raw):
    raw = make_raw(
        "weather",
        [
            OBS.replace(",39,", ",bad,"),  # same key, but unparseable: quarantined
            OBS,
            OBS,  # the provider's duplicate hour
            OBS.replace("T06:", "T07:").replace(",1,39", ",2,39"),
        ],
        file_date=date(2013, 1, 1),
    )
    out = classify(weather.transform(raw, {}, "r"), get("weather"), superseded=set())
    assert fates(out) == [(2, "quarantined"), (3, "published"), (4, "duplicate"), (5, "published")]


def test_rows_of_a_superseded_delivery_are_set_aside(make_raw):
    raw = make_raw("weather", [OBS], file_date=date(2013, 1, 1))
    path = raw.first()._source_file
    out = classify(weather.transform(raw, {}, "r"), get("weather"), superseded={path})
    assert fates(out) == [(2, "superseded")]
