"""The one executor of the pipeline: every step, locally or on Glue, runs through `run_step`;
a workflow run locally is `run_workflow`, its steps in dependency order.

A step's lifecycle: its staging folder emptied (leftovers of a killed attempt), the function
called, a run record written whatever happens (`_runs/<run_id>.<step>.json`: one shape for
every step), the staging folder emptied again.

A workflow's state (`_state/workflows/<workflow>.json`) holds its run id and each step's
outcome. A run that failed, or was killed, is resumed: the steps it finished are not redone
(unless `--from`/`--only` name them). Once every selected step succeeded, the next run starts
afresh with a new run id.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from flightlake import runs
from flightlake.errors import one_line
from flightlake.pipeline.dag import Step
from flightlake.run_context import RunContext, StepResult
from flightlake.runtime.storage import read_json, write_json


@dataclass
class StepOutcome:
    step: Step
    # succeeded | skipped (nothing to do) | resumed (an earlier attempt did it) | failed
    status: str
    seconds: float = 0.0
    result: StepResult | None = None  # None when resumed or failed
    error: str | None = None
    record: str = ""  # the run record's path in the lake
    exception: Exception | None = field(default=None, repr=False)  # what a failed step raised


@dataclass
class WorkflowRun:
    run_id: str
    workflow: str
    outcomes: list[StepOutcome]
    record: str  # the workflow's run record in the lake

    def result(self, step: str) -> StepResult | None:
        """What `step` did in this run (None: not run here, or resumed)."""
        return next((o.result for o in self.outcomes if o.step.name == step), None)

    @property
    def quality(self) -> dict[str, dict]:
        """The quality gate's verdict per table, over every step of the run."""
        return {t: q for o in self.outcomes if o.result for t, q in o.result.quality.items()}


class StepFailed(Exception):
    def __init__(self, step: str, error: str) -> None:
        super().__init__(f"step {step} failed: {error}")
        self.step = step
        self.error = error


def run_step(step: Step, ctx: RunContext, workflow: str | None = None) -> StepOutcome:
    """Run one step through the lifecycle; raise the step's own exception after recording it."""
    ctx = replace(ctx, step=step.name)
    lake = ctx.lake
    lake.storage.delete_prefix(ctx.staging)
    record: dict = {
        "run_id": ctx.run_id,
        "step": step.name,
        "workflow": workflow,
        "lake": lake.root,
        "status": "running",
        "started_at": runs.now_iso(),
    }
    name = f"{ctx.run_id}.{step.name}"
    started = time.perf_counter()
    try:
        result = step.run(ctx)
        body = result.as_dict()
        record.update(
            status="skipped" if result.skipped else "succeeded",
            quality=body.pop("quality"),
            result=body,
        )
        return StepOutcome(
            step,
            record["status"],
            time.perf_counter() - started,
            result,
            record=lake.run_file(name),
        )
    except Exception as exc:
        runs.record_failure(lake, record, exc)
        raise
    finally:
        record["finished_at"] = runs.now_iso()
        record["seconds"] = round(time.perf_counter() - started, 3)
        if record.get("quality") and "quality_report" not in record:  # the step validated
            record["quality_report"] = lake.uri(lake.quality_report(ctx.run_id))
        runs.save(lake, record, name=name)
        lake.storage.delete_prefix(ctx.staging)


def run_workflow(
    ctx: RunContext,
    workflow: str,
    steps: list[Step],
    explicit: bool = False,
    on_step: Callable[[Step, StepOutcome | None], None] | None = None,
) -> WorkflowRun:
    """Run `steps` of `workflow` in order, resuming a failed or killed run of it (its own
    steps and dates, whatever this call selected); `explicit` (--from/--only given) starts a
    new run instead. The context's run id is replaced by the workflow run's. Raises
    StepFailed at the first failing step."""
    lake = ctx.lake
    state_file = lake.workflow_state_file(workflow)
    state = read_json(lake.storage, state_file, default={}) or {}
    unfinished = state.get("status") in ("failed", "running")
    resuming = unfinished and not explicit
    if resuming:
        chosen = set(state.get("selection") or [s.name for s in steps])
        steps = [s for s in steps if s.name in chosen]
        ctx = replace(ctx, dates=tuple(date.fromisoformat(d) for d in state.get("dates", [])))
    else:
        if unfinished:  # an abandoned run: its scratch goes with it
            lake.storage.delete_prefix(lake.run_staging_dir(state["run_id"]))
        state = {
            "run_id": runs.new_run_id(),
            "selection": [s.name for s in steps],
            "dates": [d.isoformat() for d in ctx.dates],
            "steps": {},
        }
    state.update(status="running", started_at=state.get("started_at") or runs.now_iso())
    write_json(lake.storage, state_file, state)
    ctx = replace(ctx, run_id=state["run_id"])
    outcomes: list[StepOutcome] = []
    try:
        for step in steps:
            previous = state["steps"].get(step.name, {})
            if resuming and previous.get("status") in ("succeeded", "skipped"):
                outcome = StepOutcome(step, "resumed", record=previous.get("record", ""))
            else:
                outcome = _attempt(step, ctx, workflow, on_step)
                state["steps"][step.name] = _as_state(outcome)
                write_json(lake.storage, state_file, state)
                if outcome.status == "failed":
                    outcomes.append(outcome)
                    raise StepFailed(step.name, outcome.error) from outcome.exception
            outcomes.append(outcome)
            if on_step:
                on_step(step, outcome)
        state["status"] = "succeeded"
    except StepFailed:
        state["status"] = "failed"
        raise
    finally:
        state["finished_at"] = runs.now_iso()
        write_json(lake.storage, state_file, state)
        record = _save_record(ctx, workflow, state, outcomes)
    return WorkflowRun(state["run_id"], workflow, outcomes, record)


def _attempt(
    step: Step,
    ctx: RunContext,
    workflow: str,
    on_step: Callable[[Step, StepOutcome | None], None] | None,
) -> StepOutcome:
    """run_step, with a failure turned into a failed outcome (shown, then raised by the caller)."""
    if on_step:
        on_step(step, None)
    started = time.perf_counter()
    try:
        return run_step(step, ctx, workflow)
    except Exception as exc:
        outcome = StepOutcome(
            step,
            "failed",
            time.perf_counter() - started,
            error=one_line(exc),
            record=ctx.lake.run_file(f"{ctx.run_id}.{step.name}"),
            exception=exc,
        )
        if on_step:
            on_step(step, outcome)
        return outcome


def _save_record(ctx: RunContext, workflow: str, state: dict, outcomes: list[StepOutcome]) -> str:
    """The workflow run's record: its steps' outcomes, each pointing at the step's record."""
    name = f"{state['run_id']}.{workflow}"
    record = {
        "run_id": state["run_id"],
        "workflow": workflow,
        "status": state["status"],
        "steps": [{"step": o.step.name, **_as_state(o)} for o in outcomes],
        "started_at": state["started_at"],
        "finished_at": state["finished_at"],
    }
    runs.save(ctx.lake, record, name=name)
    return ctx.lake.run_file(name)


def _as_state(outcome: StepOutcome) -> dict:
    out = {"status": outcome.status, "seconds": round(outcome.seconds, 3), "record": outcome.record}
    if outcome.error:
        out["error"] = outcome.error
    return out
