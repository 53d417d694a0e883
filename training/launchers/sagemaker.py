"""Training and batch transform as SageMaker jobs, through the SageMaker Python SDK v3.

Every sagemaker import sits inside a function: importing the SDK takes seconds, importing this
module must not.
"""

from __future__ import annotations

import io
import json
import tarfile
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from flightlake.errors import JobError
from training.launchers.base import (
    INFERENCE_SCRIPT,
    METRIC_DEFINITIONS,
    SOURCE_DIR,
    TRAIN_SCRIPT,
    TRANSFORM,
    TUNING_JOB_PREFIX,
    XGBOOST_FRAMEWORK_VERSION,
    TrainedModel,
    TrainingRequest,
    TransformRequest,
    TuningOutcome,
)
from training.search_space import OBJECTIVE_METRIC, OBJECTIVE_TYPE, sagemaker_ranges

if TYPE_CHECKING:
    import boto3
    from sagemaker.core.helper.session_helper import Session

CSV = "text/csv"
# Managed spot: how long SageMaker may wait for spot capacity (interruptions included), as a
# multiple of the run time. It must exceed the run time or the job is rejected.
SPOT_WAIT_FACTOR = 2
TUNING_SEED = 42


def xgboost_image_uri(region: str) -> str:
    """SageMaker's XGBoost framework image in the region, the version requirements pin to."""
    from sagemaker.core import image_uris

    return image_uris.retrieve("xgboost", region, version=XGBOOST_FRAMEWORK_VERSION)


class SageMakerLauncher:
    """Launcher on SageMaker: ModelTrainer for training, a Model and a Transformer for scoring.

    code_uri is the s3:// prefix where the SDK stages code (source dir, its drivers, the inference
    tarball); without it the SDK's default bucket (sagemaker-<region>-<account>) is used.
    With wait=False (the default) train() and transform() return once the job is created: the
    TrainedModel then holds the URI the model will have and no metrics yet.
    """

    def __init__(
        self,
        role_arn: str,
        boto_session: boto3.Session,
        instance_type: str = "ml.m5.xlarge",
        instance_count: int = 1,
        spot: bool = False,
        max_runtime: int = 3600,
        kms_key: str | None = None,
        code_uri: str | None = None,
        source_dir: Path = SOURCE_DIR,
        wait: bool = False,
    ) -> None:
        self.role_arn = role_arn
        self.boto_session = boto_session
        self.region = boto_session.region_name
        self.instance_type = instance_type
        self.instance_count = instance_count
        self.spot = spot
        self.max_runtime = max_runtime
        self.kms_key = kms_key
        self.code_uri = code_uri
        self.source_dir = Path(source_dir)
        self.wait = wait

    @cached_property
    def session(self) -> Session:
        from sagemaker.core.helper.session_helper import Session

        bucket = prefix = None
        if self.code_uri:
            parsed = urlparse(self.code_uri)
            bucket, prefix = parsed.netloc, parsed.path.strip("/") or None
        return Session(
            boto_session=self.boto_session, default_bucket=bucket, default_bucket_prefix=prefix
        )

    @cached_property
    def image_uri(self) -> str:
        return xgboost_image_uri(self.region)

    def _trainer(self, request: TrainingRequest):
        """The training job's definition, for a job of its own or a tuning job's jobs."""
        from sagemaker.core.training.configs import (
            Compute,
            MetricDefinition,
            Networking,
            OutputDataConfig,
            SourceCode,
            StoppingCondition,
        )
        from sagemaker.train import ModelTrainer

        spot = self.spot or request.spot
        return ModelTrainer(
            sagemaker_session=self.session,
            role=self.role_arn,
            training_image=self.image_uri,
            # The SDK appends a timestamp: the job name is base_job_name-YYYYmmddHHMMSS.
            base_job_name=request.job_name,
            source_code=SourceCode(source_dir=str(self.source_dir), entry_script=TRAIN_SCRIPT),
            compute=Compute(
                instance_type=self.instance_type,
                instance_count=self.instance_count,
                volume_kms_key_id=self.kms_key,
                enable_managed_spot_training=spot,
            ),
            stopping_condition=StoppingCondition(
                max_runtime_in_seconds=self.max_runtime,
                max_wait_time_in_seconds=self.max_runtime * SPOT_WAIT_FACTOR if spot else None,
            ),
            # On Glue the stack's key (--kms_key); without one, SageMaker's managed S3 key.
            output_data_config=OutputDataConfig(
                s3_output_path=request.output_uri, kms_key_id=self.kms_key
            ),
            # train.py needs no network: data and code arrive as channels, the model leaves
            # through /opt/ml/model. The encryption only matters with more than one instance.
            networking=Networking(
                enable_network_isolation=True, enable_inter_container_traffic_encryption=True
            ),
            hyperparameters=dict(request.hyperparameters),
        ).with_metric_definitions(
            [MetricDefinition(name=m["Name"], regex=m["Regex"]) for m in METRIC_DEFINITIONS]
        )

    def train(self, request: TrainingRequest) -> TrainedModel:
        trainer = self._trainer(request)
        trainer.train(input_data_config=_channels(request), wait=self.wait, logs=False)
        # Private, but it is how ModelTrainer's own docstring reaches the job it created.
        return self._trained(request, trainer._latest_training_job.training_job_name)

    def tune(
        self,
        request: TrainingRequest,
        max_jobs: int,
        max_parallel_jobs: int = 2,
        max_runtime: float | None = None,
    ) -> TuningOutcome:
        """SageMaker automatic model tuning over training/search_space.py's ranges,
        maximising validation:auc as METRIC_DEFINITIONS scrape it; Bayesian, seeded, within
        `max_runtime` seconds. Needs wait: the outcome is the best training job (its model,
        metrics, report and hyperparameters) and every job of the search."""
        if not self.wait:
            raise ValueError("tuning registers its best job: create the launcher with wait=True")
        tuner = _tuner_class()(
            model_trainer=self._trainer(request),
            objective_metric_name=OBJECTIVE_METRIC,
            objective_type=OBJECTIVE_TYPE,
            hyperparameter_ranges=sagemaker_ranges(),
            metric_definitions=METRIC_DEFINITIONS,
            strategy="Bayesian",
            max_jobs=max_jobs,
            max_parallel_jobs=max_parallel_jobs,
            max_runtime_in_seconds=int(max_runtime) if max_runtime else None,
            # train.py prints its metrics once, at the end: nothing for SageMaker to stop a
            # job early on. Each job stops itself on its validation AUC (early_stopping_rounds).
            early_stopping_type="Off",
            # Tuning job names have at most 32 characters; the SDK appends a timestamp.
            base_tuning_job_name=TUNING_JOB_PREFIX.rstrip("-"),
            random_seed=TUNING_SEED,
        )
        tuner.tune(inputs=_channels(request), wait=True)
        name = tuner.latest_tuning_job.hyper_parameter_tuning_job_name
        try:
            best = tuner.best_training_job()
        except Exception as exc:  # the SDK raises a bare Exception when no job completed
            raise JobError(f"tuning job {name}: no best training job: {exc}") from None
        return TuningOutcome(name, self._trained(request, best), self.trials(name))

    def trials(self, tuning_job: str) -> list[dict]:
        """Every training job of a tuning job (ListTrainingJobsForHyperParameterTuningJob)."""
        client = self.session.sagemaker_client
        pages = client.get_paginator("list_training_jobs_for_hyper_parameter_tuning_job")
        return [
            {
                "job": j["TrainingJobName"],
                "status": j["TrainingJobStatus"],
                "hyperparameters": j.get("TunedHyperParameters", {}),
                "objective": j.get("FinalHyperParameterTuningJobObjectiveMetric", {}).get(
                    "Value"
                ),
            }
            for page in pages.paginate(HyperParameterTuningJobName=tuning_job)
            for j in page["TrainingJobSummaries"]
        ]

    def _trained(self, request: TrainingRequest, job_name: str) -> TrainedModel:
        job = self.session.sagemaker_client.describe_training_job(TrainingJobName=job_name)
        model_uri = job.get("ModelArtifacts", {}).get("S3ModelArtifacts") or (
            f"{request.output_uri.rstrip('/')}/{job_name}/output/model.tar.gz"
        )
        report = self._report(request.output_uri, job) if job["TrainingJobStatus"] == (
            "Completed") else {}
        hyperparameters = {
            k: v for k, v in job.get("HyperParameters", {}).items()
            if not k.startswith(("sagemaker_", "_"))
        }
        return TrainedModel(job_name, model_uri, _final_metrics(job), report, hyperparameters)

    def _report(self, output_uri: str, job: dict) -> dict:
        """train.py's metrics.json, from the output.tar.gz SageMaker uploads from
        /opt/ml/output/data (https://docs.aws.amazon.com/sagemaker/latest/dg/
        model-train-storage.html). None uploaded: only the scraped metrics are known."""
        url = urlparse(f"{output_uri.rstrip('/')}/{job['TrainingJobName']}/output/output.tar.gz")
        s3 = self.boto_session.client("s3")
        try:
            body = s3.get_object(Bucket=url.netloc, Key=url.path.lstrip("/"))["Body"].read()
        except s3.exceptions.NoSuchKey:
            return {}
        with tarfile.open(fileobj=io.BytesIO(body), mode="r:gz") as archive:
            member = archive.extractfile("metrics.json")
            if member is None:
                raise ValueError(f"{url.geturl()}: no metrics.json in the training output")
            return json.loads(member.read())

    def transform(self, request: TransformRequest) -> None:
        from sagemaker.core.fw_utils import tar_and_upload_dir
        from sagemaker.core.helper.session_helper import container_def
        from sagemaker.core.s3 import s3_path_join
        from sagemaker.core.transformer import Transformer

        session = self.session
        # The framework container downloads and unpacks this tarball, then serves inference.py.
        code = tar_and_upload_dir(
            session.boto_session,
            session.default_bucket(),
            s3_path_join(session.default_bucket_prefix, request.job_name),
            INFERENCE_SCRIPT,
            directory=str(self.source_dir),
            kms_key=self.kms_key,
        )
        env = {
            "SAGEMAKER_PROGRAM": INFERENCE_SCRIPT,
            "SAGEMAKER_SUBMIT_DIRECTORY": code.s3_prefix,
            "SAGEMAKER_REGION": self.region,
        }
        # No network isolation on the model: the container fetches that tarball from S3.
        model_name = session.create_model(
            request.job_name,
            role=self.role_arn,
            container_defs=container_def(self.image_uri, request.model_uri, env=env),
        )
        transformer = Transformer(
            model_name=model_name,
            instance_count=self.instance_count,
            instance_type=self.instance_type,
            strategy=TRANSFORM["strategy"],
            assemble_with=TRANSFORM["assemble_with"],
            output_path=request.output_uri,
            accept=TRANSFORM["accept"],
            output_kms_key=self.kms_key,
            volume_kms_key=self.kms_key,
            sagemaker_session=session,
        )
        transformer.transform(
            request.input_uri,
            content_type=TRANSFORM["content_type"],
            split_type=TRANSFORM["split_type"],
            input_filter=TRANSFORM["input_filter"],
            join_source=TRANSFORM["join_source"],
            output_filter=TRANSFORM["output_filter"],
            job_name=request.job_name,
            wait=self.wait,
            logs=False,
        )


def _tuner_class():
    """The SDK's HyperparameterTuner, keeping what its training-job definition drops.

    sagemaker-train 1.27 builds the tuning job's training-job definition from the trainer but
    leaves out inter-container traffic encryption and the volume's KMS key
    (tuner.py, _build_training_job_definition); they are set here from the same trainer.
    Network isolation is not: in tuning mode the SDK ships the code as an S3 tarball the
    container downloads itself (the sagemaker_submit_directory hyperparameter), which an
    isolated container could not do."""
    from sagemaker.train.tuner import HyperparameterTuner

    class Tuner(HyperparameterTuner):
        def _build_training_job_definition(self, inputs):
            definition = super()._build_training_job_definition(inputs)
            networking, compute = self.model_trainer.networking, self.model_trainer.compute
            if networking is not None:
                definition.enable_inter_container_traffic_encryption = (
                    networking.enable_inter_container_traffic_encryption
                )
            if compute is not None and compute.volume_kms_key_id:
                definition.resource_config.volume_kms_key_id = compute.volume_kms_key_id
            return definition

    return Tuner


def _channels(request: TrainingRequest) -> list:
    from sagemaker.core.training.configs import InputData

    return [
        InputData(channel_name=name, data_source=uri, content_type=CSV)
        for name, uri in request.channels.items()
    ]


def _final_metrics(job: dict) -> dict[str, float]:
    """The job's scraped metrics under the names train.py prints (validation:auc -> validation_auc).

    A job still running has none yet; metrics SageMaker adds on its own are left out.
    """
    ours = {m["Name"] for m in METRIC_DEFINITIONS}
    return {
        m["MetricName"].replace(":", "_"): float(m["Value"])
        for m in job.get("FinalMetricDataList", [])
        if m["MetricName"] in ours
    }
