"""IAM policy documents of the stack's roles, and the lake bucket's policy.

Each role gets the S3 prefixes, Glue databases, log groups and SageMaker resources its steps
use, and nothing more: no `*` action in any role's policy; a `*` resource only for the two
actions IAM cannot scope (ecr:GetAuthorizationToken, cloudwatch:PutMetricData), the second
with a condition. What each role may do, and why: docs/pipeline.md ("IAM"). The template
(template.py) refers to the stack's own key and roles with CloudFormation intrinsics; these
functions take them as values. Resource types per action follow the Service Authorization
Reference: https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
"""

from __future__ import annotations

from typing import Any

from flightlake.catalog.glue import database_name
from flightlake.contracts import MONITORING, PREDICTIONS
from flightlake.deploy.config import Profile
from flightlake.deploy.views import view_names
from flightlake.lake import Lake
from flightlake.pipeline import dag
from flightlake.runtime.metrics import NAMESPACE as METRICS_NAMESPACE
from training.launchers.base import SCORING_PREFIX, TRAINING_JOB_PREFIX
from training.registry.base import GROUP as MODEL_GROUP

VERSION = "2012-10-17"
CODE_PREFIX = "_code"
ATHENA_RESULTS_PREFIX = "_athena"
# Glue's own metrics' namespace (--enable-metrics): with the run metrics' (METRICS_NAMESPACE),
# the only ones a Glue job's role may publish to.
GLUE_METRICS_NAMESPACE = "Glue"

# Lake prefixes by what reads or writes them (lake.py owns the layout).
RAW = Lake.raw_dir("").rstrip("/")
TABLES = ("processed", "curated")
QUARANTINE = Lake.quarantine_dir("").rstrip("/")
RUN_RECORDS = (Lake.runs_dir(), Lake.state_root(), Lake.staging_root(), Lake.quality_root())
EXPORTS = Lake.exports_dir()
ML = Lake.ml_dir()
# The model's tables: written by the launcher's score and monitor steps, not by Glue ETL.
MODEL_TABLES = tuple(Lake.table_dir(c.layer, c.name) for c in (PREDICTIONS, MONITORING))

Value = Any  # a string, or a CloudFormation intrinsic ({"Fn::GetAtt": …}, {"Ref": …})

# The stack's roles: logical id → (role name suffix, the service that assumes it; none: the
# account's people, as their own policies allow).
ROLES: dict[str, tuple[str, str]] = {
    "GlueEtlRole": ("glue-etl", "glue.amazonaws.com"),
    "GlueLauncherRole": ("glue-launcher", "glue.amazonaws.com"),
    "GlueCrawlerRole": ("glue-crawler", "glue.amazonaws.com"),
    "SageMakerRole": ("sagemaker", "sagemaker.amazonaws.com"),
    "RawEventsRole": ("raw-events", "events.amazonaws.com"),
    "AnalystRole": ("analyst", ""),
}


def _bucket_arn(profile: Profile) -> str:
    return f"arn:aws:s3:::{profile.bucket}"


def _key_arn(profile: Profile, prefix: str) -> str:
    return f"{_bucket_arn(profile)}/{profile.prefix.strip('/')}/{prefix}/*"


def s3_access(
    profile: Profile, sid: str, read: tuple[str, ...] = (), write: tuple[str, ...] = ()
) -> list[dict]:
    """Read `read` and `write`, write `write`, list both: the lake's prefixes by name."""
    root = profile.prefix.strip("/")
    statements: list[dict] = []
    if read:
        statements.append(
            {
                "Sid": f"{sid}Read",
                "Effect": "Allow",
                "Action": ["s3:GetObject"],
                "Resource": [_key_arn(profile, p) for p in read],
            }
        )
    if write:
        statements.append(
            {
                "Sid": f"{sid}Write",
                "Effect": "Allow",
                "Action": [
                    "s3:GetObject",
                    "s3:PutObject",
                    "s3:DeleteObject",
                    "s3:AbortMultipartUpload",
                ],
                "Resource": [_key_arn(profile, p) for p in write],
            }
        )
    statements.append(
        {
            "Sid": f"{sid}List",
            "Effect": "Allow",
            "Action": ["s3:ListBucket"],
            "Resource": [_bucket_arn(profile)],
            "Condition": {"StringLike": {"s3:prefix": [f"{root}/{p}/*" for p in (*read, *write)]}},
        }
    )
    return statements


def _code(profile: Profile) -> dict:
    """Glue fetches a job's script and zip of wheels with the job's role: read only."""
    return {
        "Sid": "JobCode",
        "Effect": "Allow",
        "Action": ["s3:GetObject"],
        "Resource": [_key_arn(profile, CODE_PREFIX)],
    }


def _registry_read(profile: Profile) -> list[dict]:
    """The scoring export reads the approved model's version from the registry. Listing is
    authorised on model packages (its only resource type), so on this account's and region's."""
    sm = f"arn:aws:sagemaker:{profile.region}:{profile.account}"
    return [
        {
            "Sid": "ModelRegistryList",
            "Effect": "Allow",
            "Action": ["sagemaker:ListModelPackages"],
            "Resource": [f"{sm}:model-package/*"],
        },
        {
            "Sid": "ModelRegistryRead",
            "Effect": "Allow",
            "Action": ["sagemaker:DescribeModelPackage"],
            "Resource": [f"{sm}:model-package/{MODEL_GROUP}/*"],
        },
    ]


def _key(key: Value, *more: str) -> dict:
    """Data keys of the stack's key: SSE-KMS objects (prod), encrypted logs and volumes."""
    return {
        "Sid": "StackKey",
        "Effect": "Allow",
        "Action": ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey", *more],
        "Resource": [key],
    }


def _logs(profile: Profile, group: str, *more: str) -> dict:
    """Groups are created (Glue's, associated with the key: its security configuration
    encrypts the logs, https://docs.aws.amazon.com/glue/latest/dg/encryption-security-configuration.html);
    streams created and written."""
    logs = f"arn:aws:logs:{profile.region}:{profile.account}:log-group:{group}"
    return {
        "Sid": "Logs",
        "Effect": "Allow",
        "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", *more],
        "Resource": [logs, f"{logs}:log-stream:*"],
    }


def _metrics(*namespaces: str) -> dict:
    return {
        "Sid": "Metrics",
        "Effect": "Allow",
        "Action": ["cloudwatch:PutMetricData"],
        "Resource": ["*"],  # IAM cannot scope this action: the condition does
        "Condition": {"StringEquals": {"cloudwatch:namespace": list(namespaces)}},
    }


def _catalog(profile: Profile, layers: tuple[str, ...], actions: list[str], sid: str) -> dict:
    glue = f"arn:aws:glue:{profile.region}:{profile.account}"
    databases = [database_name(layer, profile.database_prefix) for layer in layers]
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Action": actions,
        "Resource": [
            f"{glue}:catalog",
            *_databases(profile, layers),
            *(f"{glue}:table/{d}/*" for d in databases),
        ],
    }


CATALOG_READ = [
    "glue:GetDatabase",
    "glue:GetDatabases",
    "glue:GetTable",
    "glue:GetTables",
    "glue:GetPartition",
    "glue:GetPartitions",
]


def _athena(profile: Profile) -> dict:
    return {
        "Sid": "AthenaWorkgroup",
        "Effect": "Allow",
        "Action": [
            "athena:StartQueryExecution",
            "athena:GetQueryExecution",
            "athena:GetQueryResults",
            "athena:StopQueryExecution",
            "athena:GetWorkGroup",
        ],
        "Resource": [
            f"arn:aws:athena:{profile.region}:{profile.account}:workgroup/{profile.athena_workgroup}"
        ],
    }


def _results_bucket(profile: Profile) -> dict:
    """Athena checks the results bucket's region before it writes there."""
    return {
        "Sid": "AthenaResultsBucket",
        "Effect": "Allow",
        "Action": ["s3:GetBucketLocation"],
        "Resource": [_bucket_arn(profile)],
    }


def glue_etl(profile: Profile, key: Value) -> dict:
    """Glue ETL jobs: read raw, write the layers, quarantine, run records and exports; read
    the model registry (the scoring export). _code/ read only; nothing of _ml/ or the catalog
    (tables are the stack's, with partition projection)."""
    return {
        "Version": VERSION,
        "Statement": [
            *s3_access(
                profile,
                "Lake",
                read=(RAW,),
                write=(*TABLES, QUARANTINE, *RUN_RECORDS, EXPORTS),
            ),
            _code(profile),
            *_registry_read(profile),
            _logs(profile, "/aws-glue/*", "logs:AssociateKmsKey"),
            _metrics(METRICS_NAMESPACE, GLUE_METRICS_NAMESPACE),
            _key(key),
        ],
    }


def glue_launcher(profile: Profile, key: Value, sagemaker_role: Value) -> dict:
    """Launcher jobs: start SageMaker jobs and wait (train, score), run Athena (views); the
    model's prefixes, the predictions, the run records, the project's SageMaker resources,
    and passing the SageMaker role to SageMaker only."""
    sm = f"arn:aws:sagemaker:{profile.region}:{profile.account}"
    return {
        "Version": VERSION,
        "Statement": [
            *s3_access(
                profile,
                "Lake",
                read=(RAW, *TABLES),
                # features/: score adds the day's scoring set when the approved model's
                # export lacks it (features/export.py add_scoring_sets).
                write=(EXPORTS, ML, *MODEL_TABLES, *RUN_RECORDS, ATHENA_RESULTS_PREFIX),
            ),
            _code(profile),
            _results_bucket(profile),
            _athena(profile),
            _catalog(profile, TABLES, CATALOG_READ, "TablesCatalog"),
            _views(profile),
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
                    f"{sm}:training-job/{TRAINING_JOB_PREFIX}*",
                    f"{sm}:model/{SCORING_PREFIX}*",
                    f"{sm}:transform-job/{SCORING_PREFIX}*",
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
            *_mlflow(profile),
            {
                "Sid": "PassSageMakerRole",
                "Effect": "Allow",
                "Action": ["iam:PassRole"],
                "Resource": [sagemaker_role],
                "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
            },
            _logs(profile, "/aws-glue/*", "logs:AssociateKmsKey"),
            _metrics(METRICS_NAMESPACE, GLUE_METRICS_NAMESPACE),
            _key(key),
        ],
    }


# What training/tracking.py asks of the tracking server: find or create the experiment, create
# a run, log its batches and tags, end it (https://docs.aws.amazon.com/service-authorization/
# latest/reference/list_amazonsagemakerwithmlflow.html). Artifacts go to the server's artifact
# store, the lake's _ml/ prefix, which the launcher writes already.
MLFLOW_ACTIONS = (
    "sagemaker-mlflow:GetExperimentByName",
    "sagemaker-mlflow:CreateExperiment",
    "sagemaker-mlflow:CreateRun",
    "sagemaker-mlflow:GetRun",
    "sagemaker-mlflow:LogBatch",
    "sagemaker-mlflow:SetTag",
    "sagemaker-mlflow:UpdateRun",
    # Before the training job starts: is the server up (training/tracking.py)?
    "sagemaker:DescribeMlflowTrackingServer",
)


def _mlflow(profile: Profile) -> list[dict]:
    """The train step's runs on the profile's tracking server (none configured: nothing)."""
    if not profile.mlflow_tracking_arn:
        return []
    return [
        {
            "Sid": "MlflowTracking",
            "Effect": "Allow",
            "Action": list(MLFLOW_ACTIONS),
            "Resource": [profile.mlflow_tracking_arn],
        }
    ]


def _views(profile: Profile) -> dict:
    """refresh_views' CREATE OR REPLACE VIEW: Athena writes the view's table with the caller's
    rights, on the views of sql/views only (never the contracts' tables)."""
    glue = f"arn:aws:glue:{profile.region}:{profile.account}"
    tables = [
        f"{glue}:table/{database}/{name}"
        for database, name in view_names(profile.database_prefix)
    ]
    return {
        "Sid": "Views",
        "Effect": "Allow",
        "Action": ["glue:CreateTable", "glue:UpdateTable", "glue:DeleteTable"],
        "Resource": [f"{glue}:catalog", *_databases(profile, TABLES), *tables],
    }


def _databases(profile: Profile, layers: tuple[str, ...]) -> list[str]:
    glue = f"arn:aws:glue:{profile.region}:{profile.account}"
    return [f"{glue}:database/{database_name(layer, profile.database_prefix)}" for layer in layers]


def glue_crawler(profile: Profile, key: Value) -> dict:
    """The raw crawlers: read raw, keep the raw database's tables and partitions
    (https://docs.aws.amazon.com/glue/latest/dg/crawler-prereqs.html)."""
    return {
        "Version": VERSION,
        "Statement": [
            *s3_access(profile, "Raw", read=(RAW,)),
            _catalog(
                profile,
                ("raw",),
                [
                    *CATALOG_READ,
                    "glue:CreateTable",
                    "glue:UpdateTable",
                    "glue:BatchGetPartition",
                    "glue:BatchCreatePartition",
                    "glue:BatchUpdatePartition",
                    "glue:CreatePartition",
                    "glue:UpdatePartition",
                ],
                "RawCatalog",
            ),
            _logs(profile, "/aws-glue/crawlers*", "logs:AssociateKmsKey"),
            _key(key),
        ],
    }


def sagemaker(profile: Profile, key: Value, image_account: str) -> dict:
    """SageMaker training and transform: read features and code, write models and scores,
    pull the XGBoost image, log and publish the scraped metrics; grants on the stack's key for
    encrypted volumes."""
    return {
        "Version": VERSION,
        "Statement": [
            *s3_access(profile, "Model", read=(EXPORTS,), write=(ML,)),
            {
                "Sid": "XGBoostImage",
                "Effect": "Allow",
                "Action": [
                    "ecr:BatchGetImage",
                    "ecr:GetDownloadUrlForLayer",
                    "ecr:BatchCheckLayerAvailability",
                ],
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
            _metrics("/aws/sagemaker/TrainingJobs", "/aws/sagemaker/TransformJobs"),
            _logs(profile, "/aws/sagemaker/*", "logs:DescribeLogStreams"),
            # Encrypt: output and volumes with a KmsKeyId
            # (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_OutputDataConfig.html).
            _key(key, "kms:Encrypt"),
            {
                "Sid": "StackKeyGrants",
                "Effect": "Allow",
                "Action": ["kms:CreateGrant"],
                "Resource": [key],
                "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}},
            },
        ],
    }


def analyst(profile: Profile, key: Value) -> dict:
    """Analysts: Athena in the workgroup over processed and curated, their results; nothing
    of raw, quarantine, the run records or _ml/."""
    return {
        "Version": VERSION,
        "Statement": [
            *s3_access(profile, "Tables", read=TABLES, write=(ATHENA_RESULTS_PREFIX,)),
            _results_bucket(profile),
            _athena(profile),
            _catalog(profile, TABLES, CATALOG_READ, "TablesCatalog"),
            _key(key),
        ],
    }


def raw_events(profile: Profile) -> dict:
    """EventBridge tells the drop-started workflows' EVENT trigger that a drop landed
    (https://docs.aws.amazon.com/glue/latest/dg/starting-workflow-eventbridge.html)."""
    return {
        "Version": VERSION,
        "Statement": [
            {
                "Sid": "NotifyDailyWorkflow",
                "Effect": "Allow",
                "Action": ["glue:notifyEvent"],
                "Resource": [
                    f"arn:aws:glue:{profile.region}:{profile.account}:workflow/"
                    f"{workflow_name(profile, w.name)}"
                    for w in dag.WORKFLOWS.values()
                    if w.on_raw_drops
                ],
            }
        ],
    }


def workflow_name(profile: Profile, workflow: str) -> str:
    return profile.resource_name(workflow)


def tls_only(bucket: str) -> dict:
    """Requests without TLS refused, whoever makes them."""
    arn = f"arn:aws:s3:::{bucket}"
    return {
        "Sid": "TlsOnly",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [arn, f"{arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def bucket_policy(profile: Profile, roles: list[Value]) -> dict:
    """TLS only; the stack's roles never write or delete the jobs' code, whatever their own
    policies say: only the deploying principal does."""
    return {
        "Version": VERSION,
        "Statement": [
            tls_only(profile.bucket),
            {
                # A role principal matches every session of the role:
                # https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles
                "Sid": "CodeWrittenOnlyByDeploy",
                "Effect": "Deny",
                "Principal": {"AWS": roles},
                "Action": ["s3:PutObject", "s3:DeleteObject"],
                "Resource": [_key_arn(profile, CODE_PREFIX)],
            },
        ],
    }
