"""The stack's template: a snapshot per AWS profile (a change to it is a reviewed diff), and
what each of the audit's problems needed of it."""

from __future__ import annotations

import json
import os

import pytest

from flightlake.deploy import config, template
from flightlake.pipeline import dag
from flightlake.run_metrics import GATE_FAILURES, RUNS_SUCCEEDED
from tests.paths import REPO

SNAPSHOTS = REPO / "tests/unit/flightlake/deploy/snapshots"
KEYS = {"glue_etl": "flightlake-0.1.0-etl.gluewheels.zip",
        "launcher": "flightlake-0.1.0-launcher.gluewheels.zip"}
IMAGE_ACCOUNT = "141502667606"


def _template(name: str, **env) -> dict:
    return template.template(config.load(name, env=env), KEYS, IMAGE_ACCOUNT)


def _of_type(document: dict, kind: str) -> dict[str, dict]:
    return {k: r for k, r in document["Resources"].items() if r["Type"] == kind}


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_snapshot(name):
    """UPDATE_SNAPSHOTS=1 rewrites the snapshot; review its diff."""
    text = json.dumps(_template(name), indent=1, sort_keys=True) + "\n"
    path = SNAPSHOTS / f"{name}.template.json"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.write_text(text)
    assert path.read_text() == text, f"{path.name} differs: UPDATE_SNAPSHOTS=1 and review"


def test_crawlers_have_their_role_and_classifiers():
    """Problem 2: crawlers run with the crawler role; every classifier they name exists."""
    document = _template("dev")
    classifiers = {
        r["Properties"]["CsvClassifier"]["Name"]
        for r in _of_type(document, "AWS::Glue::Classifier").values()
    }
    crawlers = _of_type(document, "AWS::Glue::Crawler")
    assert len(crawlers) == 5
    for logical, crawler in crawlers.items():
        props = crawler["Properties"]
        assert props["Role"] == {"Fn::GetAtt": ["GlueCrawlerRole", "Arn"]}, logical
        assert set(props["Classifiers"]) <= classifiers and props["Classifiers"], logical
        assert props["CrawlerSecurityConfiguration"] == {"Ref": "GlueSecurityConfiguration"}


def test_encryption_agrees_with_the_writers():
    """Problem 3: the bucket default does the encryption (dev SSE-S3, prod SSE-KMS with a
    bucket key), the bucket policy refuses no encryption header, the key reaches SageMaker."""
    dev, prod = _template("dev"), _template("prod")
    rule = dev["Resources"]["LakeBucket"]["Properties"]["BucketEncryption"]
    assert rule["ServerSideEncryptionConfiguration"] == [
        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
    ]
    rule = prod["Resources"]["LakeBucket"]["Properties"]["BucketEncryption"]
    assert rule["ServerSideEncryptionConfiguration"] == [
        {
            "ServerSideEncryptionByDefault": {
                "SSEAlgorithm": "aws:kms",
                "KMSMasterKeyID": {"Fn::GetAtt": ["StackKey", "Arn"]},
            },
            "BucketKeyEnabled": True,
        }
    ]
    for document in (dev, prod):
        policy = json.dumps(document["Resources"]["LakeBucketPolicy"])
        assert "x-amz-server-side-encryption" not in policy
        for logical, job in _of_type(document, "AWS::Glue::Job").items():
            args = job["Properties"]["DefaultArguments"]
            assert args["--kms_key"] == {"Fn::GetAtt": ["StackKey", "Arn"]}, logical
            assert job["Properties"]["SecurityConfiguration"] == {
                "Ref": "GlueSecurityConfiguration"
            }
        security = document["Resources"]["GlueSecurityConfiguration"]["Properties"]
        encryption = security["EncryptionConfiguration"]
        assert encryption["CloudWatchEncryption"]["CloudWatchEncryptionMode"] == "SSE-KMS"
    assert "CatalogEncryption" in prod["Resources"] and "CatalogEncryption" not in dev["Resources"]
    assert prod["Resources"]["CatalogEncryption"]["Properties"]["DataCatalogEncryptionSettings"][
        "EncryptionAtRest"]["CatalogEncryptionMode"] == "SSE-KMS"


def test_region_is_the_profiles_everywhere():
    """Problem 5: nothing of another region (the image account comes from the SDK's table)."""
    document = _template("dev", FLIGHTLAKE_REGION="us-east-1")
    text = json.dumps(document)
    assert "eu-west-1" not in text
    assert "arn:aws:ecr:us-east-1:141502667606:repository/sagemaker-xgboost" in text


def test_image_account_per_region_from_the_sagemaker_sdk():
    from flightlake.deploy.engine import image_account

    assert image_account("eu-west-1") == "141502667606"
    assert image_account("us-east-1") == "683313688378"
    assert image_account("ap-southeast-2") not in ("141502667606", "683313688378")


def test_raw_drops_start_the_daily_workflow():
    """Problem 6: an EVENT trigger, started by S3 events under raw/ and by the schedule."""
    profile = config.load("dev", env={})
    document = _template("dev")
    triggers = _of_type(document, "AWS::Glue::Trigger")
    start = triggers["GlueTriggerDailyStart"]["Properties"]
    assert start["Type"] == "EVENT" and "Schedule" not in start
    assert start["EventBatchingCondition"] == {"BatchSize": 100, "BatchWindow": 900}
    assert triggers["GlueTriggerWeeklyStart"]["Properties"]["Type"] == "SCHEDULED"
    drops = document["Resources"]["RuleRawDropsDaily"]["Properties"]
    assert drops["EventPattern"]["detail"]["object"]["key"] == [{"prefix": "lake/raw/"}]
    assert drops["EventPattern"]["detail-type"] == ["Object Created"]
    schedule = document["Resources"]["RuleScheduleDaily"]["Properties"]
    assert schedule["ScheduleExpression"] == profile.daily_schedule
    for rule in (drops, schedule):
        (target,) = rule["Targets"]
        assert target["Arn"]["Fn::Sub"].endswith(":workflow/flightlake-dev-daily")
        assert target["RoleArn"] == {"Fn::GetAtt": ["RawEventsRole", "Arn"]}
    bucket = document["Resources"]["LakeBucket"]["Properties"]
    assert bucket["NotificationConfiguration"] == {
        "EventBridgeConfiguration": {"EventBridgeEnabled": True}
    }


def test_failures_and_alarms_notify_the_topic():
    """Problem 6: job, crawler and SageMaker failures, a critical gate failure and no daily
    success in 26 hours all reach the alarm topic."""
    document = _template("dev")
    rules = _of_type(document, "AWS::Events::Rule")
    watched = {
        r["Properties"]["EventPattern"]["detail-type"][0]
        for r in rules.values()
        if r["Properties"].get("Targets", [{}])[0].get("Arn") == {"Ref": "AlarmTopic"}
    }
    assert watched == {"Glue Job State Change", "Glue Crawler State Change",
                       "SageMaker Training Job State Change",
                       "SageMaker Transform Job State Change"}
    job = rules["RuleGlueJobFailed"]["Properties"]["EventPattern"]["detail"]
    assert set(job["state"]) >= {"FAILED", "TIMEOUT"}
    alarms = _of_type(document, "AWS::CloudWatch::Alarm")
    gate = alarms["GateFailureAlarm"]["Properties"]
    assert gate["MetricName"] == GATE_FAILURES and gate["Threshold"] == 0
    daily = alarms["NoDailySuccessAlarm"]["Properties"]
    assert daily["MetricName"] == RUNS_SUCCEEDED
    assert daily["Period"] * daily["EvaluationPeriods"] == 26 * 3600
    assert daily["TreatMissingData"] == "breaching"
    for alarm in alarms.values():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": "AlarmTopic"}]


def test_bucket_hygiene():
    bucket = _template("dev")["Resources"]["LakeBucket"]
    props = bucket["Properties"]
    assert bucket["DeletionPolicy"] == "RetainExceptOnCreate"
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    assert all(props["PublicAccessBlockConfiguration"].values())
    prefixes = {r["Prefix"] for r in props["LifecycleConfiguration"]["Rules"]}
    assert {"lake/_staging/", "lake/_athena/", "lake/_ml/transform/"} <= prefixes


def test_every_step_has_its_job_and_every_dependency_its_trigger():
    document = _template("dev")
    jobs = {j["Properties"]["DefaultArguments"]["--step"]
            for j in _of_type(document, "AWS::Glue::Job").values()}
    assert jobs == {s.name for s in dag.STEPS if s.kind != "crawler"}
    for logical, trigger in _of_type(document, "AWS::Glue::Trigger").items():
        assert "GlueWorkflow" + trigger["Properties"]["WorkflowName"].split("-")[-1].title() in (
            trigger["DependsOn"]
        ), logical
