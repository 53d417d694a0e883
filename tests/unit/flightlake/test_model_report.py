"""The model report opened in a real browser: headless Chromium draws the page, and the
screenshot must hold each role's colour, so a chart that is missing or drawn empty fails."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from flightlake.render import model_report

PERFORMANCE = [
    "scoring_date",
    "model_version",
    "role",
    "flights",
    "late_rate",
    "mean_score",
    "auc",
    "calibration_error",
]
DRIFT = ["scoring_date", "feature", "kind", "psi_recent", "psi_threshold", "psi_training",
         "alarm"]
SUMMARY = ["model_version", "role", "days", "flights", "auc", "calibration_error"]
CHARTS = ["chart-auc", "chart-calibration", "chart-drift", "chart-drift-features"]
DAYS = pd.date_range("2013-12-01", periods=20).strftime("%Y-%m-%d").tolist()
# Anti-aliased edges blend with the background: only a line's core has its exact colour.
TOLERANCE = 8
ENOUGH = 300


def _performance() -> pd.DataFrame:
    rng = np.random.default_rng(13)
    rows = []
    for i, day in enumerate(DAYS):
        late = 0.2 + 0.03 * rng.random()
        rows.append(
            (day, "delay-risk/v1", "champion", 900, late, 0.21, 0.70 + 0.02 * rng.random(), 0.03)
        )
        if i >= 7:  # the challenger is scored from day 8
            auc = np.nan if i == 12 else 0.73 + 0.02 * rng.random()
            rows.append((day, "delay-risk/v2", "challenger", 900, late, 0.2, auc, 0.02))
    return pd.DataFrame(rows, columns=PERFORMANCE)


def _drift() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    features = [("dep_month", "calendar"), ("day_of_week", "calendar"), ("score", "prediction")]
    features += [(f"feature_{n}", "feature") for n in range(12)]
    rows = []
    for i, day in enumerate(DAYS):
        for feature, kind in features:
            alarm = feature == "feature_3" and i >= 15
            psi = np.nan if i == 0 else 0.4 if alarm else 0.1 * rng.random()
            rows.append((day, feature, kind, psi, 0.25, 0.01, alarm))
    return pd.DataFrame(rows, columns=DRIFT)


EVENTS = [
    {"date": "2013-11-30", "action": "trained", "version": "delay-risk/v2", "reason": "weekly"},
    {"date": "2013-12-08", "action": "kept", "version": "delay-risk/v1", "reason": "<b>v2</b> new"},
    {"date": "2013-12-20", "action": "promoted", "version": "delay-risk/v2", "reason": "AUC +3"},
]
SUMMARY_ROWS = pd.DataFrame(
    [
        ("delay-risk/v1", "champion", 20, 18000, 0.71, 0.03),
        ("delay-risk/v2", "challenger", 13, 11700, 0.74, 0.02),
    ],
    columns=SUMMARY,
)


def _report(performance: pd.DataFrame) -> str:
    return model_report.html("Delay risk", performance, _drift(), EVENTS, SUMMARY_ROWS)


def _browse(page: str, tmp_path: Path, name: str) -> tuple[np.ndarray, str]:
    """The screenshot Chromium takes of the page, and the DOM it parsed."""
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("chromium is not installed: `make test` installs it (apt-get install chromium)")
    path = tmp_path / f"{name}.html"
    path.write_text(page, encoding="utf-8")
    shot = tmp_path / f"{name}.png"
    run = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",  # tests run as root in containers
            "--disable-gpu",
            "--hide-scrollbars",
            f"--user-data-dir={tmp_path / f'profile-{name}'}",
            "--window-size=1200,3000",
            f"--screenshot={shot}",
            "--dump-dom",
            path.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0 and shot.exists(), run.stderr[-3000:]
    return np.asarray(Image.open(shot).convert("RGB")).astype(int), run.stdout


def _pixels(image: np.ndarray, colour: str) -> int:
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(image - rgb).max(axis=2) <= TOLERANCE).sum())


def _charts(dom: str) -> list[str]:
    """The ids of the figure.chart elements whose first child is an <svg>."""
    return re.findall(r'<figure class="chart" id="([\w-]+)"><svg\b', dom)


def test_charts_render_in_chromium(tmp_path):
    image, dom = _browse(_report(_performance()), tmp_path, "full")
    assert _charts(dom) == CHARTS
    assert _pixels(image, model_report.CHAMPION) > ENOUGH
    assert _pixels(image, model_report.CHALLENGER) > ENOUGH
    assert _pixels(image, model_report.WORST) > ENOUGH

    # Without scored days the role colours vanish: the checks above can fail.
    image, dom = _browse(_report(pd.DataFrame(columns=PERFORMANCE)), tmp_path, "no-performance")
    assert _charts(dom) == ["chart-drift", "chart-drift-features"]
    assert "No data yet: no scored day." in dom
    assert _pixels(image, model_report.CHAMPION) < ENOUGH / 10
    assert _pixels(image, model_report.CHALLENGER) < ENOUGH / 10
    assert _pixels(image, model_report.WORST) > ENOUGH


def test_self_contained_escaped_and_reproducible():
    page = _report(_performance())
    for reference in ("http://", "https://", "<script", "<link", "<img"):
        assert reference not in page
    assert "&lt;b&gt;v2&lt;/b&gt; new" in page
    assert "<b>v2</b>" not in page
    assert page == _report(_performance())
    # One page holds several SVGs: their ids must not collide.
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_empty_inputs_render():
    page = model_report.html(
        "Delay risk",
        pd.DataFrame(columns=PERFORMANCE),
        pd.DataFrame(columns=DRIFT),
        [],
        pd.DataFrame(columns=SUMMARY),
    )
    assert page.count("No data yet") == len(CHARTS) + 2
    assert "<figure" not in page and "<table" not in page
