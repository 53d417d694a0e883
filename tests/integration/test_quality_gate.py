"""The quality gate end to end on a small real lake (January 1–10, then an 11th day).

Row rules quarantine bad rows one by one before anything is published, so a null key, a
duplicated key or an out-of-range delay in a raw file never reaches processed (the bad-input
tests prove that). The gate is what stops the kinds of trouble rows rules cannot see: a
reference gap (unknown carrier), a broken or truncated drop, and a processed file changed
behind the pipeline's back, which the curated gate must refuse to publish.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from csv import reader
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from flightlake.cli import app
from flightlake.lake import Lake
from flightlake.landing import land
from flightlake.pipeline.runner import StepFailed
from flightlake.quality.gate import GateFailed
from tests.integration.conftest import run_daily

pytestmark = pytest.mark.integration
runner = CliRunner()
JAN = "processed/flights/flight_month=2013-01/part-00000.parquet"


@pytest.fixture(scope="module")
def base(tmp_path_factory, spark) -> Path:
    """Ten real days published through every gate; the 11th day landed but not yet run."""
    root = tmp_path_factory.mktemp("gate") / "lake"
    lake = Lake.at(str(root))
    land(lake, date(2013, 1, 10))
    run = run_daily(lake)
    assert all(q["passed"] for q in run.quality.values())
    assert len(run.quality) == 8  # 5 processed + 3 curated tables
    land(lake, date(2013, 1, 11))
    return root


@pytest.fixture
def lake_copy(base, tmp_path) -> Path:
    root = tmp_path / "lake"
    shutil.copytree(base, root)
    return root


def step_records(root: Path) -> list[dict]:
    """Every step's run record, oldest run first."""
    records = [json.loads(p.read_text()) for p in sorted((root / "_runs").glob("*.json"))]
    return [r for r in records if "step" in r]


def digest(root: Path, *parts: str) -> dict[str, str]:
    """Bytes of every file under the given folders (or the given files)."""
    files = [
        p
        for part in parts
        for p in ([root / part] if (root / part).is_file() else sorted((root / part).rglob("*")))
        if p.is_file()
    ]
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def day11(root: Path) -> Path:
    [path] = (root / "raw/flights").glob("delivered=*/flights_2013-01-11.csv")
    return path


def rewrite_raw(path: Path, change) -> None:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    change(frame).to_csv(path, index=False)


def rewrite_processed(root: Path, change) -> None:
    path = root / JAN
    table = pq.read_table(path)
    changed = change(table.to_pandas())
    pq.write_table(pa.Table.from_pandas(changed, schema=table.schema, preserve_index=False), path)


def sql_count(root: Path, table: str) -> int:
    result = runner.invoke(
        app, ["sql", f"SELECT count(*) AS n FROM {table}", "--lake", str(root), "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    ((count,),) = list(reader(result.output.strip().splitlines()))[1:]
    return int(count)


def assert_stopped(
    root: Path,
    expectations: str | tuple[str, ...],
    table: str,
    kept: tuple[str, ...],
    cli: bool = False,
) -> str:
    """Run (in process, or `flightlake run` with `cli`): the gate stops `table` on each of
    `expectations` and nothing under `kept` changes. Returns what the run said."""
    names = (expectations,) if isinstance(expectations, str) else expectations
    before = digest(root, *kept)
    assert before
    if cli:
        result = runner.invoke(app, ["run", "--lake", str(root)])
        assert result.exit_code == 1
        said = result.output
    else:
        with pytest.raises(StepFailed) as caught:
            run_daily(Lake.at(str(root)))
        gate = caught.value.__cause__
        assert isinstance(gate, GateFailed)
        said = "\n".join([str(gate), *gate.details])
    # nothing of the stopped table changed, and analysts still read the previous data
    assert digest(root, *kept) == before
    assert sql_count(root, "curated.flights") > 0
    [record] = [r for r in step_records(root) if r["status"] == "failed"]
    shown = runner.invoke(app, ["quality", "--lake", str(root)])
    assert shown.exit_code == 0, shown.output
    assert "FAILED" in shown.output
    assert record["status"] == "failed"
    assert not record["quality"][table]["passed"]
    # What the stack's gate alarm reads (on AWS, from CloudWatch).
    assert record["metrics"]["GateFailures"] >= 1 and record["metrics"]["RunsSucceeded"] == 0
    for expectation in names:
        # the run's message, the run record and `flightlake quality` all name it
        assert f"{table}: {expectation}" in said
        assert expectation in record["error"]
        assert any(expectation in line for line in record["quality"][table]["critical_failed"])
        assert expectation in shown.output
    assert (root / "_quality" / record["run_id"] / "report.html").exists()
    return said


FLIGHTS_KEPT = ("processed/flights", "curated", "_state/ledger/flights.json")


def test_unknown_carriers_are_quarantined_row_by_row(lake_copy):
    def change(frame):
        frame.loc[frame.index[:30], "carrier"] = "ZZ"
        return frame

    rewrite_raw(day11(lake_copy), change)
    t = run_daily(Lake.at(str(lake_copy))).result("process_flights")
    # The 30 rows go to quarantine under the reference rule; the day's other rows publish.
    assert t.quarantined == 30 and t.published == t.read - 30
    bad = pq.read_table(lake_copy / "quarantine" / "flights").to_pandas()
    day = bad[bad.source_file.str.endswith("flights_2013-01-11.csv")]
    assert len(day) == 30 and set(day.rule) == {"carrier_in_airlines"}
    assert sql_count(lake_copy, "quarantine.flights") == 30


def test_a_mostly_quarantined_drop_stops_the_table(lake_copy):
    def change(frame):
        frame.loc[frame.index[: int(len(frame) * 0.8)], "sched_dep_time"] = "9999"
        return frame

    rewrite_raw(day11(lake_copy), change)
    said = assert_stopped(
        lake_copy, "quarantine_share", "processed.flights", FLIGHTS_KEPT, cli=True
    )
    # The summary names the file and the rule most of its rows broke; no traceback.
    assert "flights_2013-01-11.csv" in said and "rule=sched_dep_time_hhmm" in said
    assert "Traceback" not in said
    # The failed table keeps its record: counts per fate, balanced.
    [record] = [r for r in step_records(lake_copy) if r["status"] == "failed"]
    counts = record["result"]
    assert counts["published"] == 0 and counts["rejected"] > 0 and counts["balanced"]
    # Nothing is lost: the bad rows under their rules, the rows the gate held back under its
    # reason, all in quarantine (unpublished); the ledger does not record the file, so the
    # next run retries it.
    bad = pq.read_table(lake_copy / "quarantine" / "flights").to_pandas()
    day = bad[bad.source_file.str.endswith("flights_2013-01-11.csv")]
    assert len(day) == counts["quarantined"] + counts["rejected"]
    held = day[day.rule.str.startswith("gate_")]
    assert len(held) == counts["rejected"]
    assert all("gate_quarantine_share" in list(rules) for rules in held.rules)
    # Each with its line's bytes as delivered, though a held row was staged without them.
    lines = (lake_copy / day.source_file.iloc[0]).read_bytes().split(b"\n")
    assert [bytes(b) for b in day.raw_bytes] == [lines[n - 1] for n in day.line]
    assert sql_count(lake_copy, "quarantine.flights") == len(bad)


def test_a_truncated_drop_stops_the_table(lake_copy):
    rewrite_raw(day11(lake_copy), lambda frame: frame.head(40))
    assert_stopped(lake_copy, "daily_volume", "processed.flights", FLIGHTS_KEPT)


def test_a_corrupted_processed_file_stops_the_curated_rebuild(lake_copy):
    """A null key, a duplicated key and an out-of-range delay written into processed behind
    the pipeline's back: the curated gate names all three and publishes nothing."""
    for path in (lake_copy / "raw").rglob("*_2013-01-11.csv"):
        path.unlink()

    def corrupt(f):
        f = f.assign(
            flight_date=f.flight_date.where(f.index != 5, None),
            dep_delay=f.dep_delay.where(f.index != 9, 5000),
        )
        return pd.concat([f, f.iloc[[7]]], ignore_index=True)

    rewrite_processed(lake_copy, corrupt)
    rows = sql_count(lake_copy, "curated.flights")
    stopped_on = ("flight_date_not_null", "key_unique", "dep_delay_range")
    assert_stopped(lake_copy, stopped_on, "curated.flights", ("curated",))
    assert sql_count(lake_copy, "curated.flights") == rows


def test_a_warning_publishes_and_is_reported(lake_copy):
    # Flights of the 11th arrive without that day's weather: a tenth of January's flights
    # have no weather, below the 95% coverage the curated check expects.
    for path in (lake_copy / "raw/weather").rglob("weather_2013-01-11.csv"):
        path.unlink()
    before = sql_count(lake_copy, "curated.flights")
    result = runner.invoke(app, ["run", "--lake", str(lake_copy)])
    assert result.exit_code == 0, result.output
    assert "quality warning" in result.output and "weather_coverage" in result.output
    assert sql_count(lake_copy, "curated.flights") > before
    record = [r for r in step_records(lake_copy) if r["step"] == "curate"][-1]
    assert record["status"] == "succeeded"
    assert any("weather_coverage" in w for w in record["quality"]["curated.flights"]["warnings"])
    shown = runner.invoke(app, ["quality", "--lake", str(lake_copy)])
    assert "weather_coverage" in shown.output and "warning" in shown.output
