"""Champion against challenger on live outcomes, and the rule that promotes the challenger.

The daily scoring scores every flight with the champion (published) and the challenger
(shadow). Each evening, before the next day is scored, this step compares the two on the
flights both scored whose outcomes are in (every scored day before the scoring date):

- fewer than MIN_DAYS days of outcomes: no decision yet (the challenger is the oldest
  candidate not yet decided: each takes its turn in shadow);
- the difference of AUC (challenger − champion) over those flights, with a 95 % confidence
  interval from a paired bootstrap that resamples whole days (flights of one day share their
  weather and congestion, so they are not independent draws): promoted when the whole
  interval is above 0, rejected when it is below 0, else kept in shadow, or, when a newer
  candidate waits, rejected as superseded (it had its days without a clear win).

A decision is the registry's approval status (SageMaker's on AWS), written with its reason;
each evaluation is also kept in `_ml/champion/<date>.json` for the model report.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from flightlake.lake import Lake
from flightlake.run_context import RunContext, StepResult
from flightlake.runtime.storage import read_json, write_json
from training import outcomes
from training.jobs import backend, scoring_days
from training.registry.base import (
    APPROVED,
    PENDING,
    REJECTED,
    ModelVersion,
    challenger,
    promote,
)

MIN_DAYS = 7  # a week of outcomes: every day of the week once
LOOKBACK_DAYS = 28  # the evaluation reads at most the last four weeks of outcomes
RESAMPLES = 1000
CONFIDENCE = 0.95
SEED = 0


@dataclass(frozen=True)
class Comparison:
    days: int
    flights: int
    champion_auc: float
    challenger_auc: float
    low: float  # the confidence interval of challenger − champion AUC
    high: float

    @property
    def difference(self) -> float:
        return self.challenger_auc - self.champion_auc


def compare(paired: pd.DataFrame, resamples: int = RESAMPLES, seed: int = SEED) -> Comparison:
    """`paired`: one row per flight with scoring_date, late, champion and challenger scores."""
    days = sorted(paired["scoring_date"].unique())
    by_day = [paired[paired["scoring_date"] == d] for d in days]
    late = [g["late"].to_numpy() for g in by_day]
    champ = [g["champion"].to_numpy() for g in by_day]
    chall = [g["challenger"].to_numpy() for g in by_day]
    rng = np.random.default_rng(seed)
    diffs = []
    for _ in range(resamples):
        pick = rng.integers(0, len(days), len(days))
        y = np.concatenate([late[i] for i in pick])
        diff = outcomes.auc(y, np.concatenate([chall[i] for i in pick])) - outcomes.auc(
            y, np.concatenate([champ[i] for i in pick])
        )
        if not np.isnan(diff):
            diffs.append(diff)
    tail = (1 - CONFIDENCE) / 2
    low, high = np.quantile(diffs, [tail, 1 - tail]) if diffs else (float("nan"),) * 2
    y = paired["late"].to_numpy()
    return Comparison(
        days=len(days),
        flights=len(paired),
        champion_auc=outcomes.auc(y, paired["champion"].to_numpy()),
        challenger_auc=outcomes.auc(y, paired["challenger"].to_numpy()),
        low=float(low),
        high=float(high),
    )


def verdict(result: Comparison | None, days: int) -> tuple[str, str]:
    """promote | reject | keep, and why."""
    if result is None or days < MIN_DAYS:
        return "keep", f"{days} day(s) of outcomes, the rule needs {MIN_DAYS}"
    interval = (
        f"AUC {result.challenger_auc:.4f} vs {result.champion_auc:.4f} over {result.days} days, "
        f"{result.flights:,} flights; difference {result.difference:+.4f}, "
        f"{CONFIDENCE:.0%} CI [{result.low:+.4f}, {result.high:+.4f}]"
    )
    if result.low > 0:
        return "promote", f"beats the champion: {interval}"
    if result.high < 0:
        return "reject", f"worse than the champion: {interval}"
    return "keep", f"no clear difference yet: {interval}"


def paired_scores(scored: pd.DataFrame, champion: str, rival: str) -> pd.DataFrame:
    """Flights scored by both versions on the same day, side by side."""
    keys = ["scoring_date", "flight_id", "late"]
    a = scored[scored["model_version"] == champion][[*keys, "score"]]
    b = scored[scored["model_version"] == rival][[*keys, "score"]]
    return a.merge(b, on=keys, suffixes=("_a", "_b")).rename(
        columns={"score_a": "champion", "score_b": "challenger"}
    )


@dataclass(kw_only=True)
class CompareResult(StepResult):
    champion: str = ""
    challenger: str = ""
    decision: str = ""  # promote | reject | supersede | keep
    reason: str = ""
    comparison: dict = field(default_factory=dict)

    def summary(self) -> str:
        if self.skipped:
            return self.skipped
        return f"{self.challenger} against {self.champion}: {self.decision} ({self.reason})"


def compare_models(ctx: RunContext) -> CompareResult:
    """The step: decide on the challenger with the outcomes known the evening before the
    scoring date (every day before it)."""
    started = time.perf_counter()
    registry = backend(ctx)[1]
    versions = registry.versions()
    champion = next((v for v in reversed(versions) if v.status == APPROVED), None)
    rival = challenger(versions)
    if champion is None or rival is None:
        return CompareResult(skipped="no challenger to compare")
    evening = min(scoring_days(ctx))
    days = [evening - timedelta(days=n) for n in range(1, LOOKBACK_DAYS + 1)]
    paired = paired_scores(outcomes.scored(ctx.lake, days), champion.label, rival.label)
    n_days = paired["scoring_date"].nunique()
    result = compare(paired) if n_days >= MIN_DAYS else None
    decision, reason = verdict(result, n_days)
    newer = next((v for v in versions if v.status == PENDING and v.version > rival.version), None)
    if decision == "keep" and result is not None and newer is not None:
        # It had its days without a clear win, and a newer candidate waits for its turn.
        decision, reason = "supersede", f"superseded by {newer.label}: {reason}"
    out = CompareResult(
        champion=champion.label,
        challenger=rival.label,
        decision=decision,
        reason=reason,
        comparison=result.__dict__ if result else {},
        seconds=round(time.perf_counter() - started, 3),
    )
    # The evaluation first: a run killed between the two leaves the record, and the rerun
    # decides again from the same outcomes.
    write_json(ctx.lake.storage, ctx.lake.champion_file(evening),
               {"scoring_date": evening.isoformat(), "champion": out.champion,
                "challenger": out.challenger, "decision": decision, "reason": reason,
                "comparison": out.comparison})
    _apply(registry, decision, reason, champion, rival)
    return out


def _apply(registry, decision: str, reason: str, champion: ModelVersion,
           rival: ModelVersion) -> None:
    if decision == "promote":
        promote(registry, rival.version, f"replaces {champion.label}: {reason}")
    elif decision in ("reject", "supersede"):
        registry.set_status(rival, REJECTED, f"challenger to {champion.label}: {reason}")


def decisions(lake: Lake, first: date, last: date) -> list[dict]:
    """The evaluations of the scoring dates from `first` to `last` that were made."""
    out = []
    for n in range((last - first).days + 1):
        record = read_json(lake.storage, lake.champion_file(first + timedelta(days=n)))
        if record:
            out.append(record)
    return out
