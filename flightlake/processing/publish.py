"""Publish a table's new rows in two steps: stage whole partitions with Spark, then — once
the quality gate has passed — swap them in one by one.

Every partition is one Parquet file with a fixed name, so swapping it is a single atomic
step on a folder (os.replace) and on S3 (one object): readers see the old partition or
the new one, never half of it. A run stopped between the steps leaves the published data
as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from flightlake.contracts import Contract
from flightlake.footers import parquet_rows
from flightlake.lake import PART_FILE, Lake
from flightlake.partitions import month_of


@dataclass
class Staged:
    """A table's partitions written to staging, not yet visible."""

    contract: Contract
    stage: str
    # partition value (None for an unpartitioned table) → staged file
    files: dict[str | None, str]
    # every partition this publish replaces: the staged ones and those left empty
    partitions: list[str]

    def frame(self, spark: SparkSession, lake: Lake) -> DataFrame:
        """The staged rows, read back: what the gate validates is exactly what is swapped in."""
        reader = spark.read.schema(self.contract.spark_schema())
        if not self.files:
            return spark.createDataFrame([], self.contract.spark_schema())
        return reader.option("basePath", lake.uri(self.stage)).parquet(
            *[lake.uri(p) for p in self.files.values()]
        )

    def describe(self) -> dict:
        if not self.contract.partition_by:
            return {"partitions": "whole table"}
        span = sorted(self.partitions)
        return {
            "partitions": f"{span[0]} … {span[-1]} ({len(span)})" if span else "none",
        }


def stage(
    lake: Lake, contract: Contract, df: DataFrame, stage_dir: str, partitions: list[str]
) -> Staged:
    """Write `df` to staging, one file per partition."""
    ordered = df.select(*contract.column_names)
    if contract.partition_by:
        pcol = contract.partition_by[0]
        (
            ordered.repartition(pcol)
            .sortWithinPartitions(*contract.key)
            .write.mode("overwrite")
            .partitionBy(pcol)
            .parquet(lake.uri(stage_dir))
        )
    else:
        (
            ordered.coalesce(1)
            .sortWithinPartitions(*contract.key)
            .write.mode("overwrite")
            .parquet(lake.uri(stage_dir))
        )
    staged = [f.path for f in lake.storage.list_files(stage_dir) if f.path.endswith(".parquet")]
    by_partition: dict[str | None, str] = {}
    for path in staged:
        part = path.split("/")[-2]
        value = part.split("=", 1)[1] if contract.partition_by and "=" in part else None
        if value in by_partition:
            raise RuntimeError(f"{contract.name}: Spark staged two files for partition {value}")
        by_partition[value] = path
    return Staged(contract, stage_dir, by_partition, partitions)


def swap(lake: Lake, staged: Staged) -> list[str]:
    """Make the staged partitions visible; return the published paths."""
    contract = staged.contract
    if not contract.partition_by:
        target = lake.table_file(contract.layer, contract.name)
        lake.storage.publish(staged.files[None], target)
        return [target]
    pcol = contract.partition_by[0]
    published = []
    for value in staged.partitions:
        target = lake.table_file(contract.layer, contract.name, (pcol, value))
        if value in staged.files:
            lake.storage.publish(staged.files[value], target)
            published.append(target)
        elif lake.storage.exists(target):
            # Every row of this partition was replaced by nothing: publish the emptiness.
            lake.storage.delete_file(target)
    return published


def stage_days(
    spark: SparkSession,
    lake: Lake,
    contract: Contract,
    day_column: str,
    new_rows: DataFrame,
    days: set[date],
    stage_dir: str,
) -> tuple[Staged, int]:
    """Stage the months holding `days`, those days replaced by `new_rows`; also return the
    rows those months held before."""
    pcol = contract.partition_by[0]
    months = sorted({month_of(d) for d in days})
    existing_dirs = [
        f"{lake.processed_dir(contract.name)}/{pcol}={m}"
        for m in months
        if lake.storage.exists(lake.processed_file(contract.name, (pcol, m)))
    ]
    merged = new_rows.select(*contract.column_names)
    before = parquet_rows(lake, [f"{d}/{PART_FILE}" for d in existing_dirs])
    if existing_dirs:
        existing = (
            spark.read.schema(contract.spark_schema())
            .option("basePath", lake.uri(lake.processed_dir(contract.name)))
            .parquet(*[lake.uri(d) for d in existing_dirs])
        )
        kept = existing.where(~F.col(day_column).isin(sorted(days)))
        merged = kept.select(*contract.column_names).unionByName(merged)
    return stage(lake, contract, merged, stage_dir, months), before


def stage_snapshot(
    lake: Lake, contract: Contract, rows: DataFrame, stage_dir: str
) -> tuple[Staged, int]:
    """Stage a snapshot table as a whole; also return the rows it had before."""
    target = lake.processed_file(contract.name)
    before = parquet_rows(lake, [target]) if lake.storage.exists(target) else 0
    return stage(lake, contract, rows, stage_dir, []), before
