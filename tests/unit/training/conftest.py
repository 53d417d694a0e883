"""The SageMaker tests' AWS account: moto, one region, one bucket."""

from __future__ import annotations

import boto3
import pytest

REGION = "eu-west-1"
BUCKET = "flightlake-test"


@pytest.fixture
def boto_session(aws, monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    # The SDK checks the role with iam:SimulatePrincipalPolicy, which moto does not implement.
    monkeypatch.setenv("SAGEMAKER_VALIDATE_ROLE", "false")
    # The SDK's telemetry calls an AWS endpoint, from a thread that can outlive moto.
    monkeypatch.setattr(
        "sagemaker.core.telemetry.telemetry_logging._send_telemetry_request",
        lambda *args, **kwargs: None,
    )
    session = boto3.Session(region_name=REGION)
    session.client("s3").create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    return session
