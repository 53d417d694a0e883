"""The monitor step: drift of the champion's inputs and scores, per scoring date, into
curated.model_monitoring, and one line per run.

A day's flights share their weather, congestion and history (the three origins give a
history feature three values a day), so one day against a month is always "different", and so
is one week for such features. Each scoring date is judged by its trailing week (the date and
the six days before) against the eight weeks before that week, from the champion's own scoring
sets, and the alarm threshold comes from the same history:

- psi_recent: the trailing week against the eight reference weeks;
- psi_threshold: ALARM_FACTOR × the largest PSI of one reference week against the other seven
  (how far an ordinary week moves; eight weeks hold stormy ones and holidays), and at least
  drift.SIGNIFICANT;
- alarm: psi_recent above psi_threshold, for features that are not calendar features
  (features.definitions.CALENDAR): those move with the date and are reported, never alarmed
  on. Needs two reference weeks.
- psi_training: the trailing week against the training set, reported (it is where the
  calendar's moves show).
- the scores (`series = score`): the champion's trailing week of published scores against its
  scores of the reference weeks, judged the same way.

Performance decay once outcomes land (AUC, calibration error per day and per week) is in the
views curated.model_performance_daily and curated.model_performance_weekly; the step's line
gives the trailing week's.

On AWS this is the same step, reading the lake. SageMaker Model Monitor's batch-transform
monitoring (data capture, a baseline from the training set) was not used: it compares each
job's inputs with one fixed baseline, which is the training-set comparison above and alarms
on every calendar feature; it has no trailing-window reference.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import numpy as np
import pandas as pd

from features.definitions import CALENDAR, CATEGORICAL, FEATURE_NAMES, ID, LABEL
from features.export import CSV_FILE, add_scoring_sets
from flightlake import drift, runs
from flightlake.contracts import MONITORING
from flightlake.lake import Lake
from flightlake.run_context import RunContext, StepResult
from training import outcomes
from training.jobs import NO_MODEL, backend, models, publish_partition, scoring_days

WINDOW_DAYS = 7
REFERENCE_WEEKS = 8
MIN_REFERENCE_WEEKS = 2
ALARM_FACTOR = 2  # twice what an ordinary week moves
SCORE = "score"


def _days(end: date, count: int) -> list[date]:
    return [end - timedelta(days=n) for n in range(count - 1, -1, -1)]


def _read(root: str, rel: str, names: tuple[str, ...]) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(Lake.at(root).storage.read_bytes(rel)), header=None,
                       names=list(names))


# A file of an export, read once per process and content version: a replay monitors day after
# day over the same weeks (about 70 scoring sets of a few hundred kB) and the same training set
# (about 200 MB in memory: one at a time).
_scoring_csv = lru_cache(maxsize=96)(lambda root, rel, version, names: _read(root, rel, names))
_training_csv = lru_cache(maxsize=1)(lambda root, rel, version, names: _read(root, rel, names))


class _Export:
    """An export's files as the step found them (path → content version)."""

    def __init__(self, lake: Lake, export_id: str) -> None:
        self.lake, self.export_id = lake, export_id
        self.versions = {f.path: f.version
                         for f in lake.storage.list_files(lake.export_dir(export_id))}

    def scoring_set(self, day: date) -> pd.DataFrame | None:
        rel = f"{self.lake.scoring_dir(self.export_id, day)}/{CSV_FILE}"
        if rel not in self.versions:
            return None
        return _scoring_csv(self.lake.root, rel, self.versions[rel], (ID, *FEATURE_NAMES))

    def frames(self, days: list[date]) -> tuple[pd.DataFrame, int]:
        found = [f for d in days if (f := self.scoring_set(d)) is not None]
        if not found:
            return pd.DataFrame(columns=list(FEATURE_NAMES)), 0
        return pd.concat(found, ignore_index=True)[list(FEATURE_NAMES)], len(found)

    def training(self) -> pd.DataFrame:
        rel = f"{self.lake.export_split_dir(self.export_id, 'train')}/{CSV_FILE}"
        return _training_csv(self.lake.root, rel, self.versions[rel], (LABEL, *FEATURE_NAMES))


def _weeks(end: date) -> list[list[date]]:
    """The trailing week ending on `end`, then the reference weeks before it, newest first."""
    return [_days(end - timedelta(days=WINDOW_DAYS * n), WINDOW_DAYS)
            for n in range(REFERENCE_WEEKS + 1)]


def judge(window: np.ndarray, weeks: list[np.ndarray], categorical: bool = False) -> dict:
    """psi_recent and psi_threshold of one series: `window` against the reference `weeks`
    (None when fewer than MIN_REFERENCE_WEEKS hold data)."""
    weeks = [w for w in weeks if len(w)]
    if len(weeks) < MIN_REFERENCE_WEEKS or not len(window):
        return {"psi_recent": None, "psi_threshold": None}
    recent = drift.psi(np.concatenate(weeks), window, categorical)
    ordinary = max(
        drift.psi(np.concatenate(weeks[:i] + weeks[i + 1 :]), week, categorical)
        for i, week in enumerate(weeks)
    )
    return {"psi_recent": recent, "psi_threshold": max(drift.SIGNIFICANT, ALARM_FACTOR * ordinary)}


def measure(window: pd.DataFrame, weeks: list[pd.DataFrame], training: pd.DataFrame) -> list[dict]:
    """One row per feature: kind, psi_recent, psi_threshold, psi_training and alarm."""
    rows = []
    for name in FEATURE_NAMES:
        categorical = name in CATEGORICAL
        values = window[name].to_numpy(dtype=float)
        judged = judge(values, [w[name].to_numpy(dtype=float) for w in weeks], categorical)
        kind = "calendar" if name in CALENDAR else "feature"
        rows.append({
            "series": name,
            "kind": kind,
            **judged,
            "psi_training": drift.psi(training[name].to_numpy(dtype=float), values, categorical),
            "alarm": _alarm(kind, judged),
        })
    return rows


def _alarm(kind: str, judged: dict) -> bool:
    return (kind != "calendar" and judged["psi_recent"] is not None
            and judged["psi_recent"] > judged["psi_threshold"])


def score_drift(scores: pd.DataFrame, version: str, day: date) -> dict:
    """The champion's published scores of the trailing week against the reference weeks."""
    mine = scores[scores["model_version"] == version]
    weeks = [
        mine[mine["scoring_date"].isin({d.isoformat() for d in week})]["score"]
        .to_numpy(dtype=float)
        for week in _weeks(day)
    ]
    judged = judge(weeks[0], weeks[1:])
    return {"series": SCORE, "kind": "prediction", **judged, "psi_training": None,
            "alarm": _alarm("prediction", judged)}


@dataclass(kw_only=True)
class MonitorResult(StepResult):
    model_version: str = ""
    days: dict[str, dict] = field(default_factory=dict)  # day → alarms, worst, live metrics

    def summary(self) -> str:
        if self.skipped:
            return self.skipped
        alarmed = {d: v["alarms"] for d, v in self.days.items() if v["alarms"]}
        series = sorted({a for names in alarmed.values() for a in names})
        shown = ", ".join(series[:5]) + (f" … (+{len(series) - 5})" if len(series) > 5 else "")
        last = self.days[max(self.days)]
        live = ", ".join(
            f"{role} AUC {m['auc']:.4f} ECE {m['calibration_error']:.4f}"
            for role, m in last["live"].items()
        ) or "no outcomes yet"
        return (
            f"{self.model_version} on {len(self.days)} day(s): drift alarms on "
            f"{len(alarmed)} day(s){': ' + shown if series else ''}; nearest its threshold on "
            f"{max(self.days)}: {last['worst']} · trailing week live: {live}"
        )


def monitor(ctx: RunContext) -> MonitorResult:
    """The step: drift rows of every scoring date into curated.model_monitoring."""
    started = time.perf_counter()
    lake = ctx.lake
    registry = backend(ctx)[1]
    scoring = models(registry)
    if not scoring:
        return MonitorResult(skipped=NO_MODEL)
    versions = {v.label: v for v in registry.versions()}
    days = scoring_days(ctx)
    first = min(days) - timedelta(days=WINDOW_DAYS * (REFERENCE_WEEKS + 1) - 1)
    span = _days(max(days), (max(days) - first).days + 1)
    scored = outcomes.predictions(lake, span)
    # Each day is judged with the champion that scored it (a rerun of an earlier day after a
    # promotion keeps that day's champion); a day not scored yet, with today's.
    champions = scored[scored["role"] == "champion"].groupby("scoring_date")["model_version"]
    by_day = {d: champions.first().get(d.isoformat(), scoring[0][1].label) for d in days}
    exports = {label: versions[label].lineage["export_id"] for label in set(by_day.values())}
    # The reference days' scoring sets, with each champion's vocabulary (built once).
    add_scoring_sets(ctx, exports.values(),
                     [d for d in span if d in days or _has_flights(lake, d)])
    files = {label: _Export(lake, export_id) for label, export_id in exports.items()}
    live = outcomes.scored(lake, _days(min(days) - timedelta(days=1), WINDOW_DAYS))
    monitoring_run = f"monitor-{runs.new_run_id()}"
    result = MonitorResult(model_version=by_day[max(days)])
    for day in days:
        label = by_day[day]
        window, *weeks = (files[label].frames(week) for week in _weeks(day))
        rows = measure(window[0], [w for w, n in weeks if n], files[label].training())
        rows.append(score_drift(scored, label, day))
        flights = len(files[label].scoring_set(day))
        reference_days = sum(n for _, n in weeks)
        _write(ctx, day, label, rows, flights, reference_days, monitoring_run)
        features = [r for r in rows if r["kind"] == "feature" and r["psi_recent"] is not None]
        worst = max(features, key=lambda r: r["psi_recent"] / r["psi_threshold"], default=None)
        result.days[day.isoformat()] = {
            "alarms": [r["series"] for r in rows if r["alarm"]],
            "worst": (f"{worst['series']} {worst['psi_recent']:.3f} "
                      f"(threshold {worst['psi_threshold']:.3f})") if worst else "n/a",
            "live": _live(live),
        }
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def _has_flights(lake: Lake, day: date) -> bool:
    return lake.storage.exists(
        lake.table_file("curated", "flights", ("flight_month", day.strftime("%Y-%m")))
    )


def _live(scored: pd.DataFrame) -> dict[str, dict]:
    out = {}
    for role, rows in scored.groupby("role"):
        late, score = rows["late"].to_numpy(), rows["score"].to_numpy(dtype=float)
        out[str(role)] = {"auc": outcomes.auc(late, score),
                          "calibration_error": outcomes.calibration_error(late, score),
                          "flights": len(rows)}
    return out


def _write(ctx: RunContext, day: date, version: str, rows: list[dict], flights: int,
           reference_days: int, monitoring_run: str) -> None:
    frame = pd.DataFrame(rows).assign(
        scoring_date=day.isoformat(), model_version=version, flights=flights,
        reference_days=reference_days, monitoring_run=monitoring_run,
    )
    for column in ("psi_recent", "psi_threshold", "psi_training"):
        frame[column] = frame[column].astype(float).round(6)
    publish_partition(ctx, MONITORING, frame, day)
