"""The jobs as Glue runs them: installed from deploy's zip of wheels into Glue 5.1's modules,
submitted with deploy's arguments; the lake they build is the local runner's."""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import boto3
import pytest

from flightlake.deploy import config
from flightlake.pipeline import dag
from tests.aws_stack import RECORD_ENV, check_role, create_workgroup, load_calls
from tests.parity import glue
from tests.parity.conftest import assert_same_lake

RECORDER = Path(__file__).parent / "recorder"

pytestmark = pytest.mark.parity

# The daily workflow's Spark jobs, in the order Glue's triggers start them.
ETL_STEPS = [s.name for s in dag.order() if s.workflow == "daily" and s.kind == "glue_etl"]
# What the harness submits with: its own master and settings, which the jobs must keep.
SUBMITTED = {"spark.sql.shuffle.partitions": "3", "spark.executor.memory": "1g"}
# The jobs on the moto lake are one daily workflow run: they share its lake lock.
AWS_WORKFLOW_RUN = "wr_0123456789abcdef"


def _wheels(zip_path: Path) -> set[str]:
    names = zipfile.ZipFile(zip_path).namelist()
    return {n.split("/")[-1].split("-")[0].lower().replace("_", "-") for n in names}


def test_each_kind_of_job_installs_only_what_it_imports(wheelhouses, etl_python, launcher_python):
    etl, launcher = _wheels(wheelhouses["glue_etl"]), _wheels(wheelhouses["launcher"])
    assert {"flightlake", "great-expectations"} <= etl
    assert {"flightlake", "sagemaker-core", "sagemaker-train", "awswrangler", "sqlglot"} <= launcher
    # Nothing a job does not import; nothing Glue already provides at the locked version.
    for absent in ("xgboost", "xgboost-cpu", "duckdb", "pyspark", "numpy", "pandas", "pyarrow"):
        assert absent not in etl | launcher, absent
    assert not etl & {"sagemaker-core", "awswrangler"} and "great-expectations" not in launcher
    for python in (etl_python, launcher_python):
        assert "duckdb" not in glue.installed(python) and "xgboost" not in glue.installed(python)


def test_installed_package_reads_its_own_files(launcher_python, tmp_path):
    """Package data and the training source folder come from the installed wheel."""
    probe = (
        "from training.launchers.base import SOURCE_DIR; from features.split import SplitConfig;"
        "from flightlake import resources; SplitConfig.load(None);"
        "assert resources.airports_supplement() and resources.view_files();"
        "print(SOURCE_DIR, sorted(p.name for p in SOURCE_DIR.glob('*.py')))"
    )
    out = subprocess.run(
        [str(launcher_python), "-c", probe], cwd=tmp_path, capture_output=True, text=True,
        env={"PATH": "/usr/bin:/bin"}, check=True,
    ).stdout
    assert out.startswith(str(launcher_python.parents[1])), out
    assert "'inference.py'" in out and "'train.py'" in out


def _record(lake: Path, run_id: str, step: str) -> dict:
    return json.loads((lake / "_runs" / f"{run_id}.{step}.json").read_text())


def test_etl_jobs_on_glue_build_the_local_runners_lake(etl_python, script, reference, fresh_lake):
    flow = glue.Workflow(etl_python, script, "local[2]")
    for step in ETL_STEPS:
        done = flow.submit(step, {"--lake": str(fresh_lake), "--backend": "local"}, SUBMITTED)
        assert done.returncode == 0, f"{step}: {done.stderr[-3000:]}"
        record = _record(fresh_lake, flow.run_id, step)
        assert record["status"] in ("succeeded", "skipped"), record
        assert record["profile"] == "dev"
        if record["status"] == "succeeded":  # the job kept the session it was submitted with
            assert record["spark"]["master"] == "local[2]"
            conf = record["spark"]["conf"]
            assert {k: conf[k] for k in SUBMITTED} == SUBMITTED
            assert conf["spark.sql.session.timeZone"] == "UTC"
    ran = _record(fresh_lake, flow.run_id, "curate")
    assert ran["spark"] and ran["status"] == "succeeded"
    assert_same_lake(reference, fresh_lake)


@pytest.fixture(scope="session")
def aws_env(moto_endpoint) -> dict[str, str]:
    """The dev account, in moto: the lake bucket and the Athena workgroup deploy creates."""
    profile = config.load(glue.PROFILE, env={})
    env = {
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": profile.region,
    }
    session = boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=profile.region
    )
    s3 = session.client("s3", endpoint_url=moto_endpoint)
    s3.create_bucket(
        Bucket=profile.bucket, CreateBucketConfiguration={"LocationConstraint": profile.region}
    )
    create_workgroup(session.client("athena", endpoint_url=moto_endpoint), profile)
    return env


def _recording(aws_env: dict[str, str], folder: Path) -> tuple[dict[str, str], Path]:
    """The job's environment with its AWS calls recorded (tests/parity/recorder)."""
    calls = folder / "calls.jsonl"
    return {**aws_env, "PYTHONPATH": str(RECORDER), RECORD_ENV: str(calls)}, calls


def test_launcher_job_creates_the_views_on_athena_without_duckdb(
    launcher_python, script, aws_env, tmp_path
):
    """refresh_views as deployed: an s3:// lake, the sagemaker back end, the dev workgroup;
    every AWS call it made is one the stack's launcher role allows."""
    from moto.athena.models import athena_backends
    from moto.core import DEFAULT_ACCOUNT_ID

    from flightlake.resources import view_files

    env, calls = _recording(aws_env, tmp_path)
    flow = glue.Workflow(launcher_python, script, "local[1]", env=env)
    flow.run_id = AWS_WORKFLOW_RUN
    done = flow.submit("refresh_views", {}, {})
    assert done.returncode == 0, done.stderr[-3000:]
    athena = athena_backends[DEFAULT_ACCOUNT_ID][aws_env["AWS_DEFAULT_REGION"]]
    sent = [e for e in athena.executions.values() if "VIEW" in e.query]
    assert {e.workgroup.name for e in sent} == {"flightlake-dev"}
    created = {e.query.split(" AS ")[0].rsplit(".", 1)[1] for e in sent}
    assert created == {v.name for v in view_files()}
    assert all("flightlake_dev_curated." in e.query for e in sent)
    profile = config.load(glue.PROFILE, env={})
    seen = check_role(profile, load_calls(calls), "glue-launcher", _stack(profile))
    assert {"athena:StartQueryExecution", "s3:PutObject", "cloudwatch:PutMetricData"} <= seen


def test_scoring_export_on_glue_asks_the_sagemaker_registry(
    etl_python, script, aws_env, tmp_path
):
    """export_scoring as deployed reads SageMaker's model registry (none approved here), not a
    local registry's copy in the lake; every AWS call it made, the ETL role allows."""
    env, calls = _recording(aws_env, tmp_path)
    flow = glue.Workflow(etl_python, script, "local[1]", env=env)
    flow.run_id = AWS_WORKFLOW_RUN
    done = flow.submit("export_scoring", {}, {})
    assert done.returncode == 0, done.stderr[-3000:]
    profile = config.load(glue.PROFILE, env={})
    s3 = boto3.client(
        "s3", endpoint_url=aws_env["AWS_ENDPOINT_URL"], region_name=profile.region,
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )
    key = f"{profile.prefix}/_runs/{flow.run_id}.export_scoring.json"
    record = json.loads(s3.get_object(Bucket=profile.bucket, Key=key)["Body"].read())
    assert record["backend"] == "sagemaker" and record["status"] == "skipped"
    assert record["result"]["skipped"].startswith("no approved model")
    seen = check_role(profile, load_calls(calls), "glue-etl", _stack(profile))
    assert {"sagemaker:ListModelPackages", "s3:PutObject"} <= seen


def _stack(profile) -> dict:
    from flightlake.deploy import engine

    return engine.stack_template_of(profile)
