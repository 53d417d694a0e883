"""Scored flights beside what really happened: curated.predictions joined with the outcome in
curated.flights, for the days whose outcomes are in. Read with pyarrow from the lake's files
(a folder or S3), so the model's launcher steps need no Spark and no Athena query.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from flightlake.contracts import PREDICTIONS, get_curated
from flightlake.lake import Lake

COLUMNS = ["scoring_date", "flight_id", "model_version", "role", "score", "late"]


def _parquet(lake: Lake, rel: str, columns: list[str]) -> pd.DataFrame:
    return pq.read_table(io.BytesIO(lake.storage.read_bytes(rel)), columns=columns).to_pandas()


def predictions(lake: Lake, days: Iterable[date]) -> pd.DataFrame:
    """The predictions of `days` that were scored (a day never scored has no rows)."""
    frames = []
    for day in sorted(set(days)):
        rel = lake.table_file("curated", PREDICTIONS.name, ("scoring_date", day.isoformat()))
        if lake.storage.exists(rel):
            frame = _parquet(lake, rel, ["flight_id", "model_version", "role", "score"])
            frames.append(frame.assign(scoring_date=day.isoformat()))
    if not frames:
        return pd.DataFrame(columns=COLUMNS[:-1])
    return pd.concat(frames, ignore_index=True)


def scored(lake: Lake, days: Iterable[date]) -> pd.DataFrame:
    """The predictions of `days` with `late` (1 = not on time) from curated.flights; flights
    without an outcome yet are left out."""
    scores = predictions(lake, days)
    if scores.empty:
        return pd.DataFrame(columns=COLUMNS)
    flights = get_curated("flights")
    months = sorted({d[:7] for d in scores["scoring_date"]})
    outcomes = pd.concat(
        [
            _parquet(lake, rel, ["flight_id", "on_time"])
            for m in months
            if lake.storage.exists(rel := lake.table_file("curated", flights.name,
                                                          ("flight_month", m)))
        ]
        or [pd.DataFrame(columns=["flight_id", "on_time"])],
        ignore_index=True,
    ).dropna(subset=["on_time"])
    joined = scores.merge(outcomes, on="flight_id", how="inner")
    joined["late"] = (~joined["on_time"].astype(bool)).astype(int)
    return joined[COLUMNS]


def auc(late: np.ndarray, score: np.ndarray) -> float:
    """Mann-Whitney AUC with ties averaged (as curated.model_performance_daily computes it);
    NaN when one class is absent."""
    late = np.asarray(late)
    positives = int(late.sum())
    negatives = len(late) - positives
    if positives == 0 or negatives == 0:
        return float("nan")
    ranks = pd.Series(np.asarray(score)).rank(method="average").to_numpy()
    return float((ranks[late == 1].sum() - positives * (positives + 1) / 2)
                 / (positives * negatives))


def calibration_error(late: np.ndarray, score: np.ndarray, bands: int = 10) -> float:
    """Expected calibration error over equal score bands (train.py's and the views')."""
    score = np.asarray(score, dtype=float)
    late = np.asarray(late, dtype=float)
    if not len(score):
        return float("nan")
    band = np.minimum(np.floor(score * bands), bands - 1)
    total = 0.0
    for b in np.unique(band):
        inside = band == b
        total += inside.sum() * abs(score[inside].mean() - late[inside].mean())
    return float(total / len(score))
