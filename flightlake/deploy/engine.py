"""Deploy a profile: its CloudFormation stack (template.py) through a change set, the jobs'
code (plain S3 puts into _code/) and the Athena views (Glue API, as Athena stores them).

On an existing stack the plan is an UPDATE change set, described and left unexecuted (with the
code and views that would change); before the first create it lists the template's resources
and creates nothing. Apply executes the change set and waits; delete removes the stack (the
lake bucket and the key are kept: RetainExceptOnCreate).

The template is larger than CloudFormation's 51,200-byte inline limit, so it travels through
the deploy bucket, which deploy creates (encrypted, versioned, private, TLS only) before the
first change set:
https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html

Uses the standard AWS configuration chain (profile, AWS_ENDPOINT_URL for moto_server).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from flightlake.deploy import policies, resolve, wheelhouse
from flightlake.deploy import template as stack_template
from flightlake.deploy.config import Profile
from flightlake.deploy.resources import code_uri, tags
from flightlake.pipeline import dag

REPO = Path(__file__).resolve().parents[2]
# Wheels are zip files: a fixed timestamp makes the same code the same bytes, so an unchanged
# package is not uploaded again.
SOURCE_DATE_EPOCH = "315532800"


@dataclass(frozen=True)
class Change:
    verb: str  # create | update | delete | replace | unchanged
    kind: str
    name: str

    def __str__(self) -> str:
        return f"{self.verb:9s} {self.kind:18s} {self.name}"


def build_wheel(out: Path) -> Path:
    """The wheel, built from an sdist of the checkout: setuptools' build/ folder in the
    checkout, which can hold files since deleted, is never read."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    uv = Path(sys.executable).with_name("uv")  # installed in the venv by `make setup`
    subprocess.run(
        [str(uv), "build", "--quiet", "--out-dir", str(out), str(REPO)],
        check=True,
        env=env,
        capture_output=True,
    )
    (wheel,) = out.glob("flightlake-*.whl")
    return wheel


def code_files(wheelhouses: dict[str, Path]) -> dict[str, bytes]:
    """S3 key (under the code prefix) → bytes: the wheelhouse of each kind of job and the
    Glue script every job runs."""
    files = {p.name: p.read_bytes() for p in wheelhouses.values()}
    for step in dag.STEPS:
        if step.script:
            files[step.script] = (REPO / step.script).read_bytes()
    return files


def build_wheelhouses(out: Path) -> dict[str, Path]:
    """Kind of job → its zip of wheels (the package's wheel and its modules'), built in `out`."""
    wheel = build_wheel(out)
    return {kind: wheelhouse.build(wheel, kind, REPO, out) for kind in wheelhouse.EXTRAS}


# CloudFormation's change-set actions, as the plan shows them.
VERBS = {"Add": "create", "Modify": "update", "Remove": "delete", "Import": "create",
         "Dynamic": "update"}
NO_CHANGES = "didn't contain changes"
CAPABILITIES = ["CAPABILITY_NAMED_IAM"]  # the stack names its roles (profile.role_name)
SHA256 = "sha256"  # the code objects' metadata key


def image_account(region: str) -> str:
    """The account publishing SageMaker's XGBoost image in `region`, from the SageMaker SDK's
    own image table (sagemaker.core.image_uris): every region it serves, not one fallback."""
    from training.launchers.sagemaker import xgboost_image_uri

    return xgboost_image_uri(region).split(".", 1)[0]


def stack_template_of(profile: Profile, keys: dict[str, str] | None = None) -> dict:
    """The profile's template. `keys`: kind of job → its zip of wheels' name; by default named
    for the installed version (the offline checks: no build, no AWS call)."""
    if keys is None:
        version = metadata.version("flightlake")
        keys = {kind: wheelhouse.file_name(version, kind) for kind in wheelhouse.EXTRAS}
    return stack_template.template(profile, keys, image_account(profile.region))


class Deployer:
    def __init__(self, profile: Profile, session: Any) -> None:
        self.profile = profile
        self.cfn = session.client("cloudformation", region_name=profile.region)
        self.glue = session.client("glue", region_name=profile.region)
        self.s3 = session.client("s3", region_name=profile.region)
        self._code_dir = tempfile.TemporaryDirectory(prefix="flightlake-deploy-")
        self._wheelhouses: dict[str, Path] | None = None

    @property
    def wheelhouses(self) -> dict[str, Path]:
        """Kind of job → its zip of wheels. Built once per deployer: a plan and the apply that
        follows upload the same bytes."""
        if self._wheelhouses is None:
            self._wheelhouses = build_wheelhouses(Path(self._code_dir.name))
        return self._wheelhouses

    def template(self) -> dict:
        """The template naming the zips of wheels this deployer built and uploads."""
        keys = {kind: path.name for kind, path in self.wheelhouses.items()}
        return stack_template_of(self.profile, keys)

    # --- the stack ----------------------------------------------------------------------
    def _stack_status(self) -> str | None:
        try:
            (stack,) = self.cfn.describe_stacks(StackName=self.profile.stack_name)["Stacks"]
        except self.cfn.exceptions.ClientError as exc:
            if "does not exist" in str(exc):
                return None
            raise
        return stack["StackStatus"]

    def _created(self) -> bool:
        """The stack exists with resources. A failed first create (ROLLBACK_COMPLETE) can only be
        deleted; a create change set never executed leaves REVIEW_IN_PROGRESS, which takes a
        CREATE change set again."""
        status = self._stack_status()
        if status == "ROLLBACK_COMPLETE":
            self.delete()
            return False
        return status not in (None, "REVIEW_IN_PROGRESS")

    def _deploy_bucket(self) -> None:
        """The bucket the template travels through: the deploying principal's own."""
        bucket = self.profile.deploy_bucket
        try:
            self.s3.head_bucket(Bucket=bucket)
            return
        except self.s3.exceptions.ClientError:
            pass
        # us-east-1 refuses a LocationConstraint naming itself: the default needs none
        # (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html).
        location = (
            {}
            if self.profile.region == "us-east-1"
            else {"CreateBucketConfiguration": {"LocationConstraint": self.profile.region}}
        )
        self.s3.create_bucket(Bucket=bucket, **location)
        self.s3.put_public_access_block(
            Bucket=bucket,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True,
                "IgnorePublicAcls": True,
                "BlockPublicPolicy": True,
                "RestrictPublicBuckets": True,
            },
        )
        self.s3.put_bucket_encryption(
            Bucket=bucket,
            ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
            },
        )
        self.s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        policy = {"Version": policies.VERSION, "Statement": [policies.tls_only(bucket)]}
        self.s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))

    def _template_url(self, body: bytes) -> str:
        key = f"{self.profile.stack_name}/{hashlib.sha256(body).hexdigest()}.template.json"
        self.s3.put_object(Bucket=self.profile.deploy_bucket, Key=key, Body=body)
        return f"https://{self.profile.deploy_bucket}.s3.{self.profile.region}.amazonaws.com/{key}"

    def _described(self, name: str) -> dict | None:
        try:
            return self.cfn.describe_change_set(
                StackName=self.profile.stack_name, ChangeSetName=name
            )
        except self.cfn.exceptions.ClientError as exc:
            if "ChangeSetNotFound" in str(exc) or "does not exist" in str(exc):
                return None
            raise

    def _change_set(self, body: bytes, exists: bool) -> tuple[str, list[Change]]:
        """The change set of this template, created unless the plan left it waiting (it is
        named for the template's hash): (its name, the changes; none: no change)."""
        self._deploy_bucket()
        stack, name = self.profile.stack_name, f"flightlake-{hashlib.sha256(body).hexdigest()[:16]}"
        planned = self._described(name)
        if planned and planned.get("ExecutionStatus") != "AVAILABLE":
            self.cfn.delete_change_set(StackName=stack, ChangeSetName=name)  # failed or spent
            planned = None
        if planned is None:
            self.cfn.create_change_set(
                StackName=stack,
                ChangeSetName=name,
                TemplateURL=self._template_url(body),
                ChangeSetType="UPDATE" if exists else "CREATE",
                Capabilities=CAPABILITIES,
                Tags=[{"Key": k, "Value": v} for k, v in tags(self.profile).items()],
                Description=f"flightlake deploy {self.profile.name}",
            )
            try:
                self.cfn.get_waiter("change_set_create_complete").wait(
                    StackName=stack, ChangeSetName=name
                )
            except Exception:
                failed = self._described(name) or {}
                reason = failed.get("StatusReason", failed.get("Status", "not created"))
                if NO_CHANGES not in reason:
                    raise RuntimeError(f"change set {name}: {reason}") from None
        changes = self._changes(name)
        if not changes:  # nothing to execute: leave no change set behind
            self.cfn.delete_change_set(StackName=stack, ChangeSetName=name)
        return name, changes

    def _changes(self, name: str) -> list[Change]:
        changes = []
        token = None
        while True:
            page = self.cfn.describe_change_set(
                StackName=self.profile.stack_name,
                ChangeSetName=name,
                **({"NextToken": token} if token else {}),
            )
            for c in page.get("Changes", []):
                rc = c["ResourceChange"]
                verb = VERBS.get(rc["Action"], rc["Action"].lower())
                if rc.get("Replacement") == "True":
                    verb = "replace"
                changes.append(Change(verb, rc["ResourceType"], rc["LogicalResourceId"]))
            token = page.get("NextToken")
            if not token:
                return changes

    # --- code and views -----------------------------------------------------------------
    def _code(self, files: dict[str, bytes], apply: bool) -> list[Change]:
        """Upload what changed. An object's SHA-256 travels in its metadata: an ETag is the MD5
        only of SSE-S3 objects, not of SSE-KMS ones (prod)."""
        out = []
        prefix = code_uri(self.profile, "").removeprefix(f"s3://{self.profile.bucket}/")
        try:
            pages = self.s3.get_paginator("list_objects_v2").paginate(
                Bucket=self.profile.bucket, Prefix=prefix
            )
            present = {o["Key"] for p in pages for o in p.get("Contents", [])}
        except self.s3.exceptions.NoSuchBucket:
            present = set()
        for key, data in files.items():
            uri = code_uri(self.profile, key)
            bucket, _, object_key = uri.removeprefix("s3://").partition("/")
            digest = hashlib.sha256(data).hexdigest()
            verb = "create"
            if object_key in present:
                head = self.s3.head_object(Bucket=bucket, Key=object_key)
                verb = "unchanged" if head.get("Metadata", {}).get(SHA256) == digest else "update"
            if apply and verb != "unchanged":
                # No encryption header: the lake bucket's default applies.
                self.s3.put_object(
                    Bucket=bucket, Key=object_key, Body=data, Metadata={SHA256: digest}
                )
            out.append(Change(verb, "s3_object", uri))
        return out

    def _tables(self, database: str) -> list[dict]:
        try:
            pages = self.glue.get_paginator("get_tables").paginate(DatabaseName=database)
            return [t for p in pages for t in p["TableList"]]
        except self.glue.exceptions.EntityNotFoundException:
            return []

    def _views(self, apply: bool) -> list[Change]:
        """sql/views as Glue VIRTUAL_VIEW tables; a view whose file is gone is dropped (our
        databases hold only our views)."""
        from flightlake.deploy.views import view_inputs

        out = []
        wanted = view_inputs(self.profile.database_prefix)
        current = {
            (database, t["Name"]): t
            for database in sorted({d for d, _ in wanted})
            for t in self._tables(database)
        }
        for database, table in wanted:
            have = current.get((database, table["Name"]))
            same = have is not None and all(
                have.get(k) == table[k] for k in ("ViewOriginalText", "Description")
            ) and have["StorageDescriptor"]["Columns"] == table["StorageDescriptor"]["Columns"]
            verb = "create" if have is None else "unchanged" if same else "update"
            if apply and verb == "create":
                self.glue.create_table(DatabaseName=database, TableInput=table)
            elif apply and verb == "update":
                self.glue.update_table(DatabaseName=database, TableInput=table)
            out.append(Change(verb, "glue_view", f"{database}.{table['Name']}"))
        names = {(d, t["Name"]) for d, t in wanted}
        for (database, name), table in current.items():
            if table.get("TableType") == "VIRTUAL_VIEW" and (database, name) not in names:
                if apply:
                    self.glue.delete_table(DatabaseName=database, Name=name)
                out.append(Change("delete", "glue_view", f"{database}.{name}"))
        return out

    # --- what the CLI calls -------------------------------------------------------------
    def plan(self) -> list[Change]:
        """What apply would change: the change set (left for apply to execute), code, views.
        Before the first apply there is no stack: every resource of the template is new."""
        body = _body(self.template())
        if self._stack_status() in (None, "REVIEW_IN_PROGRESS", "ROLLBACK_COMPLETE"):
            stack = [
                Change("create", r["Type"], logical)
                for logical, r in json.loads(body)["Resources"].items()
            ]
        else:
            _, stack = self._change_set(body, exists=True)
        return [*stack, *self._code(code_files(self.wheelhouses), False), *self._views(False)]

    def apply(self) -> list[Change]:
        """Execute the change set and wait, the code uploaded first when the stack exists
        (so no trigger or rule starts a job whose code is not there); then the views."""
        body = _body(self.template())
        created = self._created()
        code: list[Change] = []
        if created:
            code = self._code(code_files(self.wheelhouses), True)
        name, stack = self._change_set(body, exists=created)
        if stack:
            self.cfn.execute_change_set(StackName=self.profile.stack_name, ChangeSetName=name)
            waiter = "stack_update_complete" if created else "stack_create_complete"
            self.cfn.get_waiter(waiter).wait(StackName=self.profile.stack_name)
        if not created:
            code = self._code(code_files(self.wheelhouses), True)
        return [*stack, *code, *self._views(True)]

    def delete(self) -> list[Change]:
        """Remove the stack (its bucket and key stay: RetainExceptOnCreate)."""
        if self._stack_status() is None:
            return []
        resources = self.cfn.get_paginator("list_stack_resources").paginate(
            StackName=self.profile.stack_name
        )
        gone = [
            Change("delete", r["ResourceType"], r["LogicalResourceId"])
            for page in resources
            for r in page["StackResourceSummaries"]
        ]
        self.cfn.delete_stack(StackName=self.profile.stack_name)
        self.cfn.get_waiter("stack_delete_complete").wait(StackName=self.profile.stack_name)
        return gone


def _body(document: dict) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def role_policies(profile: Profile) -> dict[str, dict]:
    """Role name → its policy document, as IAM will hold it (intrinsics resolved)."""
    return resolve.role_policies(stack_template_of(profile), profile.account, profile.region)
