"""Deployment profiles from flightlake/deploy/profiles.toml, overridable by environment
variables (FLIGHTLAKE_<KEY>). Unknown keys and missing required values are one-line errors."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, fields
from importlib.resources import files
from pathlib import Path

# Packaged with flightlake.deploy, read with importlib.resources (a wheel installed anywhere).
PROFILES_FILE = files("flightlake.deploy") / "profiles.toml"
_ACCOUNT = re.compile(r"^\d{12}$")
_CRON = re.compile(r"^cron\(.+\)$")


@dataclass(frozen=True)
class Profile:
    name: str
    lake: str | None = None
    aws_profile: str | None = None
    region: str | None = None
    bucket: str | None = None
    prefix: str = "lake"
    database_prefix: str = "flightlake_"
    account: str | None = None  # the AWS account the stack deploys to (its roles' ARNs)
    daily_schedule: str = "cron(30 5 * * ? *)"
    weekly_schedule: str = "cron(0 6 ? * MON *)"
    worker_type: str = "G.1X"
    workers: int = 2
    athena_workgroup: str = "flightlake"
    athena_bytes_scanned_cutoff: int = 10 * 1024**3
    # The lake bucket's default encryption: SSE-S3, or SSE-KMS with the stack's key and an S3
    # bucket key. Writers send no encryption header: the bucket's default applies.
    lake_encryption: str = "SSE-S3"
    alert_email: str | None = None  # subscribed to the alarm topic when set
    # Raw drops the EVENT trigger waits for before it starts the daily workflow, or seconds
    # after the first (https://docs.aws.amazon.com/glue/latest/dg/starting-workflow-eventbridge.html).
    raw_event_batch_size: int = 100
    raw_event_batch_window: int = 900
    # SageMaker's managed MLflow tracking server the training runs are logged to (its name;
    # created outside the stack, with its artifact store under the lake's _ml/mlflow/).
    mlflow_tracking_server: str | None = None

    @property
    def is_local(self) -> bool:
        return self.bucket is None

    @property
    def stack_name(self) -> str:
        return f"flightlake-{self.name}"

    @property
    def deploy_bucket(self) -> str:
        """The deploying principal's bucket for the stack's template (engine.py)."""
        return f"{self.bucket}-deploy"

    def resource_name(self, name: str) -> str:
        """Every named resource of the stack: flightlake-<profile>-<name>."""
        return f"{self.stack_name}-{name}"

    def role_name(self, role: str) -> str:
        """The stack's IAM role `role` (glue-etl, glue-launcher, …)."""
        return self.resource_name(role)

    def role_arn(self, role: str) -> str:
        return f"arn:aws:iam::{self.account}:role/{self.role_name(role)}"

    @property
    def mlflow_tracking_arn(self) -> str | None:
        """The tracking URI MLflow's sagemaker-mlflow plugin resolves and signs for."""
        if not self.mlflow_tracking_server:
            return None
        return (
            f"arn:aws:sagemaker:{self.region}:{self.account}:mlflow-tracking-server/"
            f"{self.mlflow_tracking_server}"
        )

    @property
    def lake_uri(self) -> str:
        if self.is_local:
            return self.lake or "./lake"
        return f"s3://{self.bucket}/{self.prefix}".rstrip("/")


REQUIRED_ON_AWS = ("region", "bucket", "account")
ENCRYPTIONS = ("SSE-S3", "SSE-KMS")
_FIELDS = {f.name: f for f in fields(Profile) if f.name != "name"}


def _typed(profile: str, key: str, value: object) -> object:
    """TOML and environment values to the field's type (environment values are strings)."""
    if _FIELDS[key].type != "int":
        # An empty override unsets a value (FLIGHTLAKE_AWS_PROFILE= : the default chain).
        return None if value is None or value == "" else str(value)
    if isinstance(value, int):
        return value
    try:
        return int(str(value))
    except ValueError:
        raise ValueError(f"profile {profile}: {key} must be an integer, not {value!r}") from None


def load(name: str = "local", path: Path | str | None = None, env=os.environ) -> Profile:
    path = Path(path) if path else PROFILES_FILE
    try:
        profiles = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path}: cannot read profiles: {exc}") from None
    if name not in profiles:
        raise ValueError(f"{path}: no profile {name!r}; known: {', '.join(profiles)}")
    values = dict(profiles[name])
    unknown = sorted(set(values) - set(_FIELDS))
    if unknown:
        raise ValueError(f"{path}: [{name}] unknown key(s): {', '.join(unknown)}")
    for key in _FIELDS:
        override = env.get(f"FLIGHTLAKE_{key.upper()}")
        if override is not None and key != "lake":  # FLIGHTLAKE_LAKE is the CLI's own
            values[key] = override
    typed = {k: _typed(name, k, v) for k, v in values.items()}
    profile = Profile(name=name, **typed)
    if not profile.is_local:
        missing = [k for k in REQUIRED_ON_AWS if not getattr(profile, k)]
        if missing:
            raise ValueError(f"profile {name}: missing required value(s): {', '.join(missing)}")
        if not _ACCOUNT.match(profile.account):
            raise ValueError(f"profile {name}: account {profile.account!r} is not 12 digits")
        if profile.lake_encryption not in ENCRYPTIONS:
            raise ValueError(
                f"profile {name}: lake_encryption must be one of {', '.join(ENCRYPTIONS)}, "
                f"not {profile.lake_encryption!r}"
            )
        for key in ("daily_schedule", "weekly_schedule"):
            value = getattr(profile, key)
            if not _CRON.match(value):
                raise ValueError(f"profile {name}: {key} must be cron(...), not {value!r}")
    return profile
