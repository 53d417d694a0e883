"""The Glue script runs a step with the same function and runner as `flightlake run`, with
argparse when awsglue is absent."""

import json
import sys
import types
from datetime import date

import pyarrow.parquet as pq

from flightlake.lake import Lake
from flightlake.landing import land
from flightlake.runtime.glue_args import job_args
from glue_jobs import run_step
from tests.paths import REPO


def test_job_args_without_awsglue():
    args = job_args(["lake"], ["run_id"], ["script.py", "--lake", "s3://b/p", "--JOB_NAME", "x"])
    assert args == {"lake": "s3://b/p", "run_id": None}


def test_entry_script_processes_its_table(lake_dir):
    land(Lake.at(str(lake_dir)), date(2013, 1, 1))
    argv = ["run_step.py", "--step", "process_airlines", "--lake", str(lake_dir)]
    run_step.main([*argv, "--run_id", "glue-1"])
    table = pq.read_table(lake_dir / "processed" / "airlines").to_pandas()
    assert len(table) == 16 and set(table.ingest_run_id) == {"glue-1"}
    record = json.loads((lake_dir / "_runs" / "glue-1.process_airlines.json").read_text())
    assert record["step"] == "process_airlines" and record["workflow"] == "daily"
    assert record["result"]["inputs"] == ["raw/airlines/delivered=2013-01-01/airlines.csv"]
    assert record["status"] == "succeeded" and record["result"]["published"] == 16
    assert record["quality"]["processed.airlines"]["passed"]
    assert not (lake_dir / "_staging").exists()


def test_awsglue_is_imported_only_by_the_adapter():

    root = REPO
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
    land(Lake.at(str(lake_dir)), date(2013, 1, 1))
    argv = ["run_step.py", "--lake", str(lake_dir), "--run_id", "wf-1"]
    for step in ("airlines", "airports", "planes", "weather", "flights"):
        run_step.main([*argv, "--step", f"process_{step}"])
    run_step.main([*argv, "--step", "curate"])
    record = json.loads((lake_dir / "_runs" / "wf-1.curate.json").read_text())
    assert record["result"]["months"] == ["2013-01"]
    assert record["result"]["rows"]["flights"] == 842
    assert pq.read_table(lake_dir / "curated" / "daily_airport_stats").num_rows == 3
