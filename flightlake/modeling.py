"""The delay-risk model's runs: train (export → training job → registry) and score (latest
approved version → batch transform → curated.predictions + drift report).

The back end is chosen once, here: `local` (subprocess and local runner, registry in the lake)
or `sagemaker` (training and transform jobs, a model package group).
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from datetime import UTC, date, datetime

import pandas as pd

from features.definitions import CATEGORICAL, FEATURE_NAMES, ID, LABEL
from features.export import CSV_FILE, add_scoring, latest_export, load_manifest
from features.split import SPLITS
from flightlake import drift, runs
from flightlake.contracts.predictions import CONTRACT as PREDICTIONS
from flightlake.errors import JobError
from flightlake.lake import PART_FILE, Lake
from flightlake.runtime.storage import write_json
from training.launchers.base import Launcher, TrainingRequest, TransformRequest
from training.registry.base import GROUP, Registry

Echo = Callable[[str], None]
BACKENDS = ("local", "sagemaker")


def launcher_for(backend: str, echo: Echo, **options) -> Launcher:
    if backend == "local":
        from training.launchers.local import LocalLauncher

        return LocalLauncher(echo)
    if backend == "sagemaker":
        from training.launchers.sagemaker import SageMakerLauncher

        return SageMakerLauncher(**options)
    raise JobError(f"unknown back end {backend!r}: use one of {', '.join(BACKENDS)}")


def registry_for(backend: str, lake: Lake, **options) -> Registry:
    if backend == "local":
        from training.registry.local import LocalRegistry

        return LocalRegistry(lake)
    if backend == "sagemaker":
        from training.registry.sagemaker import SageMakerRegistry

        return SageMakerRegistry(**options)
    raise JobError(f"unknown back end {backend!r}: use one of {', '.join(BACKENDS)}")


def backend(
    kind: str,
    lake: Lake,
    echo: Echo | None = None,
    role: str | None = None,
    boto_session=None,
    spot: bool = False,
) -> tuple[Launcher, Registry]:
    """The launcher and registry of a back end. SageMaker's wait for each job: the registry
    needs the training metrics, scoring needs the transform output."""
    if kind == "local":
        return launcher_for("local", echo or (lambda line: None)), registry_for("local", lake)
    if kind != "sagemaker":
        raise JobError(f"unknown back end {kind!r}: use one of {', '.join(BACKENDS)}")
    if not role:
        raise JobError("the sagemaker back end needs a SageMaker execution role ARN")
    if boto_session is None:
        import boto3

        boto_session = boto3.Session()
    launcher = launcher_for(
        "sagemaker",
        echo=None,
        role_arn=role,
        boto_session=boto_session,
        spot=spot,
        code_uri=lake.uri(lake.model_code_dir()),
        wait=True,
    )
    return launcher, registry_for("sagemaker", lake, group=GROUP, boto_session=boto_session)


def train(
    lake: Lake,
    launcher: Launcher,
    registry: Registry,
    export_id: str | None = None,
    hyperparameters: dict | None = None,
    spot: bool = False,
) -> dict:
    """Train on an export (the newest by default) and register the model."""
    started = time.perf_counter()
    export_id = export_id or latest_export(lake)
    if export_id is None:
        raise JobError(f"{lake.uri('features')}: no feature export; run `flightlake export`")
    manifest = load_manifest(lake, export_id)
    run_id = runs.new_run_id()
    job_name = f"delay-risk-{run_id.replace('T', '-').replace('Z', '').lower()}"
    request = TrainingRequest(
        job_name=job_name,
        channels={s: lake.uri(lake.export_split_dir(export_id, s)) for s in SPLITS},
        hyperparameters=hyperparameters or {},
        output_uri=lake.uri(lake.training_jobs_dir()),
        spot=spot,
    )
    model = launcher.train(request)
    # Flat and short: SageMaker keeps 50 metadata entries of 256 characters. The full list of
    # source runs stays in the export's manifest.
    sources = manifest["lineage"]["source_runs"]
    lineage = {
        "export_id": export_id,
        "export_manifest": lake.uri(lake.export_manifest(export_id)),
        "data_from": manifest["data_range"]["from"],
        "data_to": manifest["data_range"]["to"],
        **{
            f"{s}_{end}": manifest["splits"][s][end]
            for s in SPLITS
            for end in ("from", "to")
        },
        "source_runs": len(sources),
        "last_source_run": sources[-1] if sources else None,
        "training_job": model.job_name,  # SageMaker appends a timestamp to the name
    }
    version = registry.register(model.model_uri, model.metrics, request.hyperparameters, lineage)
    record = {
        "run_id": run_id,
        "kind": "train",
        "status": "succeeded",
        "export_id": export_id,
        "training_job": model.job_name,
        "model_version": version.label,
        "approval": {"status": version.status, "reason": version.reason},
        "metrics": model.metrics,
        "finished_at": runs.now_iso(),
        "seconds": round(time.perf_counter() - started, 3),
    }
    runs.save(lake, record, name=f"{run_id}.train")
    return record


def _read_csv(lake: Lake, rel: str, names: list[str]) -> pd.DataFrame:
    data = lake.storage.read_bytes(rel)
    return pd.read_csv(io.BytesIO(data), header=None, names=names)


def _predictions(
    lake: Lake, out_file: str, day: date, version: str, scoring_run: str, scored_at: datetime
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
        model_version=version,
        scoring_run=scoring_run,
        scored_at=scored_at,
        scoring_date=day.isoformat(),
    )[PREDICTIONS.column_names]


def _write_predictions(lake: Lake, frame: pd.DataFrame, day: date, run: str) -> str:
    """Replace the scoring date's partition in one step (write aside, then publish)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {
        "string": pa.string(),
        "date": pa.date32(),
        "double": pa.float64(),
        "timestamp": pa.timestamp("us", tz="UTC"),
    }
    schema = pa.schema(
        [pa.field(c.name, types[c.type], c.nullable) for c in PREDICTIONS.columns]
    )
    table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    target = lake.table_file("curated", PREDICTIONS.name, ("scoring_date", day.isoformat()))
    staged = f"{lake.staging_dir(run)}/predictions/{day.isoformat()}/{PART_FILE}"
    lake.storage.write_bytes(staged, buffer.getvalue())
    lake.storage.publish(staged, target)
    return target


def score(
    lake: Lake,
    launcher: Launcher,
    registry: Registry,
    days: list[date],
    spark_factory: Callable | None = None,
) -> dict:
    """Score every flight of `days` with the latest approved model; write predictions and a
    drift report."""
    started = time.perf_counter()
    if not days:
        raise JobError("no scoring date given")
    version = registry.latest_approved()
    if version is None:
        raise JobError("no approved model in the registry; run `flightlake train`")
    export_id = version.lineage["export_id"]
    manifest = load_manifest(lake, export_id)
    missing = [d for d in days if d.isoformat() not in manifest["scoring"]]
    if missing:
        # Scoring sets use the model's own export vocabulary; building them needs Spark.
        from flightlake.runtime.spark import get_spark

        manifest = add_scoring((spark_factory or get_spark)(), lake, export_id, missing)
    scoring_run = "score-" + runs.new_run_id()
    scored_at = datetime.now(UTC)
    rows: dict[str, int] = {}
    transform_seconds = 0.0
    try:
        for day in days:
            out_dir = lake.transform_dir(scoring_run, day)
            t0 = time.perf_counter()
            launcher.transform(
                TransformRequest(
                    job_name=f"{scoring_run}-{day.isoformat()}",
                    model_uri=version.model_uri,
                    input_uri=lake.uri(lake.scoring_dir(export_id, day)),
                    output_uri=lake.uri(out_dir),
                )
            )
            transform_seconds += time.perf_counter() - t0
            frame = _predictions(
                lake,
                f"{out_dir}/{CSV_FILE}.out",
                day,
                version.label,
                scoring_run,
                scored_at,
            )
            _write_predictions(lake, frame, day, scoring_run)
            rows[day.isoformat()] = len(frame)
    finally:
        lake.storage.delete_prefix(lake.staging_dir(scoring_run))
    report = drift_report(lake, export_id, days)
    write_json(lake.storage, lake.drift_file(scoring_run), {"scoring_run": scoring_run, **report})
    record = {
        "run_id": scoring_run,
        "kind": "score",
        "status": "succeeded",
        "model_version": version.label,
        "model_metrics": version.metrics,
        "export_id": export_id,
        "days": [d.isoformat() for d in days],
        "rows": rows,
        "rows_scored": sum(rows.values()),
        "transform_seconds": round(transform_seconds, 3),
        "drift_report": lake.uri(lake.drift_file(scoring_run)),
        "worst_drift": report["features"][:5],
        "finished_at": runs.now_iso(),
        "seconds": round(time.perf_counter() - started, 3),
    }
    runs.save(lake, record)
    return record


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


def last_run(lake: Lake, kind: str) -> dict | None:
    records = [r for r in runs.load_all(lake) if r.get("kind") == kind]
    return records[-1] if records else None
