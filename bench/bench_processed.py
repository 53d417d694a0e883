"""Benchmark raw → processed (not a test): cold full year, and one new day on a small vs a
full lake. Each measured run is a fresh `flightlake run` process, as a user would start it.

    .venv/bin/python bench/bench_processed.py [--repeat 3]

Prints medians and writes bench/results/processed.json.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from results_io import report  # bench/ is on sys.path when a bench runs

from flightlake.lake import Lake
from flightlake.landing import land

CLI = [sys.executable, "-m", "flightlake.cli"]


def _tree_rss_mib(root: int) -> float:
    """Resident memory of a process and all its descendants (the CLI and its JVM)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        children = [c for c, p in parents.items() if p == pid]
        tree.update(children)
        frontier.extend(children)
    return sum(rss.get(pid, 0) for pid in tree) / 2**20


def timed_run(lake: Path, env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall seconds, peak resident memory in MiB of the CLI and its JVM, sampled at 10 Hz)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [*CLI, "run", "--lake", str(lake)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_mib(proc.pid))
        time.sleep(0.1)
    wall = time.perf_counter() - start
    if proc.returncode:
        raise RuntimeError(f"flightlake run failed on {lake}")
    return wall, peak


def spark_start() -> float:
    code = "from flightlake.runtime.spark import get_spark; get_spark().range(1).count()"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - start


def prepared(template: Path, through: date, work: Path) -> Path:
    """A copy of the landed template, processed through `through`, and the next day landed."""
    lake = work / f"prepared-{template.name}-{through.isoformat()}"
    if lake.exists():
        return lake
    shutil.copytree(template, lake)
    for source in ("flights", "weather"):
        for f in (lake / "raw" / source).rglob("*.csv"):
            if date.fromisoformat(f.stem.rsplit("_", 1)[1]) > through:
                f.unlink()
    subprocess.run([*CLI, "run", "--lake", str(lake)], check=True, capture_output=True)
    land(Lake.at(str(lake)), date.fromordinal(through.toordinal() + 1))
    return lake


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        template = work / "template"
        land(Lake.at(str(template)))
        results["spark_start_s"] = statistics.median(spark_start() for _ in range(repeat))

        cold = []
        for i in range(repeat):
            lake = work / f"cold-{i}"
            shutil.copytree(template, lake)
            cold.append(timed_run(lake))
            shutil.rmtree(lake)
        results["cold_full_year_s"] = statistics.median(w for w, _ in cold)
        results["cold_full_year_peak_rss_mib"] = max(m for _, m in cold)

        # The new day is the 30th on both lakes: both tables get a file, and the month being
        # rewritten already holds 29 days in both cases.
        for label, through in (("one_month", date(2013, 1, 29)), ("full_year", date(2013, 12, 29))):
            base = prepared(template, through, work)
            runs = []
            for _ in range(repeat):
                lake = work / "incremental"
                shutil.copytree(base, lake)
                runs.append(timed_run(lake)[0])
                shutil.rmtree(lake)
            results[f"one_new_day_on_{label}_lake_s"] = statistics.median(runs)
    results["incremental_ratio_full_vs_month"] = (
        results["one_new_day_on_full_year_lake_s"] / results["one_new_day_on_one_month_lake_s"]
    )
    results["cold_vs_spark_start_ratio"] = results["cold_full_year_s"] / results["spark_start_s"]
    results["repeat"] = repeat
    report("processed", results)


if __name__ == "__main__":
    main()
