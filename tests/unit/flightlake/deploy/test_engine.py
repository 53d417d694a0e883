"""`flightlake deploy` against moto: the stack's create, update (a plan's change set executed
by apply) and delete, idempotence, the uploaded code and the wheel."""

from __future__ import annotations

import hashlib
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


@pytest.fixture(autouse=True)
def _bucket_policies_not_enforced_by_moto(monkeypatch):
    """moto denies any request a bucket policy's Deny names when the Deny has a condition it
    does not implement (Bool aws:SecureTransport), whatever the condition's value; the
    policies are evaluated by a real policy engine in test_stack_roles.py instead."""
    from moto.iam.access_control import PermissionResult
    from moto.s3.models import FakeBucket

    monkeypatch.setattr(FakeBucket, "get_permission", lambda *_: PermissionResult.NEUTRAL)


def _profile(**env):
    return config.load("dev", env=env)


@pytest.fixture
def deployed(aws):
    profile = _profile()
    deployer = engine.Deployer(profile, boto3.Session(region_name=REGION))
    glue = boto3.client("glue", region_name=REGION)
    # moto's CloudFormation does not create Glue resources: the databases the stack would
    # hold, made here so the views can be written into them as on AWS.
    for layer in ("processed", "curated"):
        glue.create_database(DatabaseInput={"Name": f"{profile.database_prefix}{layer}"})
    changes = deployer.apply()
    return profile, deployer, changes


def _changing_calls(session_client_events, calls):
    def record(event_name, **_):
        operation = event_name.split(".")[-1]
        if operation.startswith(("Create", "Update", "Delete", "Put", "Execute", "Start")):
            calls.append(operation)

    session_client_events.register("before-call.*.*", record)


def test_first_apply_creates_the_stack_code_and_views(deployed):
    profile, _, changes = deployed
    cfn = boto3.client("cloudformation", region_name=REGION)
    (stack,) = cfn.describe_stacks(StackName="flightlake-dev")["Stacks"]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    kinds: dict[str, int] = {}
    for c in changes:
        kinds[c.kind] = kinds.get(c.kind, 0) + 1
    assert kinds["AWS::IAM::Role"] == 6 and kinds["AWS::Glue::Job"] == 13
    assert kinds["s3_object"] == 3 and kinds["glue_view"] == 11
    assert {c.verb for c in changes} == {"create"}
    iam = boto3.client("iam")
    etl = iam.get_role(RoleName="flightlake-dev-glue-etl")["Role"]
    assert etl["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "glue.amazonaws.com"
    }
    s3 = boto3.client("s3", region_name=REGION)
    # The template travelled through the deploy bucket (larger than the inline limit).
    listed = s3.list_objects_v2(Bucket=profile.deploy_bucket)["Contents"]
    assert listed and listed[0]["Key"].startswith("flightlake-dev/")
    put = s3.head_object(Bucket=profile.bucket, Key="lake/_code/glue_jobs/run_step.py")
    assert "SSEKMSKeyId" not in put  # no header sent: the bucket's default applies


def test_second_apply_changes_nothing_and_plan_is_empty(deployed):
    _, deployer, _ = deployed
    calls: list[str] = []
    _changing_calls(deployer.glue.meta.events, calls)
    _changing_calls(deployer.s3.meta.events, calls)
    _changing_calls(deployer.cfn.meta.events, calls)
    again = deployer.apply()
    assert {c.verb for c in again} == {"unchanged"}
    # No change set executed; the one object written is the template, under its hash.
    assert "ExecuteChangeSet" not in calls and calls.count("PutObject") == 1
    assert {c.verb for c in deployer.plan()} == {"unchanged"}


def test_a_changed_template_is_an_update_change_set(deployed, monkeypatch):
    profile, _, _ = deployed
    changed = engine.Deployer(_profile(FLIGHTLAKE_WORKERS="5"), boto3.Session(region_name=REGION))
    monkeypatch.setattr(changed, "_wheelhouses", deployed[1].wheelhouses)
    plan = [c for c in changed.plan() if c.verb != "unchanged"]
    assert plan and all(c.kind.startswith("AWS::") for c in plan)
    cfn = boto3.client("cloudformation", region_name=REGION)
    (waiting,) = [
        c for c in cfn.list_change_sets(StackName=profile.stack_name)["Summaries"]
        if c["ExecutionStatus"] == "AVAILABLE"
    ]  # the plan leaves it unexecuted
    calls: list[str] = []
    _changing_calls(changed.cfn.meta.events, calls)
    applied = changed.apply()
    # Apply executes the change set the plan showed, not a new one.
    assert "CreateChangeSet" not in calls and "ExecuteChangeSet" in calls
    assert [c for c in applied if c.kind.startswith("AWS::")] == plan
    assert waiting["ChangeSetName"].startswith("flightlake-")


def test_delete_removes_the_stack(deployed):
    _, deployer, _ = deployed
    gone = deployer.delete()
    assert gone and {c.verb for c in gone} == {"delete"}
    assert deployer._stack_status() is None
    assert deployer.delete() == []


def test_deploys_in_us_east_1(aws):
    """Problem 5: us-east-1 refuses a LocationConstraint naming itself; deploy sends none."""
    profile = _profile(FLIGHTLAKE_REGION="us-east-1")
    deployer = engine.Deployer(profile, boto3.Session(region_name="us-east-1"))
    deployer._deploy_bucket()
    s3 = boto3.client("s3", region_name="us-east-1")
    assert s3.get_bucket_location(Bucket=profile.deploy_bucket)["LocationConstraint"] is None


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


def test_view_listing_reads_every_page(deployed):
    """Problem 5: a database with more tables than one page still has its views found."""
    profile, deployer, _ = deployed
    glue = boto3.client("glue", region_name=REGION)
    database = f"{profile.database_prefix}curated"
    for i in range(120):
        glue.create_table(DatabaseName=database, TableInput={"Name": f"extra_{i:03d}"})
    glue.create_table(
        DatabaseName=database, TableInput={"Name": "zz_gone_view", "TableType": "VIRTUAL_VIEW"}
    )
    changes = {(c.verb, c.name) for c in deployer.plan() if c.kind == "glue_view"}
    assert ("delete", f"{database}.zz_gone_view") in changes


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


def test_every_job_argument_is_one_the_glue_script_reads():
    """The arguments the stack gives each Glue job are Glue's own or ones run_step.py reads."""
    from glue_jobs import run_step

    document = engine.stack_template_of(_profile())
    ours = {f"--{name}" for name in ("step", "lake", *run_step.OPTIONAL)}
    jobs = [r for r in document["Resources"].values() if r["Type"] == "AWS::Glue::Job"]
    assert len(jobs) == 13
    for job in jobs:
        args = set(job["Properties"]["DefaultArguments"])
        glue_own = ("--enable-", "--additional-", "--python-", "--conf")
        theirs = {a for a in args if a.startswith(glue_own)}
        name = job["Properties"]["Name"]
        assert args - theirs <= ours, (name, sorted(args - theirs - ours))
        step = job["Properties"]["DefaultArguments"]["--step"]
        assert dag.BY_NAME[step].script == "glue_jobs/run_step.py"


def test_every_change_set_action_is_shown(capsys):
    """A replacement, or an action CloudFormation adds later, is shown, never a crash after an
    apply has run."""
    from flightlake.render import tables

    shown = [engine.Change("replace", "AWS::Glue::Job", "GlueJobCurate"),
             engine.Change("sync", "AWS::Glue::Table", "TableCuratedFlights")]
    tables.deploy_changes("dev", shown, True, None)
    out = capsys.readouterr().out
    assert "replace" in out and "sync" in out and "2 resources" in out
