"""Deployment profiles and the generated IAM policies."""

from __future__ import annotations

import json

import boto3
import pytest

from flightlake.deploy import config, policies


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


def test_unknown_keys_missing_values_and_bad_arns(tmp_path):
    path = tmp_path / "profiles.toml"
    path.write_text('[x]\nbucket = "b"\nregion = "eu-west-1"\nworker = "G.1X"\n')
    with pytest.raises(ValueError, match=r"\[x\] unknown key\(s\): worker"):
        config.load("x", path, env={})
    path.write_text('[x]\nbucket = "b"\nregion = "eu-west-1"\n')
    with pytest.raises(ValueError, match=r"missing required value.*glue_role_arn"):
        config.load("x", path, env={})
    with pytest.raises(ValueError, match="no profile 'y'; known: x"):
        config.load("y", path, env={})
    env = {
        "FLIGHTLAKE_GLUE_ROLE_ARN": "glue",
        "FLIGHTLAKE_LAUNCHER_ROLE_ARN": "arn:aws:iam::123456789012:role/l",
        "FLIGHTLAKE_SAGEMAKER_ROLE_ARN": "arn:aws:iam::123456789012:role/s",
    }
    with pytest.raises(ValueError, match="glue_role_arn 'glue' is not a role ARN"):
        config.load("x", path, env=env)


def _statements(document):
    return document["Statement"]


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_role_policies_are_least_privilege(name):
    profile = config.load(name, env={})
    for role, document in policies.role_policies(profile).items():
        assert document["Version"] == "2012-10-17"
        for statement in _statements(document):
            assert statement["Effect"] == "Allow"
            actions = statement["Action"]
            assert all("*" not in a for a in actions), (role, actions)
            for resource in statement["Resource"]:
                if resource == "*":
                    assert set(actions) <= policies.UNSCOPABLE, (role, actions)
                    continue
                parts = resource.split(":")
                assert parts[:2] == ["arn", "aws"], (role, resource)
                if parts[2] == "s3":  # the lake's bucket, never another
                    assert parts[5].split("/")[0] == profile.bucket, (role, resource)
                elif parts[2] != "iam":  # region and account always named
                    assert parts[3] == profile.region and parts[4].isdigit(), (role, resource)
    etl = json.dumps(policies.glue_etl(profile))
    assert f"arn:aws:s3:::{profile.bucket}/lake/*" in etl
    # The ETL role cannot start SageMaker jobs: it only reads the registry (scoring export).
    etl_sagemaker = {
        a for st in policies.glue_etl(profile)["Statement"] for a in st["Action"]
        if a.startswith("sagemaker:")
    }
    assert etl_sagemaker == {"sagemaker:ListModelPackages", "sagemaker:DescribeModelPackage"}
    launcher = policies.glue_launcher(profile)
    code = next(s for s in launcher["Statement"] if s["Sid"] == "JobCode")
    assert code["Action"] == ["s3:GetObject"]  # its script and zip of wheels, read only
    assert code["Resource"] == [f"arn:aws:s3:::{profile.bucket}/lake/_code/*"]
    passrole = next(s for s in launcher["Statement"] if s["Sid"] == "PassSageMakerRole")
    assert passrole["Resource"] == [profile.sagemaker_role_arn]


def test_policies_are_accepted_by_iam(aws):
    iam = boto3.client("iam")
    profile = config.load("prod", env={})
    documents = {**policies.role_policies(profile), "bucket": policies.bucket_policy(profile)}
    for name, document in documents.items():
        if name == "bucket":
            s3 = boto3.client("s3")
            s3.create_bucket(
                Bucket=profile.bucket,
                CreateBucketConfiguration={"LocationConstraint": "eu-west-1"},
            )
            s3.put_bucket_policy(Bucket=profile.bucket, Policy=json.dumps(document))
            continue
        iam.create_policy(PolicyName=f"flightlake-{name}", PolicyDocument=json.dumps(document))
    bucket = policies.bucket_policy(profile)
    tls = next(s for s in bucket["Statement"] if s["Sid"] == "TlsOnly")
    assert tls["Effect"] == "Deny" and tls["Condition"] == {
        "Bool": {"aws:SecureTransport": "false"}
    }
