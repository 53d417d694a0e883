"""Benchmark the quality gate (not a test): the cold full-year `flightlake run` with the gate
on and off, alternated so both see the same machine state. Each run is a fresh process.

    .venv/bin/python bench/bench_quality.py [--repeat 3]

Prints medians, the overhead ratio and the expectations per table; writes
bench/results/quality.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
from pathlib import Path

from bench_processed import timed_run  # bench/ is on sys.path when a bench runs
from results_io import report

from flightlake.lake import Lake
from flightlake.landing import land


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    walls: dict[str, list[float]] = {"on": [], "off": []}
    gate_seconds: list[dict[str, float]] = []
    expectations: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "template"
        land(Lake.at(str(template)))
        for i in range(repeat):
            for state in ("on", "off") if i % 2 == 0 else ("off", "on"):
                lake = Path(tmp) / f"{state}-{i}"
                shutil.copytree(template, lake)
                walls[state].append(timed_run(lake, {"FLIGHTLAKE_QUALITY_GATE": state})[0])
                if state == "on":
                    [record] = [json.loads(p.read_text()) for p in (lake / "_runs").glob("*.json")]
                    quality = record["quality"]
                    gate_seconds.append({t: q["seconds"] for t, q in quality.items()})
                    expectations = {t: q["expectations"] for t, q in quality.items()}
                shutil.rmtree(lake)
    on, off = statistics.median(walls["on"]), statistics.median(walls["off"])
    results = {
        "cold_full_year_gate_off_s": off,
        "cold_full_year_gate_on_s": on,
        "gate_overhead_ratio": on / off,
        "gate_validation_s_median_sum": statistics.median(sum(g.values()) for g in gate_seconds),
        **{
            f"validation_s[{t}]": statistics.median(g[t] for g in gate_seconds)
            for t in sorted(expectations)
        },
        **{f"expectations[{t}]": n for t, n in sorted(expectations.items())},
        "expectations_total": sum(expectations.values()),
        "runs_each": repeat,
    }
    report("quality", results)


if __name__ == "__main__":
    main()
