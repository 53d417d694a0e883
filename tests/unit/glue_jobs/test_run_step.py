"""The Glue script: what starting a job imports."""

import subprocess
import sys


def test_a_glue_job_imports_no_engine_glue_does_not_ship():
    """Every job imports the DAG; none may need DuckDB, awswrangler, the SageMaker SDK or
    xgboost just to start (the steps that use them import them when they run)."""
    probe = (
        "import sys, glue_jobs.run_step; "
        "print(sorted(m for m in ('duckdb', 'awswrangler', 'sagemaker', 'xgboost', "
        "'great_expectations') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_every_deployed_job_runs_with_its_profile_and_back_end(aws):
    """What a job's script makes of the arguments deploy gives it (plus Glue's own): the
    profile's back end, role, databases and workgroup, on every job (export_scoring too)."""
    from flightlake.deploy import config, resources
    from flightlake.runtime.glue_args import job_args
    from glue_jobs import run_step

    profile = config.load("dev", env={})
    jobs = [
        r for r in resources.desired(profile, {"glue_etl": "e.zip", "launcher": "l.zip"})
        if r.kind == "glue_job"
    ]
    assert "flightlake-dev-export-scoring" in {j.name for j in jobs}
    for job in jobs:
        pairs = job.spec["DefaultArguments"].items()
        argv = ["run_step.py", "--JOB_NAME", job.name, *[x for pair in pairs for x in pair]]
        ctx = run_step.context(job_args(["step", "lake"], run_step.OPTIONAL, argv))
        assert (ctx.profile, ctx.backend) == ("dev", "sagemaker"), job.name
        assert ctx.sagemaker_role == profile.role_arn("sagemaker"), job.name
        assert (ctx.database_prefix, ctx.workgroup) == ("flightlake_dev_", "flightlake-dev")
        assert ctx.lake.root == "s3://flightlake-dev-lake/lake" and ctx.submitted


def test_the_athena_side_of_the_views_step_never_loads_duckdb():
    """On Glue the views step sends the sql/views files to Athena: parsing and mapping them
    must not need DuckDB, which no Glue job has."""
    probe = (
        "import sys; from flightlake.athena import to_athena; "
        "from flightlake.resources import view_files; "
        "[to_athena(v.text, v.source, 'p_') for v in view_files()]; "
        "print('duckdb' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
