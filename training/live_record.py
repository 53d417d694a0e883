"""The live record of a span of scoring days, as the model report shows it: per day and model
its performance on actual outcomes, the champion's drift, the registry's decisions, and a
summary per model and role. Read from the lake (curated.predictions, curated.flights,
curated.model_monitoring, the registry and `_ml/champion/`)."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pandas as pd
import pyarrow.parquet as pq

from flightlake.contracts import MONITORING
from flightlake.run_context import RunContext, day_range
from training import outcomes
from training.champion import decisions
from training.jobs import backend

PERFORMANCE = ["scoring_date", "model_version", "role", "flights", "late_rate", "mean_score",
               "auc", "calibration_error"]
SUMMARY = ["model_version", "role", "days", "flights", "auc", "calibration_error"]


def _measures(rows: pd.DataFrame) -> dict:
    late, score = rows["late"].to_numpy(), rows["score"].to_numpy(dtype=float)
    return {"flights": len(rows), "late_rate": late.mean(), "mean_score": score.mean(),
            "auc": outcomes.auc(late, score),
            "calibration_error": outcomes.calibration_error(late, score)}


def performance(scored: pd.DataFrame) -> pd.DataFrame:
    rows = [
        {"scoring_date": d, "model_version": v, "role": r, **_measures(g)}
        for (d, v, r), g in scored.groupby(["scoring_date", "model_version", "role"])
    ]
    return pd.DataFrame(rows, columns=PERFORMANCE)


def summary(scored: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for (v, r), g in scored.groupby(["model_version", "role"]):
        m = _measures(g)
        rows.append({"model_version": v, "role": r, "days": g["scoring_date"].nunique(),
                     "flights": m["flights"], "auc": m["auc"],
                     "calibration_error": m["calibration_error"]})
    return pd.DataFrame(rows, columns=SUMMARY)


def drift(ctx: RunContext, days: list[date]) -> pd.DataFrame:
    lake = ctx.lake
    frames = []
    for day in days:
        rel = lake.table_file("curated", MONITORING.name, ("scoring_date", day.isoformat()))
        if lake.storage.exists(rel):
            frames.append(pq.read_table(io.BytesIO(lake.storage.read_bytes(rel))).to_pandas()
                          .assign(scoring_date=day.isoformat()))
    columns = ["scoring_date", "feature", "kind", "psi_recent", "psi_threshold", "psi_training",
               "alarm"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True).rename(columns={"series": "feature"})[columns]


def events(ctx: RunContext, first: date, last: date) -> list[dict]:
    """The versions trained on the span's evenings (their data ends the day before a scoring
    date of the span, the first included) and the rule's decisions."""
    out = []
    evenings = (first - timedelta(days=1)).isoformat(), (last - timedelta(days=1)).isoformat()
    for v in backend(ctx)[1].versions():
        end = v.lineage.get("test_to") or v.lineage.get("data_to") or ""
        if evenings[0] <= end <= evenings[1]:
            out.append({"date": end, "action": "trained", "version": v.label,
                        "reason": f"now {v.status}: {v.reason}"})
    for d in decisions(ctx.lake, first, last):
        if d["decision"] != "keep":
            out.append({"date": d["scoring_date"], "action": d["decision"],
                        "version": d["challenger"], "reason": d["reason"]})
    return sorted(out, key=lambda e: e["date"])


def record(ctx: RunContext, first: date, last: date) -> dict:
    days = day_range(first, last)
    scored = outcomes.scored(ctx.lake, days)
    return {
        "performance": performance(scored),
        "drift": drift(ctx, days),
        "events": events(ctx, first, last),
        "summary": summary(scored),
    }
