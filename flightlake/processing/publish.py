"""Publish a table's new rows: whole partitions staged by Spark, then swapped in one by one.

Every partition is one Parquet file with a fixed name, so swapping it is a single atomic
step on a folder (os.replace) and on S3 (one object): readers see the old partition or
the new one, never half of it.
"""

from __future__ import annotations

from datetime import date

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from flightlake.contracts import Contract
from flightlake.footers import parquet_rows
from flightlake.lake import PART_FILE, Lake


def month_of(day: date) -> str:
    return day.strftime("%Y-%m")


def stage_and_swap(
    lake: Lake, contract: Contract, df: DataFrame, stage: str, partitions: list[str]
) -> list[str]:
    """Write `df` to staging, swap each partition file in; return the published paths."""
    ordered = df.select(*contract.column_names)
    if contract.partition_by:
        pcol = contract.partition_by[0]
        (
            ordered.repartition(pcol)
            .sortWithinPartitions(*contract.key)
            .write.mode("overwrite")
            .partitionBy(pcol)
            .parquet(lake.uri(stage))
        )
    else:
        (
            ordered.coalesce(1)
            .sortWithinPartitions(*contract.key)
            .write.mode("overwrite")
            .parquet(lake.uri(stage))
        )
    staged = [f.path for f in lake.storage.list_files(stage) if f.path.endswith(".parquet")]
    by_partition: dict[str | None, str] = {}
    for path in staged:
        part = path.split("/")[-2]
        value = part.split("=", 1)[1] if contract.partition_by and "=" in part else None
        if value in by_partition:
            raise RuntimeError(f"{contract.name}: Spark staged two files for partition {value}")
        by_partition[value] = path
    if not contract.partition_by:
        target = lake.table_file(contract.layer, contract.name)
        lake.storage.publish(by_partition[None], target)
        return [target]
    pcol = contract.partition_by[0]
    published = []
    for value in partitions:
        target = lake.table_file(contract.layer, contract.name, (pcol, value))
        if value in by_partition:
            lake.storage.publish(by_partition[value], target)
            published.append(target)
        elif lake.storage.exists(target):
            # Every row of this partition was replaced by nothing: publish the emptiness.
            lake.storage.delete_file(target)
    return published


def publish_days(
    spark: SparkSession,
    lake: Lake,
    contract: Contract,
    day_column: str,
    new_rows: DataFrame,
    new_count: int,
    days: set[date],
    stage: str,
) -> int:
    """Replace the given days of a daily table by `new_rows` (`new_count` rows); return the
    number of rows of earlier deliveries that were replaced."""
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
    published = stage_and_swap(lake, contract, merged, stage, months)
    after = parquet_rows(lake, published)
    # rows replaced = what the months held + what was added - what they hold now
    return before + new_count - after


def publish_snapshot(lake: Lake, contract: Contract, rows: DataFrame, stage: str) -> int:
    """Replace a snapshot table as a whole; return the rows it had before."""
    target = lake.processed_file(contract.name)
    before = parquet_rows(lake, [target]) if lake.storage.exists(target) else 0
    stage_and_swap(lake, contract, rows, stage, [])
    return before
