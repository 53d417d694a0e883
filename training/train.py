"""Train the delay-risk model: a SageMaker script-mode entry point.

Honours SageMaker's training contract, in the XGBoost framework container or in a local
subprocess with the same environment:
- SM_CHANNEL_TRAIN, SM_CHANNEL_VALIDATION (required), SM_CHANNEL_TEST (optional): folders of
  headerless CSV files, label first;
- hyperparameters from <SM_INPUT_CONFIG_DIR>/hyperparameters.json, overridden by `--name value`
  arguments (SageMaker passes both);
- SM_MODEL_DIR receives `xgboost-model` (trimmed to the best iteration) and
  `calibration.json` (Platt scaling fitted on the validation split, applied by inference.py);
  SM_OUTPUT_DATA_DIR receives metrics.json; on failure /opt/ml/output/failure says why.

Stand-alone on purpose (xgboost, numpy, pandas, scipy: all in the container); nothing from
flightlake is importable there, only inference.py beside it.
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
from scipy.optimize import minimize
from scipy.stats import rankdata

try:  # installed as the `training` package (local runs, tuning)
    from training.inference import CALIBRATION_FILE, MODEL_FILE, calibrate, logit
except ImportError:  # the container: a script beside inference.py in the source dir
    from inference import CALIBRATION_FILE, MODEL_FILE, calibrate, logit

RELIABILITY_BINS = 10  # equal-width score bands, as curated.model_calibration shows them
DEFAULTS: dict[str, float | int | str] = {
    "num_round": 2000,
    "early_stopping_rounds": 50,
    "eta": 0.05,
    "max_depth": 6,
    "min_child_weight": 20,
    "subsample": 0.8,
    "colsample_bytree": 0.8,
    "lambda": 1.0,
    "alpha": 0.0,
    "gamma": 0.0,
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
    return resolve(values)


def resolve(values: dict[str, object]) -> dict[str, float | int | str]:
    """Typed values; SageMaker's own keys (sagemaker_program, _tuning_objective_metric, …)
    are not the model's."""
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


def reliability(labels: np.ndarray, scores: np.ndarray) -> list[dict[str, float]]:
    """Per score band [k/10, (k+1)/10): flights, mean score, actual not-on-time rate."""
    band = np.minimum((scores * RELIABILITY_BINS).astype(int), RELIABILITY_BINS - 1)
    rows = []
    for k in range(RELIABILITY_BINS):
        inside = band == k
        if inside.any():
            rows.append({
                "band_low": k / RELIABILITY_BINS,
                "flights": int(inside.sum()),
                "mean_score": float(scores[inside].mean()),
                "actual_rate": float(labels[inside].mean()),
            })
    return rows


def calibration_error(labels: np.ndarray, scores: np.ndarray) -> float:
    """Expected calibration error: the flight-weighted gap between mean score and actual rate
    over the reliability table's bands."""
    return float(
        sum(r["flights"] * abs(r["mean_score"] - r["actual_rate"])
            for r in reliability(labels, scores)) / len(labels)
    )


def evaluate(labels: np.ndarray, scores: np.ndarray) -> dict[str, float]:
    clipped = np.clip(scores, 1e-15, 1 - 1e-15)
    top = max(1, int(np.ceil(len(scores) / 10)))
    order = np.argsort(-scores, kind="stable")[:top]
    return {
        "auc": auc(labels, scores),
        "logloss": float(-np.mean(labels * np.log(clipped) + (1 - labels) * np.log(1 - clipped))),
        "brier": float(np.mean((scores - labels) ** 2)),
        "ece": calibration_error(labels, scores),
        "precision_at_decile": float(labels[order].mean()),
        "mean_score": float(scores.mean()),
        "positive_rate": float(labels.mean()),
        "rows": len(labels),
    }


def fit_platt(labels: np.ndarray, raw: np.ndarray) -> dict[str, float | str]:
    """Platt scaling on the model's log-odds: p = 1 / (1 + exp(-(a·logit(raw) + b))), a and b
    by maximum likelihood. Monotone, so every split's AUC is the model's own."""
    z = logit(raw)

    def loss(ab: np.ndarray) -> tuple[float, np.ndarray]:
        t = ab[0] * z + ab[1]
        p = 1 / (1 + np.exp(-t))
        # log(1 + e^t) − y·t, stable for large |t|
        value = float(np.sum(np.logaddexp(0, t) - labels * t))
        residual = p - labels
        return value, np.array([np.sum(residual * z), np.sum(residual)])

    found = minimize(loss, np.array([1.0, 0.0]), jac=True, method="L-BFGS-B")
    if not found.success:
        raise ValueError(f"Platt scaling did not converge: {found.message}")
    if found.x[0] <= 0:  # calibrating would turn the ranking upside down
        raise ValueError(f"Platt slope {found.x[0]:.4f} ≤ 0: the model does not rank the "
                         "validation split; refusing to calibrate it")
    return {"method": "platt", "a": float(found.x[0]), "b": float(found.x[1]),
            "fitted_on": "validation", "rows": len(labels)}


def booster_params(params: dict[str, float | int | str]) -> dict:
    return {
        "objective": "binary:logistic",
        "eval_metric": ["logloss", "auc"],  # the last one drives early stopping
        "tree_method": "hist",
        **{k: v for k, v in params.items() if k not in ("num_round", "early_stopping_rounds")},
    }


def fit(
    params: dict[str, float | int | str],
    matrices: dict[str, xgb.DMatrix],
    callbacks: list[xgb.callback.TrainingCallback] | None = None,
) -> xgb.Booster:
    """Train with early stopping on validation AUC; the booster trimmed to its best
    iteration."""
    booster = xgb.train(
        booster_params(params),
        matrices["train"],
        num_boost_round=int(params["num_round"]),
        evals=[(matrices["validation"], "validation")],
        early_stopping_rounds=int(params["early_stopping_rounds"]),
        verbose_eval=False,
        callbacks=callbacks,
    )
    return booster[: booster.best_iteration + 1]


def importance(booster: xgb.Booster) -> dict[str, dict[str, float]]:
    """Per feature (f0, f1, … in CSV order): total gain, gain per split, splits, cover."""
    kinds = ("total_gain", "gain", "weight", "total_cover")
    scores = {k: booster.get_score(importance_type=k) for k in kinds}
    return {f: {k: float(scores[k].get(f, 0.0)) for k in kinds} for f in scores["weight"]}


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
    started = time.perf_counter()
    best = fit(params, matrices)
    seconds = time.perf_counter() - started
    raw = {name: best.predict(matrices[name]) for name in ("validation", "test") if name in data}
    calibration = fit_platt(data["validation"][1], raw["validation"])
    metrics: dict[str, float] = {}
    tables: dict[str, list] = {}
    for name, scores in raw.items():
        labels = data[name][1]
        calibrated = calibrate(scores, calibration)
        for key, value in evaluate(labels, calibrated).items():
            metrics[f"{name}_{key}"] = value
        # Before calibration, for comparison: what the booster alone would publish.
        metrics[f"{name}_ece_uncalibrated"] = calibration_error(labels, scores)
        metrics[f"{name}_mean_score_uncalibrated"] = float(scores.mean())
        tables[name] = reliability(labels, calibrated)
    model_dir = Path(env["SM_MODEL_DIR"])
    model_dir.mkdir(parents=True, exist_ok=True)
    # UBJSON, xgboost's own format: loads in the container whatever its file name.
    (model_dir / MODEL_FILE).write_bytes(bytes(best.save_raw("ubj")))
    (model_dir / CALIBRATION_FILE).write_text(json.dumps(calibration, indent=2))
    return {
        "metrics": metrics,
        "reliability": tables,
        "calibration": calibration,
        "feature_importance": importance(best),
        "best_iteration": best.num_boosted_rounds() - 1,
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
