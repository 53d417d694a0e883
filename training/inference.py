"""Serve the delay-risk model: SageMaker's inference handlers for text/csv.

Loaded by the XGBoost framework container in batch transform (SAGEMAKER_PROGRAM=inference.py)
and called directly by the local batch-transform runner. The input is what batch transform
sends after `input_filter="$[1:]"`: feature lines without the flight id; the output is one
score per line, in input order, so `join_source="Input"` can append it to its line.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import xgboost as xgb

MODEL_FILE = "xgboost-model"
CSV = "text/csv"


def model_fn(model_dir: str) -> xgb.Booster:
    path = Path(model_dir) / MODEL_FILE
    if not path.exists():
        raise FileNotFoundError(f"{path}: no model file")
    booster = xgb.Booster()
    booster.load_model(str(path))
    return booster


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


def predict_fn(input_data: np.ndarray, model: xgb.Booster) -> np.ndarray:
    expected = model.num_features()
    if input_data.shape[1] != expected:
        raise ValueError(f"{input_data.shape[1]} features per line, the model takes {expected}")
    return model.predict(xgb.DMatrix(input_data))


def output_fn(prediction: np.ndarray, accept: str | None) -> str:
    """One score per line."""
    if _media_type(accept) != CSV:
        raise ValueError(f"unsupported accept type {accept!r}: only {CSV}")
    return "".join(f"{float(p):.8g}\n" for p in np.asarray(prediction).ravel())
