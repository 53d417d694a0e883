"""Run the pipeline DAG locally: steps in dependency order, stop at the first failure, resume
from it on the next run.

State per workflow in `_state/dag/<workflow>.json`: the current run id and each step's outcome.
A run that failed is resumed: the steps it finished are not redone (unless `--from`/`--only`
name them). Once every selected step succeeded, the next run starts afresh.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from flightlake import runs
from flightlake.dag import Step
from flightlake.errors import one_line
from flightlake.lake import Lake
from flightlake.runtime.storage import read_json, write_json

StepFn = Callable[[Step], dict]


@dataclass
class StepOutcome:
    name: str
    status: str  # succeeded | failed | skipped | resumed (succeeded earlier in this run)
    seconds: float = 0.0
    detail: dict = field(default_factory=dict)
    error: str | None = None


class StepFailed(Exception):
    def __init__(self, step: str, error: str) -> None:
        super().__init__(f"step {step} failed: {error}")
        self.step = step
        self.error = error


def state_file(workflow: str) -> str:
    return f"_state/dag/{workflow}.json"


def run(
    lake: Lake,
    workflow: str,
    steps: list[Step],
    executor: Callable[[str], StepFn],
    explicit: bool = False,
    on_step: Callable[[Step, StepOutcome | None], None] | None = None,
) -> dict:
    """Execute `steps` with `executor(run_id)`; `explicit` (--from/--only given) redoes them
    even if an earlier attempt of this run finished them."""
    state = read_json(lake.storage, state_file(workflow), default={}) or {}
    resuming = state.get("status") == "failed" and not explicit
    if not resuming:
        state = {"run_id": runs.new_run_id(), "steps": {}}
    state.update(status="running", started_at=state.get("started_at") or runs.now_iso())
    execute = executor(state["run_id"])
    outcomes: list[StepOutcome] = []
    try:
        for step in steps:
            previous = state["steps"].get(step.name, {})
            if resuming and previous.get("status") in ("succeeded", "skipped"):
                outcomes.append(StepOutcome(step.name, "resumed", 0.0, previous.get("detail", {})))
                if on_step:
                    on_step(step, outcomes[-1])
                continue
            if on_step:
                on_step(step, None)
            started = time.perf_counter()
            try:
                detail = execute(step) or {}
            except Exception as exc:
                outcome = StepOutcome(
                    step.name, "failed", time.perf_counter() - started, error=one_line(exc)
                )
                state["steps"][step.name] = _as_state(outcome)
                outcomes.append(outcome)
                if on_step:
                    on_step(step, outcome)
                raise StepFailed(step.name, outcome.error) from exc
            status = "skipped" if detail.get("skipped") else "succeeded"
            outcome = StepOutcome(step.name, status, time.perf_counter() - started, detail)
            state["steps"][step.name] = _as_state(outcome)
            write_json(lake.storage, state_file(workflow), state)
            outcomes.append(outcome)
            if on_step:
                on_step(step, outcome)
        state["status"] = "succeeded"
    except StepFailed:
        state["status"] = "failed"
        raise
    finally:
        state["finished_at"] = runs.now_iso()
        write_json(lake.storage, state_file(workflow), state)
        record = {
            "run_id": state["run_id"],
            "kind": "workflow",
            "workflow": workflow,
            "status": state["status"],
            "steps": [_as_state(o) | {"name": o.name} for o in outcomes],
            # Processed tables this run published, as `flightlake status` reads them.
            "tables": {
                o.detail["table"]: o.detail
                for o in outcomes
                if o.status == "succeeded" and "table" in o.detail
            },
            "finished_at": state["finished_at"],
        }
        runs.save(lake, record, name=f"{state['run_id']}.{workflow}")
    return record


def _as_state(outcome: StepOutcome) -> dict:
    out = {"status": outcome.status, "seconds": round(outcome.seconds, 3), "detail": outcome.detail}
    if outcome.error:
        out["error"] = outcome.error
    return out
