"""Population stability index per feature: a scoring set against the training set.

PSI = Σ (a − e) · ln(a / e) over bins, e and a the shares of training and scoring rows in
each bin. Numeric bins are the training set's deciles; categorical features bin by code;
missing values are a bin of their own. The usual reading: < 0.1 stable, 0.1–0.25 moderate
shift, > 0.25 a shift worth acting on.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

BINS = 10
EPSILON = 1e-4  # an empty bin's share, so the logarithm stays finite
MODERATE, SIGNIFICANT = 0.1, 0.25


def _shares(values: np.ndarray, edges: np.ndarray | None, categories: np.ndarray | None):
    missing = np.isnan(values)
    present = values[~missing]
    if categories is not None:
        counts = np.array([(present == c).sum() for c in categories], dtype=float)
        other = len(present) - counts.sum()  # codes the training set never had
        counts = np.append(counts, other)
    else:
        bins = np.searchsorted(edges, present, side="right")
        counts = np.bincount(bins, minlength=len(edges) + 1)
    counts = np.append(counts.astype(float), missing.sum())
    return np.maximum(counts / max(len(values), 1), EPSILON)


def psi(expected: np.ndarray, actual: np.ndarray, categorical: bool = False) -> float:
    expected = np.asarray(expected, dtype=float)
    actual = np.asarray(actual, dtype=float)
    known = expected[~np.isnan(expected)]
    if categorical:
        categories, edges = np.unique(known), None
    else:
        categories = None
        quantiles = np.quantile(known, np.linspace(0, 1, BINS + 1)[1:-1]) if len(known) else []
        edges = np.unique(quantiles)
    e = _shares(expected, edges, categories)
    a = _shares(actual, edges, categories)
    return float(np.sum((a - e) * np.log(a / e)))


def level(value: float) -> str:
    if value > SIGNIFICANT:
        return "significant"
    return "moderate" if value > MODERATE else "stable"


def report(
    training: pd.DataFrame, scoring: pd.DataFrame, categorical: set[str]
) -> list[dict]:
    """PSI of every column, worst first."""
    rows = []
    for column in training.columns:
        value = psi(training[column].to_numpy(), scoring[column].to_numpy(), column in categorical)
        rows.append({"feature": column, "psi": round(value, 6), "level": level(value)})
    return sorted(rows, key=lambda r: (-r["psi"], r["feature"]))
