"""Land January for real, run, and check the processed layer against the source."""

import json

import pandas as pd
import pyarrow.parquet as pq

from flightlake.landing import read_source_csv


def test_row_accounting_balances_against_the_source(january, source_january):
    _, run = january
    t = run.result("process_flights")
    assert t.read == len(source_january) == 27004
    assert t.published + t.quarantined + t.duplicates + t.superseded == len(source_january)
    # Destinations the provider's airports snapshot lacks, found from the source itself.
    known = set(pd.read_csv(read_source_csv("airports")).faa)
    assert t.flags["dest_supplemented"] == int((~source_january.dest.isin(known)).sum()) == 680
    assert {o.status for o in run.outcomes} <= {"succeeded", "skipped"}


def test_published_values_match_the_source_for_a_sample(january, source_january):
    root, _ = january
    processed = pq.read_table(root / "processed" / "flights").to_pandas()
    sample = source_january.sample(200, random_state=7)
    sample = sample.assign(
        flight_id=[
            f"2013{m:02d}{d:02d}-{c}-{f}-{o}"
            for m, d, c, f, o in zip(
                sample.month, sample.day, sample.carrier, sample.flight, sample.origin, strict=True
            )
        ]
    )
    joined = sample.merge(processed, on="flight_id", suffixes=("_src", ""))
    assert len(joined) == 200
    for col in ("dep_delay", "arr_delay", "distance", "air_time"):
        pd.testing.assert_series_equal(
            joined[f"{col}_src"].astype("Float64"), joined[col].astype("Float64"), check_names=False
        )
    assert (joined.dest_src == joined.dest).all() and (joined.carrier_src == joined.carrier).all()
    # The source's time_hour is the scheduled hour in UTC.
    src_hour = pd.to_datetime(joined.time_hour).dt.tz_localize(None)
    assert (joined.sched_dep_utc.dt.tz_convert(None).dt.floor("h") == src_hour).all()
    departed = joined[joined.dep_time.notna()]
    clock = departed.dep_local.dt.hour * 100 + departed.dep_local.dt.minute
    assert (clock == departed.dep_time.where(departed.dep_time != 2400, 0)).all()


def test_every_table_is_published_with_one_file_per_partition(january):
    root, _ = january
    files = sorted(p.relative_to(root).as_posix() for p in (root / "processed").rglob("*.parquet"))
    assert "processed/flights/flight_month=2013-01/part-00000.parquet" in files
    assert "processed/airports/part-00000.parquet" in files
    assert len([f for f in files if f.startswith("processed/flights/")]) == 1
    airports = pq.read_table(root / "processed" / "airports").to_pandas()
    assert set(airports.loc[airports.origin == "supplement", "faa"]) == {"SJU", "BQN", "STT", "PSE"}


def test_curated_flights_keep_every_processed_flight(january):
    root, run = january
    curated = pq.read_table(root / "curated" / "flights").to_pandas()
    assert len(curated) == 27004 and curated.flight_id.is_unique
    assert run.result("curate").months == ["2013-01"]
    # Weather exists for almost every scheduled hour; the rest are kept with a flag.
    assert 0.97 < curated.weather_known.mean() < 1.0
    assert (
        curated.plane_known.sum() == (curated.tailnum.notna() & ~curated.tailnum_unregistered).sum()
    )


def test_daily_airport_stats_match_the_source(january, source_january):
    root, _ = january
    stats = pq.read_table(root / "curated" / "daily_airport_stats").to_pandas()
    src = source_january.assign(
        flight_date=pd.to_datetime(source_january[["year", "month", "day"]]).dt.date,
        cancelled=source_january.dep_time.isna(),
        on_time=source_january.arr_delay < 15,  # NaN (cancelled, diverted) is not on time
    )
    expected = (
        src.groupby(["flight_date", "origin"])
        .agg(
            flights=("flight", "size"),
            cancelled=("cancelled", "sum"),
            on_time=("on_time", "sum"),
            median_arr_delay=("arr_delay", "median"),
            p90_dep_delay=("dep_delay", lambda s: s.quantile(0.9)),
        )
        .reset_index()
    )
    merged = expected.merge(stats, on=["flight_date", "origin"], suffixes=("_src", ""))
    assert len(merged) == len(expected) == len(stats) == 31 * 3
    for col in ("flights", "cancelled", "on_time"):
        assert (merged[f"{col}_src"] == merged[col]).all(), col
    for col in ("median_arr_delay", "p90_dep_delay"):
        assert (merged[f"{col}_src"] - merged[col]).abs().max() < 1e-9, col


def test_every_table_passes_its_quality_gate(january):
    root, run = january
    record = json.loads((root / run.record).read_text())
    assert record["status"] == "succeeded"
    assert sorted(run.quality) == [
        "curated.daily_airport_stats",
        "curated.daily_route_stats",
        "curated.flights",
        "processed.airlines",
        "processed.airports",
        "processed.flights",
        "processed.planes",
        "processed.weather",
    ]
    for table, quality in run.quality.items():
        assert quality["passed"] and quality["expectations"] > 10, table
        assert quality["critical_failed"] == [], table


def test_run_records_carry_the_metrics_the_alarms_read(january, source_january):
    """Each step's record holds its counts as metrics (on AWS also sent to CloudWatch); only
    the step that completes the daily workflow counts a successful run."""
    root, run = january
    records = {
        o.step.name: json.loads((root / o.record).read_text()) for o in run.outcomes if o.record
    }
    flights = records["process_flights"]["metrics"]
    assert flights["RowsRead"] == len(source_january) == 27004
    t = run.result("process_flights")
    assert flights["RowsPublished"] == t.published and flights["RowsQuarantined"] == t.quarantined
    assert flights["GateFailures"] == 0 and flights["Seconds"] > 0
    curated = records["curate"]["metrics"]
    assert curated["RowsPublished"] == sum(run.result("curate").rows.values()) > 0
    completed = {name for name, r in records.items() if r["metrics"]["RunsSucceeded"]}
    assert completed == {"refresh_views"}
