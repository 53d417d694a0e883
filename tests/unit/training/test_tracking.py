"""The MLflow tracker on a lake: where runs go, and how a run ends."""

from __future__ import annotations

import pytest
from mlflow import MlflowClient

from flightlake.errors import JobError
from flightlake.lake import Lake
from training.tracking import Tracker, tracking_uri

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
