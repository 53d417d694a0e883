"""Drift that means something: a feature is judged by its trailing week against the weeks
before it, with a threshold learnt from how far an ordinary week moves; calendar features are
reported and never alarmed on."""

from __future__ import annotations

import numpy as np
import pandas as pd

from features.definitions import CALENDAR, FEATURE_NAMES
from flightlake import drift
from training import monitoring


def _week(rng, day_effect: float, shift: float = 0.0, rows: int = 900) -> np.ndarray:
    """A week of a day-clustered feature: each day's flights share a daily level."""
    levels = rng.normal(0, day_effect, 7)
    return np.concatenate([lv + rng.normal(0, 1, rows // 7) for lv in levels]) + shift


def test_an_ordinary_week_raises_no_alarm_and_a_shifted_one_does():
    rng = np.random.default_rng(7)
    for day_effect in (0.0, 2.0):  # independent flights, and flights clustered by day
        weeks = [_week(rng, day_effect) for _ in range(monitoring.REFERENCE_WEEKS)]
        ordinary = monitoring.judge(_week(rng, day_effect), weeks)
        assert ordinary["psi_recent"] <= ordinary["psi_threshold"]
        shifted = monitoring.judge(_week(rng, day_effect, shift=8.0), weeks)
        assert shifted["psi_recent"] > shifted["psi_threshold"] >= drift.SIGNIFICANT
    # Day-clustered features move more from week to week: their threshold is higher.
    calm = monitoring.judge(_week(rng, 0.0), [_week(rng, 0.0) for _ in range(4)])
    lumpy = monitoring.judge(_week(rng, 2.0), [_week(rng, 2.0) for _ in range(4)])
    assert lumpy["psi_threshold"] > calm["psi_threshold"]


def test_fewer_than_two_reference_weeks_judge_nothing():
    rng = np.random.default_rng(1)
    assert monitoring.judge(_week(rng, 0), [_week(rng, 0), np.array([])]) == {
        "psi_recent": None, "psi_threshold": None}


def _frame(rng, shift: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame({
        name: rng.normal(0, 1, 700) + shift.get(name, 0.0) for name in FEATURE_NAMES
    })


def test_calendar_features_never_alarm_a_corrupted_feature_does():
    rng = np.random.default_rng(3)
    weeks = [_frame(rng, {}) for _ in range(4)]
    training = _frame(rng, {})
    # December: every calendar feature far from the weeks before; one feature corrupted
    # (a unit change); the rest ordinary.
    corrupted = next(n for n in FEATURE_NAMES if n not in CALENDAR and n.startswith("distance"))
    window = _frame(rng, {**dict.fromkeys(CALENDAR, 10.0), corrupted: 10.0})
    rows = {r["series"]: r for r in monitoring.measure(window, weeks, training)}
    for name in CALENDAR:
        assert rows[name]["kind"] == "calendar"
        assert rows[name]["psi_recent"] > 1 and not rows[name]["alarm"]
    assert rows[corrupted]["alarm"] and rows[corrupted]["kind"] == "feature"
    assert [n for n, r in rows.items() if r["alarm"]] == [corrupted]
