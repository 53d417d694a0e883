"""Least-privilege IAM policy documents per role, and the lake bucket's policy.

Each role gets only the S3 prefixes, Glue databases, log groups and SageMaker resources it
uses. No `*` action anywhere; a `*` resource only for the few actions AWS cannot scope
(UNSCOPABLE), and then with a condition where one exists.
"""

from __future__ import annotations

from flightlake.contracts import PREDICTIONS
from flightlake.deploy.config import Profile
from flightlake.deploy.resources import CODE_PREFIX
from flightlake.lake import Lake
from training.registry.base import GROUP as MODEL_GROUP

VERSION = "2012-10-17"
# Actions IAM only accepts on "*" (no resource-level permissions).
UNSCOPABLE = frozenset({"ecr:GetAuthorizationToken", "cloudwatch:PutMetricData"})
# What the model's jobs read and write: the feature exports and the _ml/ folder.
MODEL_PREFIXES = (f"{Lake.exports_dir()}/", f"{Lake.ml_dir()}/")
PREDICTIONS_PREFIX = f"{Lake.table_dir(PREDICTIONS.layer, PREDICTIONS.name)}/"
# The account that publishes SageMaker's XGBoost image in eu-west-1 (image_uris).
XGBOOST_IMAGE_ACCOUNTS = {"eu-west-1": "141502667606", "us-east-1": "683313688378"}


def _account(arn: str) -> str:
    return arn.split(":")[4]


def _s3(profile: Profile, *prefixes: str, write: bool) -> list[dict]:
    bucket = f"arn:aws:s3:::{profile.bucket}"
    root = profile.prefix.strip("/")
    keys = [f"{bucket}/{root}/{p}*" if p else f"{bucket}/{root}/*" for p in prefixes]
    actions = ["s3:GetObject"] + (["s3:PutObject", "s3:DeleteObject"] if write else [])
    listed = [f"{root}/{p}*" if p else f"{root}/*" for p in prefixes]
    return [
        {"Sid": "LakeObjects", "Effect": "Allow", "Action": actions, "Resource": keys},
        {
            "Sid": "LakeListing",
            "Effect": "Allow",
            "Action": ["s3:ListBucket"],
            "Resource": [bucket],
            "Condition": {"StringLike": {"s3:prefix": listed}},
        },
    ]


def _code(profile: Profile) -> dict:
    """Glue fetches a job's script and zip of wheels with the job's role."""
    root = profile.prefix.strip("/")
    return {
        "Sid": "JobCode",
        "Effect": "Allow",
        "Action": ["s3:GetObject"],
        "Resource": [f"arn:aws:s3:::{profile.bucket}/{root}/{CODE_PREFIX}/*"],
    }


def _registry_read(profile: Profile, account: str) -> dict:
    """The scoring export reads the approved model's version from the registry."""
    sm = f"arn:aws:sagemaker:{profile.region}:{account}"
    return {
        "Sid": "ModelRegistryRead",
        "Effect": "Allow",
        "Action": ["sagemaker:ListModelPackages", "sagemaker:DescribeModelPackage"],
        "Resource": [
            f"{sm}:model-package-group/{MODEL_GROUP}",
            f"{sm}:model-package/{MODEL_GROUP}/*",
        ],
    }


def _kms(profile: Profile) -> list[dict]:
    if not profile.kms_key_arn:
        return []
    return [
        {
            "Sid": "LakeKey",
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": [profile.kms_key_arn],
        }
    ]


def _logs(profile: Profile, account: str, group: str) -> dict:
    return {
        "Sid": "Logs",
        "Effect": "Allow",
        "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": [f"arn:aws:logs:{profile.region}:{account}:log-group:{group}:*"],
    }


def glue_etl(profile: Profile) -> dict:
    """Glue ETL jobs: the lake, the project's databases and tables, Glue job logs."""
    account = _account(profile.glue_role_arn)
    glue = f"arn:aws:glue:{profile.region}:{account}"
    return {
        "Version": VERSION,
        "Statement": [
            *_s3(profile, "", write=True),
            {
                "Sid": "Catalog",
                "Effect": "Allow",
                "Action": [
                    "glue:GetDatabase",
                    "glue:GetTable",
                    "glue:GetTables",
                    "glue:GetPartitions",
                    "glue:CreateTable",
                    "glue:UpdateTable",
                ],
                "Resource": [
                    f"{glue}:catalog",
                    f"{glue}:database/{profile.database_prefix}*",
                    f"{glue}:table/{profile.database_prefix}*/*",
                ],
            },
            _registry_read(profile, account),
            _logs(profile, account, "/aws-glue/*"),
            *_kms(profile),
        ],
    }


def glue_launcher(profile: Profile) -> dict:
    """Launcher jobs that start SageMaker jobs and wait: the model's prefixes, the
    project's SageMaker resources, and passing the SageMaker role to SageMaker only."""
    account = _account(profile.launcher_role_arn)
    sm = f"arn:aws:sagemaker:{profile.region}:{account}"
    return {
        "Version": VERSION,
        "Statement": [
            *_s3(profile, *MODEL_PREFIXES, PREDICTIONS_PREFIX, write=True),
            _code(profile),
            {
                "Sid": "SageMakerJobs",
                "Effect": "Allow",
                "Action": [
                    "sagemaker:CreateTrainingJob",
                    "sagemaker:DescribeTrainingJob",
                    "sagemaker:CreateModel",
                    "sagemaker:DescribeModel",
                    "sagemaker:CreateTransformJob",
                    "sagemaker:DescribeTransformJob",
                    "sagemaker:AddTags",
                ],
                "Resource": [
                    f"{sm}:training-job/delay-risk-*",
                    f"{sm}:model/score-*",
                    f"{sm}:transform-job/score-*",
                ],
            },
            {
                "Sid": "ModelRegistry",
                "Effect": "Allow",
                "Action": [
                    "sagemaker:CreateModelPackageGroup",
                    "sagemaker:DescribeModelPackageGroup",
                    "sagemaker:CreateModelPackage",
                    "sagemaker:DescribeModelPackage",
                    "sagemaker:ListModelPackages",
                    "sagemaker:UpdateModelPackage",
                ],
                "Resource": [
                    f"{sm}:model-package-group/{MODEL_GROUP}",
                    f"{sm}:model-package/{MODEL_GROUP}/*",
                ],
            },
            {
                "Sid": "PassSageMakerRole",
                "Effect": "Allow",
                "Action": ["iam:PassRole"],
                "Resource": [profile.sagemaker_role_arn],
                "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
            },
            _logs(profile, account, "/aws-glue/*"),
            *_kms(profile),
        ],
    }


def sagemaker(profile: Profile) -> dict:
    """SageMaker training and transform: read features and code, write models and scores,
    pull the XGBoost image, log and publish the scraped metrics."""
    account = _account(profile.sagemaker_role_arn)
    image_account = XGBOOST_IMAGE_ACCOUNTS.get(profile.region, "141502667606")
    return {
        "Version": VERSION,
        "Statement": [
            *_s3(profile, *MODEL_PREFIXES, write=True),
            {
                "Sid": "XGBoostImage",
                "Effect": "Allow",
                "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                "Resource": [
                    f"arn:aws:ecr:{profile.region}:{image_account}:repository/sagemaker-xgboost"
                ],
            },
            {
                "Sid": "RegistryToken",
                "Effect": "Allow",
                "Action": ["ecr:GetAuthorizationToken"],
                "Resource": ["*"],  # IAM cannot scope this action
            },
            {
                "Sid": "Metrics",
                "Effect": "Allow",
                "Action": ["cloudwatch:PutMetricData"],
                "Resource": ["*"],  # IAM cannot scope this action: the condition does
                "Condition": {
                    "StringEquals": {"cloudwatch:namespace": "/aws/sagemaker/TrainingJobs"}
                },
            },
            _logs(profile, account, "/aws/sagemaker/*"),
            *_kms(profile),
        ],
    }


def bucket_policy(profile: Profile) -> dict:
    """TLS only; a write that asks for other encryption than the lake's is refused (writes
    that ask for none get the bucket's default encryption)."""
    bucket = f"arn:aws:s3:::{profile.bucket}"
    encryption = "aws:kms" if profile.kms_key_arn else "AES256"
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "TlsOnly",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [bucket, f"{bucket}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
            {
                "Sid": "LakeEncryptionOnly",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:PutObject",
                "Resource": [f"{bucket}/*"],
                "Condition": {
                    "StringNotEquals": {"s3:x-amz-server-side-encryption": encryption},
                    "Null": {"s3:x-amz-server-side-encryption": "false"},
                },
            },
        ],
    }


def role_policies(profile: Profile) -> dict[str, dict]:
    return {
        "glue-etl": glue_etl(profile),
        "glue-launcher": glue_launcher(profile),
        "sagemaker": sagemaker(profile),
    }
