"""The feature-export job: curated.flights → training / validation / test sets and scoring sets
in SageMaker's XGBoost CSV format, plus a manifest.

features/<export_id>/train/part-00000.csv       label, features… (no header)
features/<export_id>/scoring/flight_date=D/…    flight id, features… (no header, no label)
features/<export_id>/manifest.json              written last: an export without it is unfinished

The weekly workflow's `export_features` step (also `flightlake export`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from pyspark.sql import DataFrame, Row, SparkSession
from pyspark.sql import functions as F

from features import build, vocabulary
from features.definitions import FEATURE_NAMES, FEATURES, ID, LABEL, LOOKBACK_DAYS
from features.split import SPLITS, SplitConfig
from flightlake import runs
from flightlake.contracts import get_curated
from flightlake.errors import JobError
from flightlake.lake import Lake
from flightlake.partitions import DAY_PATTERN
from flightlake.run_context import RunContext, StepResult
from flightlake.runtime.storage import read_json, write_json

CSV_FILE = "part-00000.csv"
MANIFEST_VERSION = 1


def new_export_id() -> str:
    return "export-" + runs.new_run_id()


def _curated_flights(spark: SparkSession, lake: Lake) -> DataFrame:
    contract = get_curated("flights")
    path = lake.table_dir("curated", "flights")
    if not lake.storage.list_files(path):
        raise JobError(f"{lake.uri(path)}: curated.flights is empty; run the daily workflow first")
    return spark.read.schema(contract.spark_schema()).parquet(lake.uri(path))


def _features(
    spark: SparkSession, lake: Lake, first: date, last: date
) -> tuple[DataFrame, Row]:
    """The feature rows of flights from `first` to `last`, and the source's first and last date
    and run ids over what was read (one pass). Only the days the history windows look back
    over are read before `first`: a day's features are the same as over the whole table."""
    flights = _curated_flights(spark, lake).where(
        F.col("flight_date").between(F.lit(first - timedelta(days=LOOKBACK_DAYS)), F.lit(last))
    )
    facts = flights.agg(
        F.min("flight_date").alias("first"),
        F.max("flight_date").alias("last"),
        F.sort_array(F.collect_set("ingest_run_id")).alias("runs"),
    ).first()
    years = [d.year for d in (facts["first"], facts["last"], first, last) if d is not None]
    holidays = build.federal_holidays(min(years), max(years))
    return build.transform(flights, holidays), facts


def _write_csv_parts(
    lake: Lake, df: DataFrame, column: str, columns: list[str], stage: str
) -> dict[str, str]:
    """`columns` of `df` as one CSV file per value of `column`, in one Spark job. Rows are
    in flight-id order, so an export is byte-for-byte reproducible: sorting by the partition
    column first is what the writer needs, so it keeps this order. Returns value → file."""
    (
        df.repartition(column)
        .sortWithinPartitions(column, ID)
        .select(column, *columns)
        .write.mode("overwrite")
        .option("header", False)
        .partitionBy(column)
        .csv(lake.uri(stage))
    )
    staged: dict[str, str] = {}
    for f in lake.storage.list_files(stage):
        if not f.path.endswith(".csv"):
            continue
        value = f.path.split("/")[-2].split("=", 1)[1]
        if value in staged:
            raise JobError(f"{lake.uri(stage)}: more than one CSV part for {column}={value}")
        staged[value] = f.path
    return staged


def _write_scoring(
    lake: Lake, encoded: DataFrame, export_id: str, days: list[date], stage: str
) -> dict:
    if not days:
        return {}
    rows = encoded.where(F.col("flight_date").isin(days)).withColumn(
        "scoring_day", F.date_format("flight_date", DAY_PATTERN)
    )
    staged = _write_csv_parts(lake, rows, "scoring_day", [ID, *FEATURE_NAMES], stage)
    absent = [d.isoformat() for d in days if d.isoformat() not in staged]
    if absent:
        raise JobError(f"scoring set {absent[0]}: curated.flights has no flight that day")
    out = {}
    for day in days:
        path = staged[day.isoformat()]
        out[day.isoformat()] = len(lake.storage.read_bytes(path).splitlines())
        lake.storage.publish(path, f"{lake.scoring_dir(export_id, day)}/{CSV_FILE}")
    return out


def export(
    spark: SparkSession,
    lake: Lake,
    stage: str,
    config: SplitConfig | None = None,
    scoring_days: Iterable[date] = (),
    export_id: str | None = None,
) -> dict:
    """Build every split and the scoring sets of `scoring_days` (staged under `stage`, a
    scratch folder); return the manifest."""
    started = time.perf_counter()
    config = config or SplitConfig.load()
    export_id = export_id or new_export_id()
    days = sorted(set(scoring_days))
    first, last = config.span
    features, facts = _features(spark, lake, min([first, *days]), max([last, *days]))
    features = features.withColumn("split", config.column(F.col("flight_date"))).cache()
    vocab = vocabulary.build(features.where(F.col("split") == "train"))
    encoded = vocabulary.encode(features, vocab).cache()
    stats = {
        r["split"]: r
        for r in encoded.where(F.col("split").isNotNull())
        .groupBy("split")
        .agg(F.count("*").alias("rows"), F.avg(LABEL).alias("positive_rate"))
        .collect()
    }
    missing = [s for s in SPLITS if s not in stats]
    if missing:
        raise JobError(f"split(s) {', '.join(missing)} have no flights: {config.as_dict()}")
    try:
        labelled = encoded.where(F.col("split").isNotNull())
        staged = _write_csv_parts(
            lake, labelled, "split", [LABEL, *FEATURE_NAMES], f"{stage}/splits"
        )
        for split in SPLITS:
            lake.storage.publish(
                staged[split], f"{lake.export_split_dir(export_id, split)}/{CSV_FILE}"
            )
        scoring = _write_scoring(lake, encoded, export_id, days, f"{stage}/scoring")
        manifest = {
            "manifest_version": MANIFEST_VERSION,
            "export_id": export_id,
            "created_at": runs.now_iso(),
            "format": "text/csv: label first, no header; scoring files: flight id first, no label",
            "label": {"name": LABEL, "definition": "1 = not on time (US DOT)"},
            "id": ID,
            "features": [
                {"name": f.name, "group": f.group, "kind": f.kind, "description": f.description}
                for f in FEATURES
            ],
            "vocabularies": vocab,
            "splits": {
                s: {
                    **config.as_dict()[s],
                    "rows": stats[s]["rows"],
                    "positive_rate": round(stats[s]["positive_rate"], 6),
                    "uri": lake.uri(lake.export_split_dir(export_id, s)),
                }
                for s in SPLITS
            },
            "scoring": scoring,
            "data_range": {"from": facts["first"].isoformat(), "to": facts["last"].isoformat()},
            "lineage": {
                "source_runs": list(facts["runs"]),
                "curated_run": read_json(lake.storage, lake.curated_state_file(), {}).get("run_id"),
            },
            "seconds": round(time.perf_counter() - started, 3),
        }
        write_json(lake.storage, lake.export_manifest(export_id), manifest)
    except BaseException:
        lake.storage.delete_prefix(lake.export_dir(export_id))  # no half export is left
        raise
    finally:
        encoded.unpersist()
        features.unpersist()
    return manifest


@dataclass(kw_only=True)
class ExportResult(StepResult):
    export_id: str = ""
    uri: str = ""
    features: int = 0
    splits: dict[str, dict] = field(default_factory=dict)  # from, to, rows, positive_rate
    scoring: dict[str, int] = field(default_factory=dict)  # day → rows

    def summary(self) -> str:
        rows = ", ".join(f"{name} {s['rows']:,}" for name, s in self.splits.items())
        return f"{self.export_id}: {self.features} features; {rows} rows → {self.uri}"


def export_features(ctx: RunContext) -> ExportResult:
    """The step: a new export from curated.flights (rolling splits ending the day before the
    context's `as_of`, else the split config; scoring sets of the context's dates, if any)."""
    lake = ctx.lake
    config = SplitConfig.rolling(ctx.as_of) if ctx.as_of else SplitConfig.load(ctx.split_config)
    manifest = export(ctx.spark, lake, ctx.staging, config, ctx.dates, ctx.export_id)
    return ExportResult(
        export_id=manifest["export_id"],
        uri=lake.uri(lake.export_dir(manifest["export_id"])),
        features=len(manifest["features"]),
        splits=manifest["splits"],
        scoring=manifest["scoring"],
        seconds=manifest["seconds"],
    )


def add_scoring_sets(
    ctx: RunContext, export_ids: Iterable[str], days: Iterable[date]
) -> dict[str, dict]:
    """Scoring sets for more days, encoded with each export's own training vocabulary (the
    champion's and the challenger's): the features are built once, and Spark starts only if
    a day is missing. Returns each export's manifest."""
    lake = ctx.lake
    manifests = {e: load_manifest(lake, e) for e in dict.fromkeys(export_ids)}
    days = set(days)
    wanted = {
        e: sorted(days - {date.fromisoformat(d) for d in m["scoring"]})
        for e, m in manifests.items()
    }
    every = sorted({d for w in wanted.values() for d in w})
    if not every:
        return manifests
    features, _ = _features(ctx.spark, lake, every[0], every[-1])
    features = features.where(F.col("flight_date").isin(every)).cache()
    try:
        for export_id, missing in wanted.items():
            if not missing:
                continue
            manifest = manifests[export_id]
            encoded = vocabulary.encode(features, manifest["vocabularies"])
            manifest["scoring"].update(
                _write_scoring(lake, encoded, export_id, missing,
                               f"{ctx.staging}/scoring/{export_id}")
            )
            write_json(lake.storage, lake.export_manifest(export_id), manifest)
    finally:
        features.unpersist()
    return manifests


def load_manifest(lake: Lake, export_id: str) -> dict:
    manifest = read_json(lake.storage, lake.export_manifest(export_id))
    if manifest is None:
        raise JobError(f"{lake.uri(lake.export_manifest(export_id))}: no such export")
    return manifest


def latest_export(lake: Lake) -> str | None:
    """The newest finished export (one with a manifest)."""
    ids = sorted(
        f.path.split("/")[1]
        for f in lake.storage.list_files(lake.exports_dir())
        if f.path.endswith("/manifest.json")
    )
    return ids[-1] if ids else None

