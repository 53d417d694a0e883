"""Serve the delay-risk model: SageMaker's inference handlers for text/csv.

Loaded by the XGBoost framework container in batch transform (SAGEMAKER_PROGRAM=inference.py)
and called directly by the local batch-transform runner. The input is what batch transform
sends after `input_filter="$[1:]"`: feature lines without the flight id; the output is one
calibrated probability per line, in input order, so `join_source="Input"` can append it to its
line. The calibration (Platt scaling, fitted by train.py on the validation split) ships in the
model artifact beside the booster, so every consumer of the artifact gets the same numbers.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xgboost as xgb

MODEL_FILE = "xgboost-model"
CALIBRATION_FILE = "calibration.json"
CSV = "text/csv"
_EDGE = 1e-7  # scores are clipped this far from 0 and 1 before taking log-odds


def logit(p: np.ndarray) -> np.ndarray:
    clipped = np.clip(p, _EDGE, 1 - _EDGE)
    return np.log(clipped / (1 - clipped))


def calibrate(raw: np.ndarray, calibration: dict | None) -> np.ndarray:
    """The booster's scores → calibrated probabilities (Platt: sigmoid(a·logit(raw) + b)).
    A model trained before calibration existed has none: its scores pass unchanged."""
    if calibration is None:
        return raw
    if calibration.get("method") != "platt":
        raise ValueError(f"unknown calibration method {calibration.get('method')!r}")
    return 1 / (1 + np.exp(-(calibration["a"] * logit(raw) + calibration["b"])))


@dataclass(frozen=True)
class DelayRiskModel:
    booster: xgb.Booster
    calibration: dict | None


def model_fn(model_dir: str) -> DelayRiskModel:
    path = Path(model_dir) / MODEL_FILE
    if not path.exists():
        raise FileNotFoundError(f"{path}: no model file")
    booster = xgb.Booster()
    booster.load_model(str(path))
    calibration_path = Path(model_dir) / CALIBRATION_FILE
    calibration = (
        json.loads(calibration_path.read_text()) if calibration_path.exists() else None
    )
    return DelayRiskModel(booster, calibration)


def _media_type(content_type: str | None) -> str:
    return (content_type or CSV).split(";")[0].strip().lower()


def input_fn(request_body: str | bytes, request_content_type: str | None) -> np.ndarray:
    """CSV lines of features (no header, empty field = missing) → a float matrix."""
    if _media_type(request_content_type) != CSV:
        raise ValueError(f"unsupported content type {request_content_type!r}: only {CSV}")
    text = request_body.decode("utf-8") if isinstance(request_body, bytes) else request_body
    if not text.strip():
        raise ValueError("empty request: no CSV lines")
    frame = pd.read_csv(io.StringIO(text), header=None, dtype=np.float64, skip_blank_lines=True)
    return frame.to_numpy()


def predict_fn(input_data: np.ndarray, model: DelayRiskModel) -> np.ndarray:
    expected = model.booster.num_features()
    if input_data.shape[1] != expected:
        raise ValueError(f"{input_data.shape[1]} features per line, the model takes {expected}")
    return calibrate(model.booster.predict(xgb.DMatrix(input_data)), model.calibration)


def output_fn(prediction: np.ndarray, accept: str | None) -> str:
    """One score per line."""
    if _media_type(accept) != CSV:
        raise ValueError(f"unsupported accept type {accept!r}: only {CSV}")
    return "".join(f"{float(p):.8g}\n" for p in np.asarray(prediction).ravel())
