"""The local pipeline: process whatever is new in raw/, table by table, rebuild the curated
months it touched, and record the run.

Later issues turn this into a DAG shared with the Glue workflows; for now the order is the
contracts' dependency order.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from flightlake import curation, runs
from flightlake.catalog.local import connect, create_views
from flightlake.contracts import CONTRACTS
from flightlake.lake import Lake
from flightlake.processing import ledger
from flightlake.processing.job import TableResult, process_table

Progress = Callable[[str, str, TableResult | None], None]


def pending(lake: Lake, tables: list[str]) -> dict[str, int]:
    """New raw files per table (cheap: a listing and the ledgers, no Spark)."""
    return {t: len(ledger.plan(lake, CONTRACTS[t]).new) for t in tables}


def run_processed(
    lake: Lake, tables: list[str] | None = None, progress: Progress | None = None
) -> dict:
    tables = tables or list(CONTRACTS)
    record: dict = {
        "run_id": runs.new_run_id(),
        "started_at": runs.now_iso(),
        "lake": lake.root,
        "status": "running",
        "tables": {},
        "timings": {},
        "inputs": {},
        "quality": {},
    }
    started = time.perf_counter()
    if not any(pending(lake, tables).values()) and not curation.plan(lake):
        record.update(status="nothing_new", finished_at=runs.now_iso())
        record["timings"]["total_s"] = round(time.perf_counter() - started, 3)
        runs.save(lake, record)
        return record
    lake.storage.delete_prefix("_staging")  # leftovers of a killed run
    try:
        from flightlake.quality.validate import preload
        from flightlake.runtime.spark import get_spark

        preload()  # great-expectations imports while the JVM starts
        t0 = time.perf_counter()
        spark = get_spark()
        record["timings"]["spark_start_s"] = round(time.perf_counter() - t0, 3)
        for table in tables:
            if progress:
                progress(table, "start", None)
            result = process_table(spark, lake, table, record["run_id"])
            record["inputs"][table] = result.inputs
            record["tables"][table] = result.as_dict()
            if result.quality:  # validated only when the table had something new
                record["quality"][f"processed.{table}"] = result.quality
            if progress:
                progress(table, "done", result)
        months = curation.plan(lake)  # again: this run's processed output changes the plan
        if progress:
            progress("curated", "start", None)
        record["curated"] = curation.curate(spark, lake, record["run_id"], months).as_dict()
        record["quality"].update(record["curated"]["quality"])
        # Views are (re)created from sql/views over the new data: a broken view fails the run.
        record["views"] = create_views(connect(lake, with_views=False))
        if progress:
            progress("curated", "done", None)
        record["status"] = "succeeded"
    except Exception as exc:
        runs.record_failure(lake, record, exc)
        raise
    finally:
        if lake.storage.exists(lake.quality_report(record["run_id"])):
            record["quality_report"] = lake.uri(lake.quality_report(record["run_id"]))
        record["finished_at"] = runs.now_iso()
        record["timings"]["total_s"] = round(time.perf_counter() - started, 3)
        runs.save(lake, record)
        lake.storage.delete_prefix("_staging")
    return record
