"""Train the delay-risk model: a SageMaker script-mode entry point.

Honours SageMaker's training contract, in the XGBoost framework container or in a local
subprocess with the same environment:
- SM_CHANNEL_TRAIN, SM_CHANNEL_VALIDATION (required), SM_CHANNEL_TEST (optional): folders of
  headerless CSV files, label first;
- hyperparameters from <SM_INPUT_CONFIG_DIR>/hyperparameters.json, overridden by `--name value`
  arguments (SageMaker passes both);
- SM_MODEL_DIR receives `xgboost-model` (trimmed to the best iteration), SM_OUTPUT_DATA_DIR
  receives metrics.json; on failure /opt/ml/output/failure says why.

Stand-alone on purpose (xgboost, numpy, pandas, scipy: all in the container); nothing from
flightlake is importable there.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from pathlib import Path

import numpy as np
import pandas as pd
import xgboost as xgb
from scipy.stats import rankdata

MODEL_FILE = "xgboost-model"
DEFAULTS: dict[str, float | int | str] = {
    "num_round": 2000,
    "early_stopping_rounds": 50,
    "eta": 0.05,
    "max_depth": 6,
    "min_child_weight": 20,
    "subsample": 0.8,
    "colsample_bytree": 0.8,
    "lambda": 1.0,
    "seed": 42,
    "nthread": 0,  # 0 = every core
}
INTEGERS = {"num_round", "early_stopping_rounds", "max_depth", "seed", "nthread"}


def hyperparameters(argv: list[str], config_dir: str) -> dict[str, float | int | str]:
    """Defaults, then hyperparameters.json (values arrive as strings), then arguments."""
    values: dict[str, object] = dict(DEFAULTS)
    path = Path(config_dir) / "hyperparameters.json"
    if path.exists():
        values.update(json.loads(path.read_text()))
    parser = argparse.ArgumentParser()
    for name in values:
        parser.add_argument(f"--{name}", default=None)
    args, _unknown = parser.parse_known_args(argv)
    values.update({k: v for k, v in vars(args).items() if v is not None})
    # SageMaker's own keys (sagemaker_program, _tuning_objective_metric, …) are not the model's.
    return {
        k: _value(k, v) for k, v in values.items() if not k.startswith(("sagemaker_", "_"))
    }


def _value(name: str, value: object) -> float | int | str:
    """Numbers arrive as strings ("6", "6.0", "0.05"); text (objective=…) stays text."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        if name in DEFAULTS:
            raise ValueError(f"hyperparameter {name}={value!r} is not a number") from None
        return str(value)
    return int(number) if name in INTEGERS else number


def read_channel(folder: str) -> tuple[np.ndarray, np.ndarray]:
    """Every CSV file of a channel, in name order: (features, labels). Empty fields are
    missing values."""
    files = sorted(p for p in Path(folder).rglob("*") if p.is_file() and p.suffix == ".csv")
    if not files:
        raise ValueError(f"{folder}: no .csv files in the channel")
    frames = [pd.read_csv(f, header=None, dtype=np.float64) for f in files]
    data = pd.concat(frames, ignore_index=True).to_numpy()
    if data.shape[0] == 0:
        raise ValueError(f"{folder}: the channel has no rows")
    labels = data[:, 0]
    if not np.isin(labels, (0.0, 1.0)).all():
        raise ValueError(f"{folder}: the first column must be the 0/1 label")
    return data[:, 1:], labels


def auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve (Mann-Whitney, ties averaged)."""
    positives = labels == 1
    n_pos, n_neg = int(positives.sum()), int((~positives).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = rankdata(scores)
    return float((ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def evaluate(labels: np.ndarray, scores: np.ndarray) -> dict[str, float]:
    clipped = np.clip(scores, 1e-15, 1 - 1e-15)
    top = max(1, int(np.ceil(len(scores) / 10)))
    order = np.argsort(-scores, kind="stable")[:top]
    return {
        "auc": auc(labels, scores),
        "logloss": float(-np.mean(labels * np.log(clipped) + (1 - labels) * np.log(1 - clipped))),
        "brier": float(np.mean((scores - labels) ** 2)),
        "precision_at_decile": float(labels[order].mean()),
        "positive_rate": float(labels.mean()),
        "rows": len(labels),
    }


def train(env: dict[str, str], argv: list[str]) -> dict:
    params = hyperparameters(argv, env.get("SM_INPUT_CONFIG_DIR", "/opt/ml/input/config"))
    data = {"train": read_channel(env["SM_CHANNEL_TRAIN"])}
    data["validation"] = read_channel(env["SM_CHANNEL_VALIDATION"])
    if env.get("SM_CHANNEL_TEST"):
        data["test"] = read_channel(env["SM_CHANNEL_TEST"])
    widths = {name: x.shape[1] for name, (x, _) in data.items()}
    if len(set(widths.values())) != 1:
        raise ValueError(f"channels disagree on the number of features: {widths}")
    matrices = {name: xgb.DMatrix(x, label=y) for name, (x, y) in data.items()}
    booster_params = {
        "objective": "binary:logistic",
        "eval_metric": ["logloss", "auc"],  # the last one drives early stopping
        "tree_method": "hist",
        **{k: v for k, v in params.items() if k not in ("num_round", "early_stopping_rounds")},
    }
    started = time.perf_counter()
    booster = xgb.train(
        booster_params,
        matrices["train"],
        num_boost_round=int(params["num_round"]),
        evals=[(matrices["validation"], "validation")],
        early_stopping_rounds=int(params["early_stopping_rounds"]),
        verbose_eval=False,
    )
    seconds = time.perf_counter() - started
    best = booster[: booster.best_iteration + 1]  # the saved model is the best one
    metrics: dict[str, float] = {}
    for name in ("validation", "test"):
        if name in matrices:
            scores = best.predict(matrices[name])
            for key, value in evaluate(data[name][1], scores).items():
                metrics[f"{name}_{key}"] = value
    model_dir = Path(env["SM_MODEL_DIR"])
    model_dir.mkdir(parents=True, exist_ok=True)
    # UBJSON, xgboost's own format: loads in the container whatever its file name.
    (model_dir / MODEL_FILE).write_bytes(bytes(best.save_raw("ubj")))
    return {
        "metrics": metrics,
        "best_iteration": booster.best_iteration,
        "hyperparameters": params,
        "features": widths["train"],
        "rows": {name: len(y) for name, (_, y) in data.items()},
        "train_seconds": round(seconds, 3),
        "xgboost": xgb.__version__,
    }


def main(argv: list[str] | None = None) -> int:
    env = dict(os.environ)
    argv = sys.argv[1:] if argv is None else argv
    try:
        result = train(env, argv)
    except Exception as exc:
        failure = Path(env.get("SM_OUTPUT_DIR", "/opt/ml/output")) / "failure"
        message = f"{type(exc).__name__}: {exc}"
        try:
            failure.parent.mkdir(parents=True, exist_ok=True)
            failure.write_text(message + "\n\n" + traceback.format_exc())
        except OSError:
            pass
        print(f"training failed: {message}", file=sys.stderr)
        return 1
    out = Path(env.get("SM_OUTPUT_DATA_DIR", "/opt/ml/output/data"))
    out.mkdir(parents=True, exist_ok=True)
    (out / "metrics.json").write_text(json.dumps(result, indent=2, sort_keys=True))
    # One line per metric, in the form METRIC_DEFINITIONS' regexes scrape.
    for key, value in sorted(result["metrics"].items()):
        print(f"{key}={value:.6f};")
    print(f"best_iteration={result['best_iteration']};")
    return 0


if __name__ == "__main__":
    sys.exit(main())
