"""Glue entry scripts run the same job code with argparse when awsglue is absent."""

import json
import sys
import types
from datetime import date

import pyarrow.parquet as pq

from flightlake.lake import Lake
from flightlake.landing import land
from flightlake.runtime.glue_args import job_args
from glue_jobs import process_airlines


def test_job_args_without_awsglue():
    args = job_args(["lake"], ["run_id"], ["script.py", "--lake", "s3://b/p", "--JOB_NAME", "x"])
    assert args == {"lake": "s3://b/p", "run_id": None}


def test_entry_script_processes_its_table(lake_dir):
    land(Lake.at(str(lake_dir)), date(2013, 1, 1))
    process_airlines.main(["process_airlines.py", "--lake", str(lake_dir), "--run_id", "glue-1"])
    table = pq.read_table(lake_dir / "processed" / "airlines").to_pandas()
    assert len(table) == 16 and set(table.ingest_run_id) == {"glue-1"}
    record = json.loads((lake_dir / "_runs" / "glue-1.airlines.json").read_text())
    assert record["inputs"] == {"airlines": ["raw/airlines/delivered=2013-01-01/airlines.csv"]}
    assert record["status"] == "succeeded" and record["tables"]["airlines"]["published"] == 16
    assert not list(lake_dir.glob("_staging/glue-1/*/*"))


def test_awsglue_is_imported_only_by_the_adapter():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    users = [
        p.relative_to(root).as_posix()
        for folder in ("flightlake", "glue_jobs")
        for p in (root / folder).rglob("*.py")
        if "awsglue" in p.read_text()
    ]
    assert users == ["flightlake/runtime/glue_args.py"]


def test_job_args_use_awsglue_when_it_is_importable(monkeypatch):
    """On Glue, getResolvedOptions reads the arguments (a stand-in module here)."""
    seen = {}

    def get_resolved_options(argv, names):
        seen["names"] = names
        return {"lake": "s3://glue/lake", "run_id": "wf-7"}

    utils = types.ModuleType("awsglue.utils")
    utils.getResolvedOptions = get_resolved_options
    monkeypatch.setitem(sys.modules, "awsglue", types.ModuleType("awsglue"))
    monkeypatch.setitem(sys.modules, "awsglue.utils", utils)
    args = job_args(
        ["lake"],
        ["run_id"],
        ["x.py", "--JOB_NAME", "j", "--lake", "s3://glue/lake", "--run_id", "wf-7"],
    )
    assert args == {"lake": "s3://glue/lake", "run_id": "wf-7"}
    assert seen["names"] == ["lake", "run_id"]


def test_entry_scripts_chain_like_a_glue_workflow(lake_dir):
    from glue_jobs import curate, process_airports, process_flights, process_planes, process_weather

    land(Lake.at(str(lake_dir)), date(2013, 1, 1))
    argv = ["job.py", "--lake", str(lake_dir), "--run_id", "wf-1"]
    for entry in (
        process_airlines,
        process_airports,
        process_planes,
        process_weather,
        process_flights,
        curate,
    ):
        entry.main(argv)
    record = json.loads((lake_dir / "_runs" / "wf-1.curate.json").read_text())
    assert record["inputs"] == {"months": ["2013-01"]}
    assert record["curated"]["rows"]["flights"] == 842
    assert pq.read_table(lake_dir / "curated" / "daily_airport_stats").num_rows == 3
