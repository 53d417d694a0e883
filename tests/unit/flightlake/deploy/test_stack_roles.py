"""The stack's roles suffice: every AWS call a step makes on AWS (recorded, against moto) is
allowed by its role's policy and not denied by the bucket's, as evaluated by a policy engine.
And nothing more: what the steps never do is refused."""

from __future__ import annotations

import boto3
import pytest

from flightlake import run_lock
from flightlake.deploy import config, resolve, template
from flightlake.lake import Lake
from flightlake.pipeline import dag, runner
from flightlake.run_context import RunContext
from tests.aws_stack import (
    Request,
    allows,
    check_role,
    create_workgroup,
    denies,
    recorded_calls,
)

IMAGE_ACCOUNT = "141502667606"


def _document(profile) -> dict:
    return template.template(profile, {"glue_etl": "e.zip", "launcher": "l.zip"}, IMAGE_ACCOUNT)


@pytest.fixture
def stack():
    profile = config.load("dev", env={})
    document = _document(profile)
    roles = resolve.role_policies(document, profile.account, profile.region)
    bucket = resolve.resource_policies(document, profile.account, profile.region)
    return profile, roles, bucket["LakeBucketPolicy"]


@pytest.fixture
def account(aws, stack):
    profile, _, _ = stack
    s3 = boto3.client("s3", region_name=profile.region)
    s3.create_bucket(
        Bucket=profile.bucket, CreateBucketConfiguration={"LocationConstraint": profile.region}
    )
    create_workgroup(boto3.client("athena", region_name=profile.region), profile)
    return profile


def _run(profile, step: str, **options) -> list:
    ctx = RunContext(
        Lake.at(profile.lake_uri), "20130102T000000Z-roles", profile=profile.name,
        database_prefix=profile.database_prefix, workgroup=profile.athena_workgroup, **options,
    )
    # As glue_jobs/run_step.py runs a job: under the lake's run lock (its object, its
    # staging clean-up), then the step.
    with recorded_calls() as calls, run_lock.hold(ctx.lake, ctx.run_id):
        runner.run_step(dag.BY_NAME[step], ctx, "daily")
    return calls


def test_launcher_role_suffices_for_refresh_views(account):
    profile = account
    document = _document(profile)
    boto3.setup_default_session(region_name=profile.region)
    calls = _run(profile, "refresh_views")
    seen = check_role(profile, calls, "glue-launcher", document)
    # What the step did on AWS (so the check above cannot pass on nothing).
    assert {"athena:StartQueryExecution", "athena:GetQueryExecution", "s3:PutObject",
            "s3:ListBucket", "cloudwatch:PutMetricData"} <= seen


def test_etl_role_suffices_for_the_scoring_export_on_the_registry(account):
    profile = account
    document = _document(profile)
    boto3.setup_default_session(region_name=profile.region)
    calls = _run(profile, "export_scoring", backend="sagemaker",
                 sagemaker_role=profile.role_arn("sagemaker"))
    seen = check_role(profile, calls, "glue-etl", document)
    assert {"sagemaker:ListModelPackages", "s3:PutObject", "cloudwatch:PutMetricData"} <= seen


def _s3(profile, action: str, prefix: str) -> Request:
    return Request(action, f"arn:aws:s3:::{profile.bucket}/{profile.prefix}/{prefix}/x")


def test_nothing_more(stack):
    """What no step does is refused: the code written by a job's role, raw written, the
    analysts' reach, SageMaker roles passed by the ETL role."""
    profile, roles, bucket = stack
    etl, launcher = roles[profile.role_name("glue-etl")], roles[profile.role_name("glue-launcher")]
    analyst, crawler = roles[profile.role_name("analyst")], roles[profile.role_name("glue-crawler")]
    for role, policy in (("glue-etl", etl), ("glue-launcher", launcher), ("analyst", analyst),
                         ("glue-crawler", crawler)):
        write = _s3(profile, "s3:PutObject", "_code/glue_jobs")
        # Problem 4: a job's role cannot rewrite the launchers' scripts, even if its own policy
        # someday allowed it: the bucket denies the stack's roles.
        assert not allows(policy, write), role
        assert denies(bucket, write, profile.role_arn(role)), role
        assert not allows(policy, _s3(profile, "s3:PutObject", "raw/flights")), role
    assert allows(etl, _s3(profile, "s3:GetObject", "_code/glue_jobs"))  # its own script
    assert not allows(etl, Request("iam:PassRole", profile.role_arn("sagemaker")))
    for prefix in ("raw/flights", "_ml/registry", "quarantine/flights", "_runs"):
        assert not allows(analyst, _s3(profile, "s3:GetObject", prefix)), prefix
    assert allows(analyst, _s3(profile, "s3:GetObject", "curated/flights"))
    glue = f"arn:aws:glue:{profile.region}:{profile.account}"
    assert not allows(analyst, Request("glue:GetTable", f"{glue}:table/flightlake_dev_raw/x"))
    assert allows(analyst, Request("glue:GetTable", f"{glue}:table/flightlake_dev_curated/x"))
    # Problem 2: the crawlers' role keeps the raw database's partitions, nothing else's.
    raw_table = f"{glue}:table/flightlake_dev_raw/raw_flights"
    assert allows(crawler, Request("glue:BatchCreatePartition", raw_table))
    assert not allows(crawler, Request("glue:BatchCreatePartition",
                                       f"{glue}:table/flightlake_dev_curated/flights"))
    # Only to SageMaker may the launcher pass the SageMaker role.
    passed = (("iam:PassedToService", "sagemaker.amazonaws.com"),)
    assert allows(launcher, Request("iam:PassRole", profile.role_arn("sagemaker"), passed))
    elsewhere = (("iam:PassedToService", "glue.amazonaws.com"),)
    assert not allows(launcher, Request("iam:PassRole", profile.role_arn("sagemaker"), elsewhere))


def test_no_star_action_and_resources_scoped(stack):
    profile, roles, _ = stack
    for name, policy in roles.items():
        for statement in policy["Statement"]:
            assert statement["Effect"] == "Allow", name
            assert all("*" not in a for a in statement["Action"]), (name, statement["Action"])
            for resource in statement["Resource"]:
                if resource == "*":
                    assert set(statement["Action"]) <= {"ecr:GetAuthorizationToken",
                                                         "cloudwatch:PutMetricData"}, name
                    continue
                parts = resource.split(":")
                if parts[2] == "s3":
                    assert parts[5].split("/")[0] == profile.bucket, (name, resource)
                elif parts[2] not in ("iam",):
                    assert parts[3] == profile.region, (name, resource)
