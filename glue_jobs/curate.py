"""The curate step: processed → curated, rebuilding only the months whose inputs changed.

The inputs of curated month M are processed.flights and processed.weather of month M and
the reference snapshots. `_state/curated.json` remembers the version of every processed
file the last build used; a month is rebuilt when one of its files changed, and every
month when a snapshot changed. Each curated partition is swapped in atomically, and the
state is written last, so a killed build is redone by the next run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from flightlake import partitions
from flightlake.contracts import CURATED, get, get_curated
from flightlake.footers import parquet_rows
from flightlake.lake import Lake
from flightlake.partitions import month_in_path
from flightlake.processing.publish import Staged, stage, swap
from flightlake.run_context import RunContext, StepResult
from flightlake.runtime.storage import read_json, write_json
from glue_jobs.transforms import common, curated_flights, daily_stats

SNAPSHOTS = ("planes", "airports", "airlines")


@dataclass(kw_only=True)
class CurateResult(StepResult):
    months: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        if self.skipped:
            return self.skipped
        if not self.months:
            return "removed the curated months whose processed data is gone"
        rows = ", ".join(f"curated.{t} {n:,}" for t, n in self.rows.items())
        return (
            f"rebuilt {len(self.months)} month(s) ({self.months[0]} … {self.months[-1]}): "
            f"{rows} rows"
        )


def input_versions(lake: Lake) -> dict[str, str]:
    """Content version of every processed file curated depends on (a copied or restored lake
    whose files lost their modification times rebuilds nothing)."""
    versions = {}
    for table in ("flights", "weather", *SNAPSHOTS):
        for f in lake.storage.list_files(lake.processed_dir(table), content=True):
            if f.path.endswith(".parquet"):
                versions[f.path] = f.version
    return versions


def logic_version() -> str:
    """A fingerprint of what turns processed into curated: the transforms' source (and the
    helpers and partition encoding they use) and the curated contracts. When it changes,
    every month is rebuilt."""
    import hashlib
    import inspect

    parts = [
        *(inspect.getsource(m) for m in (curated_flights, daily_stats, common, partitions)),
        repr(list(CURATED.values())),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _months(paths) -> set[str]:
    flights = Lake.processed_dir("flights") + "/"
    return {m for p in paths if p.startswith(flights) for m in [month_in_path(p)] if m}


def months_to_rebuild(lake: Lake) -> list[str]:
    """Months of curated to rebuild or remove (cheap: a listing and a JSON file, no Spark)."""
    state = read_json(lake.storage, lake.curated_state_file(), default={})
    built = state.get("inputs", {})
    current = input_versions(lake)
    flight_months = _months(current)
    gone = _months(built) - flight_months  # processed months that no longer exist
    if state.get("logic") != logic_version() and built:
        return sorted(flight_months | gone)
    changed = {p for p in current.keys() | built.keys() if current.get(p) != built.get(p)}
    snapshots = tuple(Lake.processed_dir(t) + "/" for t in SNAPSHOTS)
    if any(p.startswith(snapshots) for p in changed):
        return sorted(flight_months | gone)
    touched = {m for p in changed for m in [month_in_path(p)] if m}
    return sorted((touched & flight_months) | gone)


def _read(
    spark: SparkSession, lake: Lake, table: str, months: list[str] | None = None
) -> DataFrame:
    contract = get(table)
    df = spark.read.schema(contract.spark_schema()).parquet(lake.uri(lake.processed_dir(table)))
    if months is not None:
        df = df.where(F.col(contract.partition_by[0]).isin(months))
    return df


def curate(ctx: RunContext) -> CurateResult:
    """The step: rebuild the curated months whose processed inputs changed (all three tables,
    validated together, swapped in together)."""
    started = time.perf_counter()
    lake, run_id, stage_dir = ctx.lake, ctx.run_id, ctx.staging
    months = months_to_rebuild(lake)
    result = CurateResult(months=months)
    if not months:
        result.skipped = "curated is up to date"
        return result
    versions = input_versions(lake)  # taken first: a later change is picked up next run
    present = sorted(set(months) & _months(versions))
    for month in sorted(set(months) - set(present)):
        for contract in CURATED.values():  # its processed month is gone: so is the curated one
            lake.storage.delete_file(
                lake.table_file("curated", contract.name, (contract.partition_by[0], month))
            )
    result.months = present
    months = present
    if not months:
        _save_state(lake, versions, run_id)
        return result

    spark = ctx.spark
    flights_contract = get_curated("flights")
    refs = {
        "weather": _read(spark, lake, "weather", months),
        **{t: _read(spark, lake, t) for t in SNAPSHOTS},
    }
    enriched = curated_flights.transform(_read(spark, lake, "flights", months), refs)
    expected = parquet_rows(
        lake, [lake.processed_file("flights", ("flight_month", m)) for m in months]
    )
    staged = {"flights": stage(lake, flights_contract, enriched, f"{stage_dir}/flights", months)}
    # The statistics are computed from the staged flights: what they summarise is exactly
    # what is about to be published.
    curated = staged["flights"].frame(spark, lake)
    for contract in CURATED.values():
        if contract is flights_contract:
            continue
        by = [k for k in contract.key if k != contract.day_column]  # e.g. origin, dest
        stats = daily_stats.transform(curated, by)
        staged[contract.name] = stage(lake, contract, stats, f"{stage_dir}/{contract.name}", months)
    # Every table is validated before any is swapped in: the curated tables change together
    # or not at all.
    result.quality = gate_curated(spark, lake, run_id, staged, expected)
    for name, s in staged.items():
        result.rows[name] = parquet_rows(lake, swap(lake, s))

    _save_state(lake, versions, run_id)
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def gate_curated(
    spark: SparkSession, lake: Lake, run_id: str, staged: dict[str, Staged], flights: int
) -> dict[str, dict]:
    """Each curated table's suite on its staged months. curated.flights holds every processed
    flight of those months; the statistics count exactly the curated flights."""
    from flightlake.quality import expectations as ex
    from flightlake.quality.gate import check, reference_values, require
    from flightlake.quality.validate import Suite

    qualities = []
    for name, s in staged.items():
        contract = s.contract
        extra = (
            [ex.rows_equal("rows_match_processed", flights, "processed.flights, same months")]
            if name == "flights"
            else [
                ex.expectation(
                    "flights_sum_matches",
                    "expect_column_sum_to_be_between",
                    f"the statistics count every curated flight ({flights:,})",
                    column="flights",
                    min_value=flights,
                    max_value=flights,
                )
            ]
        )
        suite = Suite(
            contract.qualified_name,
            s.frame(spark, lake),
            [*ex.from_contract(contract, reference_values(spark, lake, contract)), *extra],
            s.describe(),
        )
        qualities.append(check(lake, run_id, contract.qualified_name, [suite]))
    require(lake, run_id, qualities)
    return {q.table: q.record(lake) for q in qualities}


def _save_state(lake: Lake, versions: dict[str, str], run_id: str) -> None:
    write_json(
        lake.storage,
        lake.curated_state_file(),
        {"inputs": versions, "logic": logic_version(), "run_id": run_id},
    )

