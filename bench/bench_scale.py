"""Scale benchmark (not a test): the daily workflow at ×1 (2013) and ×N (N years of 2013's
deliveries, bench/scale_lake.py) against a DuckDB reference doing the same raw → processed
work (bench/duckdb_reference.py), measured in one command, comparisons alternated.

    .venv/bin/python bench/bench_scale.py [--repeat 2] [--years 10]

Every measured run is a fresh process on a fresh copy of a prepared lake. Medians go to
bench/results/scale.json and to the table between the scale markers of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bench_processed import CLI, _tree_rss_mib, prepared, timed_run  # bench/ is on sys.path
from duckdb_reference import compare
from results_io import report
from scale_lake import build

from flightlake.lake import Lake
from flightlake.landing import land

BENCH = Path(__file__).parent
DOC = BENCH.parent / "docs" / "benchmarks.md"
BEGIN, END = "<!-- scale:begin -->", "<!-- scale:end -->"
QUERY = BENCH.parent / "sql" / "queries" / "carrier_league_table.sql"
GATE_OFF = {"FLIGHTLAKE_QUALITY_GATE": "off"}


def step_seconds(lake: Path) -> dict[str, float]:
    """Seconds of each step of the lake's last daily workflow run (its run record)."""
    [record] = sorted((lake / "_runs").glob("*.daily.json"))[-1:]
    return {s["step"]: s["seconds"] for s in json.loads(record.read_text())["steps"]}


def cold(template: Path, work: Path, env: dict | None = None) -> dict:
    lake = work / "cold"
    shutil.rmtree(lake, ignore_errors=True)
    shutil.copytree(template, lake)
    wall, peak = timed_run(lake, env)
    steps = step_seconds(lake)
    shutil.rmtree(lake)
    processed = sum(s for name, s in steps.items() if name.startswith("process_"))
    return {
        "wall": wall,
        "peak_mib": peak,
        "crawl": steps["crawl_raw"],
        "processed": processed,
        "flights": steps["process_flights"],
    }


def reference(template: Path, work: Path) -> tuple[float, float]:
    """Whole-process seconds and peak resident MiB of the DuckDB reference."""
    out = work / "reference"
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(BENCH / "duckdb_reference.py"), str(template), str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_mib(proc.pid))
        time.sleep(0.1)
    if proc.returncode:
        raise RuntimeError(f"the DuckDB reference failed on {template}")
    return time.perf_counter() - started, peak


def lost_times(lake: Path, to: Path) -> None:
    """A copy as a restore or sync makes it: same bytes, every file time new."""
    shutil.copytree(lake, to, copy_function=shutil.copy)
    later = time.time() + 86400
    for f in to.rglob("*"):
        if f.is_file():
            os.utime(f, (later, later))


def copied(lake: Path, to: Path) -> None:
    """A copy as the lake itself would be on the next day: its file hashes known (a copy moves
    every change time, which a lake left in place keeps)."""
    shutil.copytree(lake, to)
    storage = Lake.at(str(to)).storage
    for layer in ("raw", "processed"):
        storage.list_files(layer, content=True)


def incremental(base: Path, work: Path, repeat: int, copy=copied) -> float:
    runs = []
    for _ in range(repeat):
        lake = work / "incremental"
        shutil.rmtree(lake, ignore_errors=True)
        copy(base, lake)
        runs.append(timed_run(lake)[0])
        shutil.rmtree(lake)
    return statistics.median(runs)


def sql_seconds(lake: Path, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(
            [*CLI, "sql", "--lake", str(lake), "--file", str(QUERY)],
            check=True,
            capture_output=True,
        )
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def measure(template: Path, work: Path, repeat: int) -> dict:
    """Cold runs gate on and off, and the reference, alternated. The reference has no gate:
    it is compared with the gate-off run's raw → processed."""
    on, off, ref = [], [], []
    for _ in range(repeat):
        ref.append(reference(template, work))
        on.append(cold(template, work))
        off.append(cold(template, work, GATE_OFF))
    med_on = {k: statistics.median(r[k] for r in on) for k in on[0]}
    med_off = {k: statistics.median(r[k] for r in off) for k in off[0]}
    reference_s = statistics.median(s for s, _ in ref)
    return {
        "cold_gate_off_s": med_off["wall"],
        "cold_gate_on_s": med_on["wall"],
        "crawl_s": med_on["crawl"],
        "raw_to_processed_gate_off_s": med_off["processed"],
        "raw_to_processed_gate_on_s": med_on["processed"],
        "reference_s": reference_s,
        "processed_vs_reference": med_off["processed"] / reference_s,
        "flights_step_s": med_on["flights"],
        "gate_ratio": med_on["wall"] / med_off["wall"],
        "peak_mib": max(r["peak_mib"] for r in on),
        "reference_peak_mib": max(m for _, m in ref),
    }


ROWS = (
    ("cold `flightlake run`, gate off", "cold_gate_off_s", "{:.1f} s"),
    ("cold `flightlake run`, gate on", "cold_gate_on_s", "{:.1f} s"),
    ("of which crawl_raw (listing, content hashes, drift), gate on", "crawl_s", "{:.1f} s"),
    ("of which raw → processed (the process_* steps, Spark start in the first), gate off",
     "raw_to_processed_gate_off_s", "{:.1f} s"),
    ("the same, gate on", "raw_to_processed_gate_on_s", "{:.1f} s"),
    ("DuckDB reference, raw → processed, no gate (whole process)", "reference_s", "{:.1f} s"),
    ("**raw → processed (gate off) ÷ reference**", "processed_vs_reference", "**{:.2f}×**"),
    ("flights step alone, gate on", "flights_step_s", "{:.1f} s"),
    ("gate overhead (cold run, on ÷ off)", "gate_ratio", "{:.2f}"),
    ("peak memory of the gate-on runs (max), whole process tree", "peak_mib", "{:.0f} MiB"),
    ("peak memory of the reference (max)", "reference_peak_mib", "{:.0f} MiB"),
)


def table(results: dict, years: int) -> str:
    x1, xn = results["x1"], results[f"x{years}"]
    lines = [f"| measure | ×1 (2013) | ×{years} |", "|---|---|---|"]
    for label, key, fmt in ROWS:
        lines.append(f"| {label} | {fmt.format(x1[key])} | {fmt.format(xn[key])} |")
    grow = xn["flights_step_s"] / x1["flights_step_s"]
    lines += [
        f"| flights step, ×{years} ÷ ×1 | | {grow:.1f} |",
        f"| one new day, gate on (1-month lake / {years}-year lake) | "
        f"{results['day_on_month_s']:.1f} s | {results['day_on_years_s']:.1f} s "
        f"(ratio {results['day_ratio_years_vs_month']:.2f}) |",
        f"| the same day on a copy of the {years}-year lake that lost its file times | | "
        f"{results['day_lost_times_s']:.1f} s |",
        f"| `flightlake sql`, {QUERY.name}, whole process | {x1['sql_s']:.2f} s | "
        f"{xn['sql_s']:.2f} s |",
        f"| Spark start-up alone, a new process | {results['spark_start_s']:.1f} s | |",
    ]
    for t, c in results["reference_vs_ours_2013_01"].items():
        lines.append(
            f"| DuckDB reference vs processed.{t}, January 2013: rows (ours) / on one side "
            f"only / differing | {c['rows_theirs']:,} / {c['only_ours'] + c['only_theirs']} / "
            f"{c['differing']} | |"
        )
    return "\n".join(lines)


def write_doc(results: dict, years: int) -> None:
    text = DOC.read_text()
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    when = time.strftime("%Y-%m-%d")
    body = (
        f"\n`make bench` → `bench/bench_scale.py --repeat {results['repeat']}`, {when}, "
        f"{os.cpu_count()} cores; medians.\n\n{table(results, years)}\n"
    )
    DOC.write_text(f"{head}{BEGIN}{body}{END}{tail}")


def main() -> None:
    parser = argparse.ArgumentParser()
    # Two: one ×10 cold run takes minutes, and both settings and the reference are run each time.
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--years", type=int, default=10)
    args = parser.parse_args()
    from bench_processed import spark_start

    results: dict = {"repeat": args.repeat, "years": args.years}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        x1, xn = work / "x1", work / f"x{args.years}"
        land(Lake.at(str(x1)))
        build(str(xn), args.years)
        results["spark_start_s"] = statistics.median(spark_start() for _ in range(args.repeat))
        for name, template in (("x1", x1), (f"x{args.years}", xn)):
            results[name] = measure(template, work, args.repeat)
        # One new day (Dec 30, 2013) on the N-year lake; Jan 30 on a lake of January.
        month = prepared(x1, date(2013, 1, 29), work)
        years = prepared(xn, date(2013, 12, 29), work)
        results["day_on_month_s"] = incremental(month, work, args.repeat)
        results["day_on_years_s"] = incremental(years, work, args.repeat)
        results["day_lost_times_s"] = incremental(years, work, args.repeat, lost_times)
        results["day_ratio_years_vs_month"] = results["day_on_years_s"] / results["day_on_month_s"]
        # The query on full lakes: the prepared ones with their new day run.
        full_year = prepared(x1, date(2013, 12, 29), work)
        for name, lake in (("x1", full_year), (f"x{args.years}", years)):
            subprocess.run([*CLI, "run", "--lake", str(lake)], check=True, capture_output=True)
            results[name]["sql_s"] = sql_seconds(lake, max(args.repeat, 5))
        # The reference's output against ours, row by row: January 2013.
        reference(x1, work)
        january = compare(str(work / "reference"), str(full_year / "processed"), "2013-01")
        # compare() calls the reference's side "ours" and processed "theirs".
        results["reference_vs_ours_2013_01"] = {
            t: {k: c[k] for k in ("rows_theirs", "only_ours", "only_theirs", "differing")}
            for t, c in january.items()
        }
    report("scale", results)
    write_doc(results, args.years)


if __name__ == "__main__":
    main()
