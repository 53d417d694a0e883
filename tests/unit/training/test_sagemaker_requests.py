"""What the SageMaker launcher and registry ask of SageMaker, as moto records it.

moto runs no job: these tests check the requests (images, channels, filters, encryption,
approval), not training or scoring. Where moto's describe answer replaces what was sent
(MetricDefinitions), the request itself is read from a botocore hook.
"""

from __future__ import annotations

import copy
import io
import json
import re
import tarfile

import pytest

from tests.unit.training.conftest import BUCKET, REGION
from training.launchers.base import TrainingRequest, TransformRequest
from training.launchers.sagemaker import SageMakerLauncher, _final_metrics
from training.registry.base import promote, rollback
from training.registry.sagemaker import SageMakerRegistry, decode_value, encode_value

ROLE = "arn:aws:iam::123456789012:role/flightlake-sagemaker"
CODE = f"s3://{BUCKET}/sagemaker-code"
KMS = "arn:aws:kms:eu-west-1:123456789012:key/0d7e5c1a-1111-2222-3333-444455556666"
IMAGE = "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:3.0-5"
EXPORT = f"s3://{BUCKET}/exports/2013-12"


@pytest.fixture
def sent(boto_session):
    """SageMaker calls as sent, by operation: clients made from the session after this see it."""
    calls: dict[str, list[dict]] = {}

    def record(params, model, **_):
        calls.setdefault(model.name, []).append(copy.deepcopy(params))

    boto_session.events.register("before-parameter-build.sagemaker", record)
    return calls


@pytest.fixture
def source_dir(tmp_path):
    # Stand-ins for the entry scripts: the tests are about what is shipped, not what it runs.
    folder = tmp_path / "training"
    folder.mkdir()
    (folder / "train.py").write_text("print('train')\n")
    (folder / "inference.py").write_text("print('inference')\n")
    return folder


def launcher(boto_session, source_dir, **options) -> SageMakerLauncher:
    return SageMakerLauncher(ROLE, boto_session, code_uri=CODE, source_dir=source_dir, **options)


def request(job_name: str, spot: bool = False) -> TrainingRequest:
    return TrainingRequest(
        job_name=job_name,
        channels={
            "train": f"{EXPORT}/train/",
            "validation": f"{EXPORT}/validation/",
            "test": f"{EXPORT}/test/",
        },
        hyperparameters={"max_depth": 6, "eta": 0.1, "objective": "binary:logistic"},
        output_uri=f"s3://{BUCKET}/models",
        spot=spot,
    )


def s3_object(session, key: str) -> dict:
    return session.client("s3").get_object(Bucket=BUCKET, Key=key)


def test_training_job_request(boto_session, sent, source_dir):
    trained = launcher(boto_session, source_dir).train(request("delay-risk-2013"))

    assert re.fullmatch(r"delay-risk-2013-\d{14}", trained.job_name)
    job = boto_session.client("sagemaker").describe_training_job(TrainingJobName=trained.job_name)
    staged = f"{CODE}/delay-risk-2013/{trained.job_name}/input"
    assert job["AlgorithmSpecification"]["TrainingImage"] == IMAGE
    assert job["RoleArn"] == ROLE
    assert {
        c["ChannelName"]: (c["DataSource"]["S3DataSource"]["S3Uri"], c.get("ContentType"))
        for c in job["InputDataConfig"]
    } == {
        "train": (f"{EXPORT}/train/", "text/csv"),
        "validation": (f"{EXPORT}/validation/", "text/csv"),
        "test": (f"{EXPORT}/test/", "text/csv"),
        "code": (f"{staged}/code", None),
        "sm_drivers": (f"{staged}/sm_drivers", None),
    }
    assert job["HyperParameters"] == {
        "max_depth": "6",
        "eta": "0.1",
        "objective": "binary:logistic",
    }
    assert job["OutputDataConfig"] == {
        "S3OutputPath": f"s3://{BUCKET}/models",
        "CompressionType": "GZIP",
    }
    assert job["ResourceConfig"] == {
        "InstanceType": "ml.m5.xlarge",
        "InstanceCount": 1,
        "VolumeSizeInGB": 30,
    }
    assert job["StoppingCondition"] == {"MaxRuntimeInSeconds": 3600}
    assert job["EnableManagedSpotTraining"] is False
    assert job["EnableNetworkIsolation"] is True
    assert job["EnableInterContainerTrafficEncryption"] is True
    assert trained.model_uri == f"s3://{BUCKET}/models/{trained.job_name}/output/model.tar.gz"
    # moto's only metric is its own train:progress, which is not one of ours.
    assert trained.metrics == {}

    # ModelTrainer runs the entry script through its own drivers, not sagemaker_program.
    assert job["AlgorithmSpecification"]["ContainerEntrypoint"] == ["/bin/bash"]
    assert "sm_drivers/sm_train.sh" in job["AlgorithmSpecification"]["ContainerArguments"][-1]
    prefix = staged.removeprefix(f"s3://{BUCKET}/")
    source = json.load(s3_object(boto_session, f"{prefix}/sm_drivers/sourcecode.json")["Body"])
    assert source["entry_script"] == "train.py"
    assert s3_object(boto_session, f"{prefix}/code/train.py")["Body"].read() == b"print('train')\n"

    # moto answers describe with a canned MetricDefinitions: the request holds ours.
    (create,) = sent["CreateTrainingJob"]
    definitions = create["AlgorithmSpecification"]["MetricDefinitions"]
    assert [d["Name"] for d in definitions] == [
        "validation:auc",
        "validation:logloss",
        "validation:brier",
        "validation:ece",
        "validation:precision_at_decile",
        "test:auc",
        "test:logloss",
        "test:brier",
        "test:ece",
        "test:precision_at_decile",
    ]
    assert definitions[0]["Regex"] == "validation_auc=([0-9.eE+-]+);"


@pytest.mark.parametrize(
    ("launcher_spot", "request_spot"), [(True, False), (False, True)], ids=["launcher", "request"]
)
def test_spot_training(boto_session, source_dir, launcher_spot, request_spot):
    spot = launcher(boto_session, source_dir, spot=launcher_spot, max_runtime=1800)
    trained = spot.train(request("delay-risk-spot", spot=request_spot))

    job = boto_session.client("sagemaker").describe_training_job(TrainingJobName=trained.job_name)
    assert job["EnableManagedSpotTraining"] is True
    assert job["StoppingCondition"] == {"MaxRuntimeInSeconds": 1800, "MaxWaitTimeInSeconds": 3600}


def test_kms_key_encrypts_output_volume_and_staged_code(boto_session, source_dir):
    keyed = launcher(boto_session, source_dir, kms_key=KMS, instance_type="ml.m5.2xlarge")
    trained = keyed.train(request("delay-risk-kms"))

    job = boto_session.client("sagemaker").describe_training_job(TrainingJobName=trained.job_name)
    assert job["OutputDataConfig"]["KmsKeyId"] == KMS
    assert job["ResourceConfig"]["VolumeKmsKeyId"] == KMS
    assert job["ResourceConfig"]["InstanceType"] == "ml.m5.2xlarge"
    key = f"sagemaker-code/delay-risk-kms/{trained.job_name}/input/code/train.py"
    staged = s3_object(boto_session, key)
    assert (staged["ServerSideEncryption"], staged["SSEKMSKeyId"]) == ("aws:kms", KMS)


def test_transform_job_request(boto_session, source_dir):
    model_uri = f"s3://{BUCKET}/models/delay-risk-2013-20250101000000/output/model.tar.gz"
    launcher(boto_session, source_dir).transform(
        TransformRequest(
            job_name="delay-risk-score-2013-12",
            model_uri=model_uri,
            input_uri=f"{EXPORT}/score/",
            output_uri=f"s3://{BUCKET}/scores/2013-12/",
        )
    )

    sagemaker = boto_session.client("sagemaker")
    job = sagemaker.describe_transform_job(TransformJobName="delay-risk-score-2013-12")
    assert job["ModelName"] == "delay-risk-score-2013-12"
    assert job["BatchStrategy"] == "MultiRecord"
    assert job["TransformInput"] == {
        "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": f"{EXPORT}/score/"}},
        "ContentType": "text/csv",
        "SplitType": "Line",
    }
    assert job["TransformOutput"] == {
        "S3OutputPath": f"s3://{BUCKET}/scores/2013-12/",
        "Accept": "text/csv",
        "AssembleWith": "Line",
    }
    assert job["DataProcessing"] == {
        "InputFilter": "$[1:]",
        "JoinSource": "Input",
        "OutputFilter": "$[0,-1]",
    }
    assert job["TransformResources"] == {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1}

    tarball = "sagemaker-code/delay-risk-score-2013-12/sourcedir.tar.gz"
    model = sagemaker.describe_model(ModelName="delay-risk-score-2013-12")
    assert model["ExecutionRoleArn"] == ROLE
    assert model["PrimaryContainer"] == {
        "Image": IMAGE,
        "ModelDataUrl": model_uri,
        "Environment": {
            "SAGEMAKER_PROGRAM": "inference.py",
            "SAGEMAKER_SUBMIT_DIRECTORY": f"s3://{BUCKET}/{tarball}",
            "SAGEMAKER_REGION": REGION,
        },
    }
    # The container needs S3 to fetch that tarball: no network isolation on the model.
    assert model["EnableNetworkIsolation"] is False

    uploaded = s3_object(boto_session, tarball)
    assert uploaded["ServerSideEncryption"] == "aws:kms"  # the SDK's default, even without a key
    with tarfile.open(fileobj=io.BytesIO(uploaded["Body"].read())) as archive:
        assert archive.extractfile("inference.py").read() == b"print('inference')\n"
    assert "KmsKeyId" not in job["TransformOutput"]


def test_transform_with_kms_key(boto_session, source_dir):
    launcher(boto_session, source_dir, kms_key=KMS).transform(
        TransformRequest(
            job_name="delay-risk-score-kms",
            model_uri=f"s3://{BUCKET}/models/m/output/model.tar.gz",
            input_uri=f"{EXPORT}/score/",
            output_uri=f"s3://{BUCKET}/scores/kms/",
        )
    )

    sagemaker = boto_session.client("sagemaker")
    job = sagemaker.describe_transform_job(TransformJobName="delay-risk-score-kms")
    assert job["TransformOutput"]["KmsKeyId"] == KMS
    assert job["TransformResources"]["VolumeKmsKeyId"] == KMS
    tarball = s3_object(boto_session, "sagemaker-code/delay-risk-score-kms/sourcedir.tar.gz")
    assert tarball["SSEKMSKeyId"] == KMS


def test_waiting_launcher_returns_once_the_jobs_end(boto_session, source_dir):
    # moto ends every job at once: this checks the SDK's waiting path, not a real wait.
    waiting = launcher(boto_session, source_dir, wait=True)
    trained = waiting.train(request("delay-risk-wait"))
    waiting.transform(
        TransformRequest(
            "delay-risk-score-wait", trained.model_uri, f"{EXPORT}/score/", f"s3://{BUCKET}/s/"
        )
    )

    sagemaker = boto_session.client("sagemaker")
    job = sagemaker.describe_transform_job(TransformJobName="delay-risk-score-wait")
    assert job["TransformJobStatus"] == "Completed"
    model = sagemaker.describe_model(ModelName="delay-risk-score-wait")
    assert model["PrimaryContainer"]["ModelDataUrl"] == trained.model_uri


def test_final_metrics_keep_ours_under_train_py_names():
    job = {
        "FinalMetricDataList": [
            {"MetricName": "validation:auc", "Value": 0.74},
            {"MetricName": "test:brier", "Value": 0.12},
            {"MetricName": "train:progress", "Value": 100.0},
        ]
    }
    assert _final_metrics(job) == {"validation_auc": 0.74, "test_brier": 0.12}
    assert _final_metrics({"TrainingJobStatus": "InProgress"}) == {}


GROUP = "flightlake-delay-risk"
HYPERPARAMETERS = {"max_depth": 6, "eta": 0.1, "objective": "binary:logistic"}
LINEAGE = {
    "export_id": "2013-12",
    "data_range": {"start": "2013-01-01", "end": "2013-10-31"},
    "source_runs": ["run-1", "run-2"],
    "training_job": "delay-risk-2013-20250101000000",
}


def model_uri(n: int) -> str:
    return f"s3://{BUCKET}/models/job-{n}/output/model.tar.gz"


def test_registry_champion_challengers_promotion_and_rollback(boto_session):
    registry = SageMakerRegistry(GROUP, boto_session)
    assert registry.versions() == []
    assert registry.latest_approved() is None

    first = registry.register(model_uri(1), {"validation_auc": 0.71}, HYPERPARAMETERS, LINEAGE)
    second = registry.register(model_uri(2), {"validation_auc": 0.69}, HYPERPARAMETERS, LINEAGE)
    broken = registry.register(model_uri(3), {"validation_auc": 0.52}, HYPERPARAMETERS, LINEAGE)

    assert (first.version, first.status) == (1, "Approved")
    assert (second.version, second.status) == (2, "PendingManualApproval")
    assert second.reason.startswith("challenger to flightlake-delay-risk/v1")
    assert (broken.version, broken.status) == (3, "Rejected")
    assert registry.latest_approved().version == 1

    sagemaker = boto_session.client("sagemaker")

    def statuses() -> list[tuple[int, str]]:
        packages = sagemaker.list_model_packages(ModelPackageGroupName=GROUP)[
            "ModelPackageSummaryList"]
        return sorted((p["ModelPackageVersion"], p["ModelApprovalStatus"]) for p in packages)

    assert statuses() == [(1, "Approved"), (2, "PendingManualApproval"), (3, "Rejected")]
    # Promotion and rollback are the packages' approval statuses, with the reason.
    promoted = promote(registry, 2, "beats v1 on 7 days of outcomes")
    assert (promoted.status, promoted.reason) == ("Approved", "beats v1 on 7 days of outcomes")
    assert registry.latest_approved().version == 2
    rollback(registry, 1, "v2 misbehaves")
    assert statuses() == [(1, "Approved"), (2, "Rejected"), (3, "Rejected")]
    described = sagemaker.describe_model_package(ModelPackageName=promoted.extra["arn"])
    assert described["ApprovalDescription"] == (
        "rolled back to flightlake-delay-risk/v1: v2 misbehaves"
    )
    assert registry.latest_approved().model_uri == model_uri(1)

    # A second registry on the same group finds it and its versions, and creates no other.
    again = SageMakerRegistry(GROUP, boto_session)
    assert [(v.version, v.status) for v in again.versions()] == statuses()
    again.register(model_uri(4), {"validation_auc": 0.5}, {}, {})
    groups = sagemaker.list_model_package_groups()["ModelPackageGroupSummaryList"]
    assert [g["ModelPackageGroupName"] for g in groups] == [GROUP]


def test_update_model_package_request_is_valid_for_botocore():
    """What set_status sends, checked against the service model's own shapes."""
    import botocore.session
    from botocore.validate import ParamValidator

    model = botocore.session.get_session().get_service_model("sagemaker")
    shape = model.operation_model("UpdateModelPackage").input_shape
    arn = "arn:aws:sagemaker:us-east-1:123456789012:model-package/flightlake-delay-risk/2"
    report = ParamValidator().validate(
        {"ModelPackageArn": arn, "ModelApprovalStatus": "Approved",
         "ApprovalDescription": "x" * 1024}, shape)
    assert not report.has_errors(), report.generate_report()
    statuses = shape.members["ModelApprovalStatus"].enum
    assert {"Approved", "Rejected", "PendingManualApproval"} <= set(statuses)


def test_registry_package_request_and_metadata_round_trip(boto_session):
    registry = SageMakerRegistry(GROUP, boto_session)
    version = registry.register(
        model_uri(1), {"validation_auc": 0.71, "test_auc": 0.7}, HYPERPARAMETERS, LINEAGE
    )

    package = boto_session.client("sagemaker").describe_model_package(
        ModelPackageName=version.extra["arn"]
    )
    assert package["ModelPackageGroupName"] == GROUP
    assert package["InferenceSpecification"] == {
        "Containers": [{"Image": IMAGE, "ModelDataUrl": model_uri(1)}],
        "SupportedContentTypes": ["text/csv"],
        "SupportedResponseMIMETypes": ["text/csv"],
    }
    assert package["ModelApprovalStatus"] == "Approved"
    assert package["ModelPackageDescription"] == "first model: validation_auc 0.7100"
    properties = package["CustomerMetadataProperties"]
    assert properties == {
        "metrics.validation_auc": "0.71",
        "metrics.test_auc": "0.7",
        "hyperparameters.max_depth": "6",
        "hyperparameters.eta": "0.1",
        "hyperparameters.objective": "binary:logistic",
        "lineage.export_id": "2013-12",
        "lineage.data_range": "=7B=22end=22: =222013-10-31=22=2C =22start=22: =222013-01-01=22=7D",
        "lineage.source_runs": "=5B=22run-1=22=2C =22run-2=22=5D",
        "lineage.training_job": "delay-risk-2013-20250101000000",
    }
    # SageMaker's pattern for these values; moto does not enforce it.
    assert all(re.fullmatch(r"[\w .:/=+\-@]{1,256}", v, re.ASCII) for v in properties.values())

    (read,) = registry.versions()
    assert read.metrics == {"validation_auc": 0.71, "test_auc": 0.7}
    assert read.hyperparameters == HYPERPARAMETERS
    assert read.lineage == LINEAGE
    assert (read.model_uri, read.status, read.label) == (model_uri(1), "Approved", f"{GROUP}/v1")


@pytest.mark.parametrize(
    "value",
    ["6", "true", "NaN", "", "a=b", 'say "hi"', "héllo", None, 3, 0.25, [1, "x"], {"a": {}}],
)
def test_metadata_values_decode_to_what_was_encoded(value):
    assert decode_value(encode_value(value)) == value


def test_registry_refuses_metadata_sagemaker_would_refuse(boto_session):
    registry = SageMakerRegistry(GROUP, boto_session, image_uri=IMAGE)
    with pytest.raises(ValueError, match=r"lineage\.note takes 300 characters"):
        registry.register(model_uri(1), {"validation_auc": 0.7}, {}, {"note": "x" * 300})
    with pytest.raises(ValueError, match="cannot be a SageMaker metadata key"):
        registry.register(model_uri(1), {"validation_auc": 0.7}, {"max depth?": 3}, {})
    assert registry.versions() == []
