"""The hyperparameter search space, defined once: Optuna samples it locally
(training/tuning.py), SageMaker automatic model tuning receives it as parameter ranges
(training/launchers/sagemaker.py). Both maximise the same metric, validation AUC, scraped or
computed exactly as train.py prints it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import optuna

# train.py prints `validation_auc=…;`; METRIC_DEFINITIONS name it validation:auc.
OBJECTIVE_METRIC = "validation:auc"
OBJECTIVE_TYPE = "Maximize"


@dataclass(frozen=True)
class Range:
    name: str  # the train.py hyperparameter
    low: float
    high: float
    integer: bool = False
    log: bool = False  # sampled on a log scale (SageMaker: Logarithmic scaling)


SEARCH_SPACE: tuple[Range, ...] = (
    Range("eta", 0.02, 0.3, log=True),
    Range("max_depth", 3, 10, integer=True),
    Range("min_child_weight", 1, 200, log=True),
    Range("subsample", 0.5, 1.0),
    Range("colsample_bytree", 0.3, 1.0),
    Range("lambda", 0.1, 100, log=True),
    Range("alpha", 0.0, 5.0),
    Range("gamma", 0.0, 5.0),
)


def suggest(trial: optuna.Trial) -> dict[str, float | int]:
    """One point of the space, drawn by an Optuna trial."""
    out: dict[str, float | int] = {}
    for r in SEARCH_SPACE:
        if r.integer:
            out[r.name] = trial.suggest_int(r.name, int(r.low), int(r.high), log=r.log)
        else:
            out[r.name] = trial.suggest_float(r.name, r.low, r.high, log=r.log)
    return out


def sagemaker_ranges() -> dict[str, Any]:
    """The space as the SageMaker SDK's parameter ranges (HyperparameterTuner's
    hyperparameter_ranges)."""
    from sagemaker.core.parameter import ContinuousParameter, IntegerParameter

    scaling = {True: "Logarithmic", False: "Linear"}
    return {
        r.name: (IntegerParameter if r.integer else ContinuousParameter)(
            int(r.low) if r.integer else r.low,
            int(r.high) if r.integer else r.high,
            scaling_type=scaling[r.log],
        )
        for r in SEARCH_SPACE
    }
