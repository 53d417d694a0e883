"""Benchmark `flightlake sql` on a full-year lake: the whole process, per typical view (not a test).

    .venv/bin/python bench/bench_sql.py [--lake ./lake] [--repeat 7]

The lake is the one `make run` builds. Each view is queried by a fresh `flightlake sql` process
(start-up, catalog, translation, DuckDB, printing), median of --repeat runs; the reference is
a process that only imports the CLI, timed in the same command, so the ratio says what the
query itself costs beyond starting Python.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from results_io import report  # bench/ is on sys.path when a bench runs

CLI = [sys.executable, "-m", "flightlake.cli"]
QUERIES = {
    "on_time_by_carrier_month": "SELECT * FROM curated.on_time_by_carrier_month",
    "on_time_by_origin_hour": "SELECT * FROM curated.on_time_by_origin_hour",
    "route_ranking": "SELECT * FROM curated.route_ranking ORDER BY route_rank LIMIT 20",
    "carrier_league_table": "--file sql/queries/carrier_league_table.sql",
    "analyst_decimal_percentage": (
        "SELECT carrier, round(100.0 * count_if(on_time) / count(*), 2) AS pct "
        "FROM curated.flights GROUP BY carrier ORDER BY pct DESC"
    ),
}


def _median_wall(command: list[str], repeat: int) -> float:
    walls = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        walls.append(time.perf_counter() - start)
    return statistics.median(walls)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lake", default="./lake")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    if not (Path(args.lake) / "curated" / "flights").is_dir():
        sys.exit(f"{args.lake}: no curated lake; `make run` builds one")
    results: dict = {"repeat": args.repeat}
    reference = _median_wall([sys.executable, "-c", "import flightlake.cli"], args.repeat)
    results["reference_import_cli_s"] = reference
    for name, query in QUERIES.items():
        given = query.split(" ", 1) if query.startswith("--file") else [query]
        wall = _median_wall([*CLI, "sql", "--lake", args.lake, *given], args.repeat)
        results[f"{name}_s"] = wall
        results[f"{name}_vs_reference"] = wall / reference
    report("sql", results)


if __name__ == "__main__":
    main()
