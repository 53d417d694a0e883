"""Plan and apply a deployment: compare what AWS has with what the profile should have, then
(with apply) create, update or delete. Idempotent; deletes only resources this project owns,
recognised by its tags (OWNER_TAG and ENV_TAG = the profile).

Uses the standard AWS configuration chain (profile, AWS_ENDPOINT_URL for moto_server).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flightlake.catalog import glue as catalog
from flightlake.deploy import policies, wheelhouse
from flightlake.deploy.config import Profile
from flightlake.deploy.resources import (
    ENV_TAG,
    OWNER_TAG,
    Resource,
    code_uri,
    desired,
)
from flightlake.pipeline import dag

REPO = Path(__file__).resolve().parents[2]
# Wheels are zip files: a fixed timestamp makes the same code the same bytes, so an unchanged
# package is not uploaded again.
SOURCE_DATE_EPOCH = "315532800"


@dataclass(frozen=True)
class Change:
    verb: str  # create | update | delete | unchanged
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


class Deployer:
    def __init__(self, profile: Profile, session: Any) -> None:
        self.profile = profile
        self.glue = session.client("glue", region_name=profile.region)
        self.athena = session.client("athena", region_name=profile.region)
        self.s3 = session.client("s3", region_name=profile.region)
        self.account = profile.glue_role_arn.split(":")[4]
        self._pending_policy: str | None = None
        self._code_dir = tempfile.TemporaryDirectory(prefix="flightlake-deploy-")
        self._wheelhouses: dict[str, Path] | None = None

    @property
    def wheelhouses(self) -> dict[str, Path]:
        """Kind of job → its zip of wheels. Built once per deployer: a plan and the apply that
        follows upload the same bytes."""
        if self._wheelhouses is None:
            self._wheelhouses = build_wheelhouses(Path(self._code_dir.name))
        return self._wheelhouses

    # --- the lake bucket ------------------------------------------------------------------
    def _bucket(self, apply: bool) -> Change:
        """The lake bucket: default encryption, no public access, the TLS-only policy."""
        import json

        bucket = self.profile.bucket
        policy = policies.bucket_policy(self.profile)
        rule = {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": self.profile.kms_key_arn} if (
            self.profile.kms_key_arn
        ) else {"SSEAlgorithm": "AES256"}
        try:
            self.s3.head_bucket(Bucket=bucket)
            exists = True
        except self.s3.exceptions.ClientError:
            exists = False
        verb = "create"
        if exists:
            try:
                current = json.loads(self.s3.get_bucket_policy(Bucket=bucket)["Policy"])
                encryption = self.s3.get_bucket_encryption(Bucket=bucket)[
                    "ServerSideEncryptionConfiguration"
                ]["Rules"][0]["ApplyServerSideEncryptionByDefault"]
            except self.s3.exceptions.ClientError:
                current, encryption = None, None
            verb = "unchanged" if current == policy and encryption == rule else "update"
        if apply and verb != "unchanged":
            if not exists:
                self.s3.create_bucket(
                    Bucket=bucket,
                    CreateBucketConfiguration={"LocationConstraint": self.profile.region},
                )
            self.s3.put_bucket_encryption(
                Bucket=bucket,
                ServerSideEncryptionConfiguration={
                    "Rules": [{"ApplyServerSideEncryptionByDefault": rule}]
                },
            )
            self.s3.put_public_access_block(
                Bucket=bucket,
                PublicAccessBlockConfiguration={
                    "BlockPublicAcls": True,
                    "IgnorePublicAcls": True,
                    "BlockPublicPolicy": True,
                    "RestrictPublicBuckets": True,
                },
            )
            self._pending_policy = json.dumps(policy)
        return Change(verb, "s3_bucket", bucket)

    def _bucket_policy(self) -> None:
        """Last, after the code uploads (moto applies a Deny without its conditions)."""
        if self._pending_policy:
            self.s3.put_bucket_policy(Bucket=self.profile.bucket, Policy=self._pending_policy)
            self._pending_policy = None

    # --- code --------------------------------------------------------------------------
    def _code(self, files: dict[str, bytes], apply: bool) -> list[Change]:
        out = []
        prefix = code_uri(self.profile, "").removeprefix(f"s3://{self.profile.bucket}/")
        # One listing for every ETag (a bucket-level call: no HEAD per object).
        pages = self.s3.get_paginator("list_objects_v2").paginate(
            Bucket=self.profile.bucket, Prefix=prefix
        )
        try:
            etags = {o["Key"]: o["ETag"].strip('"') for p in pages for o in p.get("Contents", [])}
        except self.s3.exceptions.NoSuchBucket:
            etags = {}
        for key, data in files.items():
            uri = code_uri(self.profile, key)
            bucket, _, object_key = uri.removeprefix("s3://").partition("/")
            etag = etags.get(object_key)
            verb = (
                "unchanged"
                if etag == hashlib.md5(data).hexdigest()
                else "update" if etag else "create"
            )
            if apply and verb != "unchanged":
                extra = (
                    {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": self.profile.kms_key_arn}
                    if self.profile.kms_key_arn
                    else {"ServerSideEncryption": "AES256"}
                )
                self.s3.put_object(Bucket=bucket, Key=object_key, Body=data, **extra)
            out.append(Change(verb, "s3_object", uri))
        return out

    # --- Glue and Athena resources ------------------------------------------------------
    def _arn(self, kind: str, name: str) -> str:
        kinds = {"glue_job": "job", "glue_crawler": "crawler", "glue_workflow": "workflow",
                 "glue_trigger": "trigger"}
        return f"arn:aws:glue:{self.profile.region}:{self.account}:{kinds[kind]}/{name}"

    def _current(self, kind: str, name: str) -> dict | None:
        g = self.glue
        try:
            if kind == "glue_job":
                return g.get_job(JobName=name)["Job"]
            if kind == "glue_crawler":
                return g.get_crawler(Name=name)["Crawler"]
            if kind == "glue_workflow":
                return g.get_workflow(Name=name)["Workflow"]
            if kind == "glue_trigger":
                return g.get_trigger(Name=name)["Trigger"]
            if kind == "athena_workgroup":
                return self.athena.get_work_group(WorkGroup=name).get("WorkGroup")  # moto: {}
        except (
            g.exceptions.EntityNotFoundException,
            self.athena.exceptions.InvalidRequestException,
        ):
            return None
        raise ValueError(f"unknown resource kind {kind}")

    def _tags(self, kind: str, name: str) -> dict[str, str]:
        if kind == "athena_workgroup":
            arn = f"arn:aws:athena:{self.profile.region}:{self.account}:workgroup/{name}"
            return {t["Key"]: t["Value"] for t in self.athena.list_tags_for_resource(
                ResourceARN=arn)["Tags"]}
        return self.glue.get_tags(ResourceArn=self._arn(kind, name))["Tags"]

    def _same(self, r: Resource, current: dict) -> bool:
        """Every field we set has the value we want (AWS adds fields of its own)."""
        wanted = r.spec["Tags"]
        if not isinstance(wanted, dict):
            wanted = {t["Key"]: t["Value"] for t in wanted}
        if not wanted.items() <= self._tags(r.kind, r.name).items():  # others may add tags
            return False
        for key, value in r.spec.items():
            if key in ("Tags", "StartOnCreation"):
                continue
            if not _contains(current.get(key), value):
                return False
        return True

    def _create(self, r: Resource) -> None:
        s = dict(r.spec)
        if r.kind == "glue_job":
            self.glue.create_job(**s)
        elif r.kind == "glue_crawler":
            self.glue.create_crawler(**s)
        elif r.kind == "glue_workflow":
            self.glue.create_workflow(**s)
        elif r.kind == "glue_trigger":
            self.glue.create_trigger(**s)
        elif r.kind == "athena_workgroup":
            self.athena.create_work_group(**s)

    def _update(self, r: Resource) -> None:
        s = {k: v for k, v in r.spec.items() if k not in ("Tags", "StartOnCreation")}
        if r.kind == "glue_job":
            name = s.pop("Name")
            self.glue.update_job(JobName=name, JobUpdate=s)
        elif r.kind == "glue_crawler":
            self.glue.update_crawler(**s)
        elif r.kind == "glue_workflow":
            self.glue.update_workflow(**s)
        elif r.kind == "glue_trigger":
            name = s.pop("Name")
            s.pop("Type", None)
            s.pop("WorkflowName", None)
            self.glue.update_trigger(Name=name, TriggerUpdate=s)
        elif r.kind == "athena_workgroup":
            config = dict(s["Configuration"])
            self.athena.update_work_group(
                WorkGroup=r.name,
                Description=s["Description"],
                ConfigurationUpdates={
                    "EnforceWorkGroupConfiguration": config["EnforceWorkGroupConfiguration"],
                    "PublishCloudWatchMetricsEnabled": config["PublishCloudWatchMetricsEnabled"],
                    "BytesScannedCutoffPerQuery": config["BytesScannedCutoffPerQuery"],
                    "ResultConfigurationUpdates": config["ResultConfiguration"],
                    "EngineVersion": config["EngineVersion"],
                },
            )
        tags = r.spec["Tags"]
        if r.kind == "athena_workgroup":
            arn = f"arn:aws:athena:{self.profile.region}:{self.account}:workgroup/{r.name}"
            self.athena.tag_resource(ResourceARN=arn, Tags=tags)
        else:
            self.glue.tag_resource(ResourceArn=self._arn(r.kind, r.name), TagsToAdd=tags)

    def _delete(self, kind: str, name: str) -> None:
        if kind == "glue_job":
            self.glue.delete_job(JobName=name)
        elif kind == "glue_crawler":
            self.glue.delete_crawler(Name=name)
        elif kind == "glue_workflow":
            self.glue.delete_workflow(Name=name)
        elif kind == "glue_trigger":
            self.glue.delete_trigger(Name=name)

    def _views(self, apply: bool) -> list[Change]:
        """sql/views as Glue VIRTUAL_VIEW tables; a view whose file is gone is dropped (our
        databases hold only our views)."""
        from flightlake.deploy.views import view_inputs

        out = []
        wanted = view_inputs(self.profile.database_prefix)
        for database, table in wanted:
            target = f"{database}.{table['Name']}"
            try:
                current = self.glue.get_table(DatabaseName=database, Name=table["Name"])["Table"]
            except self.glue.exceptions.EntityNotFoundException:
                current = None
            same = current is not None and all(
                current.get(k) == table[k] for k in ("ViewOriginalText", "Description")
            ) and current["StorageDescriptor"]["Columns"] == table["StorageDescriptor"]["Columns"]
            verb = "create" if current is None else "unchanged" if same else "update"
            if apply and verb == "create":
                self.glue.create_table(DatabaseName=database, TableInput=table)
            elif apply and verb == "update":
                self.glue.update_table(DatabaseName=database, TableInput=table)
            out.append(Change(verb, "glue_view", target))
        names = {(d, t["Name"]) for d, t in wanted}
        for database in sorted({d for d, _ in wanted}):
            for table in self.glue.get_tables(DatabaseName=database)["TableList"]:
                gone = (database, table["Name"]) not in names
                if table.get("TableType") == "VIRTUAL_VIEW" and gone:
                    if apply:
                        self.glue.delete_table(DatabaseName=database, Name=table["Name"])
                    out.append(Change("delete", "glue_view", f"{database}.{table['Name']}"))
        return out

    def _owned(self) -> list[tuple[str, str]]:
        """(kind, name) of every Glue resource tagged as this project's, this profile's."""
        g = self.glue
        names = {
            "glue_job": g.list_jobs()["JobNames"],
            "glue_crawler": g.list_crawlers()["CrawlerNames"],
            "glue_workflow": g.list_workflows()["Workflows"],
            "glue_trigger": g.list_triggers()["TriggerNames"],
        }
        wanted = {OWNER_TAG: "flightlake", ENV_TAG: self.profile.name}
        return [
            (kind, name)
            for kind, found in names.items()
            for name in found
            if wanted.items() <= self._tags(kind, name).items()
        ]

    def changes(self, apply: bool = False, steps: tuple = dag.STEPS) -> list[Change]:
        changes = [self._bucket(apply)]
        changes += self._code(code_files(self.wheelhouses), apply)
        keys = {kind: path.name for kind, path in self.wheelhouses.items()}
        wanted = desired(self.profile, keys, steps)
        raw = catalog.database_name("raw", self.profile.database_prefix)  # the crawlers' tables
        try:
            self.glue.get_database(Name=raw)
            changes.append(Change("unchanged", "glue_catalog", raw))
        except self.glue.exceptions.EntityNotFoundException:
            if apply:
                self.glue.create_database(
                    DatabaseInput={"Name": raw, "Description": "flightlake raw layer (crawlers)"}
                )
            changes.append(Change("create", "glue_catalog", raw))
        for action in catalog.plan_and_apply(
            self.glue, self.profile.lake_uri, self.profile.database_prefix, apply
        ):
            verb = "create" if action.kind.startswith("create") else action.kind
            changes.append(Change(verb, "glue_catalog", action.target))
        changes += self._views(apply)
        for r in wanted:
            current = self._current(r.kind, r.name)
            verb = "create" if current is None else (
                "unchanged" if self._same(r, current) else "update"
            )
            if apply and verb == "create":
                self._create(r)
            elif apply and verb == "update":
                self._update(r)
            changes.append(Change(verb, r.kind, r.name))
        if apply:
            self._bucket_policy()
        keep = {(r.kind, r.name) for r in wanted}
        # Triggers before the jobs and workflows they name.
        order = {"glue_trigger": 0, "glue_job": 1, "glue_crawler": 2, "glue_workflow": 3}
        gone = sorted((x for x in self._owned() if x not in keep), key=lambda x: order[x[0]])
        for kind, name in gone:
            if apply:
                self._delete(kind, name)
            changes.append(Change("delete", kind, name))
        return changes


def _contains(have: Any, want: Any) -> bool:
    """`have` has every key of `want` with the same value (recursively)."""
    if isinstance(want, dict):
        return isinstance(have, dict) and all(_contains(have.get(k), v) for k, v in want.items())
    if isinstance(want, list):
        return (
            isinstance(have, list)
            and len(have) == len(want)
            and all(_contains(h, w) for h, w in zip(have, want, strict=True))
        )
    if isinstance(want, float) and isinstance(have, int | float):
        return float(have) == want
    return have == want


def policies_for(profile: Profile) -> dict[str, dict]:
    return {**policies.role_policies(profile), "bucket": policies.bucket_policy(profile)}
