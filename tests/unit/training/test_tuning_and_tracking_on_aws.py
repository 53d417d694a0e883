"""SageMaker automatic model tuning and the managed MLflow tracking server, offline.

The tuning job's request is recorded against moto. moto has no MLflow tracking-server API:
DescribeMlflowTrackingServer is checked with botocore's Stubber, which validates the request
and the canned response against SageMaker's own service model.
"""

from __future__ import annotations

import copy
import io
import json
import tarfile
from datetime import UTC, datetime

import boto3
import botocore.awsrequest
import botocore.session
import pytest
from botocore.stub import Stubber
from botocore.validate import ParamValidator, validate_parameters

from flightlake.deploy import config, policies, resources, template
from flightlake.errors import JobError
from glue_jobs.run_step import context
from tests.aws_stack import Request, allows
from tests.unit.training.conftest import BUCKET, REGION
from training.launchers.base import METRIC_DEFINITIONS, TrainingRequest
from training.launchers.sagemaker import SageMakerLauncher
from training.search_space import SEARCH_SPACE
from training.tracking import check_tracking_server, client

ROLE = "arn:aws:iam::123456789012:role/flightlake-sagemaker"
ARN = "arn:aws:sagemaker:eu-west-1:123456789012:mlflow-tracking-server/flightlake-dev"


def _request() -> TrainingRequest:
    return TrainingRequest(
        job_name="delay-risk-20131201-000000",
        channels={s: f"s3://{BUCKET}/features/e1/{s}/" for s in ("train", "validation", "test")},
        hyperparameters={"num_round": 2000, "eta": 0.05, "max_depth": 6, "seed": 42},
        output_uri=f"s3://{BUCKET}/models",
    )


def test_tuning_job_searches_the_one_space_on_the_one_metric(boto_session, tmp_path):
    sent: list[dict] = []
    boto_session.events.register(
        "before-parameter-build.sagemaker.CreateHyperParameterTuningJob",
        lambda params, **_: sent.append(copy.deepcopy(params)),
    )
    source = tmp_path / "training"
    source.mkdir()
    (source / "train.py").write_text("print('train')\n")
    _best_job_and_its_search(boto_session)
    launcher = SageMakerLauncher(ROLE, boto_session, code_uri=f"s3://{BUCKET}/code",
                                 source_dir=source, kms_key="alias/flightlake-dev", wait=True)
    outcome = launcher.tune(_request(), max_jobs=12, max_parallel_jobs=3, max_runtime=600)

    (req,) = sent
    assert outcome.tuning_job == req["HyperParameterTuningJobName"]
    assert len(outcome.tuning_job) <= 32 and outcome.tuning_job.startswith("delay-risk-tune")
    # The best job: its model and its own hyperparameters (not the request's).
    assert outcome.best.job_name == MOTO_BEST_JOB
    assert outcome.best.hyperparameters == {"eta": "0.1", "max_depth": "7"}
    assert [t["job"] for t in outcome.trials] == [MOTO_BEST_JOB, "delay-risk-tune-002"]
    assert outcome.trials[1]["objective"] == 0.70
    tuning = req["HyperParameterTuningJobConfig"]
    assert tuning["Strategy"] == "Bayesian" and tuning["RandomSeed"] == 42
    assert tuning["HyperParameterTuningJobObjective"] == {
        "Type": "Maximize", "MetricName": "validation:auc"}
    assert tuning["ResourceLimits"] == {"MaxNumberOfTrainingJobs": 12,
                                        "MaxParallelTrainingJobs": 3,
                                        "MaxRuntimeInSeconds": 600}
    ranges = {
        r["Name"]: (kind, float(r["MinValue"]), float(r["MaxValue"]), r["ScalingType"])
        for kind, listed in tuning["ParameterRanges"].items()
        for r in listed
    }
    assert ranges == {
        r.name: ("IntegerParameterRanges" if r.integer else "ContinuousParameterRanges",
                 r.low, r.high, "Logarithmic" if r.log else "Linear")
        for r in SEARCH_SPACE
    }
    job = req["TrainingJobDefinition"]
    # The tuned names are not static; the rest of the request's are, as strings.
    assert set(job["StaticHyperParameters"]).isdisjoint(ranges)
    assert job["StaticHyperParameters"]["num_round"] == "2000"
    assert job["AlgorithmSpecification"]["MetricDefinitions"] == METRIC_DEFINITIONS
    # What the SDK's tuner drops and the launcher restores. Not network isolation: the jobs
    # fetch their code from the S3 tarball the SDK names here.
    assert "EnableNetworkIsolation" not in job
    assert job["StaticHyperParameters"]["sagemaker_submit_directory"].startswith("s3://")
    assert job["EnableInterContainerTrafficEncryption"] is True
    assert job["ResourceConfig"]["VolumeKmsKeyId"] == "alias/flightlake-dev"
    assert job["OutputDataConfig"]["KmsKeyId"] == "alias/flightlake-dev"
    ours = {c["ChannelName"]: c.get("ContentType") for c in job["InputDataConfig"]}
    # The SDK adds its own sm_drivers channel (its script runner) beside the data.
    assert ours == {"train": "text/csv", "validation": "text/csv", "test": "text/csv",
                    "sm_drivers": None}
    described = boto_session.client("sagemaker").describe_hyper_parameter_tuning_job(
        HyperParameterTuningJobName=outcome.tuning_job)
    assert described["HyperParameterTuningJobConfig"]["ParameterRanges"] == tuning[
        "ParameterRanges"]


MOTO_BEST_JOB = "FakeTrainingJobName"  # moto's canned BestTrainingJob of every tuning job


def _best_job_and_its_search(session) -> None:
    """moto names a best job it never created: create it. moto has no
    ListTrainingJobsForHyperParameterTuningJob: answer it here, validated against
    SageMaker's service model as botocore's Stubber validates a canned response."""
    session.client("sagemaker").create_training_job(
        TrainingJobName=MOTO_BEST_JOB,
        AlgorithmSpecification={"TrainingImage": "img", "TrainingInputMode": "File"},
        RoleArn=ROLE,
        OutputDataConfig={"S3OutputPath": f"s3://{BUCKET}/models"},
        ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1,
                        "VolumeSizeInGB": 30},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
        HyperParameters={"eta": "0.1", "max_depth": "7", "sagemaker_program": "train.py"},
    )
    now = datetime(2013, 12, 1, tzinfo=UTC)
    answer = {"TrainingJobSummaries": [
        {"TrainingJobName": name, "TrainingJobArn": f"arn:aws:sagemaker:{REGION}:1:x/{name}",
         "CreationTime": now, "TrainingJobStatus": "Completed",
         "TunedHyperParameters": {"eta": eta},
         "FinalHyperParameterTuningJobObjectiveMetric": {"MetricName": "validation:auc",
                                                          "Value": auc}}
        for name, eta, auc in ((MOTO_BEST_JOB, "0.1", 0.71), ("delay-risk-tune-002", "0.05",
                                                             0.70))
    ]}
    model = botocore.session.get_session().get_service_model("sagemaker")
    operation = model.operation_model("ListTrainingJobsForHyperParameterTuningJob")
    assert not ParamValidator().validate(answer, operation.output_shape).has_errors()

    def check(params, **_):
        validate_parameters(params, operation.input_shape)

    def reply(**_):
        return botocore.awsrequest.AWSResponse(None, 200, {}, None), answer

    event = "sagemaker.ListTrainingJobsForHyperParameterTuningJob"
    session.events.register(f"before-parameter-build.{event}", check)
    session.events.register(f"before-call.{event}", reply)


def test_a_finished_jobs_report_comes_from_its_output_tarball(boto_session):
    launcher = SageMakerLauncher(ROLE, boto_session)
    report = {"metrics": {"test_auc": 0.76}, "calibration": {"method": "platt"}}
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        body = json.dumps(report).encode()
        info = tarfile.TarInfo("metrics.json")
        info.size = len(body)
        archive.addfile(info, io.BytesIO(body))
    boto_session.client("s3").put_object(
        Bucket=BUCKET, Key="models/job-1/output/output.tar.gz", Body=buffer.getvalue())
    job = {"TrainingJobName": "job-1"}
    assert launcher._report(f"s3://{BUCKET}/models", job) == report
    assert launcher._report(f"s3://{BUCKET}/models", {"TrainingJobName": "job-2"}) == {}


def _describe(active: str, status: str) -> dict:
    return {
        "TrackingServerArn": ARN, "TrackingServerName": "flightlake-dev",
        "ArtifactStoreUri": "s3://flightlake-dev-lake/lake/_ml/mlflow",
        "TrackingServerStatus": status, "IsActive": active,
    }


@pytest.mark.parametrize(
    ("active", "status", "error"),
    [("Active", "Started", None), ("Inactive", "Stopped", "flightlake-dev is Stopped")],
)
def test_the_tracking_server_is_checked_before_training(active, status, error):
    client = boto3.client("sagemaker", region_name=REGION, aws_access_key_id="x",
                          aws_secret_access_key="x")
    with Stubber(client) as stub:
        stub.add_response("describe_mlflow_tracking_server", _describe(active, status),
                          {"TrackingServerName": "flightlake-dev"})
        if error:
            with pytest.raises(JobError, match=error):
                check_tracking_server(ARN, client)
        else:
            check_tracking_server(ARN, client)
        stub.assert_no_pending_responses()


def test_a_missing_tracking_server_is_one_line():
    client = boto3.client("sagemaker", region_name=REGION, aws_access_key_id="x",
                          aws_secret_access_key="x")
    with Stubber(client) as stub:
        stub.add_client_error("describe_mlflow_tracking_server", "ResourceNotFound")
        with pytest.raises(JobError, match="no such MLflow tracking server"):
            check_tracking_server(ARN, client)


def test_the_arn_resolves_to_the_plugins_signed_store():
    """MLflow hands an ARN tracking URI to sagemaker-mlflow: its REST store, at the region's
    SageMaker MLflow endpoint, authenticated by SigV4 (no request is sent here)."""
    from mlflow.tracking._tracking_service.utils import _get_store

    store = _get_store(ARN)
    assert type(store).__name__ == "MlflowSageMakerStore"
    creds = store.get_host_creds()
    assert creds.host == "https://eu-west-1.experiments.sagemaker.aws"
    assert creds.auth == "arn"


def test_the_trackers_client_is_signed_for_its_server(aws):
    """The plugin signs and routes by the process's tracking URI, not the client's: the
    tracker's client must set it, or every request fails before it is sent."""
    import mlflow
    from sagemaker_mlflow.auth_provider import AuthProvider
    from sagemaker_mlflow.mlflow_sagemaker_request_header_provider import (
        MlflowSageMakerRequestHeaderProvider,
    )

    before = mlflow.get_tracking_uri()
    try:
        client(ARN)
        auth = AuthProvider().get_auth()
        # SigV4 for the service the IAM actions belong to, in the server's region.
        assert (auth.region, auth.sigv4._service_name) == ("eu-west-1", "sagemaker-mlflow")
        headers = MlflowSageMakerRequestHeaderProvider().request_headers()
        assert ARN in headers.values()
    finally:
        mlflow.set_tracking_uri(before)


def test_the_profile_names_the_server_to_every_job_and_grants_the_launcher_its_runs():
    profile = config.load("dev", env={})
    assert profile.mlflow_tracking_arn == ARN
    refs = resources.StackRefs.named(profile)
    document = template.template(profile, {"glue_etl": "e.zip", "launcher": "l.zip"},
                                 "141502667606")
    jobs = {
        name: r["Properties"]["DefaultArguments"]
        for name, r in document["Resources"].items() if r["Type"] == "AWS::Glue::Job"
    }
    train = next(args for args in jobs.values() if args["--step"] == "train")
    assert train["--mlflow_tracking_uri"] == ARN
    args = {k.lstrip("-"): v for k, v in train.items()}
    ctx = context({**dict.fromkeys(("run_id", "date", "date_to", "WORKFLOW_RUN_ID",
                                    "database_prefix", "workgroup", "split_config",
                                    "export_id", "profile", "backend", "sagemaker_role",
                                    "kms_key", "as_of")), **args})
    assert ctx.mlflow_tracking_uri == ARN
    launcher = policies.glue_launcher(profile, refs.key, refs.sagemaker_role)
    for action in policies.MLFLOW_ACTIONS:
        assert allows(launcher, Request(action, ARN)), action
        other = ARN.replace("flightlake-dev", "someone-else")
        assert not allows(launcher, Request(action, other)), action
    assert not allows(launcher, Request("sagemaker-mlflow:DeleteExperiment", ARN))
