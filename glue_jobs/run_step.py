"""The Glue script of every flightlake job: `--step NAME` says which step of the pipeline DAG
it runs; the other arguments are the run context's (--lake, --run_id, --profile, --date,
--date_to, --backend, --sagemaker_role, --kms_key, --mlflow_tracking_uri, --database_prefix,
--workgroup, --split_config, --export_id, --as_of): deploy gives every job its profile's, so no step
guesses where it runs.
The Spark session is the one the job was submitted with (Glue's, or spark-submit's).
It runs the step through the same runner, with the same function, as `flightlake run` does
locally, holding the lake's run lock: the jobs of one Glue workflow run (Glue passes each its
--WORKFLOW_RUN_ID) share it, so they are one run; another run is refused."""

from __future__ import annotations

from datetime import date

from flightlake import run_lock, runs
from flightlake.lake import Lake
from flightlake.pipeline import dag, runner
from flightlake.run_context import RunContext, day_range
from flightlake.runtime.glue_args import job_args

OPTIONAL = (
    "run_id",
    "profile",
    "date",
    "date_to",
    "backend",
    "sagemaker_role",
    "kms_key",
    "mlflow_tracking_uri",
    "database_prefix",
    "workgroup",
    "split_config",
    "export_id",
    "as_of",
    "WORKFLOW_RUN_ID",
)


def context(args: dict[str, str | None]) -> RunContext:
    """The run context of the job's resolved arguments."""
    return RunContext(
        Lake.at(args["lake"]),
        args["run_id"] or args["WORKFLOW_RUN_ID"] or runs.new_run_id(),
        profile=args["profile"] or "local",
        backend=args["backend"] or "local",
        dates=tuple(day_range(args["date"], args["date_to"])),
        sagemaker_role=args["sagemaker_role"],
        kms_key=args["kms_key"],
        mlflow_tracking_uri=args["mlflow_tracking_uri"],
        database_prefix=args["database_prefix"] or "",
        workgroup=args["workgroup"] or "primary",
        split_config=args["split_config"],
        export_id=args["export_id"],
        as_of=date.fromisoformat(args["as_of"]) if args["as_of"] else None,
        submitted=True,
    )


def main(argv: list[str] | None = None) -> runner.StepOutcome:
    args = job_args(["step", "lake"], OPTIONAL, argv)
    ctx = context(args)
    step = dag.BY_NAME[args["step"]]
    with run_lock.hold(ctx.lake, ctx.run_id, shared=bool(args["WORKFLOW_RUN_ID"])):
        return runner.run_step(step, ctx, step.workflow)


if __name__ == "__main__":
    main()
