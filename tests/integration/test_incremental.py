"""Incremental runs, reruns, corrected deliveries and bad rows, on a few real days."""

import os
import shutil
from datetime import date

import pyarrow.parquet as pq
import pytest

from flightlake.lake import Lake
from flightlake.landing import land
from flightlake.run_context import RunContext
from glue_jobs import curate
from tests.integration.conftest import layer_digest, nothing_new, run_daily


@pytest.fixture(autouse=True)
def _gate_off(monkeypatch):
    """These tests are about incremental runs, checked against reference layers. The
    quality gate has its own tests (test_quality_gate.py) and costs about a second per
    table per run: too much for the many runs here."""
    monkeypatch.setenv("FLIGHTLAKE_QUALITY_GATE", "off")


def flights_rows(root, day=None):
    df = pq.read_table(root / "processed" / "flights").to_pandas()
    return df if day is None else df[df.flight_date == day]


def test_second_run_reads_only_the_new_day_and_third_reads_nothing(lake_dir, monkeypatch):
    lake = Lake.at(str(lake_dir))
    land(lake, date(2013, 1, 1))
    first = run_daily(lake)
    assert first.result("process_flights").files_read == 1
    land(lake, date(2013, 1, 2))
    second = run_daily(lake)
    assert second.result("process_flights").inputs == [
        "raw/flights/delivered=2013-01-03/flights_2013-01-02.csv"
    ]
    assert second.result("process_airports").inputs == []
    assert second.result("process_flights").read == 943
    assert len(flights_rows(lake_dir)) == 842 + 943
    # Nothing new: no step may even start Spark.
    monkeypatch.setattr(RunContext, "spark", property(lambda ctx: pytest.fail(ctx.step)))
    assert nothing_new(run_daily(lake))


def test_rerun_after_a_lost_ledger_converges_to_the_same_layer(lake_dir):
    lake = Lake.at(str(lake_dir))
    land(lake, date(2013, 1, 2))
    run_daily(lake)
    before = layer_digest(lake_dir)
    # A run killed after publishing but before recording its inputs: redo everything.
    shutil.rmtree(lake_dir / "_state")
    rerun = run_daily(lake)
    assert rerun.result("process_flights").replaced == 842 + 943
    assert layer_digest(lake_dir) == before
    assert nothing_new(run_daily(lake))
    assert layer_digest(lake_dir) == before


def test_corrected_delivery_replaces_the_day_and_bad_rows_are_quarantined(lake_dir):
    lake = Lake.at(str(lake_dir))
    land(lake, date(2013, 1, 2))
    run_daily(lake)
    original = (lake_dir / "raw/flights/delivered=2013-01-02/flights_2013-01-01.csv").read_text()
    header, first, second, *rest = original.splitlines()
    corrected_first = first.replace(",1400,", ",1401,")  # distance corrected
    broken = second.replace(",1416,", ",-1416,")  # negative distance
    fixed = (
        "\n".join([header, corrected_first, broken, *rest[:-1], first]) + "\n"
    )  # dup + one row gone
    target = lake_dir / "raw/flights/delivered=2013-01-05/flights_2013-01-01.csv"
    target.parent.mkdir(parents=True)
    target.write_text(fixed)

    t = run_daily(lake).result("process_flights")
    assert (t.read, t.quarantined, t.duplicates, t.published) == (842, 1, 1, 840)
    assert t.replaced == 842
    day = flights_rows(lake_dir, date(2013, 1, 1))
    assert len(day) == 840 and day.flight_id.is_unique
    assert 1401 in set(day.distance) and 1400 not in set(
        day[day.flight_id == "20130101-UA-1545-EWR"].distance
    )
    assert len(flights_rows(lake_dir, date(2013, 1, 2))) == 943  # other days untouched

    bad = pq.read_table(lake_dir / "quarantine" / "flights").to_pandas()
    assert list(bad.rule) == ["distance_range"]
    assert bad.source_file[0] == "raw/flights/delivered=2013-01-05/flights_2013-01-01.csv"
    assert bad.line[0] == 3 and bad.raw_line[0] == broken
    assert t.samples == [
        "raw/flights/delivered=2013-01-05/flights_2013-01-01.csv:3: distance_range"
    ]


def test_two_deliveries_of_a_day_in_one_run_publish_only_the_latest(lake_dir):
    lake = Lake.at(str(lake_dir))
    land(lake, date(2013, 1, 1))
    src = lake_dir / "raw/flights/delivered=2013-01-02/flights_2013-01-01.csv"
    lines = src.read_text().splitlines()
    later = lake_dir / "raw/flights/delivered=2013-01-03/flights_2013-01-01.csv"
    later.parent.mkdir(parents=True)
    later.write_text("\n".join(lines[:101]) + "\n")  # header + 100 flights
    t = run_daily(lake).result("process_flights")
    assert (t.read, t.superseded, t.published, t.files_superseded) == (942, 842, 100, 1)
    assert len(flights_rows(lake_dir)) == 100


def test_curated_rebuilds_only_the_months_new_data_touched(lake_dir, monkeypatch):
    lake = Lake.at(str(lake_dir))
    land(lake, date(2013, 1, 31))
    assert run_daily(lake).result("curate").months == ["2013-01"]
    january = (lake_dir / "curated/flights/flight_month=2013-01/part-00000.parquet").stat()
    land(lake, date(2013, 2, 1))
    second = run_daily(lake).result("curate")
    assert second.months == ["2013-02"]
    assert second.rows["flights"] == len(flights_rows(lake_dir, date(2013, 2, 1)))
    assert (lake_dir / "curated/flights/flight_month=2013-01/part-00000.parquet").stat() == january
    assert nothing_new(run_daily(lake))

    # New curated logic rebuilds every month.
    monkeypatch.setattr(curate, "logic_version", lambda: "changed")
    assert curate.months_to_rebuild(lake) == ["2013-01", "2013-02"]
    monkeypatch.undo()
    # A processed month that disappears takes its curated month with it.
    (lake_dir / "processed/flights/flight_month=2013-02/part-00000.parquet").unlink()
    gone = run_daily(lake).result("curate")
    assert gone.months == [] and not gone.skipped
    assert not list((lake_dir / "curated").rglob("flight_month=2013-02/*.parquet"))
    assert (lake_dir / "curated/flights/flight_month=2013-01/part-00000.parquet").exists()
    assert nothing_new(run_daily(lake))


def test_a_copy_that_lost_its_file_times_redoes_nothing_and_a_rewrite_is_seen(lake_dir, tmp_path):
    """What changed is decided by content, not by modification times: a copied, restored or
    synced lake reads and rebuilds nothing, and a rewrite that kept size and time is read."""
    land(Lake.at(str(lake_dir)), date(2013, 1, 2))
    run_daily(Lake.at(str(lake_dir)))
    copy = tmp_path / "copy"
    shutil.copytree(lake_dir, copy, copy_function=shutil.copy)  # file times not kept
    later = 2_000_000_000
    for f in copy.rglob("*"):
        if f.is_file():
            os.utime(f, (later, later))
    (copy / "_state/content_versions.json").unlink()  # nor the remembered hashes
    lake = Lake.at(str(copy))
    assert nothing_new(run_daily(lake))
    assert curate.months_to_rebuild(lake) == []

    raw = copy / "raw/flights/delivered=2013-01-03/flights_2013-01-02.csv"
    stamp = raw.stat()
    data = raw.read_bytes()
    # One flight's dep_delay digit changed in place: same size, same time.
    line = data.split(b"\n")[1]
    fields = line.split(b",")
    fields[5] = b"9" if fields[5] != b"9" else b"8"
    rewritten = data.replace(line, b",".join(fields), 1)
    raw.write_bytes(rewritten[: len(data)].ljust(len(data), b"\n"))
    os.utime(raw, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    again = run_daily(lake).result("process_flights")
    assert again.changed == ["raw/flights/delivered=2013-01-03/flights_2013-01-02.csv"]
    assert again.files_read == 1
