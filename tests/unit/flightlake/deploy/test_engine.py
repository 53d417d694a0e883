"""`flightlake deploy` against moto: what an empty account gets, idempotence, removal of a
step's resources, the uploaded code and the wheel."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import boto3
import pytest

from flightlake.deploy import config, engine, wheelhouse
from flightlake.pipeline import dag
from tests.paths import REPO

REGION = "eu-west-1"


@pytest.fixture(autouse=True)
def _wheelhouses_without_pypi(monkeypatch):
    """Here each zip of wheels holds the flightlake wheel alone: the modules' own wheels come
    from PyPI, which tests never reach (tests/parity builds and installs the real ones)."""
    monkeypatch.setattr(wheelhouse, "pins", lambda extra, repo: [])


@pytest.fixture
def deployed(aws):
    profile = config.load("dev", env={})
    deployer = engine.Deployer(profile, boto3.Session(region_name=REGION))
    changes = deployer.changes(apply=True)
    return profile, deployer, changes


def _changing_calls(session_client_events, calls):
    def record(event_name, **_):
        operation = event_name.split(".")[-1]
        if operation.startswith(("Create", "Update", "Delete", "Put", "Tag", "Start")):
            calls.append(operation)

    session_client_events.register("before-call.*.*", record)


def test_empty_account_gets_every_resource(deployed):
    profile, _, changes = deployed
    assert {c.verb for c in changes} == {"create"}
    kinds = {}
    for c in changes:
        kinds[c.kind] = kinds.get(c.kind, 0) + 1
    assert kinds == {
        "s3_bucket": 1,
        "s3_object": 3,  # a zip of wheels per kind of job, the one script glue_jobs/run_step.py
        "glue_catalog": 12,  # raw, processed, curated databases and 9 tables
        "glue_view": 8,  # sql/views
        "glue_crawler": 5,
        "glue_job": 11,
        "glue_workflow": 2,
        "glue_trigger": 12,
        "athena_workgroup": 1,
    }
    glue = boto3.client("glue", region_name=REGION)
    curate = glue.get_job(JobName="flightlake-dev-curate")["Job"]
    assert curate["Command"] == {
        "Name": "glueetl",
        "ScriptLocation": "s3://flightlake-dev-lake/lake/_code/glue_jobs/run_step.py",
        "PythonVersion": "3",
    }
    assert curate["GlueVersion"] == "5.1" and curate["WorkerType"] == "G.1X"
    assert curate["NumberOfWorkers"] == 2 and curate["ExecutionClass"] == "STANDARD"
    args = curate["DefaultArguments"]
    assert args["--step"] == "curate"  # the script runs the step it is given
    assert args["--lake"] == "s3://flightlake-dev-lake/lake"
    # Installed as Glue installs modules (not put on the path with --extra-py-files), from a
    # zip of wheels that is the only index pip sees.
    assert "--extra-py-files" not in args
    assert args["--additional-python-modules"] == (
        "s3://flightlake-dev-lake/lake/_code/flightlake-0.1.0-etl.gluewheels.zip"
    )
    assert args["--python-modules-installer-option"] == "--no-index"
    assert args["--conf"] == "spark.hadoop.fs.s3a.endpoint.region=eu-west-1"
    export = glue.get_job(JobName="flightlake-dev-export-features")["Job"]
    assert export["ExecutionClass"] == "FLEX"
    train = glue.get_job(JobName="flightlake-dev-train")["Job"]
    assert train["Command"]["Name"] == "glueetl" and train["NumberOfWorkers"] == 2
    assert train["Role"] == profile.launcher_role_arn
    assert train["DefaultArguments"]["--sagemaker_role"] == profile.sagemaker_role_arn
    assert train["DefaultArguments"]["--additional-python-modules"].endswith(
        "_code/flightlake-0.1.0-launcher.gluewheels.zip"
    )
    # Every job knows its profile and back end: the daily scoring export on Glue reads the
    # SageMaker registry, not a local registry's copy in the lake.
    for name in glue.list_jobs()["JobNames"]:
        job_args = glue.get_job(JobName=name)["Job"]["DefaultArguments"]
        assert job_args["--backend"] == "sagemaker" and job_args["--profile"] == "dev", name
        assert job_args["--sagemaker_role"] == profile.sagemaker_role_arn, name
        assert job_args["--workgroup"] == "flightlake-dev", name
        assert job_args["--database_prefix"] == "flightlake_dev_", name

    start = glue.get_trigger(Name="flightlake-dev-daily-start")["Trigger"]
    assert start["Type"] == "SCHEDULED" and start["Schedule"] == "cron(30 5 * * ? *)"
    assert sorted(a["CrawlerName"] for a in start["Actions"]) == [
        f"flightlake-dev-flightlake-raw-{s}"
        for s in ("airlines", "airports", "flights", "planes", "weather")
    ]
    cond = glue.get_trigger(Name="flightlake-dev-daily-curate")["Trigger"]
    assert cond["Type"] == "CONDITIONAL" and cond["Predicate"]["Logical"] == "AND"
    assert sorted(c["JobName"] for c in cond["Predicate"]["Conditions"]) == sorted(
        f"flightlake-dev-process-{t}" for t in ("airlines", "airports", "planes", "weather",
                                                "flights")
    )
    assert {c["State"] for c in cond["Predicate"]["Conditions"]} == {"SUCCEEDED"}
    weekly = glue.get_trigger(Name="flightlake-dev-weekly-start")["Trigger"]
    assert weekly["Schedule"] == "cron(0 6 ? * MON *)"
    assert weekly["Actions"] == [{"JobName": "flightlake-dev-export-features"}]

    crawler = glue.get_crawler(Name="flightlake-dev-flightlake-raw-flights")["Crawler"]
    assert crawler["Targets"]["S3Targets"][0]["Path"] == "s3://flightlake-dev-lake/lake/raw/flights/"
    assert crawler["DatabaseName"] == "flightlake_dev_raw"

    group = boto3.client("athena", region_name=REGION).get_work_group(
        WorkGroup="flightlake-dev"
    )["WorkGroup"]["Configuration"]
    assert group["EnforceWorkGroupConfiguration"] is True
    assert group["BytesScannedCutoffPerQuery"] == 10737418240
    assert group["ResultConfiguration"]["EncryptionConfiguration"] == {
        "EncryptionOption": "SSE_S3"
    }
    table = glue.get_table(DatabaseName="flightlake_dev_curated", Name="predictions")["Table"]
    assert table["Parameters"]["projection.scoring_date.interval.unit"] == "DAYS"
    view = glue.get_table(DatabaseName="flightlake_dev_curated", Name="route_ranking")["Table"]
    assert view["TableType"] == "VIRTUAL_VIEW"
    encoded = view["ViewOriginalText"].removeprefix("/* Presto View: ").removesuffix(" */")
    presto = json.loads(base64.b64decode(encoded))
    assert "FROM flightlake_dev_curated.flights" in presto["originalSql"]
    assert presto["columns"][0] == {"name": "route_rank", "type": "bigint"}

    s3 = boto3.client("s3", region_name=REGION)
    rule = s3.get_bucket_encryption(Bucket=profile.bucket)["ServerSideEncryptionConfiguration"]
    assert rule["Rules"][0]["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    assert '"aws:SecureTransport": "false"' in s3.get_bucket_policy(Bucket=profile.bucket)[
        "Policy"
    ]


def test_second_apply_changes_nothing_and_plan_is_empty(deployed):
    _, deployer, _ = deployed
    calls: list[str] = []
    _changing_calls(deployer.glue.meta.events, calls)
    _changing_calls(deployer.s3.meta.events, calls)
    _changing_calls(deployer.athena.meta.events, calls)
    again = deployer.changes(apply=True)
    assert {c.verb for c in again} == {"unchanged"}
    assert calls == []
    assert {c.verb for c in deployer.changes()} == {"unchanged"}


def test_uploaded_scripts_are_the_repository_ones(deployed):
    profile, _, _ = deployed
    s3 = boto3.client("s3", region_name=REGION)
    listed = s3.list_objects_v2(Bucket=profile.bucket, Prefix="lake/_code/glue_jobs/")
    etags = {o["Key"].rsplit("/", 1)[1]: o["ETag"].strip('"') for o in listed["Contents"]}
    scripts = {s.script for s in dag.STEPS if s.script}
    assert set(etags) == {Path(s).name for s in scripts}
    for script in scripts:
        local = hashlib.md5((REPO / script).read_bytes()).hexdigest()
        assert etags[Path(script).name] == local, script


def test_removing_a_step_removes_only_its_own_resources(deployed):
    _, deployer, _ = deployed
    glue = deployer.glue
    glue.create_job(Name="someone-elses-job", Role="r", Command={"Name": "glueetl"})
    reduced = tuple(s for s in dag.STEPS if s.name != "refresh_views")
    changes = deployer.changes(apply=True, steps=reduced)
    deleted = {(c.kind, c.name) for c in changes if c.verb == "delete"}
    assert deleted == {
        ("glue_job", "flightlake-dev-refresh-views"),
        ("glue_trigger", "flightlake-dev-daily-refresh-views"),
    }
    jobs = glue.list_jobs()["JobNames"]
    assert "flightlake-dev-refresh-views" not in jobs and "someone-elses-job" in jobs
    assert {c.verb for c in deployer.changes(steps=reduced)} == {"unchanged"}


def test_wheel_holds_the_package_and_imports_from_itself(tmp_path):
    wheel = engine.build_wheel(tmp_path)
    names = zipfile.ZipFile(wheel).namelist()
    for needed in ("flightlake/pipeline/dag.py", "glue_jobs/run_step.py", "features/splits.toml",
                   "training/train.py", "glue_jobs/curate.py",
                   "flightlake/reference/airports_supplement.csv",
                   "flightlake/deploy/profiles.toml"):
        assert needed in names, needed
    # Built from the sources as they are: nothing deleted from the checkout lingers.
    assert "glue_jobs/process_flights.py" not in names and "flightlake/modeling.py" not in names
    # A fresh virtual environment with only the wheel installed; its dependencies come from
    # the project's venv on PYTHONPATH (no network), which does not hold the package itself.
    fresh = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(fresh)], check=True)
    uv = Path(sys.executable).with_name("uv")
    subprocess.run(
        [str(uv), "pip", "install", "--quiet", "--no-deps", "--python", str(fresh / "bin/python"),
         str(wheel)],
        check=True,
    )
    probe = (
        "import flightlake.pipeline.dag, features.definitions, training.launchers.base,"
        " glue_jobs.curate;"
        "from flightlake.deploy import config; config.load('dev', env={});"
        "print(flightlake.pipeline.dag.__file__)"
    )
    deps = next(Path(sys.executable).parents[1].glob("lib/python3.*/site-packages"))
    out = subprocess.run(
        [str(fresh / "bin/python"), "-c", probe], capture_output=True, text=True, check=True,
        cwd=tmp_path, env={"PYTHONPATH": str(deps), "PATH": "/usr/bin:/bin"},
    )
    assert out.stdout.strip().startswith(str(fresh)), out.stdout
    assert engine.build_wheel(tmp_path / "again").read_bytes() == wheel.read_bytes()


def test_every_job_argument_is_one_the_glue_script_reads(deployed):
    """The arguments deploy gives each Glue job are Glue's own or ones run_step.py reads."""
    from glue_jobs import run_step

    glue = boto3.client("glue", region_name=REGION)
    ours = {f"--{name}" for name in ("step", "lake", *run_step.OPTIONAL)}
    for name in glue.list_jobs()["JobNames"]:
        job = glue.get_job(JobName=name)["Job"]
        args = set(job["DefaultArguments"])
        glue_own = ("--enable-", "--additional-", "--python-", "--conf")
        theirs = {a for a in args if a.startswith(glue_own)}
        assert args - theirs <= ours, (name, sorted(args - theirs - ours))
        assert dag.BY_NAME[job["DefaultArguments"]["--step"]].script == "glue_jobs/run_step.py"
