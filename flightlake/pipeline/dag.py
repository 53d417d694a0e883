"""The pipeline, defined once: each step is the function it runs, with its dependencies; the
workflows group them and carry their schedules.

The runner (flightlake/pipeline/runner.py) executes a workflow locally, in dependency order;
on Glue each step but crawl_raw (there, the Glue crawlers of crawlers/) is a job whose script,
glue_jobs/run_step.py, calls the same function through the same runner. `flightlake deploy`
turns this definition into the Glue jobs, crawlers, workflows and triggers. A dependency on a
step of another workflow is met by that workflow's own schedule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Literal

from features.export import export_features
from flightlake.contracts import CONTRACTS
from flightlake.run_context import RunContext, StepResult
from glue_jobs.crawl_raw import crawl_raw
from glue_jobs.curate import curate
from glue_jobs.process import process_table
from glue_jobs.refresh_views import refresh_views
from training.champion import compare_models
from training.jobs import export_scoring, score, train
from training.monitoring import monitor

# launcher: starts SageMaker (or Athena) work and waits; no Spark of its own.
Kind = Literal["crawler", "glue_etl", "launcher"]
# The one Glue script of every job: it reads --step and runs that step (glue_jobs/run_step.py).
GLUE_SCRIPT = "glue_jobs/run_step.py"


@dataclass(frozen=True)
class Step:
    name: str
    workflow: str
    kind: Kind
    description: str
    run: Callable[[RunContext], StepResult] = field(compare=False, repr=False)
    # Steps it needs to have succeeded: when one fails, this step is blocked.
    depends_on: tuple[str, ...] = ()
    # Steps it runs after when they are in the run, whatever their outcome: it reads what
    # they publish, and the version published before does when they fail.
    after: tuple[str, ...] = ()
    # Flex (spare capacity, cheaper, may start later) where nobody waits for the result.
    flex: bool = False
    # Brings new raw data into the lake (processed, curated): when none of these steps had
    # anything to do, the lake was up to date.
    ingests: bool = False

    @property
    def script(self) -> str | None:
        """The Glue job's script (none for a crawler: Glue runs crawlers itself)."""
        return None if self.kind == "crawler" else GLUE_SCRIPT

    @property
    def arguments(self) -> dict[str, str]:
        """The Glue job's own default arguments."""
        return {"--step": self.name} if self.script else {}


@dataclass(frozen=True)
class Workflow:
    name: str
    description: str
    schedule_key: str  # the profile key holding its cron expression
    # Started when drops land in raw/ (on AWS: EventBridge → the workflow's EVENT trigger),
    # the schedule staying as a backstop; otherwise by the schedule alone.
    on_raw_drops: bool = False


WORKFLOWS: dict[str, Workflow] = {
    w.name: w
    for w in (
        Workflow(
            "daily",
            "New raw drops → processed → curated (quality gates inside each job) → scoring "
            "export → batch transform → predictions and views",
            "daily_schedule",
            on_raw_drops=True,
        ),
        Workflow(
            "weekly",
            "Feature export → train → evaluate → register: a challenger to the champion",
            "weekly_schedule",
        ),
    )
}

# Processed tables in contract dependency order: reference snapshots before daily tables.
_PROCESS = tuple(
    Step(
        f"process_{name}",
        "daily",
        "glue_etl",
        f"raw {name} → processed.{name}, quality gate before publishing",
        partial(process_table, table=name),
        depends_on=("crawl_raw",),
        # The reference snapshots it looks up: their latest published version will do.
        after=tuple(f"process_{d}" for d in c.depends_on if d in CONTRACTS),
        ingests=True,
    )
    for name, c in CONTRACTS.items()
)

STEPS: tuple[Step, ...] = (
    Step("crawl_raw", "daily", "crawler", "Crawl new raw drops; report schema drift", crawl_raw),
    *_PROCESS,
    Step(
        "curate",
        "daily",
        "glue_etl",
        "processed → curated, the months new data touched; quality gate",
        curate,
        depends_on=tuple(s.name for s in _PROCESS),
        ingests=True,
    ),
    Step(
        "compare_models",
        "daily",
        "launcher",
        "Champion against challenger on the outcomes in so far; promote, keep or reject",
        compare_models,
        depends_on=("curate",),
    ),
    Step(
        "export_scoring",
        "daily",
        "glue_etl",
        "Scoring set of the run date's flights, with the champion's and challenger's vocabulary",
        export_scoring,
        # After a weekly retrain when both run (`--workflow all`): its model is the new
        # challenger. After the decision on the challenger before it, which needs that one's
        # week of shadow scores.
        depends_on=("curate", "train"),
        after=("compare_models",),
        flex=True,
    ),
    Step(
        "score",
        "daily",
        "launcher",
        "Batch transform with the champion (published) and the challenger (shadow) → "
        "curated.predictions, drift against training",
        score,
        depends_on=("export_scoring",),
    ),
    Step(
        "monitor",
        "daily",
        "launcher",
        "Drift of the champion's inputs and scores → curated.model_monitoring",
        monitor,
        depends_on=("score",),
    ),
    Step(
        "refresh_views",
        "daily",
        "launcher",
        "Re-create the Athena views from sql/views",
        refresh_views,
        depends_on=("score",),
        after=("monitor",),
    ),
    Step(
        "export_features",
        "weekly",
        "glue_etl",
        "Training / validation / test sets and manifest from curated.flights",
        export_features,
        depends_on=("curate",),
        flex=True,
    ),
    Step(
        "train",
        "weekly",
        "launcher",
        "Training job on the newest export, evaluated and registered as a challenger",
        train,
        depends_on=("export_features",),
    ),
)



def _tune(ctx: RunContext) -> StepResult:
    """Optuna, xgboost and the SageMaker tuner load only when a search runs."""
    from training.tuning import tune

    return tune(ctx)


# Run by hand (`flightlake tune`), never on a schedule: no Glue job, no workflow of its own.
ON_DEMAND: tuple[Step, ...] = (
    Step(
        "tune",
        "weekly",
        "launcher",
        "Hyperparameter search on the newest export; the best point trained and registered",
        _tune,
        depends_on=("export_features",),
    ),
)

BY_NAME: dict[str, Step] = {s.name: s for s in (*STEPS, *ON_DEMAND)}


def check(steps: tuple[Step, ...] = STEPS) -> None:
    """Every dependency exists and there is no cycle."""
    names = {s.name for s in steps}
    for s in steps:
        if s.workflow not in WORKFLOWS:
            raise ValueError(f"step {s.name}: unknown workflow {s.workflow!r}")
        for d in (*s.depends_on, *s.after):
            if d not in names:
                raise ValueError(f"step {s.name}: depends on unknown step {d!r}")
    order(steps)


def order(steps: tuple[Step, ...] = STEPS) -> list[Step]:
    """Dependency order, stable: among ready steps, definition order."""
    done: set[str] = set()
    left = list(steps)
    out: list[Step] = []
    names = {s.name for s in steps}
    while left:
        ready = [
            s for s in left if all(d in done or d not in names for d in (*s.depends_on, *s.after))
        ]
        if not ready:
            raise ValueError(f"dependency cycle among {', '.join(s.name for s in left)}")
        step = ready[0]
        out.append(step)
        done.add(step.name)
        left.remove(step)
    return out


def select(
    workflow: str = "daily",
    start: str | None = None,
    only: str | None = None,
    steps: tuple[Step, ...] = STEPS,
) -> list[Step]:
    """The steps of a workflow (or `all`) in order; from `start` on, or `only` one."""
    if workflow != "all" and workflow not in WORKFLOWS:
        raise ValueError(f"unknown workflow {workflow!r}: use {', '.join([*WORKFLOWS, 'all'])}")
    chosen = [s for s in order(steps) if workflow == "all" or s.workflow == workflow]
    names = [s.name for s in chosen]
    for flag, value in (("--from", start), ("--only", only)):
        if value is not None and value not in names:
            raise ValueError(f"{flag} {value}: not a step of {workflow}: {', '.join(names)}")
    if only:
        return [s for s in chosen if s.name == only]
    if start:
        return chosen[names.index(start) :]
    return chosen


def completes_workflow(step: Step, steps: tuple[Step, ...] = STEPS) -> bool:
    """No later step of its workflow waits for it: when it has run, the workflow's run has."""
    return not any(
        step.name in (*s.depends_on, *s.after) for s in steps if s.workflow == step.workflow
    )
