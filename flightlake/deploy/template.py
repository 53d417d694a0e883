"""The profile's CloudFormation stack, a pure function of the profile, the pipeline DAG and the
contracts: the lake bucket and its key, the IAM roles, the Glue catalog, crawlers, jobs,
workflows and triggers, the Athena workgroup, the events that start the daily workflow, and
the rules and alarms that notify the alarm topic.

Deploy (engine.py) shows it as a change set and executes it; docs/pipeline.md describes it.
"""

from __future__ import annotations

import re
from typing import Any

from flightlake.catalog.glue import database_name, table_input
from flightlake.contracts import all_contracts
from flightlake.deploy import crawlers, policies
from flightlake.deploy.config import Profile
from flightlake.deploy.resources import OWNER_TAG, Resource, StackRefs, desired, tags
from flightlake.lake import Lake
from flightlake.pipeline import dag
from flightlake.run_metrics import GATE_FAILURES, RUNS_SUCCEEDED
from flightlake.runtime import metrics
from training.launchers.base import SCORING_PREFIX, TRAINING_JOB_PREFIX

FORMAT_VERSION = "2010-09-09"
LAYERS = ("raw", "processed", "curated")
# Lifecycle (days): scratch, query results and transform output are re-creatable; old versions
# of every object are kept a month, so an overwrite or delete can be undone.
STAGING_DAYS = 7
ATHENA_RESULTS_DAYS = 30
TRANSFORM_OUTPUT_DAYS = 90
NONCURRENT_DAYS = 30
# "No successful daily run for 26 hours": 26 hourly periods without a success
# (Period × EvaluationPeriods may reach 7 days for periods of an hour or more:
# https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html).
DAILY_SUCCESS_HOURS = 26
# The lake and its key outlive the stack, except when its first create rolls back: then they
# are new and empty, and kept they would make every retry fail on their names
# (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html).
RETAIN = "RetainExceptOnCreate"


def _get_arn(logical_id: str) -> dict:
    return {"Fn::GetAtt": [logical_id, "Arn"]}


def _ref(logical_id: str) -> dict:
    return {"Ref": logical_id}


def logical_id(kind: str, name: str) -> str:
    """A CloudFormation logical id: the kind and the name in CamelCase, alphanumeric."""
    words = re.split(r"[^0-9A-Za-z]+", f"{kind} {name}")
    return "".join(w[:1].upper() + w[1:] for w in words if w)


def _tag_list(profile: Profile) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags(profile).items()]


def refs() -> StackRefs:
    return StackRefs(
        etl_role=_get_arn("GlueEtlRole"),
        launcher_role=_get_arn("GlueLauncherRole"),
        crawler_role=_get_arn("GlueCrawlerRole"),
        sagemaker_role=_get_arn("SageMakerRole"),
        key=_get_arn("StackKey"),
        security_configuration=_ref("GlueSecurityConfiguration"),
    )


def _key(profile: Profile) -> dict[str, Any]:
    """The stack's key: the prod lake's objects, Glue's logs, the alarm topic, SageMaker's
    volumes and output. The account administers it (AWS's default key policy,
    https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html); the
    services that encrypt for the stack's resources use it in their own name."""
    account = {"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:root"}
    return {
        "Type": "AWS::KMS::Key",
        "DeletionPolicy": RETAIN,
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "Description": f"flightlake {profile.name}: lake, logs, alarms and SageMaker",
            "EnableKeyRotation": True,
            "KeyPolicy": {
                "Version": policies.VERSION,
                "Statement": [
                    {
                        "Sid": "AccountAdministers",
                        "Effect": "Allow",
                        "Principal": {"AWS": account},
                        "Action": "kms:*",
                        "Resource": "*",
                    },
                    {
                        # https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
                        "Sid": "GlueLogs",
                        "Effect": "Allow",
                        "Principal": {"Service": {"Fn::Sub": "logs.${AWS::Region}.amazonaws.com"}},
                        "Action": [
                            "kms:Encrypt",
                            "kms:Decrypt",
                            "kms:ReEncrypt*",
                            "kms:GenerateDataKey*",
                            "kms:DescribeKey",
                        ],
                        "Resource": "*",
                        "Condition": {
                            "ArnLike": {
                                "kms:EncryptionContext:aws:logs:arn": {
                                    "Fn::Sub": "arn:aws:logs:${AWS::Region}:${AWS::AccountId}:"
                                    "log-group:/aws-glue/*"
                                }
                            }
                        },
                    },
                    {
                        # https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
                        "Sid": "AlarmTopic",
                        "Effect": "Allow",
                        "Principal": {
                            "Service": ["events.amazonaws.com", "cloudwatch.amazonaws.com"]
                        },
                        "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
                        "Resource": "*",
                    },
                ],
            },
            # No Tags of its own: the stack's tags (engine.py) reach every resource.
        },
    }


def _bucket(profile: Profile) -> dict[str, Any]:
    """The lake: default encryption (writers send no header), versions, lifecycle, no public
    access, owner-enforced objects, events to EventBridge. Kept when the stack is deleted."""
    root = profile.prefix.strip("/")
    if profile.lake_encryption == "SSE-KMS":
        default = {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": _get_arn("StackKey")}
        encryption = {"ServerSideEncryptionByDefault": default, "BucketKeyEnabled": True}
    else:
        encryption = {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
    expiring = {
        "staging": (Lake.staging_root(), STAGING_DAYS),
        "athena-results": (policies.ATHENA_RESULTS_PREFIX, ATHENA_RESULTS_DAYS),
        "transform-output": (Lake.transform_root(), TRANSFORM_OUTPUT_DAYS),
    }
    rules = [
        {
            "Id": rule,
            "Status": "Enabled",
            "Prefix": f"{root}/{prefix}/",
            "ExpirationInDays": days,
        }
        for rule, (prefix, days) in expiring.items()
    ]
    rules.append(
        {
            "Id": "old-versions-and-uploads",
            "Status": "Enabled",
            "Prefix": f"{root}/",
            "NoncurrentVersionExpiration": {"NoncurrentDays": NONCURRENT_DAYS},
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": STAGING_DAYS},
        }
    )
    return {
        "Type": "AWS::S3::Bucket",
        "DeletionPolicy": RETAIN,
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "BucketName": profile.bucket,
            "BucketEncryption": {"ServerSideEncryptionConfiguration": [encryption]},
            "VersioningConfiguration": {"Status": "Enabled"},
            "LifecycleConfiguration": {"Rules": rules},
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
            "NotificationConfiguration": {"EventBridgeConfiguration": {"EventBridgeEnabled": True}},
            "Tags": _tag_list(profile),
        },
    }


def role_documents(profile: Profile, stack: StackRefs, image_account: str) -> dict[str, dict]:
    """Logical id → the role's policy document."""
    return {
        "GlueEtlRole": policies.glue_etl(profile, stack.key),
        "GlueLauncherRole": policies.glue_launcher(profile, stack.key, stack.sagemaker_role),
        "GlueCrawlerRole": policies.glue_crawler(profile, stack.key),
        "SageMakerRole": policies.sagemaker(profile, stack.key, image_account),
        "RawEventsRole": policies.raw_events(profile),
        "AnalystRole": policies.analyst(profile, stack.key),
    }


def _role(profile: Profile, logical: str, document: dict) -> dict[str, Any]:
    suffix, service = policies.ROLES[logical]
    if service:
        # No aws:SourceAccount condition: AWS does not document that Glue and EventBridge send
        # it when they assume a role, and a condition they do not meet locks them out.
        trust = {
            "Effect": "Allow",
            "Principal": {"Service": service},
            "Action": "sts:AssumeRole",
        }
    else:
        trust = {
            "Effect": "Allow",
            "Principal": {"AWS": {"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:root"}},
            "Action": "sts:AssumeRole",
        }
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "RoleName": profile.role_name(suffix),
            "Description": f"flightlake {profile.name}: {suffix}",
            "AssumeRolePolicyDocument": {"Version": policies.VERSION, "Statement": [trust]},
            "Policies": [{"PolicyName": profile.role_name(suffix), "PolicyDocument": document}],
            "MaxSessionDuration": 3600,
            "Tags": _tag_list(profile),
        },
    }


def _security_configuration(profile: Profile) -> dict[str, Any]:
    """Glue jobs' and crawlers' S3 writes, logs and bookmarks, encrypted
    (https://docs.aws.amazon.com/glue/latest/dg/encryption-security-configuration.html)."""
    key = _get_arn("StackKey")
    s3 = {"S3EncryptionMode": "SSE-S3"}
    if profile.lake_encryption == "SSE-KMS":
        s3 = {"S3EncryptionMode": "SSE-KMS", "KmsKeyArn": key}
    return {
        "Type": "AWS::Glue::SecurityConfiguration",
        "Properties": {
            "Name": profile.stack_name,
            "EncryptionConfiguration": {
                "S3Encryptions": [s3],
                "CloudWatchEncryption": {"CloudWatchEncryptionMode": "SSE-KMS", "KmsKeyArn": key},
                "JobBookmarksEncryption": {
                    "JobBookmarksEncryptionMode": "CSE-KMS",
                    "KmsKeyArn": key,
                },
            },
        },
    }


def _catalog(profile: Profile) -> dict[str, dict]:
    """The layers' databases and the contracts' tables (partition projection: no partition is
    ever written to the catalog, so the tables are the stack's alone)."""
    out: dict[str, dict] = {}
    catalog_id = {"Ref": "AWS::AccountId"}
    encrypted = profile.lake_encryption == "SSE-KMS"
    for layer in LAYERS:
        out[logical_id("database", layer)] = {
            "Type": "AWS::Glue::Database",
            # The catalog is encrypted before anything is written to it.
            **({"DependsOn": ["CatalogEncryption"]} if encrypted else {}),
            "Properties": {
                "CatalogId": catalog_id,
                "DatabaseInput": {
                    "Name": database_name(layer, profile.database_prefix),
                    "Description": f"flightlake {profile.name}: the {layer} layer",
                },
            },
        }
    for contract in all_contracts():
        out[logical_id(f"table {contract.layer}", contract.name)] = {
            "Type": "AWS::Glue::Table",
            "Properties": {
                "CatalogId": catalog_id,
                "DatabaseName": _ref(logical_id("database", contract.layer)),
                "TableInput": table_input(contract, profile.lake_uri),
            },
        }
    if encrypted:
        out["CatalogEncryption"] = {
            "Type": "AWS::Glue::DataCatalogEncryptionSettings",
            "Properties": {
                "CatalogId": catalog_id,
                "DataCatalogEncryptionSettings": {
                    "EncryptionAtRest": {
                        "CatalogEncryptionMode": "SSE-KMS",
                        "SseAwsKmsKeyId": _get_arn("StackKey"),
                    },
                    "ConnectionPasswordEncryption": {
                        "ReturnConnectionPasswordEncrypted": True,
                        "KmsKeyId": _get_arn("StackKey"),
                    },
                },
            },
        }
    return out


def _classifiers(profile: Profile) -> dict[str, dict]:
    """The CSV classifier each raw crawler names, with the contract's header."""
    out = {}
    for source in crawlers.definitions():
        request = crawlers.classifier_request(source)["CsvClassifier"]
        request["Name"] = profile.resource_name(request["Name"])
        out[logical_id("classifier", source)] = {
            "Type": "AWS::Glue::Classifier",
            "Properties": {"CsvClassifier": request},
        }
    return out


CFN_TYPES = {
    "glue_job": "AWS::Glue::Job",
    "glue_crawler": "AWS::Glue::Crawler",
    "glue_workflow": "AWS::Glue::Workflow",
    "glue_trigger": "AWS::Glue::Trigger",
    "athena_workgroup": "AWS::Athena::WorkGroup",
}


def _glue(
    profile: Profile, resources: list[Resource], classifiers: dict[str, dict]
) -> dict[str, dict]:
    out: dict[str, dict] = {}
    # Logical ids without the profile's prefix (a profile name may hold dashes).
    prefix = profile.resource_name("")
    by_name = {r.name: logical_id(r.kind, r.name.removeprefix(prefix)) for r in resources}
    classifier_ids = {
        c["Properties"]["CsvClassifier"]["Name"]: logical for logical, c in classifiers.items()
    }
    for r in resources:
        entry: dict[str, Any] = {"Type": CFN_TYPES[r.kind], "Properties": dict(r.spec)}
        depends = []
        if r.kind == "glue_trigger":
            # A trigger names its workflow, jobs and crawlers: created after them.
            names = [r.spec["WorkflowName"], *_named(r.spec)]
            depends = sorted({by_name[n] for n in names if n in by_name})
        if r.kind == "glue_crawler":
            depends = sorted(classifier_ids[c] for c in r.spec["Classifiers"])
        if r.kind == "athena_workgroup":
            entry["Properties"]["RecursiveDeleteOption"] = True
        if depends:
            entry["DependsOn"] = depends
        out[by_name[r.name]] = entry
    return out


def _named(trigger: dict) -> list[str]:
    conditions = trigger.get("Predicate", {}).get("Conditions", [])
    return [
        x.get("JobName") or x.get("CrawlerName")
        for x in (*trigger["Actions"], *conditions)
    ]


def _events(profile: Profile) -> dict[str, dict]:
    """Drops under raw/ and the daily schedule start the daily workflow's EVENT trigger
    (https://docs.aws.amazon.com/glue/latest/dg/starting-workflow-eventbridge.html; S3's own
    "Object Created" events, https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html)."""
    out: dict[str, dict] = {}
    root = profile.prefix.strip("/")
    for w in dag.WORKFLOWS.values():
        if not w.on_raw_drops:
            continue
        name = policies.workflow_name(profile, w.name)
        target = {
            "Id": "workflow",
            "Arn": {
                "Fn::Sub": f"arn:aws:glue:${{AWS::Region}}:${{AWS::AccountId}}:workflow/{name}"
            },
            "RoleArn": _get_arn("RawEventsRole"),
        }
        depends = [logical_id("glue_workflow", w.name)]
        out[logical_id("rule raw drops", w.name)] = {
            "Type": "AWS::Events::Rule",
            "DependsOn": depends,
            "Properties": {
                "Description": f"A drop under raw/ starts the {w.name} workflow",
                "State": "ENABLED",
                "EventPattern": {
                    "source": ["aws.s3"],
                    "detail-type": ["Object Created"],
                    "detail": {
                        "bucket": {"name": [profile.bucket]},
                        "object": {"key": [{"prefix": f"{root}/{Lake.raw_dir('')}"}]},
                    },
                },
                "Targets": [target],
            },
        }
        out[logical_id("rule schedule", w.name)] = {
            "Type": "AWS::Events::Rule",
            "DependsOn": depends,
            "Properties": {
                "Description": f"The {w.name} workflow's schedule: a backstop if no drop lands",
                "State": "ENABLED",
                "ScheduleExpression": getattr(profile, w.schedule_key),
                "Targets": [target],
            },
        }
    return out


def _alarms(profile: Profile) -> dict[str, dict]:
    """Failures of jobs, crawlers and SageMaker jobs, critical gate failures and a missing
    daily success, to one topic."""
    topic = _ref("AlarmTopic")
    prefix = profile.resource_name("")
    failures = {
        "GlueJobFailed": (
            "aws.glue",
            "Glue Job State Change",
            {"jobName": [{"prefix": prefix}], "state": ["FAILED", "TIMEOUT", "STOPPED", "ERROR"]},
        ),
        "CrawlerFailed": (
            "aws.glue",
            "Glue Crawler State Change",
            {"crawlerName": [{"prefix": prefix}], "state": ["Failed"]},
        ),
        "TrainingJobFailed": (
            "aws.sagemaker",
            "SageMaker Training Job State Change",
            {"TrainingJobName": [{"prefix": TRAINING_JOB_PREFIX}], "TrainingJobStatus": ["Failed"]},
        ),
        "TransformJobFailed": (
            "aws.sagemaker",
            "SageMaker Transform Job State Change",
            {"TransformJobName": [{"prefix": SCORING_PREFIX}], "TransformJobStatus": ["Failed"]},
        ),
    }
    out: dict[str, dict] = {
        "AlarmTopic": {
            "Type": "AWS::SNS::Topic",
            "Properties": {
                "TopicName": profile.resource_name("alarms"),
                "KmsMasterKeyId": _get_arn("StackKey"),
                "Tags": _tag_list(profile),
            },
        },
        "AlarmTopicPolicy": {
            "Type": "AWS::SNS::TopicPolicy",
            "Properties": {
                "Topics": [topic],
                "PolicyDocument": {
                    "Version": policies.VERSION,
                    "Statement": [
                        {
                            "Sid": "EventsAndAlarmsPublish",
                            "Effect": "Allow",
                            "Principal": {
                                "Service": ["events.amazonaws.com", "cloudwatch.amazonaws.com"]
                            },
                            "Action": "sns:Publish",
                            "Resource": topic,
                            "Condition": {
                                "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
                            },
                        }
                    ],
                },
            },
        },
    }
    if profile.alert_email:
        out["AlarmEmail"] = {
            "Type": "AWS::SNS::Subscription",
            "Properties": {"TopicArn": topic, "Protocol": "email", "Endpoint": profile.alert_email},
        }
    for name, (source, detail_type, detail) in failures.items():
        out[logical_id("rule", name)] = {
            "Type": "AWS::Events::Rule",
            "Properties": {
                "Description": f"{detail_type}: failures of flightlake {profile.name}",
                "State": "ENABLED",
                "EventPattern": {"source": [source], "detail-type": [detail_type],
                                 "detail": detail},
                "Targets": [{"Id": "alarms", "Arn": topic}],
            },
        }
    (started_by_drops,) = [w.name for w in dag.WORKFLOWS.values() if w.on_raw_drops]
    out["GateFailureAlarm"] = {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "AlarmName": profile.resource_name("critical-gate-failure"),
            "AlarmDescription": "A quality gate refused a table (critical expectation failed)",
            "Namespace": metrics.NAMESPACE,
            "MetricName": GATE_FAILURES,
            "Dimensions": metrics.dimensions(profile.name),
            "Statistic": "Sum",
            "Period": 300,
            "EvaluationPeriods": 1,
            "Threshold": 0,
            "ComparisonOperator": "GreaterThanThreshold",
            "TreatMissingData": "notBreaching",
            "AlarmActions": [topic],
        },
    }
    out["NoDailySuccessAlarm"] = {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "AlarmName": profile.resource_name(f"no-{started_by_drops}-success"),
            "AlarmDescription": f"No successful {started_by_drops} run for "
            f"{DAILY_SUCCESS_HOURS} hours",
            "Namespace": metrics.NAMESPACE,
            "MetricName": RUNS_SUCCEEDED,
            "Dimensions": metrics.dimensions(profile.name, started_by_drops),
            "Statistic": "Sum",
            "Period": 3600,
            "EvaluationPeriods": DAILY_SUCCESS_HOURS,
            "DatapointsToAlarm": DAILY_SUCCESS_HOURS,
            "Threshold": 1,
            "ComparisonOperator": "LessThanThreshold",
            "TreatMissingData": "breaching",
            "AlarmActions": [topic],
        },
    }
    return out


def template(profile: Profile, wheelhouses: dict[str, str], image_account: str) -> dict:
    """The stack. `wheelhouses`: kind of job → its zip of wheels' key under _code/;
    `image_account`: the account publishing SageMaker's XGBoost image in the region."""
    stack = refs()
    resources: dict[str, dict] = {"StackKey": _key(profile)}
    resources["StackKeyAlias"] = {
        "Type": "AWS::KMS::Alias",
        "Properties": {"AliasName": f"alias/{profile.stack_name}", "TargetKeyId": _ref("StackKey")},
    }
    resources["LakeBucket"] = _bucket(profile)
    for logical, document in role_documents(profile, stack, image_account).items():
        resources[logical] = _role(profile, logical, document)
    role_arns = [_get_arn(logical) for logical in policies.ROLES]
    resources["LakeBucketPolicy"] = {
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {
            "Bucket": _ref("LakeBucket"),
            "PolicyDocument": policies.bucket_policy(profile, role_arns),
        },
    }
    resources["GlueSecurityConfiguration"] = _security_configuration(profile)
    resources.update(_catalog(profile))
    classifiers = _classifiers(profile)
    resources.update(classifiers)
    glue = desired(profile, wheelhouses, stack)
    resources.update(_glue(profile, glue, classifiers))
    resources.update(_events(profile))
    resources.update(_alarms(profile))
    return {
        "AWSTemplateFormatVersion": FORMAT_VERSION,
        "Description": f"flightlake {profile.name}: the lake, its Glue pipeline and its alarms "
        f"({OWNER_TAG}=flightlake)",
        "Resources": resources,
        "Outputs": {
            "LakeUri": {"Value": profile.lake_uri},
            "AlarmTopic": {"Value": _ref("AlarmTopic")},
            "StackKey": {"Value": _get_arn("StackKey")},
            **{
                logical: {"Value": _get_arn(logical)}
                for logical in policies.ROLES
            },
        },
    }
