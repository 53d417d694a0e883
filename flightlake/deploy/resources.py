"""The Glue and Athena resources of a profile's stack, derived from the pipeline DAG and the
contracts: jobs, crawlers, workflows and triggers, the Athena workgroup. Each spec is the
resource's CloudFormation properties; template.py places them in the stack with its roles,
key and security configuration."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flightlake.catalog.glue import database_name
from flightlake.deploy import crawlers
from flightlake.deploy.config import Profile
from flightlake.deploy.policies import (
    ATHENA_RESULTS_PREFIX,
    CODE_PREFIX,
    ROLES,
    Value,
    workflow_name,
)
from flightlake.pipeline import dag

OWNER_TAG = "flightlake:project"
ENV_TAG = "flightlake:env"
GLUE_VERSION = "5.1"
# The zip of wheels is the only index pip sees: a job never installs from PyPI.
INSTALLER_OPTION = "--no-index"


@dataclass(frozen=True)
class Resource:
    kind: str  # glue_job | glue_crawler | glue_workflow | glue_trigger | athena_workgroup
    name: str
    spec: dict[str, Any] = field(hash=False)


@dataclass(frozen=True)
class StackRefs:
    """What the Glue resources name of the rest of the stack: role ARNs, the key's ARN and the
    security configuration (CloudFormation intrinsics in the template, strings elsewhere)."""

    etl_role: Value
    launcher_role: Value
    crawler_role: Value
    sagemaker_role: Value
    key: Value
    security_configuration: Value

    @classmethod
    def named(cls, profile: Profile) -> StackRefs:
        """The names the stack gives them (its roles' names are fixed by the profile)."""
        return cls(
            etl_role=profile.role_arn(ROLES["GlueEtlRole"][0]),
            launcher_role=profile.role_arn(ROLES["GlueLauncherRole"][0]),
            crawler_role=profile.role_arn(ROLES["GlueCrawlerRole"][0]),
            sagemaker_role=profile.role_arn(ROLES["SageMakerRole"][0]),
            key=f"alias/{profile.stack_name}",
            security_configuration=profile.stack_name,
        )


def tags(profile: Profile) -> dict[str, str]:
    return {OWNER_TAG: "flightlake", ENV_TAG: profile.name}


def code_uri(profile: Profile, key: str) -> str:
    return f"s3://{profile.bucket}/{profile.prefix}/{CODE_PREFIX}/{key}"


def job_name(profile: Profile, step: dag.Step) -> str:
    return profile.resource_name(step.name.replace("_", "-"))


def _job(
    profile: Profile, step: dag.Step, wheelhouses: dict[str, str], refs: StackRefs
) -> Resource:
    """A Glue job running `step`; `wheelhouses` maps a kind of job to its zip of wheels' key.

    Every job carries the whole run context of the profile (back end, role, databases,
    workgroup) in its arguments: a step reads nothing else to know where it runs."""
    arguments = {
        "--lake": profile.lake_uri,
        "--profile": profile.name,
        "--backend": "sagemaker",
        "--sagemaker_role": refs.sagemaker_role,
        # SageMaker encrypts training volumes and output, the model and the transform's output
        # with the stack's key.
        "--kms_key": refs.key,
        **(
            {"--mlflow_tracking_uri": profile.mlflow_tracking_arn}
            if profile.mlflow_tracking_arn
            else {}
        ),
        "--database_prefix": profile.database_prefix,
        "--workgroup": profile.athena_workgroup,
        "--additional-python-modules": code_uri(profile, wheelhouses[step.kind]),
        "--python-modules-installer-option": INSTALLER_OPTION,
        # Glue 5.1 reads and writes s3:// through S3A, which assumes us-east-2 unless told the
        # bucket's region (https://docs.aws.amazon.com/glue/latest/dg/migrating-version-51.html).
        "--conf": f"spark.hadoop.fs.s3a.endpoint.region={profile.region}",
        "--enable-metrics": "true",
        "--enable-continuous-cloudwatch-log": "true",
        **step.arguments,
    }
    spec: dict[str, Any] = {
        "Name": job_name(profile, step),
        "Description": step.description,
        "Command": {
            "Name": "glueetl",
            "ScriptLocation": code_uri(profile, step.script or ""),
            "PythonVersion": "3",
        },
        "GlueVersion": GLUE_VERSION,
        "MaxRetries": 0,
        "Timeout": 120,
        "DefaultArguments": arguments,
        "SecurityConfiguration": refs.security_configuration,
        "Tags": tags(profile),
    }
    if step.kind == "glue_etl":
        spec.update(
            Role=refs.etl_role,
            WorkerType=profile.worker_type,
            NumberOfWorkers=profile.workers,
            ExecutionClass="FLEX" if step.flex else "STANDARD",
        )
    else:
        # Starts SageMaker (or Athena) work and waits. Not a Python-shell job: those run
        # Python 3.9, and the package needs Glue 5.1's 3.11. So it is the smallest Glue 5.1
        # job (2 × G.1X), with the launcher role.
        spec.update(
            Role=refs.launcher_role,
            WorkerType="G.1X",
            NumberOfWorkers=2,
            ExecutionClass="STANDARD",
        )
    return Resource("glue_job", spec["Name"], spec)


def _crawlers(profile: Profile, refs: StackRefs) -> list[Resource]:
    database = database_name("raw", profile.database_prefix)
    out = []
    for spec in crawlers.definitions().values():
        request = crawlers.crawler_request(spec, profile.lake_uri, refs.crawler_role, database)
        request["Name"] = profile.resource_name(request["Name"])
        request.pop("Schedule", None)  # the workflow starts crawlers, not their own schedule
        request["Classifiers"] = [
            profile.resource_name(c) for c in request["Classifiers"]
        ]
        request["CrawlerSecurityConfiguration"] = refs.security_configuration
        request["Tags"] = tags(profile)
        out.append(Resource("glue_crawler", request["Name"], request))
    return out


def _action(profile: Profile, step: dag.Step, crawler_names: list[str]) -> list[dict]:
    if step.kind == "crawler":
        return [{"CrawlerName": name} for name in crawler_names]
    return [{"JobName": job_name(profile, step)}]


def _condition(profile: Profile, step: dag.Step, crawler_names: list[str]) -> list[dict]:
    if step.kind == "crawler":
        return [
            {"LogicalOperator": "EQUALS", "CrawlerName": name, "CrawlState": "SUCCEEDED"}
            for name in crawler_names
        ]
    return [{"LogicalOperator": "EQUALS", "JobName": job_name(profile, step), "State": "SUCCEEDED"}]


def _workflow(
    profile: Profile, workflow: dag.Workflow, crawler_names: list[str], all_steps: tuple
) -> list[Resource]:
    """A workflow, its start trigger for its first steps (EVENT or SCHEDULED), and one
    CONDITIONAL trigger per step with dependencies inside the workflow (all SUCCEEDED)."""
    name = workflow_name(profile, workflow.name)
    steps = [s for s in dag.order(all_steps) if s.workflow == workflow.name]
    by_name = {s.name: s for s in steps}
    inside = set(by_name)
    out = [
        Resource(
            "glue_workflow",
            name,
            {
                "Name": name,
                "Description": workflow.description,
                # One run of a workflow at a time (Glue's own guard; the lake's run lock
                # guards against everything else).
                "MaxConcurrentRuns": 1,
                "Tags": tags(profile),
            },
        )
    ]
    first = [s for s in steps if not any(d in inside for d in (*s.depends_on, *s.after))]
    actions = [a for s in first for a in _action(profile, s, crawler_names)]
    start: dict[str, Any] = {
        "Name": f"{name}-start",
        "WorkflowName": name,
        "Actions": actions,
        "Tags": tags(profile),
    }
    if workflow.on_raw_drops:
        # A workflow has one start trigger: drops and the schedule both reach it as events
        # (template.py's EventBridge rules), batched so a day's drops make one run.
        start.update(
            Type="EVENT",
            EventBatchingCondition={
                "BatchSize": profile.raw_event_batch_size,
                "BatchWindow": profile.raw_event_batch_window,
            },
        )
    else:
        start.update(
            Type="SCHEDULED",
            Schedule=getattr(profile, workflow.schedule_key),
            StartOnCreation=True,
        )
    out.append(Resource("glue_trigger", start["Name"], start))
    for step in steps:
        # Glue's conditional triggers cannot wait for "finished, whatever the outcome" of one
        # job AND the success of others, so on Glue a step also needs its `after` steps to
        # have succeeded: a failed reference snapshot there holds back the tables after it.
        deps = [by_name[d] for d in (*step.depends_on, *step.after) if d in inside]
        if not deps:
            continue
        trigger = f"{name}-{step.name.replace('_', '-')}"
        out.append(
            Resource(
                "glue_trigger",
                trigger,
                {
                    "Name": trigger,
                    "WorkflowName": name,
                    "Type": "CONDITIONAL",
                    "Predicate": {
                        "Logical": "AND",
                        "Conditions": [
                            c for d in deps for c in _condition(profile, d, crawler_names)
                        ],
                    },
                    "Actions": _action(profile, step, crawler_names),
                    "StartOnCreation": True,
                    "Tags": tags(profile),
                },
            )
        )
    return out


def workgroup(profile: Profile, refs: StackRefs) -> Resource:
    encryption: dict[str, Any] = {"EncryptionOption": "SSE_S3"}
    if profile.lake_encryption == "SSE-KMS":
        encryption = {"EncryptionOption": "SSE_KMS", "KmsKey": refs.key}
    spec = {
        "Name": profile.athena_workgroup,
        "Description": f"flightlake {profile.name}: analyst SQL over the lake",
        "WorkGroupConfiguration": {
            "ResultConfiguration": {
                "OutputLocation": f"s3://{profile.bucket}/{profile.prefix}/{ATHENA_RESULTS_PREFIX}/",
                "EncryptionConfiguration": encryption,
            },
            "EnforceWorkGroupConfiguration": True,
            "PublishCloudWatchMetricsEnabled": True,
            "BytesScannedCutoffPerQuery": profile.athena_bytes_scanned_cutoff,
            "EngineVersion": {"SelectedEngineVersion": "Athena engine version 3"},
        },
        "Tags": [{"Key": k, "Value": v} for k, v in tags(profile).items()],
    }
    return Resource("athena_workgroup", profile.athena_workgroup, spec)


def desired(
    profile: Profile,
    wheelhouses: dict[str, str],
    refs: StackRefs | None = None,
    steps: tuple[dag.Step, ...] = dag.STEPS,
) -> list[Resource]:
    """The Glue and Athena resources; `refs` default to the names the stack gives them."""
    refs = refs or StackRefs.named(profile)
    crawler_resources = _crawlers(profile, refs)
    names = [r.name for r in crawler_resources]
    jobs = [_job(profile, s, wheelhouses, refs) for s in dag.order(steps) if s.kind != "crawler"]
    flows = [r for w in dag.WORKFLOWS.values() for r in _workflow(profile, w, names, steps)]
    return [*crawler_resources, *jobs, *flows, workgroup(profile, refs)]

