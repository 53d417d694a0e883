"""The gate: validate what a job is about to publish; a failed critical expectation stops it.

Results are stored in the lake before anything is decided, so a stopped run can always be
explained with `flightlake quality`.
"""

from __future__ import annotations

import time

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from flightlake.contracts import Contract, get
from flightlake.errors import JobError
from flightlake.lake import Lake
from flightlake.quality import report, results
from flightlake.quality.results import TableQuality
from flightlake.quality.settings import GateSettings
from flightlake.quality.validate import Suite, validate


class GateFailed(JobError):
    """A critical expectation failed: nothing of the table(s) was published."""

    def __init__(self, failed: list[TableQuality], report_uri: str) -> None:
        self.failed = failed
        self.report_uri = report_uri
        what = "; ".join(
            f"{q.table}: " + ", ".join(o.name for o in q.critical_failures) for q in failed
        )
        super().__init__(
            f"quality gate failed on {what}; nothing published, the previous data stays"
        )

    @property
    def details(self) -> list[str]:
        return [f"{q.table}: {o.summary()}" for q in self.failed for o in q.critical_failures]


def reference_values(spark: SparkSession, lake: Lake, contract: Contract) -> dict[str, list]:
    """Values of every column the contract's foreign keys point at (small snapshots)."""
    values = {}
    for ref in contract.references:
        if not lake.storage.exists(lake.processed_dir(ref.table)):
            raise JobError(
                f"{contract.qualified_name}.{ref.column} refers to processed.{ref.table}, "
                "which does not exist yet: land and process it first"
            )
        rows = (
            spark.read.schema(get(ref.table).spark_schema())
            .parquet(lake.uri(lake.processed_dir(ref.table)))
            .select(F.col(ref.ref_column))
            .distinct()
            .collect()
        )
        values[f"{ref.table}.{ref.ref_column}"] = [r[0] for r in rows if r[0] is not None]
    return values


def check(lake: Lake, run_id: str, table: str, suites: list[Suite]) -> TableQuality:
    """Validate the suites of one table and store the results; decide nothing."""
    started = time.perf_counter()
    quality = TableQuality(table=table, run_id=run_id)
    if not GateSettings.from_env().enabled:
        quality.batches["gate"] = {"state": "off (FLIGHTLAKE_QUALITY_GATE=off)"}
        suites = []
    for suite in suites:
        quality.batches[suite.name] = suite.describe
        quality.outcomes.extend(validate(suite))
    quality.seconds = round(time.perf_counter() - started, 3)
    results.save(lake, quality)
    return quality


def require(lake: Lake, run_id: str, qualities: list[TableQuality]) -> None:
    """Write the run's HTML report; raise GateFailed if any critical expectation failed.
    Warnings are kept in the results, never fatal."""
    report_uri = report.write(lake, run_id)
    failed = [q for q in qualities if not q.passed]
    if failed:
        raise GateFailed(failed, report_uri)
