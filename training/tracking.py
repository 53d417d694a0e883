"""Experiment tracking with MLflow: every training run and every tuning trial, side by side.

Where runs go:
- a local lake: a SQLite tracking store in the lake, `_ml/mlflow.db`, artifacts under
  `_ml/mlruns/` (no server; `flightlake experiments` or `mlflow ui --backend-store-uri …`);
- an s3:// lake: SageMaker's managed MLflow tracking server, named by its ARN (the profile's
  `mlflow_tracking_server`). The `sagemaker-mlflow` plugin resolves the ARN to the server's URL
  and signs each request with the caller's AWS credentials (SigV4).

Runs are logged from the step that launched the job, not from inside the training container:
the container runs with network isolation and could not reach a tracking server. So the
container needs neither `mlflow` nor `mlflow-skinny`; the client side uses `mlflow` (the SQLite
store needs its SQLAlchemy and Alembic; the SageMaker SDK depends on it already).

Every `mlflow` import sits inside a function: importing it takes about a second.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flightlake.errors import JobError
from flightlake.lake import Lake

if TYPE_CHECKING:
    from mlflow import MlflowClient

EXPERIMENT = "delay-risk"
TRACKING_DB = "mlflow.db"
ARTIFACTS = "mlruns"
SAGEMAKER_ARN = "arn:aws:sagemaker:"
# A run's tag naming the registry version it became, and its approval.
REGISTRY_TAG = "registry.version"
STATUS_TAG = "registry.status"
KIND_TAG = "flightlake.kind"  # training | tuning | trial


def tracking_uri(lake: Lake, configured: str | None) -> str:
    """The tracking URI of a lake: the configured one (a SageMaker tracking-server ARN or any
    MLflow URI) or, for a local lake, the SQLite store inside it."""
    if configured:
        return configured
    if lake.root.startswith("s3://"):
        raise JobError(
            "an s3:// lake tracks its runs on SageMaker's managed MLflow: give the tracking "
            "server's ARN (--mlflow-tracking-uri or FLIGHTLAKE_MLFLOW_TRACKING_URI; deployed "
            "jobs get the profile's mlflow_tracking_server)"
        )
    return f"sqlite:///{_ml_dir(lake) / TRACKING_DB}"


def check_tracking_server(arn: str, sagemaker: Any) -> None:
    """The tracking server exists and serves requests (DescribeMlflowTrackingServer,
    https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeMlflowTrackingServer.html)."""
    name = arn.rsplit("/", 1)[-1]
    try:
        found = sagemaker.describe_mlflow_tracking_server(TrackingServerName=name)
    except sagemaker.exceptions.ResourceNotFound:
        raise JobError(f"{arn}: no such MLflow tracking server") from None
    if found.get("IsActive") != "Active":
        raise JobError(
            f"MLflow tracking server {name} is {found['TrackingServerStatus']} (inactive): "
            "start it (aws sagemaker start-mlflow-tracking-server) and run the step again"
        )


def client(uri: str) -> MlflowClient:
    """An MLflow client of `uri`. For a SageMaker ARN the URI is also made the process's
    tracking URI: the sagemaker-mlflow plugin signs and routes each request by
    mlflow.get_tracking_uri(), not by the client's own URI."""
    import mlflow

    if uri.startswith(SAGEMAKER_ARN):
        mlflow.set_tracking_uri(uri)
    return mlflow.MlflowClient(tracking_uri=uri)


def _ml_dir(lake: Lake) -> Path:
    path = Path(lake.root).resolve() / "_ml"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _quiet() -> None:
    # Alembic's migrations log each revision at INFO on the first use of a SQLite store.
    for name in ("alembic", "mlflow.store.db.utils", "mlflow.tracking._tracking_service"):
        logging.getLogger(name).setLevel(logging.WARNING)


def _flat(values: Mapping[str, Any]) -> dict[str, float]:
    """The numeric, finite entries (MLflow metrics are numbers)."""
    out = {}
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        if math.isfinite(value):
            out[key] = float(value)
    return out


class Tracker:
    """One MLflow experiment of a lake (or of a tracking server)."""

    def __init__(self, uri: str, artifact_location: str | None = None) -> None:
        _quiet()
        self.uri = uri
        self.client = client(uri)
        found = self.client.get_experiment_by_name(EXPERIMENT)
        self.experiment_id = (
            found.experiment_id
            if found
            else self.client.create_experiment(EXPERIMENT, artifact_location=artifact_location)
        )

    @classmethod
    def of(
        cls, lake: Lake, configured: str | None = None, aws_profile: str | None = None
    ) -> Tracker:
        """The lake's tracker. A SageMaker tracking server is checked first: a stopped one
        would fail the step after the training job, not before it."""
        uri = tracking_uri(lake, configured)
        artifacts = None
        if uri.startswith("sqlite:"):
            artifacts = (_ml_dir(lake) / ARTIFACTS).as_uri()
        elif uri.startswith(SAGEMAKER_ARN):
            import boto3

            check_tracking_server(uri, boto3.Session(profile_name=aws_profile).client(
                "sagemaker", region_name=uri.split(":")[3]))
        return cls(uri, artifacts)

    @contextmanager
    def run(
        self,
        name: str,
        kind: str,
        parent: str | None = None,
        tags: Mapping[str, str] = {},
        stopped: tuple[type[BaseException], ...] = (),
    ) -> Iterator[str]:
        """A run, FINISHED when the block ends; KILLED if it raises one of `stopped` (a
        pruned trial), FAILED if it raises anything else."""
        from mlflow.utils.mlflow_tags import MLFLOW_PARENT_RUN_ID

        all_tags = {KIND_TAG: kind, **tags}
        if parent:
            all_tags[MLFLOW_PARENT_RUN_ID] = parent
        run = self.client.create_run(self.experiment_id, run_name=name, tags=all_tags)
        run_id = run.info.run_id
        try:
            yield run_id
        except BaseException as exc:
            self.client.set_terminated(run_id, "KILLED" if isinstance(exc, stopped) else "FAILED")
            raise
        self.client.set_terminated(run_id, "FINISHED")

    def record(
        self,
        name: str,
        kind: str,
        parent: str,
        status: str,
        params: Mapping[str, Any] = {},
        metrics: Mapping[str, Any] = {},
        tags: Mapping[str, str] = {},
    ) -> str:
        """A run of work that already ended elsewhere (a tuning job's training job), with
        its outcome as the run's status (FINISHED, KILLED or FAILED)."""
        from mlflow.utils.mlflow_tags import MLFLOW_PARENT_RUN_ID

        run = self.client.create_run(
            self.experiment_id, run_name=name,
            tags={KIND_TAG: kind, MLFLOW_PARENT_RUN_ID: parent},
        )
        self.log(run.info.run_id, params, metrics, tags)
        self.client.set_terminated(run.info.run_id, status)
        return run.info.run_id

    def log(
        self,
        run_id: str,
        params: Mapping[str, Any] = {},
        metrics: Mapping[str, Any] = {},
        tags: Mapping[str, str] = {},
        step: int = 0,
    ) -> None:
        from mlflow.entities import Metric, Param, RunTag
        from mlflow.utils.time import get_current_time_millis

        now = get_current_time_millis()
        self.client.log_batch(
            run_id,
            metrics=[Metric(k, v, now, step) for k, v in _flat(metrics).items()],
            params=[Param(k, str(v)) for k, v in params.items()],
            tags=[RunTag(k, str(v)) for k, v in tags.items()],
        )

    def log_training(
        self, run_id: str, result: Mapping[str, Any], lineage: Mapping[str, Any],
        features: list[str], model_dir: str | None,
    ) -> None:
        """A finished training job: hyperparameters, lineage, metrics per split, the feature
        list and importance, reliability tables and (when local) the model files."""
        import pandas as pd

        params = {f"hp.{k}": v for k, v in result.get("hyperparameters", {}).items()}
        params.update({k: v for k, v in lineage.items() if v is not None})
        params["feature_count"] = len(features)
        params["best_iteration"] = result.get("best_iteration")
        self.log(run_id, params=params, metrics=result.get("metrics", {}))
        self.client.log_dict(run_id, {"features": features}, "features.json")
        importance = result.get("feature_importance", {})
        if importance:
            table = pd.DataFrame(
                [{"feature": _feature_name(k, features), **v} for k, v in importance.items()]
            ).sort_values("total_gain", ascending=False)
            self.client.log_table(run_id, data=table, artifact_file="feature_importance.json")
        for split, rows in result.get("reliability", {}).items():
            self.client.log_table(
                run_id, data=pd.DataFrame(rows), artifact_file=f"reliability_{split}.json"
            )
        self.client.log_dict(run_id, dict(result), "metrics.json")
        if model_dir and Path(model_dir).is_dir():
            self.client.log_artifacts(run_id, model_dir, "model")

    def runs(self, limit: int = 50) -> list[dict[str, Any]]:
        """The newest runs first: name, kind, status, start, metrics, registry version."""
        found = self.client.search_runs(
            [self.experiment_id], order_by=["attributes.start_time DESC"], max_results=limit
        )
        return [
            {
                "run_id": r.info.run_id,
                "name": r.info.run_name,
                "kind": r.data.tags.get(KIND_TAG, ""),
                "status": r.info.status,
                "started": r.info.start_time,
                "metrics": dict(r.data.metrics),
                "params": dict(r.data.params),
                "registry": r.data.tags.get(REGISTRY_TAG, ""),
                "approval": r.data.tags.get(STATUS_TAG, ""),
            }
            for r in found
        ]


def _feature_name(key: str, features: list[str]) -> str:
    """xgboost names a column of a CSV-fed model f<i>: the export's i-th feature."""
    index = key[1:]
    if key.startswith("f") and index.isdigit() and int(index) < len(features):
        return features[int(index)]
    return key
