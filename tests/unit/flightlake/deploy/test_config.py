"""Deployment profiles and the generated IAM policies."""

from __future__ import annotations

import pytest

from flightlake.deploy import config


def test_shipped_profiles_load():
    assert config.load("local").is_local
    dev = config.load("dev", env={})
    assert dev.lake_uri == "s3://flightlake-dev-lake/lake"
    assert dev.workers == 2 and dev.aws_profile == "dev"


def test_environment_overrides_and_types():
    dev = config.load("dev", env={"FLIGHTLAKE_WORKERS": "5", "FLIGHTLAKE_REGION": "us-east-1"})
    assert dev.workers == 5 and dev.region == "us-east-1"
    with pytest.raises(ValueError, match="workers must be an integer, not 'many'"):
        config.load("dev", env={"FLIGHTLAKE_WORKERS": "many"})


def test_unknown_keys_missing_values_and_bad_values(tmp_path):
    path = tmp_path / "profiles.toml"
    path.write_text('[x]\nbucket = "b"\nregion = "eu-west-1"\nworker = "G.1X"\n')
    with pytest.raises(ValueError, match=r"\[x\] unknown key\(s\): worker"):
        config.load("x", path, env={})
    path.write_text('[x]\nbucket = "b"\nregion = "eu-west-1"\n')
    with pytest.raises(ValueError, match=r"missing required value.*account"):
        config.load("x", path, env={})
    with pytest.raises(ValueError, match="no profile 'y'; known: x"):
        config.load("y", path, env={})
    with pytest.raises(ValueError, match="account '1234' is not 12 digits"):
        config.load("x", path, env={"FLIGHTLAKE_ACCOUNT": "1234"})
    with pytest.raises(ValueError, match="lake_encryption must be one of SSE-S3, SSE-KMS"):
        config.load("x", path, env={"FLIGHTLAKE_ACCOUNT": "123456789012",
                                    "FLIGHTLAKE_LAKE_ENCRYPTION": "AES"})


def test_role_arns_are_the_stacks():
    dev = config.load("dev", env={})
    assert dev.role_arn("sagemaker") == "arn:aws:iam::123456789012:role/flightlake-dev-sagemaker"
    assert dev.stack_name == "flightlake-dev" and dev.deploy_bucket == "flightlake-dev-lake-deploy"
