"""What every pipeline step receives (RunContext) and returns (a StepResult).

A step is one function `step(ctx) -> StepResult`. The local runner and the Glue entry script
build the context, from the CLI's flags or from the Glue job arguments (same names), and call
the same function through the same lifecycle (flightlake/pipeline/runner.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import cache

from flightlake.lake import Lake


@dataclass(kw_only=True)
class StepResult:
    """What a step did. Every step's result extends this; `summary()` is the one line a
    person reads in the run's output."""

    seconds: float = 0.0
    skipped: str | None = None  # why the step had nothing to do
    # The quality gate's verdict per table it validated (flightlake.quality.gate records).
    quality: dict[str, dict] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        return self.skipped or "done"


@dataclass
class RunContext:
    """The run a step belongs to, and the options a workflow passes down.

    The option names are the Glue job arguments' names (`--date`, `--backend`, …)."""

    lake: Lake
    run_id: str
    step: str = ""  # set by the runner
    # The daily scoring steps' flight dates; none: the newest day delivered to raw/.
    dates: tuple[date, ...] = ()
    profile: str = "local"  # the deploy profile (flightlake/deploy/profiles.toml)
    backend: str = "local"  # local (subprocess, lake registry) | sagemaker
    sagemaker_role: str | None = None
    kms_key: str | None = None  # SageMaker's volumes, output, model and scores (the stack's key)
    aws_profile: str | None = None
    # Where training runs are tracked: a SageMaker MLflow tracking server's ARN (s3:// lakes);
    # none: the lake's own SQLite store (training/tracking.py).
    mlflow_tracking_uri: str | None = None
    spot: bool = False
    hyperparameters: dict[str, str] = field(default_factory=dict)
    # The tune step: at most this many trials, within this many seconds (either or both).
    tune_trials: int | None = None
    tune_budget_seconds: float | None = None
    # The export a step works on: export_features writes it [default: a new id], train
    # trains on it [default: the newest]; one id given to both pins them together.
    export_id: str | None = None
    split_config: str | None = None  # a TOML file [default: the packaged features/splits.toml]
    # The weekly retrain as the schedule runs it on this day: rolling splits ending the day
    # before (features/split.py), instead of the split config.
    as_of: date | None = None
    database_prefix: str = ""  # Athena (an s3:// lake): the environment's databases
    workgroup: str = "primary"
    # Started by spark-submit or Glue (glue_jobs/run_step.py): the session is the submitter's.
    submitted: bool = False
    echo: Callable[[str], None] = field(default=lambda line: None, repr=False)

    @property
    def staging(self) -> str:
        """This step's scratch folder: the runner empties it before and after the step."""
        return self.lake.staging_dir(self.run_id, self.step)

    @property
    def spark(self):
        """The Spark session, started on first use: steps with nothing to do never start it.
        On Glue or under spark-submit, the session as it was submitted."""
        from flightlake.runtime.spark import get_spark

        _preload_quality()  # great-expectations imports while the JVM starts
        return get_spark(submitted=self.submitted)


@cache
def _preload_quality() -> None:
    from flightlake.quality.validate import preload

    preload()


def day_range(first: str | date | None, last: str | date | None) -> list[date]:
    """Every day from `first` to `last` inclusive (none when `first` is not given)."""
    if not first:
        return []
    start = first if isinstance(first, date) else date.fromisoformat(first)
    end = last if isinstance(last, date) else date.fromisoformat(last) if last else start
    if end < start:
        raise ValueError(f"{start} … {end}: the range ends before it starts")
    return [date.fromordinal(d) for d in range(start.toordinal(), end.toordinal() + 1)]
