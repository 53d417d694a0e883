"""What every raw → processed Glue entry script does: parse arguments, run one table."""

from __future__ import annotations

from flightlake import runs
from flightlake.lake import Lake
from flightlake.processing.job import run_job
from flightlake.runtime.glue_args import job_args


def run_entry(table: str, argv: list[str] | None = None) -> dict:
    args = job_args(["lake"], ["run_id"], argv)
    lake = Lake.at(args["lake"])
    run_id = args["run_id"] or runs.new_run_id()
    result = run_job(lake, [table], run_id)[table]
    record = {
        "run_id": run_id,
        "started_at": None,
        "finished_at": runs.now_iso(),
        "lake": lake.root,
        "status": "succeeded",
        "tables": {table: result.as_dict()},
        "timings": {"total_s": result.seconds},
        "entry": f"glue_jobs.process_{table}",
    }
    runs.save(lake, record)
    return record
