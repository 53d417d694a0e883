"""The one executor of the pipeline: every step, locally or on Glue, runs through `run_step`;
a workflow run locally is `run_workflow`, its steps in dependency order.

A step's lifecycle: its staging folder emptied (leftovers of a killed attempt), the function
called, a run record written whatever happens (`_runs/<run_id>.<step>.json`: one shape for
every step), the staging folder emptied again.

A workflow's state (`_state/workflows/<workflow>.json`) holds its run id and each step's
outcome. A run that failed, or was killed, is resumed: the steps it finished are not redone
(unless `--from`/`--only` name them). Once every selected step succeeded, the next run starts
afresh with a new run id.

A failed step stops only the steps that depend on it (`Step.depends_on`, directly or
through another blocked step): they are `blocked`, and every other step still runs — a bad
planes snapshot does not hold back weather or flights, which only run after it
(`Step.after`). The run then fails, naming each failed and blocked step.

A workflow run holds the lake's run lock (flightlake/run_lock.py) from start to end: a second
run on the same lake is refused at once.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from flightlake import run_lock, run_metrics, runs
from flightlake.errors import one_line
from flightlake.lake import Lake
from flightlake.pipeline import dag
from flightlake.pipeline.dag import Step
from flightlake.run_context import RunContext, StepResult
from flightlake.runtime import metrics
from flightlake.runtime.storage import read_json, write_json


@dataclass
class StepOutcome:
    step: Step
    # succeeded | skipped (nothing to do) | resumed (an earlier attempt did it) | failed |
    # blocked (a step it depends on failed or was blocked: not run)
    status: str
    seconds: float = 0.0
    result: StepResult | None = None  # None when resumed or blocked; a failed step's counts
    error: str | None = None
    record: str = ""  # the run record's path in the lake
    exception: Exception | None = field(default=None, repr=False)  # what a failed step raised


@dataclass
class WorkflowRun:
    run_id: str
    workflow: str
    outcomes: list[StepOutcome]
    record: str  # the workflow's run record in the lake
    # The run whose lock this one took over: it was killed without releasing it.
    took_over: str | None = None

    def result(self, step: str) -> StepResult | None:
        """What `step` did in this run (None: not run here, or resumed)."""
        return next((o.result for o in self.outcomes if o.step.name == step), None)

    @property
    def quality(self) -> dict[str, dict]:
        """The quality gate's verdict per table, over every step of the run."""
        return {t: q for o in self.outcomes if o.result for t, q in o.result.quality.items()}


class StepFailed(Exception):
    """A workflow run ended with failed steps; `run` is what it did, every step included."""

    def __init__(self, step: str, error: str, run: WorkflowRun | None = None) -> None:
        failed = [o for o in run.outcomes if o.status == "failed"] if run else []
        more = f" (and {len(failed) - 1} more failed step(s))" if len(failed) > 1 else ""
        super().__init__(f"step {step} failed: {error}{more}")
        self.step = step
        self.error = error
        self.run = run


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
        "profile": ctx.profile,
        "backend": ctx.backend,
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
        partial = _partial(exc)
        if partial is not None:
            body = partial.as_dict()
            body.pop("quality")
            record["result"] = body
        raise
    finally:
        record["finished_at"] = runs.now_iso()
        record["spark"] = _spark_settings()
        record["seconds"] = round(time.perf_counter() - started, 3)
        if record.get("quality") and "quality_report" not in record:  # the step validated
            record["quality_report"] = lake.uri(lake.quality_report(ctx.run_id))
        record["metrics"] = run_metrics.of_step(record, dag.completes_workflow(step))
        _publish_metrics(ctx, workflow, record)
        runs.save(lake, record, name=name)
        lake.storage.delete_prefix(ctx.staging)


def _publish_metrics(ctx: RunContext, workflow: str | None, record: dict) -> None:
    """To CloudWatch on AWS. A refused or failed publication is recorded, never the step's
    failure: its data is published already, and the missing metric raises the alarm."""
    try:
        metrics.publish(ctx.lake.root, ctx.profile, workflow, ctx.step, record["metrics"])
    except Exception as exc:
        record["metrics_error"] = one_line(exc)


def _spark_settings() -> dict | None:
    """The session the step ran on, when there is one (steps without Spark never load it)."""
    if "pyspark" not in sys.modules:
        return None
    from flightlake.runtime.spark import session_settings

    try:
        return session_settings()
    except Exception:  # a dead JVM must not hide the step's own error or its record
        return None


def run_alone(step: Step, ctx: RunContext) -> StepOutcome:
    """One step on its own (`flightlake export`, `train`, `score`), holding the run lock."""
    with run_lock.hold(ctx.lake, ctx.run_id):
        return run_step(step, ctx)


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
    LakeLocked when another run holds the lake, and StepFailed, with the whole run, when a
    step failed."""
    # The lock names the run about to start (or resume): read before it is held, so read
    # again after.
    planned = _state(ctx.lake, workflow)
    resumes = planned.get("status") in ("failed", "running") and not explicit
    run_id = planned["run_id"] if resumes else runs.new_run_id()
    with run_lock.hold(ctx.lake, run_id) as held:
        run = _run_workflow(ctx, workflow, steps, explicit, on_step, held, run_id)
    return run


def _state(lake: Lake, workflow: str) -> dict:
    return read_json(lake.storage, lake.workflow_state_file(workflow), default={}) or {}


def _run_workflow(
    ctx: RunContext,
    workflow: str,
    steps: list[Step],
    explicit: bool,
    on_step: Callable[[Step, StepOutcome | None], None] | None,
    held: run_lock.Held,
    new_id: str,
) -> WorkflowRun:
    lake = ctx.lake
    state_file = lake.workflow_state_file(workflow)
    state = _state(lake, workflow)
    unfinished = state.get("status") in ("failed", "running")
    resuming = unfinished and not explicit
    if resuming:
        chosen = set(state.get("selection") or [s.name for s in steps])
        steps = [s for s in steps if s.name in chosen]
        ctx = replace(ctx, dates=tuple(date.fromisoformat(d) for d in state.get("dates", [])))
    else:
        state = {
            "run_id": new_id,
            "selection": [s.name for s in steps],
            "dates": [d.isoformat() for d in ctx.dates],
            "steps": {},
        }
    state.update(status="running", started_at=state.get("started_at") or runs.now_iso())
    write_json(lake.storage, state_file, state)
    ctx = replace(ctx, run_id=state["run_id"])
    outcomes: list[StepOutcome] = []
    stopped: dict[str, str] = {}  # failed or blocked step → the failed step behind it
    try:
        for step in steps:
            previous = state["steps"].get(step.name, {})
            cause = next((d for d in step.depends_on if d in stopped), None)
            if resuming and previous.get("status") in ("succeeded", "skipped"):
                outcome = StepOutcome(step, "resumed", record=previous.get("record", ""))
            elif cause is not None:
                root = stopped[step.name] = stopped[cause]
                via = "" if cause == root else f" (through {cause})"
                outcome = StepOutcome(step, "blocked", error=f"needs {root}, which failed{via}")
            else:
                outcome = _attempt(step, ctx, workflow, on_step)
                if outcome.status == "failed":
                    stopped[step.name] = step.name
            if outcome.status != "resumed":
                state["steps"][step.name] = _as_state(outcome)
                write_json(lake.storage, state_file, state)
            outcomes.append(outcome)
            if on_step and outcome.status != "failed":
                on_step(step, outcome)
        failed = [o for o in outcomes if o.status == "failed"]
        state["status"] = "failed" if failed else "succeeded"
    except BaseException:
        state["status"] = "failed"
        raise
    finally:
        state["finished_at"] = runs.now_iso()
        write_json(lake.storage, state_file, state)
        record = _save_record(ctx, workflow, state, outcomes)
    took_over = held.took_over.describe() if held.took_over else None
    run = WorkflowRun(state["run_id"], workflow, outcomes, record, took_over)
    if failed:
        raise StepFailed(failed[0].step.name, failed[0].error, run) from failed[0].exception
    return run


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
            result=_partial(exc),
            error=one_line(exc),
            record=ctx.lake.run_file(f"{ctx.run_id}.{step.name}"),
            exception=exc,
        )
        if on_step:
            on_step(step, outcome)
        return outcome


def _partial(exc: BaseException) -> StepResult | None:
    """What a failed step had done before it stopped (errors.JobError.result), if it said."""
    partial = getattr(exc, "result", None)
    return partial if isinstance(partial, StepResult) else None


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
