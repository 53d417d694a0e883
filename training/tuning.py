"""The tune step: search the hyperparameter space (training/search_space.py), then train the
best point as an ordinary training run that goes through the registry's approval rule.

- local: Optuna in this process. The export's sets are read once; the first trial is the
  defaults (so the search is measured against them in the same run); TPE sampling seeded;
  trials in the bottom quarter of the validation AUC curve are pruned. A time budget ends
  the search early enough to leave the final training 1.25 × the slowest finished trial's
  time plus 20 s.
- sagemaker: SageMaker automatic model tuning over the same ranges and objective
  (training/launchers/sagemaker.py) within the budget; its best training job is the one
  registered.
Every trial is an MLflow run, nested under the tuning run.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import xgboost as xgb

from features.export import latest_export
from flightlake.errors import JobError
from flightlake.run_context import RunContext, StepResult
from training import train as script
from training.jobs import TrainResult, backend, train_tracked
from training.launchers.base import TrainedModel, TrainingRequest, TuningOutcome
from training.search_space import SEARCH_SPACE, suggest
from training.tracking import Tracker

if TYPE_CHECKING:
    import optuna

DEFAULT_TRIALS = 20
SEED = 42
# HyperParameterTuningJobConfig.ResourceLimits.MaxRuntimeInSeconds: at least 120
# (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ResourceLimits.html).
SAGEMAKER_MIN_RUNTIME = 120
# Pruning: a trial stops when its validation AUC at a boosting round falls in the bottom
# quarter of earlier trials' at the same round; not before 5 finished trials, nor in the
# first 100 rounds. Comparing at the same round favours fast learning rates (a small eta is
# behind early and would catch up): only the bottom quarter is cut, to keep that bias small.
# Optuna's PercentilePruner keeps the top `percentile` per cent: 75 keeps all but that quarter.
PRUNE_KEEP_PERCENTILE = 75.0
PRUNE_AFTER_TRIALS = 5
PRUNE_WARMUP_ROUNDS = 100
# Time kept for the final training when a budget ends the search: the best trial is one of
# the finished ones, so the slowest finished trial, with a margin, plus what a training job
# adds to a trial (a process start, reading the sets, calibration, tracking, registering).
FINAL_TRAINING_MARGIN = 1.25
FINAL_TRAINING_OVERHEAD_SECONDS = 20.0


@dataclass(kw_only=True)
class TuneResult(StepResult):
    export_id: str = ""
    trials: int = 0
    pruned: int = 0
    default_validation_auc: float = float("nan")
    best_validation_auc: float = float("nan")
    best_trial: str = ""  # trial number (local) or training job (sagemaker)
    best: dict[str, float | int] = field(default_factory=dict)
    search_seconds: float = 0.0
    mlflow_run_id: str = ""
    trained: TrainResult | None = None

    def headline(self) -> str:
        against = (
            f" against {self.default_validation_auc:.4f} with the defaults"
            if not math.isnan(self.default_validation_auc)
            else ""
        )
        return (
            f"{self.trials} trial(s) ({self.pruned} pruned) in {self.search_seconds:.0f}s: "
            f"validation AUC {self.best_validation_auc:.4f} ({self.best_trial}){against}"
        )

    def summary(self) -> str:
        return self.headline() + (f" → {self.trained.summary()}" if self.trained else "")


def tune(ctx: RunContext) -> TuneResult:
    """The step: search, then train and register the best point."""
    started = time.perf_counter()
    if ctx.backend == "sagemaker":
        return _tune_on_sagemaker(ctx, started)
    lake = ctx.lake
    export_id = ctx.export_id or latest_export(lake)
    if export_id is None:
        raise JobError(f"{lake.uri(lake.exports_dir())}: no feature export; export one first")
    budget = ctx.tune_budget_seconds
    trials = ctx.tune_trials or (None if budget else DEFAULT_TRIALS)
    data = {
        s: script.read_channel(str(Path(lake.root) / lake.export_split_dir(export_id, s)))
        for s in ("train", "validation")  # the test split takes part in no decision
    }
    tracker = Tracker.of(lake, ctx.mlflow_tracking_uri, ctx.aws_profile)
    result = TuneResult(export_id=export_id)
    with tracker.run(f"tune-{ctx.run_id}", "tuning",
                     tags={"flightlake.run_id": ctx.run_id, "export_id": export_id}) as parent:
        study = _search(ctx, data, tracker, parent, trials, budget, started)
        # A pruned trial carries its last intermediate value: only finished ones count.
        finished = [t for t in study.trials if t.state.name == "COMPLETE"]
        if not finished:
            raise JobError("no tuning trial finished within the budget: give it more time")
        result.trials = len(study.trials)
        result.pruned = sum(t.state.name == "PRUNED" for t in study.trials)
        if study.trials[0].state.name == "COMPLETE":
            result.default_validation_auc = study.trials[0].value
        result.best_validation_auc = study.best_value
        result.best_trial = f"trial {study.best_trial.number}"
        result.best = dict(study.best_params)
        result.search_seconds = round(time.perf_counter() - started, 3)
        tracker.log(
            parent,
            params={"trials": result.trials, "seed": SEED,
                    **({"budget_seconds": budget} if budget else {})},
            metrics={
                "best_validation_auc": result.best_validation_auc,
                "default_validation_auc": result.default_validation_auc,
                "pruned": result.pruned,
            },
            tags={"best_trial": str(result.best_trial)},
        )
        result.mlflow_run_id = parent
        hps = {**ctx.hyperparameters, **{k: str(v) for k, v in result.best.items()}}
        result.trained = train_tracked(ctx, hps, tags={"flightlake.tuning_run": parent})
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def _search(
    ctx: RunContext,
    data: dict,
    tracker: Tracker,
    parent: str,
    trials: int | None,
    budget: float | None,
    started: float,
) -> optuna.Study:
    import optuna
    from optuna_integration import XGBoostPruningCallback

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    matrices = {s: xgb.DMatrix(x, label=y) for s, (x, y) in data.items()}
    base = script.resolve({**script.DEFAULTS, **ctx.hyperparameters})
    study = optuna.create_study(
        direction="maximize",
        sampler=optuna.samplers.TPESampler(seed=SEED),
        pruner=optuna.pruners.PercentilePruner(
            PRUNE_KEEP_PERCENTILE, n_startup_trials=PRUNE_AFTER_TRIALS,
            n_warmup_steps=PRUNE_WARMUP_ROUNDS,
        ),
    )
    study.enqueue_trial({r.name: base[r.name] for r in SEARCH_SPACE})
    deadline = started + budget if budget else math.inf
    # The final training's expected time, grown with each finished trial.
    reserve = [FINAL_TRAINING_OVERHEAD_SECONDS if budget else 0.0]

    def objective(trial: optuna.Trial) -> float:
        params = {**base, **suggest(trial)}
        t0 = time.perf_counter()
        stop_at = deadline - reserve[0]
        with tracker.run(f"trial-{trial.number}", "trial", parent=parent,
                         stopped=(optuna.TrialPruned,)) as run_id:
            tracker.log(run_id, params={f"hp.{k}": v for k, v in params.items()})
            callbacks: list[xgb.callback.TrainingCallback] = [
                XGBoostPruningCallback(trial, "validation-auc"), _Deadline(stop_at)
            ]
            try:
                booster = script.fit(params, matrices, callbacks)
            except optuna.TrialPruned as pruned:
                tracker.log(run_id, tags={"pruned": str(pruned) or "validation AUC"})
                raise
            scores = booster.predict(matrices["validation"])
            value = script.auc(data["validation"][1], scores)
            seconds = time.perf_counter() - t0
            tracker.log(run_id, metrics={
                "validation_auc": value,
                "best_iteration": booster.num_boosted_rounds() - 1,
                "seconds": seconds,
            })
        if budget:
            reserve[0] = max(
                reserve[0], seconds * FINAL_TRAINING_MARGIN + FINAL_TRAINING_OVERHEAD_SECONDS
            )
        return value

    def out_of_time(study: optuna.Study, _trial: optuna.trial.FrozenTrial) -> None:
        if time.perf_counter() >= deadline - reserve[0]:
            study.stop()

    study.optimize(objective, n_trials=trials, callbacks=[out_of_time])
    return study


class _Deadline(xgb.callback.TrainingCallback):
    """Prunes the trial when the budget's search time is over. Raising, not returning True:
    a callback that stops boosting before early stopping has seen an iteration leaves the
    booster without a best iteration."""

    def __init__(self, stop_at: float) -> None:
        super().__init__()
        self.stop_at = stop_at

    def after_iteration(self, model, _epoch: int, _evals_log: dict) -> bool:
        import optuna

        if time.perf_counter() > self.stop_at:
            raise optuna.TrialPruned("the time budget ended the trial")
        return False


def _tune_on_sagemaker(ctx: RunContext, started: float) -> TuneResult:
    """SageMaker automatic model tuning over the same space; every job of the search is
    tracked as a trial, the best is tracked and registered as a training run."""
    budget = ctx.tune_budget_seconds
    if budget is not None and budget < SAGEMAKER_MIN_RUNTIME:
        raise JobError(f"--budget: SageMaker tuning jobs run at least {SAGEMAKER_MIN_RUNTIME}s")
    launcher, _ = backend(ctx)
    jobs = ctx.tune_trials or DEFAULT_TRIALS
    tracker = Tracker.of(ctx.lake, ctx.mlflow_tracking_uri, ctx.aws_profile)
    outcomes: list[TuningOutcome] = []

    def launch(request: TrainingRequest) -> TrainedModel:
        outcomes.append(launcher.tune(request, max_jobs=jobs, max_runtime=budget))
        return outcomes[0].best

    with tracker.run(f"tune-{ctx.run_id}", "tuning",
                     tags={"flightlake.run_id": ctx.run_id}) as parent:
        try:
            trained = train_tracked(ctx, dict(ctx.hyperparameters), launch=launch,
                                    tags={"flightlake.tuning_run": parent})
        finally:  # the search's jobs ran and cost: track them even if registering failed
            for outcome in outcomes:
                _track_sagemaker_trials(tracker, parent, outcome)
        search_seconds = round(time.perf_counter() - started, 3)
        tracker.log(parent, params={"trials": len(outcomes[0].trials)},
                    metrics={"best_validation_auc": trained.metrics.get("validation_auc")},
                    tags={"export_id": trained.export_id})
    outcome = outcomes[0]
    return TuneResult(
        export_id=trained.export_id,
        trials=len(outcome.trials),
        best_validation_auc=trained.metrics.get("validation_auc", float("nan")),
        best_trial=outcome.best.job_name,
        best={k: script.resolve({k: v})[k] for k, v in outcome.best.hyperparameters.items()
              if k in {r.name for r in SEARCH_SPACE}},
        search_seconds=search_seconds,
        trained=trained,
        mlflow_run_id=parent,
        seconds=round(time.perf_counter() - started, 3),
    )


# A training job's end → the MLflow status of its trial run.
_TRIAL_STATUS = {"Completed": "FINISHED", "Stopped": "KILLED"}


def _track_sagemaker_trials(tracker: Tracker, parent: str, outcome: TuningOutcome) -> None:
    for trial in outcome.trials:
        tracker.record(
            trial["job"], "trial", parent, _TRIAL_STATUS.get(trial["status"], "FAILED"),
            params={f"hp.{k}": v for k, v in trial["hyperparameters"].items()},
            metrics={"validation_auc": trial["objective"]},
            tags={"training_job": trial["job"], "job_status": trial["status"]},
        )
    tracker.log(parent, tags={"tuning_job": outcome.tuning_job})
