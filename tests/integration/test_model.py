"""The delay-risk model on the real January: export → local training job → registry →
batch scoring → curated.predictions, the model views and the drift report."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from sklearn.metrics import roc_auc_score
from typer.testing import CliRunner

from features.definitions import CALENDAR, FEATURE_NAMES
from features.export import export
from features.split import SplitConfig
from flightlake.catalog.local import connect
from flightlake.cli import app
from flightlake.errors import JobError
from flightlake.lake import Lake
from flightlake.pipeline import dag, runner
from flightlake.query import run
from flightlake.run_context import RunContext
from glue_jobs.refresh_views import refresh_views
from training.registry.base import challenger
from training.registry.local import LocalRegistry
from training.registry.sagemaker import to_properties
from training.tuning import tune

pytestmark = pytest.mark.integration

SPLITS = {
    "train": (date(2013, 1, 1), date(2013, 1, 20)),
    "validation": (date(2013, 1, 21), date(2013, 1, 25)),
    "test": (date(2013, 1, 26), date(2013, 1, 31)),
}
SCORED = [date(2013, 1, 30), date(2013, 1, 31)]


def run_query(lake: Lake, sql: str) -> pd.DataFrame:
    """Athena SQL on the local lake, as `flightlake sql` runs it."""
    return run(connect(lake), sql).to_pandas()


@pytest.fixture(scope="module")
def scored(january, spark, tmp_path_factory):
    source, _ = january
    root = tmp_path_factory.mktemp("model") / "lake"
    shutil.copytree(source / "curated", root / "curated")
    lake = Lake.at(str(root))
    manifest = export(spark, lake, "_staging/test-export", SplitConfig(SPLITS), SCORED[:1])
    ctx = RunContext(lake, "model-1", hyperparameters={"num_round": "40"})
    trained = runner.run_step(dag.BY_NAME["train"], ctx).result
    # The second day has no scoring set yet: scoring builds it with the model's vocabulary.
    scoring = replace(ctx, run_id="model-2", dates=tuple(SCORED))
    record = runner.run_step(dag.BY_NAME["score"], scoring).result
    return root, lake, manifest, trained, record


def test_export_matches_curated_flights(scored):
    root, _, manifest, _, _ = scored
    flights = pq.read_table(root / "curated" / "flights").to_pandas()
    days = pd.to_datetime(flights["flight_date"]).dt.date
    for split, (first, last) in SPLITS.items():
        expected = flights[(days >= first) & (days <= last)]
        assert manifest["splits"][split]["rows"] == len(expected)
        assert manifest["splits"][split]["positive_rate"] == pytest.approx(
            1 - expected["on_time"].mean(), abs=1e-6
        )
        csv = pd.read_csv(root / "features" / manifest["export_id"] / split / "part-00000.csv",
                          header=None)
        assert csv.shape == (len(expected), 1 + len(FEATURE_NAMES))
        assert set(csv[0]) == {0, 1}
    assert [f["name"] for f in manifest["features"]] == list(FEATURE_NAMES)
    train_carriers = set(flights.loc[days <= SPLITS["train"][1], "carrier"])
    assert set(manifest["vocabularies"]["carrier"]) == train_carriers
    assert manifest["data_range"] == {"from": "2013-01-01", "to": "2013-01-31"}
    assert manifest["lineage"]["source_runs"]


def test_scores_land_in_curated_predictions(scored):
    root, lake, manifest, trained, record = scored
    assert trained.model_version == "delay-risk/v1"
    assert trained.approval["status"] == "Approved"
    version = LocalRegistry(lake).latest_approved()
    assert version.lineage["export_id"] == manifest["export_id"] == record.export_id
    assert (version.lineage["train_from"], version.lineage["test_to"]) == (
        "2013-01-01",
        "2013-01-31",
    )
    assert version.metrics["test_rows"] == manifest["splits"]["test"]["rows"]
    # The same version fits SageMaker's model-package metadata limits.
    to_properties(
        {"metrics": version.metrics, "hyperparameters": version.hyperparameters,
         "lineage": version.lineage}
    )
    flights = pq.read_table(root / "curated" / "flights").to_pandas()
    flights["day"] = pd.to_datetime(flights["flight_date"]).dt.date
    predictions = run_query(lake, "SELECT * FROM curated.predictions")
    expected = flights[flights["day"].isin(SCORED)]
    assert sorted(predictions["flight_id"]) == sorted(expected["flight_id"])
    assert predictions["score"].between(0, 1).all()
    assert set(predictions["model_version"]) == {"delay-risk/v1"}
    assert record.rows == {d.isoformat(): int((expected["day"] == d).sum()) for d in SCORED}
    # One .out per scoring file, as SageMaker writes them.
    outs = sorted(p.name for p in (root / "_ml" / "transform").rglob("*.out"))
    assert outs == ["part-00000.csv.out"] * len(SCORED)


def test_model_views_against_an_independent_computation(scored):
    root, lake, _, _, _ = scored
    flights = pq.read_table(root / "curated" / "flights").to_pandas()
    predictions = run_query(lake, "SELECT flight_id, score, scoring_date FROM curated.predictions")
    joined = predictions.merge(flights[["flight_id", "on_time"]], on="flight_id")
    daily = run_query(
        lake, "SELECT * FROM curated.model_performance_daily ORDER BY scoring_date"
    )
    assert list(daily["scoring_date"]) == [d.isoformat() for d in SCORED]
    for row in daily.itertuples():
        day = joined[joined["scoring_date"] == row.scoring_date]
        late = (~day["on_time"]).astype(int)
        assert row.flights == len(day)
        assert row.auc == pytest.approx(roc_auc_score(late, day["score"]), abs=1e-9)
        # The ceil(n/10) highest scores, ties broken by flight id.
        top = day.assign(late=late).sort_values(["score", "flight_id"], ascending=[False, True])
        expected = top.head(-(-len(day) // 10))["late"].mean()
        assert row.precision_top_decile == pytest.approx(expected, abs=1e-12)
    bands = run_query(lake, "SELECT * FROM curated.model_calibration")
    assert bands["flights"].sum() == len(joined)
    # Expected calibration error, from the scores and outcomes directly.
    joined["band"] = np.minimum(np.floor(joined["score"] * 10), 9)
    joined["late"] = (~joined["on_time"]).astype(float)
    per_band = joined.groupby("band").agg(n=("late", "size"), s=("score", "mean"),
                                          r=("late", "mean"))
    ece = float((per_band["n"] * (per_band["s"] - per_band["r"]).abs()).sum() / len(joined))
    assert bands["calibration_error"].to_numpy() == pytest.approx([ece] * len(bands), abs=1e-12)


def test_rescoring_replaces_and_drift_is_reported(scored):
    root, lake, _, _, record = scored
    report = json.loads((root / "_ml" / "drift" / f"{record.scoring_run}.json").read_text())
    assert {f["feature"] for f in report["features"]} == set(FEATURE_NAMES)
    assert report["scoring_rows"] == record.rows_scored
    assert record.worst_drift == report["features"][:5]
    result = CliRunner().invoke(
        app, ["score", "--lake", str(root), "--from", "2013-01-31"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "delay-risk/v1" in result.output and "worst drifting features" in result.output
    counts = run_query(
        lake, "SELECT scoring_date, count(*) AS n FROM curated.predictions GROUP BY 1 ORDER BY 1"
    )
    assert list(counts["n"]) == list(record.rows.values())  # replaced, not appended
    models = CliRunner().invoke(app, ["models", "--lake", str(root)])
    assert "delay-risk/v1" in models.output and "Approved" in models.output


def _mlflow(root):
    from mlflow import MlflowClient

    client = MlflowClient(f"sqlite:///{root}/_ml/mlflow.db")
    return client, client.get_experiment_by_name("delay-risk").experiment_id


def test_every_training_run_is_tracked_in_mlflow(scored):
    root, lake, manifest, trained, _ = scored
    client, _ = _mlflow(root)
    run = client.get_run(trained.mlflow_run_id)
    assert run.info.status == "FINISHED"
    params, metrics = run.data.params, run.data.metrics
    assert params["export_id"] == manifest["export_id"]
    assert (params["data_from"], params["data_to"]) == ("2013-01-01", "2013-01-31")
    assert params["hp.num_round"] == "40" and params["feature_count"] == str(len(FEATURE_NAMES))
    for split in ("validation", "test"):
        for name in ("auc", "logloss", "brier", "ece", "precision_at_decile"):
            assert metrics[f"{split}_{name}"] == pytest.approx(trained.metrics[f"{split}_{name}"])
    # The registry entry and the run point at each other.
    version = LocalRegistry(lake).latest_approved()
    assert version.lineage["mlflow_run_id"] == run.info.run_id
    assert run.data.tags["registry.version"] == version.label == "delay-risk/v1"
    artifacts = {a.path for a in client.list_artifacts(run.info.run_id)}
    assert {"features.json", "feature_importance.json", "reliability_validation.json",
            "reliability_test.json", "metrics.json", "model"} <= artifacts
    local = client.download_artifacts(run.info.run_id, "features.json", str(root / "dl"))
    assert json.loads(Path(local).read_text())["features"] == list(FEATURE_NAMES)
    model_files = {a.path for a in client.list_artifacts(run.info.run_id, "model")}
    assert model_files == {"model/xgboost-model", "model/calibration.json"}
    importance = json.loads(Path(client.download_artifacts(
        run.info.run_id, "feature_importance.json", str(root / "dl"))).read_text())
    assert set(importance["columns"]) == {"feature", "total_gain", "gain", "weight",
                                          "total_cover"}
    named = {row[0] for row in importance["data"]}
    assert named and named <= set(FEATURE_NAMES)
    listed = CliRunner().invoke(app, ["experiments", "--lake", str(root)])
    assert listed.exit_code == 0 and "delay-risk/v1" in listed.output


def test_tuning_trials_are_tracked_and_the_best_is_registered(scored):
    root, lake, _, _, _ = scored
    client, experiment = _mlflow(root)
    ctx = RunContext(lake, "tune-1", hyperparameters={"num_round": "40"}, tune_trials=4)
    tuned = runner.run_step(dag.BY_NAME["tune"], ctx).result
    trials = client.search_runs(
        [experiment], f"tags.mlflow.parentRunId = '{tuned.mlflow_run_id}'",
        order_by=["attributes.start_time ASC"])
    assert len(trials) == tuned.trials == 4
    # Trial 0 is the defaults: the search is measured against them in the same run.
    assert trials[0].data.params["hp.eta"] == "0.05"
    assert trials[0].data.params["hp.max_depth"] == "6"
    best = max(t.data.metrics["validation_auc"] for t in trials)
    assert tuned.best_validation_auc == pytest.approx(best)
    assert tuned.default_validation_auc == pytest.approx(trials[0].data.metrics["validation_auc"])
    # The best point trained again as an ordinary run, through the approval rule.
    registered = LocalRegistry(lake).versions()[-1]
    assert registered.label == tuned.trained.model_version
    assert registered.lineage["mlflow_run_id"] == tuned.trained.mlflow_run_id
    final = client.get_run(tuned.trained.mlflow_run_id)
    assert final.data.tags["flightlake.tuning_run"] == tuned.mlflow_run_id
    assert {k: float(v) for k, v in registered.hyperparameters.items()
            if k in tuned.best} == pytest.approx(tuned.best)
    # Calibrated scores, so the AUC can differ in the last digits (float32 scores).
    assert final.data.metrics["validation_auc"] == pytest.approx(tuned.best_validation_auc,
                                                                 abs=1e-6)
    # Seeded: the same search again draws the same points.
    again = runner.run_step(dag.BY_NAME["tune"], replace(ctx, run_id="tune-2")).result
    assert again.best == tuned.best
    # A budget too short for one trial is a one-line error, not a model.
    short = replace(ctx, run_id="tune-3", tune_trials=None, tune_budget_seconds=1.0)
    with pytest.raises(JobError, match="no tuning trial finished within the budget"):
        tune(short)


def test_champion_and_challenger_scored_side_by_side_monitored_and_decided(scored):
    root, lake, _, _, _ = scored
    registry = LocalRegistry(lake)
    ctx = RunContext(lake, "model-cc", hyperparameters={"num_round": "20"})
    trained = runner.run_step(dag.BY_NAME["train"], ctx).result
    assert trained.approval["status"] == "PendingManualApproval"  # a challenger, not champion
    rival = challenger(registry.versions())  # the oldest undecided candidate (the tuned one)
    assert rival.status == "PendingManualApproval" and rival.version < int(
        trained.model_version.rsplit("v", 1)[1])
    champion = registry.latest_approved()
    scoring = replace(ctx, run_id="model-cc-score", dates=tuple(SCORED))
    runner.run_step(dag.BY_NAME["score"], scoring)

    predictions = run_query(lake, "SELECT * FROM curated.predictions")
    roles = predictions.groupby("role")["model_version"].unique().to_dict()
    assert {r: list(v) for r, v in roles.items()} == {
        "champion": [champion.label], "challenger": [rival.label]}
    both = predictions.pivot_table(index=["scoring_date", "flight_id"], columns="role",
                                   values="score").dropna()
    assert len(both) == len(predictions) // 2  # every flight scored by both

    # The comparison view against an independent computation, day by day.
    flights = pq.read_table(root / "curated" / "flights").to_pandas()[["flight_id", "on_time"]]
    joined = both.reset_index().merge(flights, on="flight_id")
    view = run_query(lake, "SELECT * FROM curated.champion_vs_challenger ORDER BY scoring_date")
    assert list(view["scoring_date"]) == [d.isoformat() for d in SCORED]
    for row in view.itertuples():
        day = joined[joined["scoring_date"] == row.scoring_date]
        late = (~day["on_time"]).astype(int)
        assert (row.champion, row.challenger) == (champion.label, rival.label)
        assert row.champion_auc == pytest.approx(roc_auc_score(late, day["champion"]), abs=1e-9)
        assert row.challenger_auc == pytest.approx(roc_auc_score(late, day["challenger"]),
                                                   abs=1e-9)
    weekly = run_query(lake, "SELECT * FROM curated.model_performance_weekly")
    assert set(weekly["role"]) == {"champion", "challenger"}
    assert set(weekly["days"]) == {2} and weekly["flights"].sum() == len(joined) * 2
    late = (~joined["on_time"]).astype(int)  # both days fall in the week of 2013-01-28
    for row in weekly.itertuples():
        assert row.auc == pytest.approx(roc_auc_score(late, joined[row.role]), abs=1e-9)

    # Monitoring: every feature and the scores, per date; calendar features never alarm.
    monitored = runner.run_step(dag.BY_NAME["monitor"], scoring).result
    rows = run_query(lake, "SELECT * FROM curated.model_monitoring")
    assert len(rows) == len(SCORED) * (len(FEATURE_NAMES) + 1)
    assert not rows[rows["kind"] == "calendar"]["alarm"].any()
    assert not rows[rows["series"] == "distance"]["alarm"].any()
    drift_view = run_query(lake, "SELECT * FROM curated.model_drift ORDER BY scoring_date")
    assert list(drift_view["alarms"]) == [len(monitored.days[d.isoformat()]["alarms"])
                                          for d in SCORED]
    # A feature's distribution corrupted (distance in kilometres, not miles) in the last
    # week's scoring sets: its alarm, and no calendar feature's.
    export_id = champion.lineage["export_id"]
    for n in range(7):
        day = SCORED[-1].toordinal() - n
        path = root / lake.scoring_dir(export_id, date.fromordinal(day)) / "part-00000.csv"
        frame = pd.read_csv(path, header=None)
        column = 1 + list(FEATURE_NAMES).index("distance")
        frame[column] = frame[column] * 1.609
        frame.to_csv(path, header=False, index=False)
    corrupted = replace(scoring, run_id="model-cc-corrupt", dates=(SCORED[-1],))
    result = runner.run_step(dag.BY_NAME["monitor"], corrupted).result
    alarms = result.days[SCORED[-1].isoformat()]["alarms"]
    assert "distance" in alarms
    assert not set(alarms) & set(CALENDAR)

    # Promotion and rollback by hand, from the command line.
    promoted = CliRunner().invoke(app, ["models", "promote", str(rival.version),
                                        "--lake", str(root)])
    assert promoted.exit_code == 0, promoted.output
    assert registry.latest_approved().version == rival.version
    back = CliRunner().invoke(app, ["models", "rollback", str(champion.version),
                                    "--lake", str(root), "--reason", "test"])
    assert back.exit_code == 0, back.output
    assert registry.latest_approved().version == champion.version
    assert next(v for v in registry.versions() if v.version == rival.version).status == "Rejected"
    wrong = CliRunner().invoke(app, ["models", "promote", "99", "--lake", str(root)])
    assert wrong.exit_code == 1 and "no such model version" in wrong.output

    # The views are re-created when what they depend on changed, not every day.
    first = refresh_views(replace(ctx, run_id="views-1"))
    assert not first.skipped and "champion_vs_challenger" in first.views
    assert refresh_views(replace(ctx, run_id="views-2")).skipped == (
        "views unchanged since run views-1")
