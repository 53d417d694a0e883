"""The raw → processed job of one table: read new drops, parse, transform, check, classify,
gate, publish. One step of the daily workflow per table (`process_<table>`).

Every row read ends in exactly one fate — published, quarantined, duplicate, superseded
(its file was replaced by a later delivery) or rejected (the table's gate failed: the row was
good, but nothing of the table is published) — so the run record always balances, failed or
not. Quarantined and rejected rows are written to quarantine/ with their raw bytes.
"""

from __future__ import annotations

import csv
import importlib
import io
import time
from dataclasses import asdict, dataclass, field
from urllib.parse import unquote

from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql import types as T

from flightlake.contracts import Contract, get
from flightlake.contracts.model import spark_type
from flightlake.crawl import header_changes
from flightlake.errors import JobError
from flightlake.footers import parquet_rows
from flightlake.lake import Lake, RawFile
from flightlake.partitions import month_of
from flightlake.processing import ledger
from flightlake.processing.parsing import apply_rules, parse
from flightlake.processing.publish import Staged, stage_days, stage_snapshot, swap
from flightlake.processing.raw_reader import read_lines, split_fields, usual_header
from flightlake.quality.gate import GateFailed
from flightlake.resources import airports_supplement
from flightlake.run_context import RunContext, StepResult

FATES = ("published", "quarantined", "duplicate", "superseded")
# The quarantine rule of rows a failed gate held back: the gate's reason, not the row's.
GATE_RULE = "gate_{}"
SAMPLE_ROWS = 5


@dataclass(kw_only=True)
class TableResult(StepResult):
    table: str
    files_read: int = 0
    files_superseded: int = 0
    read: int = 0
    blank: int = 0  # blank lines: no row, no fate
    supplemented: int = 0
    published: int = 0
    quarantined: int = 0
    duplicates: int = 0
    superseded: int = 0
    rejected: int = 0
    replaced: int = 0
    flags: dict[str, int] = field(default_factory=dict)
    partitions: list[str] = field(default_factory=list)
    samples: list[str] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)  # the raw files read
    # Raw files processed before and rewritten since: read again as redeliveries.
    changed: list[str] = field(default_factory=list)
    # Files in the source's raw folder that are no data file of it: not read.
    unmatched: list[str] = field(default_factory=list)
    # Header drift per file: columns the contract does not know (dropped) or lacks.
    drift: list[str] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        out = self.published + self.quarantined + self.duplicates + self.superseded + self.rejected
        return self.read + self.supplemented == out

    def as_dict(self) -> dict:
        return {**asdict(self), "balanced": self.balanced}

    def summary(self) -> str:
        if self.skipped:
            return self.skipped
        rejected = f", {self.rejected:,} rejected by the gate" if self.rejected else ""
        return (
            f"{self.files_read} file(s): {self.published:,} published, "
            f"{self.quarantined:,} quarantined, {self.duplicates:,} duplicate(s){rejected}"
        )


def transform_module(table: str):
    return importlib.import_module(f"glue_jobs.transforms.{table}")


def load_supplement(spark: SparkSession) -> DataFrame:
    """The documented airports supplement, typed by the airports contract (tiny; read on the
    driver so it also works when the package is installed from a wheel on Glue)."""
    rows = list(csv.DictReader(io.StringIO(airports_supplement())))
    columns = [get("airports").column(name) for name in rows[0]]
    parse = {"int": int, "double": float}
    typed = [tuple(parse.get(c.type, str)(row[c.name]) for c in columns) for row in rows]
    return spark.createDataFrame(
        typed, T.StructType([T.StructField(c.name, spark_type(c.type)) for c in columns])
    )


def load_references(
    spark: SparkSession, lake: Lake, names: tuple[str, ...]
) -> dict[str, DataFrame]:
    refs = {}
    for name in names:
        if name == "airports_supplement":
            refs[name] = load_supplement(spark)
            continue
        if not lake.storage.exists(lake.processed_dir(name)):
            raise JobError(f"processed.{name} does not exist yet: land and process {name} first")
        refs[name] = spark.read.schema(get(name).spark_schema()).parquet(
            lake.uri(lake.processed_dir(name))
        )
    return refs


def check_references(df: DataFrame, contract: Contract, refs: dict[str, DataFrame]) -> DataFrame:
    """Append `<column>_in_<table>` to `_errors` of a row whose foreign key is not in the
    referenced table: a row-level failure, quarantined like any other rule."""
    for ref in contract.references:
        known = f"_known_{ref.column}"
        values = refs[ref.table].select(F.col(ref.ref_column).alias(known)).distinct()
        joined = df.join(F.broadcast(values), F.col(ref.column) == F.col(known), "left")
        broken = F.col(ref.column).isNotNull() & F.col(known).isNull()
        df = joined.withColumn(
            "_errors",
            F.concat("_errors", F.array_compact(F.array(F.when(broken, F.lit(ref.rule))))),
        ).drop(known)
    return df


def classify(checked: DataFrame, contract: Contract, superseded: set[str]) -> DataFrame:
    """Give every row its fate. Among eligible rows sharing a natural key the first line
    of the latest delivery is kept."""
    is_superseded = F.col("_source_file").isin(sorted(superseded)) if superseded else F.lit(False)
    eligible = ~is_superseded & (F.size("_errors") == 0)
    rank = F.row_number().over(
        Window.partitionBy(eligible.alias("_eligible"), *contract.key).orderBy(
            F.col("_delivered").desc_nulls_last(), "_source_file", "_line"
        )
    )
    return checked.withColumn(
        "_fate",
        F.when(is_superseded, "superseded")
        .when(F.size("_errors") > 0, "quarantined")
        .when(rank > 1, "duplicate")
        .otherwise("published"),
    )


def quarantine_rows(classified: DataFrame, table: str, gate: list[str] | None = None) -> DataFrame:
    """The rows set aside, with their rules and raw bytes: the quarantined ones and, when the
    gate failed on `gate` (expectation names), every row it held back."""
    bad = F.col("_fate") == "quarantined"
    held = F.array(*[F.lit(GATE_RULE.format(name)) for name in gate or []])
    kept = bad | (F.col("_fate") == "published") if gate else bad
    return classified.where(kept).select(
        F.lit(table).alias("table"),
        F.when(bad, F.element_at("_errors", 1)).otherwise(F.element_at(held, 1)).alias("rule"),
        F.when(bad, F.col("_errors")).otherwise(held).alias("rules"),
        F.col("_source_file").alias("source_file"),
        F.col("_line").alias("line"),
        F.col("_raw_line").alias("raw_line"),
        F.col("_raw_bytes").alias("raw_bytes"),
    )


def _counts(
    classified: DataFrame, contract: Contract
) -> tuple[dict[str, int], dict[str, int], int]:
    published = F.col("_fate") == "published"
    row = classified.agg(
        *[F.sum((F.col("_fate") == fate).cast("long")).alias(fate) for fate in FATES],
        *[F.sum((published & F.col(flag)).cast("long")).alias(flag) for flag in contract.flags],
        F.sum(F.col("_line").isNull().cast("long")).alias("_supplemented"),
    ).first()
    fates = {fate: int(row[fate] or 0) for fate in FATES}
    flags = {flag: int(row[flag] or 0) for flag in contract.flags}
    return fates, flags, int(row["_supplemented"] or 0)


def _classify(
    ctx: RunContext, contract: Contract, work: ledger.Pending, result: TableResult
) -> tuple[DataFrame, DataFrame]:
    """Read the new files, parse, transform and check them, and give every row its fate
    (staged as Parquet); count the fates into `result`. Returns (every row, quarantined rows)."""
    lake, spark, table = ctx.lake, ctx.spark, contract.name
    module = transform_module(table)
    needed = dict.fromkeys([*module.REFERENCES, *(r.table for r in contract.references)])
    refs = load_references(spark, lake, tuple(needed))
    every_line = read_lines(spark, [lake.uri(f.path) for f in work.new], contract.source)
    lines = every_line.where(~F.col("_blank"))
    typed = apply_rules(
        parse(split_fields(lines, contract.source), contract.source), contract.source_rules
    )
    transformed = module.transform(typed, refs, ctx.run_id)
    checked = check_references(apply_rules(transformed, contract.all_rules()), contract, refs)
    # Only what is read later is carried through the sort and staged: the raw line of a row
    # set aside (a failed gate reads the others' again, with_raw_lines), and the header of a
    # file whose header is not the contract's own (header_drift).
    broken = F.size("_errors") > 0
    usual = usual_header(contract.source)
    slim = checked.withColumns(
        {
            "_raw_line": F.when(broken, F.col("_raw_line")),
            "_raw_bytes": F.when(broken, F.col("_raw_bytes")),
            "_header_names": F.when(broken | ~usual, F.col("_header_names")),
        }
    )
    # Computed once and staged as Parquet: every later step (counts, quarantine, publish)
    # reads these files. Far cheaper than an in-memory cache of these wide rows, and it
    # keeps memory flat.
    classified_dir = f"{ctx.staging}/classified"
    keep = [
        *contract.column_names,
        "_fate",
        "_errors",
        "_source_file",
        "_line",
        "_raw_line",
        "_raw_bytes",
        "_header_names",
    ]
    classify(slim, contract, work.superseded).select(*keep).write.mode("overwrite").parquet(
        lake.uri(classified_dir)
    )
    classified = spark.read.parquet(lake.uri(classified_dir))
    fates, result.flags, result.supplemented = _counts(classified, contract)
    result.published = fates["published"]
    result.quarantined = fates["quarantined"]
    result.duplicates = fates["duplicate"]
    result.superseded = fates["superseded"]
    # Counted on the raw lines, independently of the fates: the gate's rows_match_read fails
    # a transform that loses rows or multiplies them (a join on a duplicated reference key).
    counted = every_line.agg(
        F.sum((~F.col("_blank")).cast("long")).alias("read"),
        F.sum(F.col("_blank").cast("long")).alias("blank"),
    ).first()
    result.read, result.blank = int(counted["read"] or 0), int(counted["blank"] or 0)
    result.drift = header_drift(classified, contract)
    bad = quarantine_rows(classified, table)
    if result.quarantined:
        result.samples = [
            f"{r.source_file}:{r.line}: {r.rule}"
            for r in bad.orderBy("source_file", "line").limit(SAMPLE_ROWS).collect()
        ]
    return classified, bad


def with_raw_lines(
    ctx: RunContext, contract: Contract, classified: DataFrame, files: list[RawFile]
) -> DataFrame:
    """The classified rows with every row's raw line: those staged without it (the rows
    that were to be published) get theirs from the raw files again, which never change."""
    again = read_lines(ctx.spark, [ctx.lake.uri(f.path) for f in files], contract.source).select(
        "_source_file",
        "_line",
        F.col("_raw_bytes").alias("_bytes_again"),
        F.col("_raw_line").alias("_line_again"),
    )
    return (
        classified.join(again, ["_source_file", "_line"], "left")
        .withColumns(
            {
                "_raw_bytes": F.coalesce("_raw_bytes", "_bytes_again"),
                "_raw_line": F.coalesce("_raw_line", "_line_again"),
            }
        )
        .drop("_bytes_again", "_line_again")
    )


def header_drift(classified: DataFrame, contract: Contract) -> list[str]:
    """Per file, the header's columns the contract does not know (dropped) and the contract's
    columns the header lacks (every line of the file quarantined)."""
    # Not the supplemented rows; only a file whose header differs from the contract's
    # columns kept its header (the contract's own has no drift).
    read = classified.where(F.col("_line").isNotNull() & F.col("_header_names").isNotNull())
    headers = read.select("_source_file", "_header_names").distinct().collect()
    out = []
    for row in sorted(headers, key=lambda r: r._source_file):
        added, missing = header_changes(row._header_names, contract.source)
        if added:
            out.append(f"{row._source_file}: column added {', '.join(added)} (dropped)")
        if missing:
            out.append(f"{row._source_file}: column missing {', '.join(missing)} (file rejected)")
    return out


def process_table(ctx: RunContext, table: str) -> TableResult:
    """The step: whatever raw files of `table` are new, into processed.<table>."""
    started = time.perf_counter()
    lake, run_id, stage = ctx.lake, ctx.run_id, ctx.staging
    contract = get(table)
    result = TableResult(table=table)
    work = ledger.pending(lake, contract)
    result.changed, result.unmatched = work.changed, work.unmatched
    if not work.new:
        result.skipped = "nothing new in raw/"
        return result
    spark = ctx.spark
    result.inputs = [f.path for f in work.new]
    result.files_read = len(work.new)
    result.files_superseded = len(work.superseded)

    classified, bad = _classify(ctx, contract, work, result)
    good = classified.where(F.col("_fate") == "published")
    days = {f.covers for f in work.current} if contract.day_column else set()
    staged = None
    if contract.day_column:
        staged, before = stage_days(
            spark, lake, contract, contract.day_column, good, days, f"{stage}/publish"
        )
        result.partitions = sorted({month_of(d) for d in days})
    elif work.current:
        staged, before = stage_snapshot(lake, contract, good, f"{stage}/publish")
    # The gate sees exactly the staged files and the drop they came from. On a critical
    # failure nothing is published and the ledger is left alone, so the next run retries the
    # same drop; the rows it held back go to quarantine under its reason, beside the bad ones.
    try:
        quality = gate_processed(
            spark, lake, contract, run_id, result, staged, classified, days, work.current
        )
    except GateFailed as failed:
        reasons = [o.name for q in failed.failed for o in q.critical_failures]
        result.rejected, result.published = result.published, 0
        result.quality = {q.table: q.record(lake) for q in failed.failed}
        held = quarantine_rows(with_raw_lines(ctx, contract, classified, work.new), table, reasons)
        _write_quarantine(lake, held, table, run_id, f"{stage}/quarantine", work.new)
        result.seconds = round(time.perf_counter() - started, 3)
        failed.result = result
        raise
    result.quality = {contract.qualified_name: quality.record(lake)}
    _write_quarantine(
        lake,
        bad if result.quarantined else None,
        table,
        run_id,
        f"{stage}/quarantine",
        work.new,
    )
    if staged is not None:
        published = swap(lake, staged)
        result.replaced = (
            before + result.published - parquet_rows(lake, published)
            if contract.day_column
            else before
        )
    ledger.commit(lake, table, work.new, work.superseded, run_id)
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def _write_quarantine(
    lake: Lake, bad: DataFrame | None, table: str, run_id: str, stage: str, files: list[RawFile]
) -> None:
    """Replace the quarantine file of every raw file read: its bad rows now, or none."""
    staged: dict[str, str] = {}
    if bad is not None:
        (
            bad.withColumn("run_id", F.lit(run_id))
            .withColumn("raw_file", F.col("source_file"))
            .repartition("raw_file")
            .write.mode("overwrite")
            .partitionBy("raw_file")
            .parquet(lake.uri(stage))
        )
        for f in lake.storage.list_files(stage):
            if f.path.endswith(".parquet"):
                # Spark escapes the partition value: raw_file=raw%2Fflights%2F...
                value = unquote(f.path.split("/")[-2].split("=", 1)[1])
                staged[value] = f.path
    for raw in files:
        target = lake.quarantine_file(table, raw)
        if raw.path in staged:
            lake.storage.publish(staged[raw.path], target)
        elif lake.storage.exists(target):
            lake.storage.delete_file(target)


def gate_processed(
    spark: SparkSession,
    lake: Lake,
    contract: Contract,
    run_id: str,
    result: TableResult,
    staged: Staged | None,
    classified: DataFrame,
    days: set,
    current: list[RawFile],
):
    """The processed table's quality gate: its suite on the staged output, and the
    quarantine share on the drop it came from (of `current`, the files not superseded by a
    later delivery, every one must hold rows)."""
    from flightlake.quality import expectations as ex
    from flightlake.quality.gate import check, reference_values, require
    from flightlake.quality.settings import GateSettings
    from flightlake.quality.validate import Suite

    settings = GateSettings.from_env()
    suites = []
    if staged is not None:
        output = ex.from_contract(contract, reference_values(spark, lake, contract))
        if days:
            output.append(ex.daily_volume(contract.day_column, days, settings))
        suites.append(
            Suite(contract.qualified_name, staged.frame(spark, lake), output, staged.describe())
        )
    # The drop: every row the transform produced, whatever its fate. Counted independently
    # on the raw lines, so a transform that loses or multiplies rows fails here.
    read = result.read + result.supplemented
    drop = [
        ex.rows_equal("rows_match_read", read, "the raw rows read (+ supplemented)"),
        ex.quarantine_share(settings),
        ex.every_file_has_rows([f.path for f in current]),
    ]
    describe = {"raw files": result.files_read, "rows read": result.read}
    suites.append(Suite(f"{contract.qualified_name}:drop", classified, drop, describe))
    quality = check(lake, run_id, contract.qualified_name, suites)
    require(lake, run_id, [quality])
    return quality
