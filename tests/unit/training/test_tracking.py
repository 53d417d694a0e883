"""The MLflow tracker on a lake: where runs go, and how a run ends."""

from __future__ import annotations

import pytest
from mlflow import MlflowClient

from flightlake.errors import JobError
from flightlake.lake import Lake
from flightlake.run_context import RunContext
from training.launchers.base import TrainedModel, TuningOutcome
from training.tracking import Tracker, tracking_uri
from training.tuning import _track_sagemaker_trials, tune

ARN = "arn:aws:sagemaker:eu-west-1:123456789012:mlflow-tracking-server/flightlake-dev"


class Pruned(Exception):
    pass


def test_where_runs_are_tracked(tmp_path):
    lake = Lake.at(str(tmp_path / "lake"))
    assert tracking_uri(lake, None) == f"sqlite:///{tmp_path}/lake/_ml/mlflow.db"
    assert tracking_uri(Lake.at("s3://bucket/lake"), ARN) == ARN
    with pytest.raises(JobError, match="--mlflow-tracking-uri"):
        tracking_uri(Lake.at("s3://bucket/lake"), None)


def test_a_run_ends_finished_killed_or_failed(tmp_path):
    tracker = Tracker.of(Lake.at(str(tmp_path / "lake")))
    with tracker.run("parent", "tuning") as parent:
        with tracker.run("ok", "trial", parent=parent) as ok:
            tracker.log(ok, params={"hp.eta": 0.1}, metrics={"validation_auc": 0.7, "n": "x"})
        with pytest.raises(Pruned), tracker.run("pruned", "trial", parent=parent,
                                                stopped=(Pruned,)) as pruned:
            raise Pruned
        with pytest.raises(ValueError), tracker.run("broken", "trial", parent=parent) as broken:
            raise ValueError("boom")
    client = MlflowClient(tracker.uri)
    status = {r: client.get_run(r).info.status for r in (parent, ok, pruned, broken)}
    assert status == {parent: "FINISHED", ok: "FINISHED", pruned: "KILLED", broken: "FAILED"}
    run = client.get_run(ok)
    assert run.data.metrics == {"validation_auc": 0.7}  # text is not a metric
    assert run.data.params == {"hp.eta": "0.1"}
    assert run.data.tags["mlflow.parentRunId"] == parent
    listed = Tracker.of(Lake.at(str(tmp_path / "lake"))).runs()
    assert {r["run_id"] for r in listed} == {parent, ok, pruned, broken}


def test_sagemaker_trials_end_as_their_jobs_did(tmp_path):
    tracker = Tracker.of(Lake.at(str(tmp_path / "lake")))
    trials = [
        {"job": f"delay-risk-tune-00{i}", "status": status, "hyperparameters": {"eta": "0.1"},
         "objective": auc}
        for i, (status, auc) in enumerate((("Completed", 0.71), ("Stopped", None),
                                           ("Failed", None)))
    ]
    outcome = TuningOutcome("delay-risk-tune-1", TrainedModel("job", "s3://m"), trials)
    with tracker.run("tune", "tuning") as parent:
        _track_sagemaker_trials(tracker, parent, outcome)
    client = MlflowClient(tracker.uri)
    runs = {r.info.run_name: r for r in client.search_runs(
        [tracker.experiment_id], f"tags.mlflow.parentRunId = '{parent}'")}
    assert {n: r.info.status for n, r in runs.items()} == {
        "delay-risk-tune-000": "FINISHED", "delay-risk-tune-001": "KILLED",
        "delay-risk-tune-002": "FAILED"}
    assert runs["delay-risk-tune-000"].data.metrics == {"validation_auc": 0.71}
    assert runs["delay-risk-tune-000"].data.params == {"hp.eta": "0.1"}
    assert client.get_run(parent).data.tags["tuning_job"] == "delay-risk-tune-1"


def test_a_sagemaker_budget_below_its_minimum_is_refused():
    ctx = RunContext(Lake.at("s3://bucket/lake"), "r", backend="sagemaker",
                     tune_budget_seconds=90)
    with pytest.raises(JobError, match="at least 120s"):
        tune(ctx)
