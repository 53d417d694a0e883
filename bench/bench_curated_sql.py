"""Benchmark processed → curated and `flightlake sql` on the full year (not a test).

    .venv/bin/python bench/bench_curated_sql.py [--repeat 5] [--lake PATH]

Builds a full-year processed lake unless --lake points at one. Curated is timed in one
process after Spark has started (the start-up is timed as the reference); a new day
rebuilds exactly one month, so "one new day" is timed as rebuilding 2013-12. SQL is timed
as a fresh `flightlake sql` process, and the DuckDB query alone in-process.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from results_io import report  # bench/ is on sys.path when a bench runs

CLI = [sys.executable, "-m", "flightlake.cli"]
QUERY = "sql/queries/carrier_league_table.sql"
VIEW = "SELECT * FROM curated.on_time_by_carrier_month ORDER BY carrier, flight_month"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--lake")
    args = parser.parse_args()
    from flightlake.catalog.local import connect
    from flightlake.lake import Lake
    from flightlake.landing import land
    from flightlake.pipeline import dag, runner
    from flightlake.query import run
    from flightlake.run_context import RunContext
    from flightlake.runtime.spark import get_spark
    from glue_jobs import curate

    results: dict = {"repeat": args.repeat}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(args.lake) if args.lake else Path(tmp) / "lake"
        lake = Lake.at(str(root))
        if not args.lake:
            land(lake)
            runner.run_workflow(RunContext(lake, ""), "daily", dag.select("daily"))
        start = time.perf_counter()
        spark = get_spark()
        spark.range(1).count()
        results["spark_start_s"] = time.perf_counter() - start
        december = "processed/flights/flight_month=2013-12/part-00000.parquet"

        full, one = [], []
        for i in range(args.repeat):
            shutil.rmtree(root / "curated", ignore_errors=True)
            lake.storage.delete_file(lake.curated_state_file())
            start = time.perf_counter()
            curate.curate(RunContext(lake, f"bench-{i}", step="curate"))
            full.append(time.perf_counter() - start)
            (root / december).touch()  # a new day of December: that month is rebuilt
            start = time.perf_counter()
            curate.curate(RunContext(lake, f"bench-one-{i}", step="curate"))
            one.append(time.perf_counter() - start)
        results["curated_full_year_s"] = statistics.median(full)
        results["curated_one_new_day_s"] = statistics.median(one)

        walls, queries, connects = [], [], []
        for _ in range(args.repeat):
            start = time.perf_counter()
            subprocess.run(
                [*CLI, "sql", "--lake", str(root), "--file", QUERY], check=True, capture_output=True
            )
            walls.append(time.perf_counter() - start)
            start = time.perf_counter()
            con = connect(lake)
            connects.append(time.perf_counter() - start)
            start = time.perf_counter()
            run(con, VIEW)
            queries.append(time.perf_counter() - start)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import flightlake.cli"], check=True)
        results["python_cli_import_s"] = time.perf_counter() - start
        results["sql_wall_s"] = statistics.median(walls)
        results["sql_catalog_connect_s"] = statistics.median(connects)
        results["sql_view_query_s"] = statistics.median(queries)
    report("curated_sql", results)


if __name__ == "__main__":
    main()
