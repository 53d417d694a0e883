"""What a launcher is asked to do and what it gives back, whatever runs the job."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

# The folder SageMaker uploads as source_dir: train.py and inference.py. A folder on disk (the
# SDK tars it, the local launcher runs it), so a path, not an importlib resource.
SOURCE_DIR = Path(__file__).resolve().parents[1]
TRAIN_SCRIPT = "train.py"
INFERENCE_SCRIPT = "inference.py"

# SageMaker's XGBoost framework container; requirements pin xgboost to the version inside it,
# so a model saved here loads there and the other way round.
XGBOOST_FRAMEWORK_VERSION = "3.0-5"
# SageMaker job names start with these: the deploy's IAM policies and failure rules name the
# first two. Tuning jobs start from `flightlake tune` with the caller's rights, not from Glue.
TRAINING_JOB_PREFIX = "delay-risk-"
SCORING_PREFIX = "score-"
TUNING_JOB_PREFIX = "delay-risk-tune-"
XGBOOST_VERSION = "3.0.5"

# Batch transform keeps the flight id with each score: the id is dropped before the model sees
# the line, the model's output is appended to the input line, and id + score are kept.
TRANSFORM = {
    "content_type": "text/csv",
    "accept": "text/csv",
    "split_type": "Line",
    "assemble_with": "Line",
    "strategy": "MultiRecord",
    "input_filter": "$[1:]",
    "join_source": "Input",
    "output_filter": "$[0,-1]",
}

# What train.py prints, in the form SageMaker metric definitions scrape.
METRIC_DEFINITIONS = [
    {"Name": f"{split}:{name}", "Regex": f"{split}_{name}=([0-9.eE+-]+);"}
    for split in ("validation", "test")
    for name in ("auc", "logloss", "brier", "ece", "precision_at_decile")
]


@dataclass(frozen=True)
class TrainingRequest:
    job_name: str
    channels: dict[str, str]  # channel name -> folder or s3:// prefix holding its CSV files
    hyperparameters: dict[str, str | int | float]
    output_uri: str  # folder or s3:// prefix for the job's model and output
    spot: bool = False


@dataclass(frozen=True)
class TrainedModel:
    job_name: str
    model_uri: str  # local: the model folder (xgboost-model); SageMaker: model.tar.gz in S3
    metrics: dict[str, float] = field(default_factory=dict)
    # train.py's whole metrics.json (reliability tables, calibration, feature importance),
    # once the job has finished; empty while a SageMaker job still runs.
    report: dict = field(default_factory=dict)
    # The job's own hyperparameters: a tuning job's best job has values the request had not.
    hyperparameters: dict[str, str | int | float] = field(default_factory=dict)


@dataclass(frozen=True)
class TuningOutcome:
    tuning_job: str
    best: TrainedModel
    # One per training job of the search: job, status, tuned hyperparameters, objective value.
    trials: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class TransformRequest:
    job_name: str
    model_uri: str
    input_uri: str  # folder or s3:// prefix: every file under it is transformed
    output_uri: str  # one <input file name>.out per input file


class Launcher(Protocol):
    def train(self, request: TrainingRequest) -> TrainedModel: ...

    def transform(self, request: TransformRequest) -> None: ...
