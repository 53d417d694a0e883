"""The delay-risk model's steps: train (export → training job → registry), export_scoring (a
day's scoring sets with the champion's and the challenger's vocabularies) and score (both
models → batch transform → curated.predictions + drift report).

The back end is chosen once, here, from the run context: `local` (subprocess and local runner,
registry in the lake) or `sagemaker` (training and transform jobs, a model package group).
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pandas as pd

from features.definitions import CATEGORICAL, FEATURE_NAMES, ID, LABEL
from features.export import CSV_FILE, add_scoring_sets, latest_export, load_manifest
from features.split import SPLITS
from flightlake import drift, runs
from flightlake.contracts import PREDICTIONS, Contract
from flightlake.contracts.types import arrow_type
from flightlake.errors import JobError
from flightlake.lake import PART_FILE, Lake
from flightlake.run_context import RunContext, StepResult
from flightlake.runtime.storage import write_json
from training.launchers.base import (
    SCORING_PREFIX,
    TRAINING_JOB_PREFIX,
    Launcher,
    TrainedModel,
    TrainingRequest,
    TransformRequest,
)
from training.registry.base import APPROVED, GROUP, ModelVersion, Registry, challenger
from training.tracking import REGISTRY_TAG, STATUS_TAG, Tracker

BACKENDS = ("local", "sagemaker")
NO_MODEL = "no approved model yet: the weekly workflow trains one"


def backend(ctx: RunContext) -> tuple[Launcher, Registry]:
    """The launcher and registry of the context's back end. SageMaker's wait for each job:
    the registry needs the training metrics, scoring needs the transform output."""
    if ctx.backend == "local":
        from training.launchers.local import LocalLauncher
        from training.registry.local import LocalRegistry

        return LocalLauncher(ctx.echo), LocalRegistry(ctx.lake)
    if ctx.backend != "sagemaker":
        raise JobError(f"unknown back end {ctx.backend!r}: use one of {', '.join(BACKENDS)}")
    if not ctx.sagemaker_role:
        raise JobError("the sagemaker back end needs a SageMaker execution role ARN")
    if not ctx.lake.root.startswith("s3://"):
        raise JobError("the sagemaker back end reads and writes S3: give an s3:// lake")
    import boto3

    from training.launchers.sagemaker import SageMakerLauncher
    from training.registry.sagemaker import SageMakerRegistry

    session = boto3.Session(profile_name=ctx.aws_profile)
    launcher = SageMakerLauncher(
        role_arn=ctx.sagemaker_role,
        boto_session=session,
        spot=ctx.spot,
        kms_key=ctx.kms_key,
        code_uri=ctx.lake.uri(ctx.lake.model_code_dir()),
        wait=True,
    )
    return launcher, SageMakerRegistry(group=GROUP, boto_session=session)


@dataclass(kw_only=True)
class TrainResult(StepResult):
    export_id: str = ""
    training_job: str = ""
    model_version: str = ""
    approval: dict[str, str] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    mlflow_run_id: str = ""

    def metrics_line(self) -> str:
        m = self.metrics
        nan = float("nan")
        return (
            f"validation AUC {m.get('validation_auc', nan):.4f} · "
            f"test AUC {m.get('test_auc', nan):.4f} · "
            f"test calibration error {m.get('test_ece', nan):.4f} · "
            f"test precision@top decile {m.get('test_precision_at_decile', nan):.3f}"
        )

    def summary(self) -> str:
        return (
            f"{self.model_version} {self.approval['status']} ({self.approval['reason']}) · "
            f"{self.metrics_line()} · MLflow run {self.mlflow_run_id}"
        )


def train(ctx: RunContext) -> TrainResult:
    """The step: train on an export (the newest by default), track the run in MLflow and
    register the model: the champion if it is the first, else a challenger."""
    return train_tracked(ctx, dict(ctx.hyperparameters))


def train_tracked(
    ctx: RunContext,
    hyperparameters: dict[str, str],
    tags: dict[str, str] | None = None,
    launch: Callable[[TrainingRequest], TrainedModel] | None = None,
) -> TrainResult:
    """One training job on the context's export (or `launch`'s job made of the same request,
    such as a tuning job's best), as an MLflow run, through the registry."""
    started = time.perf_counter()
    lake = ctx.lake
    launcher, registry = backend(ctx)
    tracker = Tracker.of(lake, ctx.mlflow_tracking_uri, ctx.aws_profile)
    export_id = ctx.export_id or latest_export(lake)
    if export_id is None:
        raise JobError(f"{lake.uri(lake.exports_dir())}: no feature export; export one first")
    manifest = load_manifest(lake, export_id)
    job_name = f"{TRAINING_JOB_PREFIX}{ctx.run_id.replace('T', '-').replace('Z', '').lower()}"
    done = next((v for v in registry.versions()
                 if str(v.lineage.get("training_job", "")).startswith(job_name)), None)
    if done is not None:
        # A resumed run whose training was registered before it was killed: nothing to redo,
        # and no second version of the same job.
        return TrainResult(
            export_id=done.lineage["export_id"], training_job=done.lineage["training_job"],
            model_version=done.label, approval={"status": done.status, "reason": done.reason},
            metrics=done.metrics, mlflow_run_id=str(done.lineage.get("mlflow_run_id", "")),
            seconds=round(time.perf_counter() - started, 3),
        )
    request = TrainingRequest(
        job_name=job_name,
        channels={s: lake.uri(lake.export_split_dir(export_id, s)) for s in SPLITS},
        hyperparameters=hyperparameters,
        output_uri=lake.uri(lake.training_jobs_dir()),
        spot=ctx.spot,
    )
    with tracker.run(job_name, "training", tags={"flightlake.run_id": ctx.run_id, **(tags or {})}
                     ) as run_id:
        model = (launch or launcher.train)(request)
        lineage = _lineage(manifest, export_id, lake.uri(lake.export_manifest(export_id)),
                           model.job_name, run_id)
        features = [f["name"] for f in manifest["features"]]
        used = model.hyperparameters or request.hyperparameters
        report = model.report or {"metrics": model.metrics, "hyperparameters": used}
        local_model = model.model_uri if ctx.backend == "local" else None
        tracker.log_training(run_id, report, lineage, features, local_model)
        version = registry.register(model.model_uri, model.metrics, used, lineage)
        tracker.log(run_id, tags={REGISTRY_TAG: version.label, STATUS_TAG: version.status,
                                  "model_uri": model.model_uri})
    return TrainResult(
        export_id=export_id,
        training_job=model.job_name,
        model_version=version.label,
        approval={"status": version.status, "reason": version.reason},
        metrics=model.metrics,
        mlflow_run_id=run_id,
        seconds=round(time.perf_counter() - started, 3),
    )


def _lineage(manifest: dict, export_id: str, manifest_uri: str, job: str, run_id: str) -> dict:
    """Flat and short: SageMaker keeps 50 metadata entries of 256 characters. The full list of
    source runs stays in the export's manifest."""
    sources = manifest["lineage"]["source_runs"]
    return {
        "export_id": export_id,
        "export_manifest": manifest_uri,
        "data_from": manifest["data_range"]["from"],
        "data_to": manifest["data_range"]["to"],
        **{
            f"{s}_{end}": manifest["splits"][s][end]
            for s in SPLITS
            for end in ("from", "to")
        },
        "source_runs": len(sources),
        "last_source_run": sources[-1] if sources else None,
        "training_job": job,  # SageMaker appends a timestamp to the name
        "mlflow_run_id": run_id,
    }


def scoring_days(ctx: RunContext) -> list[date]:
    """The dates the daily scoring steps score: the context's, else the newest flight day
    delivered to raw/."""
    if ctx.dates:
        return sorted(set(ctx.dates))
    days = [f.covers for f in ctx.lake.raw_files("flights") if f.covers]
    if not days:
        raise JobError("no flights delivered to raw/ yet: nothing to score")
    return [max(days)]


@dataclass(kw_only=True)
class ScoringSetResult(StepResult):
    export_id: str = ""
    rows: dict[str, int] = field(default_factory=dict)  # day → flights in its scoring set

    def summary(self) -> str:
        if self.skipped:
            return self.skipped
        days = sorted(self.rows)
        span = days[0] if len(days) == 1 else f"{days[0]} … {days[-1]}"
        return f"scoring set {span}: {sum(self.rows.values()):,} flights ({self.export_id})"


def models(registry: Registry) -> list[tuple[str, ModelVersion]]:
    """What the daily scoring scores with: the champion, and the challenger in shadow."""
    versions = registry.versions()
    champion = next((v for v in reversed(versions) if v.status == APPROVED), None)
    if champion is None:
        return []
    rival = challenger(versions)
    return [("champion", champion), *([("challenger", rival)] if rival else [])]


def export_scoring(ctx: RunContext) -> ScoringSetResult:
    """The step: scoring sets of the scoring days, encoded with each scoring model's own
    export vocabulary (built once per day and export; a rerun adds nothing)."""
    started = time.perf_counter()
    scoring = models(backend(ctx)[1])
    if not scoring:
        return ScoringSetResult(skipped=NO_MODEL)
    days = scoring_days(ctx)
    manifests = add_scoring_sets(ctx, [v.lineage["export_id"] for _, v in scoring], days)
    manifest = manifests[scoring[0][1].lineage["export_id"]]
    rows = {d.isoformat(): manifest["scoring"][d.isoformat()] for d in days}
    return ScoringSetResult(
        export_id=scoring[0][1].lineage["export_id"],
        rows=rows,
        seconds=round(time.perf_counter() - started, 3),
    )


def _read_csv(lake: Lake, rel: str, names: list[str]) -> pd.DataFrame:
    data = lake.storage.read_bytes(rel)
    return pd.read_csv(io.BytesIO(data), header=None, names=names)


def _predictions(
    lake: Lake,
    out_file: str,
    day: date,
    version: ModelVersion,
    role: str,
    scoring_run: str,
    scored_at: datetime,
) -> pd.DataFrame:
    data = io.BytesIO(lake.storage.read_bytes(out_file))
    scores = pd.read_csv(data, header=None, names=[ID, "score"], dtype={ID: str})
    bad = scores[scores["score"].isna() | ~scores["score"].between(0, 1)]
    if len(bad):
        row = bad.index[0] + 1
        value = bad.iloc[0]["score"]
        raise JobError(f"{lake.uri(out_file)}: line {row}: score {value!r} is not in [0, 1]")
    return scores.assign(
        flight_date=day,
        model_version=version.label,
        role=role,
        scoring_run=scoring_run,
        scored_at=scored_at,
        scoring_date=day.isoformat(),
    )[PREDICTIONS.column_names]


def publish_partition(ctx: RunContext, contract: Contract, frame: pd.DataFrame, day: date) -> str:
    """Replace a model table's scoring-date partition in one step (write aside, publish)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    lake = ctx.lake
    schema = pa.schema([pa.field(c.name, arrow_type(c.type), c.nullable) for c in contract.columns])
    table = pa.Table.from_pandas(frame[contract.column_names], schema=schema, preserve_index=False)
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    target = lake.table_file(contract.layer, contract.name, ("scoring_date", day.isoformat()))
    staged = f"{ctx.staging}/{contract.name}/{day.isoformat()}/{PART_FILE}"
    lake.storage.write_bytes(staged, buffer.getvalue())
    lake.storage.publish(staged, target)
    return target


@dataclass(kw_only=True)
class ScoreResult(StepResult):
    scoring_run: str = ""
    model_version: str = ""
    challenger_version: str = ""
    model_metrics: dict[str, float] = field(default_factory=dict)
    export_id: str = ""
    rows: dict[str, int] = field(default_factory=dict)  # day → flights scored
    transform_seconds: float = 0.0
    drift_report: str = ""
    worst_drift: list[dict] = field(default_factory=list)

    @property
    def rows_scored(self) -> int:
        return sum(self.rows.values())

    def summary(self) -> str:
        if self.skipped:
            return self.skipped
        auc = self.model_metrics.get("test_auc", float("nan"))
        rival = self.challenger_version
        shadow = f", challenger {rival} in shadow" if rival else ""
        return (
            f"{self.model_version} (test AUC {auc:.4f}) scored {self.rows_scored:,} flights on "
            f"{len(self.rows)} day(s){shadow} → curated.predictions"
        )


def score(ctx: RunContext) -> ScoreResult:
    """The step: score every flight of the scoring days with the champion (published) and the
    challenger (shadow); write the predictions and the champion's drift against training."""
    started = time.perf_counter()
    lake = ctx.lake
    launcher, registry = backend(ctx)
    scoring = models(registry)
    if not scoring:
        return ScoreResult(skipped=NO_MODEL)
    champion = scoring[0][1]
    days = scoring_days(ctx)
    # New for every attempt: SageMaker transform job names must be unique, and a resumed or
    # retried score step must not reuse the names of the attempt before.
    scoring_run = f"{SCORING_PREFIX}{runs.new_run_id()}"
    scored_at = datetime.now(UTC)
    result = ScoreResult(scoring_run=scoring_run, model_version=champion.label,
                         model_metrics=champion.metrics,
                         export_id=champion.lineage["export_id"],
                         challenger_version=scoring[1][1].label if len(scoring) > 1 else "")
    frames: dict[date, list[pd.DataFrame]] = {d: [] for d in days}
    # Scoring sets use each model's own export vocabulary (export_scoring builds them; a
    # standalone `flightlake score` builds the missing ones here).
    add_scoring_sets(ctx, [v.lineage["export_id"] for _, v in scoring], days)
    for role, version in scoring:
        export_id = version.lineage["export_id"]
        for day in days:
            out_dir = lake.transform_dir(scoring_run, day, role)
            t0 = time.perf_counter()
            launcher.transform(
                TransformRequest(
                    job_name=f"{scoring_run}-{role[:5]}-{day.isoformat()}",
                    model_uri=version.model_uri,
                    input_uri=lake.uri(lake.scoring_dir(export_id, day)),
                    output_uri=lake.uri(out_dir),
                )
            )
            result.transform_seconds += time.perf_counter() - t0
            frames[day].append(_predictions(lake, f"{out_dir}/{CSV_FILE}.out", day, version,
                                            role, scoring_run, scored_at))
    for day, parts in frames.items():
        publish_partition(ctx, PREDICTIONS, pd.concat(parts, ignore_index=True), day)
        result.rows[day.isoformat()] = len(parts[0])
    report = drift_report(lake, result.export_id, days)
    write_json(lake.storage, lake.drift_file(scoring_run), {"scoring_run": scoring_run, **report})
    result.drift_report = lake.uri(lake.drift_file(scoring_run))
    result.worst_drift = report["features"][:5]
    result.transform_seconds = round(result.transform_seconds, 3)
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def drift_report(lake: Lake, export_id: str, days: list[date]) -> dict:
    """PSI of every feature: the scoring sets of `days` against the training set."""
    training = _read_csv(
        lake, f"{lake.export_split_dir(export_id, 'train')}/{CSV_FILE}", [LABEL, *FEATURE_NAMES]
    )[list(FEATURE_NAMES)]
    scoring = pd.concat(
        [
            _read_csv(lake, f"{lake.scoring_dir(export_id, d)}/{CSV_FILE}", [ID, *FEATURE_NAMES])
            for d in days
        ],
        ignore_index=True,
    )[list(FEATURE_NAMES)]
    features = drift.report(training, scoring, set(CATEGORICAL))
    return {
        "export_id": export_id,
        "days": [d.isoformat() for d in days],
        "training_rows": len(training),
        "scoring_rows": len(scoring),
        "features": features,
    }

