"""The deployed stack's roles, for tests: every AWS call a step makes, recorded, turned into
the IAM request AWS authorises (action, resource, condition keys), and evaluated against the
role's policy and the bucket's by a real policy engine (principalmapper's local policy
simulation: wildcards, condition operators, explicit denies), never a matcher of ours.

The request of each call follows the Service Authorization Reference's resource types:
https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
"""

from __future__ import annotations

import collections
import collections.abc
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import botocore.client

# principalmapper 1.1.5 imports Mapping from `collections` (removed in Python 3.10).
collections.Mapping = collections.abc.Mapping  # type: ignore[attr-defined]
collections.MutableMapping = collections.abc.MutableMapping  # type: ignore[attr-defined]
from principalmapper.querying.local_policy_simulation import (  # noqa: E402
    policy_has_matching_statement,
)
from principalmapper.util.case_insensitive_dict import CaseInsensitiveDict  # noqa: E402


@dataclass(frozen=True)
class Call:
    service: str
    operation: str
    params: dict


@dataclass(frozen=True)
class Request:
    action: str
    resource: str
    context: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        return f"{self.action} on {self.resource} {dict(self.context) or ''}".strip()


@contextmanager
def recorded_calls() -> Iterator[list[Call]]:
    """Every API call any botocore client makes inside the block."""
    calls: list[Call] = []
    original = botocore.client.BaseClient._make_api_call

    def record(self, operation_name, api_params):
        calls.append(Call(self.meta.service_model.service_name, operation_name, dict(api_params)))
        return original(self, operation_name, api_params)

    botocore.client.BaseClient._make_api_call = record
    try:
        yield calls
    finally:
        botocore.client.BaseClient._make_api_call = original


S3_READ = {"GetObject", "HeadObject"}
S3_WRITE = {"PutObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload"}
GLUE_TABLE = {"GetTable", "CreateTable", "UpdateTable", "DeleteTable", "GetPartitions",
              "GetPartition", "BatchCreatePartition"}


def requests(call: Call, region: str, account: str, workgroup: str) -> list[Request]:
    """The IAM requests AWS authorises for `call`; unknown calls fail the test (map them)."""
    p, op = call.params, call.operation
    if call.service == "s3":
        bucket = p.get("Bucket", "")
        if op in S3_READ:
            return [Request("s3:GetObject", f"arn:aws:s3:::{bucket}/{p['Key']}")]
        if op in S3_WRITE:
            return [Request("s3:PutObject", f"arn:aws:s3:::{bucket}/{p['Key']}")]
        if op == "CopyObject":
            source = p["CopySource"]
            return [
                Request("s3:GetObject", f"arn:aws:s3:::{source['Bucket']}/{source['Key']}"),
                Request("s3:PutObject", f"arn:aws:s3:::{bucket}/{p['Key']}"),
            ]
        if op == "DeleteObject":
            return [Request("s3:DeleteObject", f"arn:aws:s3:::{bucket}/{p['Key']}")]
        if op == "DeleteObjects":
            return [
                Request("s3:DeleteObject", f"arn:aws:s3:::{bucket}/{o['Key']}")
                for o in p["Delete"]["Objects"]
            ]
        if op in ("ListObjectsV2", "ListObjects"):
            return [Request("s3:ListBucket", f"arn:aws:s3:::{bucket}",
                            (("s3:prefix", p.get("Prefix", "")),))]
        if op == "GetBucketLocation":
            return [Request("s3:GetBucketLocation", f"arn:aws:s3:::{bucket}")]
    if call.service == "athena":
        arn = f"arn:aws:athena:{region}:{account}:workgroup/{p.get('WorkGroup', workgroup)}"
        return [Request(f"athena:{op}", arn)]
    if call.service == "glue" and op in GLUE_TABLE:
        glue = f"arn:aws:glue:{region}:{account}"
        database = p["DatabaseName"]
        table = p.get("Name") or p.get("TableName") or p.get("TableInput", {}).get("Name")
        return [
            Request(f"glue:{op}", f"{glue}:catalog"),
            Request(f"glue:{op}", f"{glue}:database/{database}"),
            Request(f"glue:{op}", f"{glue}:table/{database}/{table}"),
        ]
    if call.service == "sagemaker" and op == "ListModelPackages":
        # Its only resource type is model-package; a listing names no one package.
        arn = f"arn:aws:sagemaker:{region}:{account}:model-package/*"
        return [Request("sagemaker:ListModelPackages", arn)]
    if call.service in ("cloudwatch", "monitoring") and op == "PutMetricData":
        return [Request("cloudwatch:PutMetricData", "*",
                        (("cloudwatch:namespace", p["Namespace"]),))]
    if call.service == "sts" and op == "GetCallerIdentity":
        return []  # needs no permission
    raise AssertionError(f"no IAM request known for {call.service}:{op}: map it here")


def _context(request: Request, principal_arn: str | None) -> CaseInsensitiveDict:
    """The request's condition keys, over TLS, by `principal_arn`."""
    context = CaseInsensitiveDict(dict(request.context))
    context["aws:SecureTransport"] = "true"
    if principal_arn:
        context["aws:PrincipalArn"] = principal_arn
    return context


def allows(policy: dict, request: Request, principal_arn: str | None = None) -> bool:
    """An Allow matches and no Deny does (identity policy)."""
    context = _context(request, principal_arn)
    allowed = policy_has_matching_statement(
        policy, "Allow", request.action, request.resource, context
    )
    return allowed and not denies(policy, request, principal_arn)


def denies(policy: dict, request: Request, principal_arn: str | None = None) -> bool:
    """A resource policy's Deny matches the request by `principal_arn` (the engine evaluates
    action, resource and conditions; the statements kept are those naming the principal)."""
    statements = [s for s in policy["Statement"] if _names(s.get("Principal"), principal_arn)]
    return policy_has_matching_statement(
        {**policy, "Statement": statements}, "Deny", request.action, request.resource,
        _context(request, principal_arn),
    )


def _names(principal, arn: str | None) -> bool:
    if principal is None or principal == "*":
        return True
    listed = principal.get("AWS", []) if isinstance(principal, dict) else []
    return arn in ([listed] if isinstance(listed, str) else listed)


RECORD_ENV = "FLIGHTLAKE_RECORD_AWS_CALLS"  # tests/parity/recorder/sitecustomize.py


def load_calls(path) -> list[Call]:
    """The calls a job recorded (tests/parity/recorder)."""
    lines = Path(path).read_text().splitlines() if Path(path).exists() else []
    return [Call(c["service"], c["operation"], c["params"]) for c in map(json.loads, lines)]


def check_role(profile, calls: list[Call], role: str, template: dict) -> set[str]:
    """Every request of `calls` allowed to the stack's role `role` (glue-etl, …) and not
    denied by the bucket's policy; returns the actions seen. Fails listing what is refused."""
    from flightlake.deploy import resolve

    policy = resolve.role_policies(template, profile.account, profile.region)[
        profile.role_name(role)
    ]
    bucket = resolve.resource_policies(template, profile.account, profile.region)[
        "LakeBucketPolicy"
    ]
    refused, seen = [], set()
    for call in calls:
        for request in requests(call, profile.region, profile.account, profile.athena_workgroup):
            seen.add(request.action)
            if not allows(policy, request) or denies(bucket, request, profile.role_arn(role)):
                refused.append(f"{call.service}:{call.operation} → {request}")
    assert refused == [], f"{role} refuses:\n" + "\n".join(refused)
    return seen


def create_workgroup(client, profile) -> None:
    """The profile's Athena workgroup, as the stack defines it (moto's CloudFormation has no
    Athena workgroups)."""
    from flightlake.deploy import resources

    spec = resources.workgroup(profile, resources.StackRefs.named(profile)).spec
    client.create_work_group(Name=spec["Name"], Configuration=spec["WorkGroupConfiguration"])
