"""The pipeline, defined once as data: steps, their dependencies, parameters and schedules.

`flightlake run` executes it locally in dependency order (flightlake/runner.py);
`flightlake deploy` turns the same definition into Glue jobs, crawlers, workflows and triggers.
A dependency on a step of another workflow is met by that workflow's own schedule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from flightlake.contracts import CONTRACTS

# launcher: starts SageMaker (or Athena) work and waits; no Spark of its own.
Kind = Literal["crawler", "glue_etl", "launcher"]


@dataclass(frozen=True)
class Step:
    name: str
    workflow: str
    kind: Kind
    description: str
    depends_on: tuple[str, ...] = ()
    # glue_etl / launcher: the entry script under glue_jobs/ and its arguments.
    script: str | None = None
    arguments: dict[str, str] = field(default_factory=dict)
    # Flex (spare capacity, cheaper, may start later) where nobody waits for the result.
    flex: bool = False


@dataclass(frozen=True)
class Workflow:
    name: str
    description: str
    schedule_key: str  # the profile key holding its cron expression


WORKFLOWS: dict[str, Workflow] = {
    w.name: w
    for w in (
        Workflow(
            "daily",
            "New raw drops → processed → curated (quality gates inside each job) → scoring "
            "export → batch transform → predictions and views",
            "daily_schedule",
        ),
        Workflow(
            "weekly",
            "Feature export → train → evaluate → register, approved only if better",
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
        depends_on=("crawl_raw", *(f"process_{d}" for d in c.depends_on if d in CONTRACTS)),
        script=f"glue_jobs/process_{name}.py",
    )
    for name, c in CONTRACTS.items()
)

STEPS: tuple[Step, ...] = (
    Step("crawl_raw", "daily", "crawler", "Crawl new raw drops; report schema drift"),
    *_PROCESS,
    Step(
        "curate",
        "daily",
        "glue_etl",
        "processed → curated, the months new data touched; quality gate",
        depends_on=tuple(s.name for s in _PROCESS),
        script="glue_jobs/curate.py",
    ),
    Step(
        "export_scoring",
        "daily",
        "glue_etl",
        "Scoring set of the run date's flights, with the approved model's vocabulary",
        # After a weekly retrain when both run (`--workflow all`); alone, the approved model.
        depends_on=("curate", "train"),
        script="glue_jobs/export_scoring.py",
        flex=True,
    ),
    Step(
        "score",
        "daily",
        "launcher",
        "Batch transform with the latest approved model → curated.predictions, drift report",
        depends_on=("export_scoring",),
        script="glue_jobs/launch_score.py",
    ),
    Step(
        "refresh_views",
        "daily",
        "launcher",
        "Re-create the Athena views from sql/views",
        depends_on=("score",),
        script="glue_jobs/refresh_views.py",
    ),
    Step(
        "export_features",
        "weekly",
        "glue_etl",
        "Training / validation / test sets and manifest from curated.flights",
        depends_on=("curate",),
        script="glue_jobs/export_features.py",
        flex=True,
    ),
    Step(
        "train",
        "weekly",
        "launcher",
        "Training job on the newest export, evaluated and registered; approved if better",
        depends_on=("export_features",),
        script="glue_jobs/launch_train.py",
    ),
)

BY_NAME: dict[str, Step] = {s.name: s for s in STEPS}


def check(steps: tuple[Step, ...] = STEPS) -> None:
    """Every dependency exists and there is no cycle."""
    names = {s.name for s in steps}
    for s in steps:
        if s.workflow not in WORKFLOWS:
            raise ValueError(f"step {s.name}: unknown workflow {s.workflow!r}")
        for d in s.depends_on:
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
        ready = [s for s in left if all(d in done or d not in names for d in s.depends_on)]
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
