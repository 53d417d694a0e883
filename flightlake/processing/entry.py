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
    record = {
        "run_id": run_id,
        "started_at": runs.now_iso(),
        "lake": lake.root,
        "entry": f"glue_jobs.process_{table}",
        "tables": {},
    }
    try:
        result = run_job(lake, [table], run_id)[table]
        record.update(
            status="succeeded",
            tables={table: result.as_dict()},
            inputs={table: result.inputs},
            quality={f"processed.{table}": result.quality} if result.quality else {},
        )
        record["timings"] = {"total_s": result.seconds}
    except Exception as exc:
        runs.record_failure(lake, record, exc)
        raise
    finally:
        record["finished_at"] = runs.now_iso()
        # The jobs of one workflow share a run id: one record file per job.
        runs.save(lake, record, name=f"{run_id}.{table}")
        lake.storage.delete_prefix(lake.staging_dir(run_id) + f"/{table}")
        lake.storage.delete_prefix(lake.staging_dir(run_id) + f"/classified/{table}")
        lake.storage.delete_prefix(lake.staging_dir(run_id) + f"/quarantine/{table}")
    return record
