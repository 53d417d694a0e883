"""Run expectations on a Spark DataFrame with great-expectations (GX Core, Spark source).

Cheap enough to leave on: a first pass asks only pass/fail (BOOLEAN_ONLY: one aggregate
per metric, no row samples); only the expectations that failed are run a second time to
collect counts and a few sample values. The context is ephemeral (nothing on disk) with
analytics and progress bars off, so the same code runs locally and inside a Glue job.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

from pyspark.sql import DataFrame

from flightlake.quality.results import SAMPLES, Outcome

DATASOURCE = "flightlake"


@dataclass
class Suite:
    """Expectations on one batch: a DataFrame about to be published (or a run's drop)."""

    name: str
    frame: DataFrame
    expectations: list
    describe: dict


_lock = threading.Lock()
_context = None


def context():
    """The process's one ephemeral GX context (created on first use)."""
    global _context
    with _lock:
        if _context is None:
            _context = _new_context()
        return _context


def preload() -> None:
    """Import great-expectations in the background: seconds of imports that would otherwise
    add to the first validation. Only imports — the context, which may touch Spark, is made
    on first use."""

    def load() -> None:
        os.environ["GX_ANALYTICS_ENABLED"] = "false"
        import great_expectations  # noqa: F401

    threading.Thread(target=load, name="gx-preload", daemon=True).start()


def _new_context():
    os.environ["GX_ANALYTICS_ENABLED"] = "false"
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        store_backend_defaults=InMemoryStoreBackendDefaults(),
    )
    ctx = gx.get_context(mode="ephemeral", project_config=config)
    # persist=False: GX would cache every batch and never release it. Measured on the full
    # year, re-reading the staged Parquet is also faster than building that cache.
    ctx.data_sources.add_spark(name=DATASOURCE, persist=False)
    return ctx


def _batch(name: str, frame: DataFrame):
    source = context().data_sources.get(DATASOURCE)
    try:
        asset = source.get_asset(name)
    except LookupError:
        asset = source.add_dataframe_asset(name=name)
        asset.add_batch_definition_whole_dataframe("run")
    return asset.get_batch_definition("run").get_batch(batch_parameters={"dataframe": frame})


def _error(result) -> str | None:
    info = result.exception_info or {}
    infos = [info] if "raised_exception" in info else list(info.values())
    for i in infos:
        if i.get("raised_exception"):
            return str(i.get("exception_message") or "exception").splitlines()[0]
    return None


def _samples(result: dict) -> list[str]:
    if "partial_unexpected_list" in result:
        return [str(v) for v in result["partial_unexpected_list"][:SAMPLES]]
    rows = (result.get("details") or {}).get("unexpected_rows") or []
    if hasattr(rows, "to_dict"):  # a pandas frame
        rows = rows.to_dict("records")
    return [", ".join(f"{k}={v}" for k, v in dict(row).items()) for row in list(rows)[:SAMPLES]]


def _outcome(suite: str, result, detailed: bool) -> Outcome:
    config = result.expectation_config
    body = result.result or {}
    error = _error(result)
    outcome = Outcome(
        name=(config.meta or {}).get("name", config.type),
        suite=suite,
        kind=config.type,
        severity=str(getattr(config.severity, "value", config.severity)),
        description=config.description or "",
        success=bool(result.success) and error is None,
        error=error,
    )
    if detailed:
        # missing_count: expected values absent from a column (e.g. a raw file with no rows)
        outcome.unexpected = body.get("unexpected_count", body.get("missing_count"))
        outcome.rows = body.get("element_count")
        observed = body.get("observed_value")
        outcome.observed = observed if isinstance(observed, int | float | str) else None
        if isinstance(observed, list | dict):  # e.g. the columns found, or quantiles
            outcome.observed = str(observed)[:300]
        if outcome.unexpected is None and config.type == "unexpected_rows_expectation":
            outcome.unexpected = observed
        outcome.samples = _samples(body)
    return outcome


def validate(suite: Suite) -> list[Outcome]:
    """Run the suite; a failure is an Outcome, never an exception."""
    spark = suite.frame.sparkSession
    # Adaptive execution splits every small aggregate into extra jobs: measured on the full
    # year, the flights suites ran 10-20% faster without it. Restored for the job's queries.
    adaptive = spark.conf.get("spark.sql.adaptive.enabled")
    spark.conf.set("spark.sql.adaptive.enabled", "false")
    try:
        return _validate(suite)
    finally:
        spark.conf.set("spark.sql.adaptive.enabled", adaptive)


def _validate(suite: Suite) -> list[Outcome]:
    import great_expectations as gx

    batch = _batch(suite.name, suite.frame)
    first = batch.validate(
        gx.ExpectationSuite(name=suite.name, expectations=suite.expectations),
        result_format={"result_format": "BOOLEAN_ONLY"},
    )
    outcomes = [_outcome(suite.name, r, detailed=False) for r in first.results]
    failed = {o.name for o in outcomes if not o.success}
    if not failed:
        return outcomes
    # Second pass, failures only. Unexpected-rows checks return few rows: COMPLETE keeps
    # them (the offending file or day); column checks keep a partial list of values.
    detailed: dict[str, Outcome] = {}
    again = [e for e in suite.expectations if e.meta["name"] in failed]
    by_format = {
        "COMPLETE": [e for e in again if e.expectation_type == "unexpected_rows_expectation"],
        "SUMMARY": [e for e in again if e.expectation_type != "unexpected_rows_expectation"],
    }
    for fmt, expectations in by_format.items():
        if not expectations:
            continue
        second = batch.validate(
            gx.ExpectationSuite(name=f"{suite.name}:failed", expectations=expectations),
            result_format={"result_format": fmt, "partial_unexpected_count": SAMPLES},
        )
        for r in second.results:
            o = _outcome(suite.name, r, detailed=True)
            detailed[o.name] = o
    return [detailed.get(o.name, o) for o in outcomes]
