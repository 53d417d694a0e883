"""The template's intrinsics resolved to the values AWS would give them in an account and
region: the policies as IAM will hold them, for the offline checks (parliament, the policy
engine of the role tests). Only the intrinsics template.py writes are understood."""

from __future__ import annotations

import re
from typing import Any

# The physical ids the stack's resources get: roles, the topic and the bucket by their names,
# the key by a placeholder id, anything else by its logical id (never named in a policy).
KEY_ID = "00000000-0000-4000-8000-000000000000"


def _attribute(template: dict, logical: str, account: str, region: str) -> str:
    resource = template["Resources"][logical]
    kind, props = resource["Type"], resource.get("Properties", {})
    if kind == "AWS::IAM::Role":
        return f"arn:aws:iam::{account}:role/{props['RoleName']}"
    if kind == "AWS::KMS::Key":
        return f"arn:aws:kms:{region}:{account}:key/{KEY_ID}"
    if kind == "AWS::SNS::Topic":
        return f"arn:aws:sns:{region}:{account}:{props['TopicName']}"
    if kind == "AWS::S3::Bucket":
        return props["BucketName"]
    if "Name" in props and isinstance(props["Name"], str):
        return props["Name"]
    return logical


def resolve(value: Any, template: dict, account: str, region: str) -> Any:
    """`value` with every Ref, Fn::GetAtt and Fn::Sub replaced."""
    pseudo = {"AWS::AccountId": account, "AWS::Region": region, "AWS::Partition": "aws"}
    if isinstance(value, list):
        return [resolve(v, template, account, region) for v in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"Ref"}:
        name = value["Ref"]
        return pseudo.get(name) or _attribute(template, name, account, region)
    if set(value) == {"Fn::GetAtt"}:
        return _attribute(template, value["Fn::GetAtt"][0], account, region)
    if set(value) == {"Fn::Sub"}:
        return re.sub(
            r"\$\{([^}]+)\}",
            lambda m: pseudo.get(m[1]) or _attribute(template, m[1], account, region),
            value["Fn::Sub"],
        )
    return {k: resolve(v, template, account, region) for k, v in value.items()}


def role_policies(template: dict, account: str, region: str) -> dict[str, dict]:
    """Role name → its policy document, resolved."""
    return {
        r["Properties"]["RoleName"]: resolve(
            r["Properties"]["Policies"][0]["PolicyDocument"], template, account, region
        )
        for r in template["Resources"].values()
        if r["Type"] == "AWS::IAM::Role"
    }


def resource_policies(template: dict, account: str, region: str) -> dict[str, dict]:
    """Logical id → the bucket's, the topic's and the key's policy, resolved."""
    fields = {
        "AWS::S3::BucketPolicy": "PolicyDocument",
        "AWS::SNS::TopicPolicy": "PolicyDocument",
        "AWS::KMS::Key": "KeyPolicy",
    }
    return {
        logical: resolve(r["Properties"][fields[r["Type"]]], template, account, region)
        for logical, r in template["Resources"].items()
        if r["Type"] in fields
    }
