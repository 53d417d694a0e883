"""A span of days replayed as the schedule would run it, through the same runner and steps.

For each day D, in order (the evening before D):
- deliver the drops dated up to D (flightlake/landing.py: the day's flights file carries its
  schedule, which scoring reads, and its outcomes, which no feature of D reads: the
  point-in-time test in tests/unit/features proves it);
- on a Monday, the weekly retrain inside the day's run, after the decision on the challenger
  and before the scoring: the `all` workflow with `as_of = D` (rolling splits ending on
  D − 1); its model waits its turn as a challenger;
- otherwise the daily workflow for D: crawl, process, curate, compare champion and
  challenger, scoring sets, score, monitor, views.

Before the first day, when the lake has no champion yet, a bootstrap delivers and processes
everything before it and trains the first model as of that day.

The replay's own state (`_state/replay.json`) lists the days done; a killed replay run again
resumes at the day that did not finish, and that day's workflow run resumes at its step
(flightlake/pipeline/runner.py). The result is the lake the schedule would have left.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from flightlake import landing, runs
from flightlake.pipeline import dag, runner
from flightlake.pipeline.dag import Step
from flightlake.pipeline.runner import StepOutcome, WorkflowRun
from flightlake.run_context import RunContext, day_range
from flightlake.runtime.storage import read_json, write_json

MONDAY = 0
STATE_FILE = "_state/replay.json"


@dataclass
class ReplayDay:
    day: date
    workflow: str
    seconds: float
    run: WorkflowRun | None  # None: done by an earlier attempt


@dataclass
class ReplayResult:
    first: date
    last: date
    days: list[ReplayDay] = field(default_factory=list)
    bootstrap_seconds: float = 0.0
    resumed_days: int = 0


def retrains(day: date) -> bool:
    """The weekly retrain's day: the run of the evening before each Monday's flights."""
    return day.weekday() == MONDAY


def _versions(ctx: RunContext) -> list:
    from training.jobs import backend

    return backend(ctx)[1].versions()


def _has_champion(ctx: RunContext) -> bool:
    from training.registry.base import APPROVED

    return any(v.status == APPROVED for v in _versions(ctx))


def check_span(ctx: RunContext, first: date, last: date) -> None:
    """A replay starts where the lake's models end: a model trained on data from the first
    day on would score it with hindsight. Days must have data to replay."""
    if last > landing.DATA_END:
        raise ValueError(f"--to {last}: the data ends on {landing.DATA_END}")
    for v in _versions(ctx):
        end = v.lineage.get("test_to") or v.lineage.get("data_to")
        if end and date.fromisoformat(end) >= first:
            raise ValueError(
                f"{v.label} was trained on data up to {end}, after the evening before {first}: "
                f"replaying from {first} would score with hindsight; replay into another lake "
                "(--lake) or from a later day"
            )


def replay(
    ctx: RunContext,
    first: date,
    last: date,
    on_day: Callable[[date, str, int, int], None] | None = None,
    on_step: Callable[[Step, StepOutcome | None], None] | None = None,
) -> ReplayResult:
    """Replay `first` … `last`; resumable. Raises runner.StepFailed when a day fails."""
    lake = ctx.lake
    days = day_range(first, last)
    state = read_json(lake.storage, STATE_FILE, default=None) or {}
    if state.get("from") != first.isoformat() or state.get("to") != last.isoformat():
        check_span(ctx, first, last)  # a new span; a resumed one trained its own models
        state = {"from": first.isoformat(), "to": last.isoformat(), "done": [],
                 "started_at": runs.now_iso()}
    result = ReplayResult(first, last, resumed_days=len(state["done"]))
    bootstrapped = False
    if not state["done"] and not _has_champion(ctx):
        started = time.perf_counter()
        before = first - timedelta(days=1)
        if on_day:
            on_day(before, "bootstrap", 0, len(days))
        landing.land(lake, before)
        _workflow(ctx, "daily", (before,), None, on_step)
        _workflow(ctx, "weekly", (), first, on_step)
        result.bootstrap_seconds = time.perf_counter() - started
        bootstrapped = True
    for n, day in enumerate(days, 1):
        # The bootstrap has just trained as of the first day: a Monday does not train again.
        monday = retrains(day) and not (bootstrapped and day == first)
        workflow = "all" if monday else "daily"
        if day.isoformat() in state["done"]:
            result.days.append(ReplayDay(day, workflow, 0.0, None))
            continue
        if on_day:
            on_day(day, workflow, n, len(days))
        started = time.perf_counter()
        landing.land(lake, day)
        run = _workflow(ctx, workflow, (day,), day if monday else None, on_step)
        result.days.append(ReplayDay(day, workflow, time.perf_counter() - started, run))
        state["done"].append(day.isoformat())
        write_json(lake.storage, STATE_FILE, state)
    state["finished_at"] = runs.now_iso()
    write_json(lake.storage, STATE_FILE, state)
    return result


def _workflow(
    ctx: RunContext,
    workflow: str,
    dates: tuple[date, ...],
    as_of: date | None,
    on_step: Callable[[Step, StepOutcome | None], None] | None,
) -> WorkflowRun:
    day_ctx = replace(ctx, dates=dates, as_of=as_of, run_id=runs.new_run_id())
    # The runner resumes the workflow's unfinished run, with that run's dates: only when it
    # is this day's (a kill on the same day); another day's is abandoned for a new run.
    state = read_json(ctx.lake.storage, ctx.lake.workflow_state_file(workflow), default={}) or {}
    other = state.get("status") in ("failed", "running") and state.get("dates") != [
        d.isoformat() for d in dates]
    return runner.run_workflow(day_ctx, workflow, dag.select(workflow), explicit=other,
                               on_step=on_step)
