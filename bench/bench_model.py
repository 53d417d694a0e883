"""Benchmark the delay-risk model on the full year (not a test).

    .venv/bin/python bench/bench_model.py --lake LAKE [--repeat 3]

LAKE must hold the curated layer (`make run`, or `flightlake land` + `flightlake run`).
Measures, each as the median of --repeat runs of the CLI in a fresh process:
- `flightlake export` (December's scoring sets included), `flightlake train`, `flightlake score`
  (December, 31 days) wall times;
- scoring throughput: the local batch transform (file split, filters, join, handlers, .out
  files) against plain `Booster.predict` on the same December matrix, in this process;
- test AUC of the model and of a baseline, the same model without the history features.
Writes bench/results/model.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import xgboost as xgb
from results_io import report

from features.definitions import FEATURE_NAMES, names
from training import batch_transform, inference
from training.launchers.base import TRANSFORM
from training.train import DEFAULTS, evaluate, fit, resolve

CLI = str(Path(sys.executable).with_name("flightlake"))


def timed(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([CLI, *args], check=True, capture_output=True)
    return time.perf_counter() - started


def latest(lake: Path, pattern: str) -> Path:
    return sorted(lake.glob(pattern))[-1]


def baseline_auc(export: Path, columns: list[str]) -> dict[str, float]:
    """The train.py recipe on a subset of the columns, in this process."""
    data = {}
    for split in ("train", "validation", "test"):
        frame = pd.read_csv(export / split / "part-00000.csv", header=None)
        frame.columns = ["late", *FEATURE_NAMES]
        data[split] = xgb.DMatrix(frame[columns].to_numpy(float), label=frame["late"].to_numpy())
    best = fit(resolve(dict(DEFAULTS)), data)
    return {
        s: evaluate(data[s].get_label(), best.predict(data[s]))["auc"]
        for s in ("validation", "test")
    }


def throughput(model_dir: str, scoring: Path, repeat: int) -> dict[str, float]:
    files = sorted(scoring.rglob("*.csv"))
    rows = sum(1 for f in files for line in f.read_text().splitlines() if line)
    matrix = np.vstack(
        [pd.read_csv(f, header=None).iloc[:, 1:].to_numpy(float) for f in files]
    )
    booster = inference.model_fn(model_dir).booster
    plain, local = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        booster.predict(xgb.DMatrix(matrix))
        plain.append(time.perf_counter() - t0)
        with tempfile.TemporaryDirectory() as out:
            t0 = time.perf_counter()
            batch_transform.run(
                model_dir,
                str(scoring),
                out,
                input_filter=TRANSFORM["input_filter"],
                output_filter=TRANSFORM["output_filter"],
                join_source=TRANSFORM["join_source"],
            )
            local.append(time.perf_counter() - t0)
    return {
        "scoring_rows": rows,
        "booster_predict_rows_per_s": rows / statistics.median(plain),
        "local_transform_rows_per_s": rows / statistics.median(local),
        "transform_over_predict": statistics.median(local) / statistics.median(plain),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lake", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    lake = Path(args.lake)
    walls: dict[str, list[float]] = {"export_s": [], "train_s": [], "score_s": []}
    for _ in range(args.repeat):
        walls["export_s"].append(
            timed("export", "--lake", str(lake), "--score-from", "2013-12-01",
                  "--score-to", "2013-12-31")
        )
        walls["train_s"].append(timed("train", "--lake", str(lake)))
        walls["score_s"].append(
            timed("score", "--lake", str(lake), "--from", "2013-12-01", "--to", "2013-12-31")
        )
    export = latest(lake, "features/export-*")
    version = json.loads(latest(lake, "_ml/registry/delay-risk/v*.json").read_text())
    results = {key: statistics.median(values) for key, values in walls.items()}
    results["test_auc"] = version["metrics"]["test_auc"]
    results["validation_auc"] = version["metrics"]["validation_auc"]
    base = baseline_auc(export, names(exclude=("history",)))
    results["baseline_no_history_test_auc"] = base["test"]
    results["baseline_no_history_validation_auc"] = base["validation"]
    results.update(throughput(version["model_uri"], export / "scoring", args.repeat))
    report("model", results)


if __name__ == "__main__":
    main()
