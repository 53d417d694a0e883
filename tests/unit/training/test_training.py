"""train.py under SageMaker's contract, the inference handlers, the local batch transform's
semantics, the registry's approval rule and drift."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import xgboost as xgb

from flightlake import drift
from flightlake.errors import JobError
from training import batch_transform, inference
from training import train as train_script
from training.batch_transform import Handlers, parse_filter
from training.launchers.base import METRIC_DEFINITIONS, TrainingRequest
from training.launchers.local import LocalLauncher


def _write_split(folder, n, seed):
    """Label = 1 mostly when x0 + x1 > 1; x2 is noise; some values missing."""
    rng = np.random.default_rng(seed)
    x = rng.random((n, 3))
    y = ((x[:, 0] + x[:, 1] + rng.normal(0, 0.2, n)) > 1).astype(int)
    folder.mkdir(parents=True)
    lines = []
    for label, row in zip(y, x, strict=True):
        fields = [f"{v:.5f}" for v in row]
        if row[2] > 0.9:
            fields[2] = ""
        lines.append(",".join([str(label), *fields]))
    (folder / "part-00000.csv").write_text("\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    root = tmp_path_factory.mktemp("export")
    for i, split in enumerate(("train", "validation", "test")):
        _write_split(root / split, 600 if split == "train" else 200, seed=i)
    return root


def _train(export, out, **hps):
    lines = []
    request = TrainingRequest(
        job_name="job",
        channels={s: str(export / s) for s in ("train", "validation", "test")},
        hyperparameters={"num_round": 60, "early_stopping_rounds": 10, "nthread": 1, **hps},
        output_uri=str(out),
    )
    return LocalLauncher(lines.append).train(request), lines


@pytest.fixture(scope="module")
def trained(export, tmp_path_factory):
    return _train(export, tmp_path_factory.mktemp("jobs"))


def test_train_honours_the_sagemaker_contract(trained):
    model, lines = trained
    job = Path(model.model_uri).parent
    assert model.model_uri.endswith("job/model")
    loaded = inference.model_fn(model.model_uri)
    assert loaded.booster.num_features() == 3
    assert loaded.calibration["method"] == "platt" and loaded.calibration["rows"] == 200
    # The signal is learnable: a broken training loop would not reach this.
    assert model.metrics["validation_auc"] > 0.85 and model.metrics["test_auc"] > 0.85
    assert model.metrics["test_rows"] == 200
    # Every metric definition scrapes a value from the printed lines.
    log = "\n".join(lines)
    for definition in METRIC_DEFINITIONS:
        assert re.search(definition["Regex"], log), definition["Name"]
    config = job / "input" / "config" / "hyperparameters.json"
    assert json.loads(config.read_text())["num_round"] == "60"  # strings, as SageMaker


def test_hyperparameters_file_then_arguments(tmp_path):
    (tmp_path / "hyperparameters.json").write_text(
        json.dumps({"max_depth": "4.0", "eta": "0.2", "objective": "binary:logistic",
                    "sagemaker_program": "train.py", "_tuning_objective_metric": "auc"})
    )
    got = train_script.hyperparameters(["--eta", "0.3"], str(tmp_path))
    assert got["max_depth"] == 4 and isinstance(got["max_depth"], int)
    assert got["eta"] == 0.3  # the argument wins over the file
    assert got["objective"] == "binary:logistic"
    assert "sagemaker_program" not in got and "_tuning_objective_metric" not in got
    assert got["seed"] == 42  # a default nobody overrode
    with pytest.raises(ValueError, match="hyperparameter eta='fast' is not a number"):
        train_script.hyperparameters(["--eta", "fast"], str(tmp_path))


def test_same_data_and_seed_give_the_same_model(export, trained, tmp_path):
    again, _ = _train(export, tmp_path)
    first = inference.model_fn(trained[0].model_uri)
    second = inference.model_fn(again.model_uri)
    assert bytes(second.booster.save_raw("ubj")) == bytes(first.booster.save_raw("ubj"))
    assert second.calibration == first.calibration
    other, _ = _train(export, tmp_path / "other", seed=7)
    third = inference.model_fn(other.model_uri).booster
    assert bytes(third.save_raw("ubj")) != bytes(first.booster.save_raw("ubj"))


def test_scores_are_the_calibrated_booster_scores(trained, export):
    """inference.py returns sigmoid(a·logit(booster score) + b) with the artifact's a, b."""
    model = inference.model_fn(trained[0].model_uri)
    data = np.array([[0.9, 0.9, 0.1], [0.5, 0.5, 0.5], [0.1, 0.05, np.nan]])
    raw = model.booster.predict(xgb.DMatrix(data))
    a, b = model.calibration["a"], model.calibration["b"]
    expected = 1 / (1 + np.exp(-(a * np.log(raw / (1 - raw)) + b)))
    assert inference.predict_fn(data, model) == pytest.approx(expected, rel=1e-9)
    assert not np.allclose(expected, raw)  # the calibration does something here
    # The metrics are the calibrated scores': test mean score near the test rate.
    metrics = trained[0].metrics
    assert metrics["validation_mean_score"] == pytest.approx(
        metrics["validation_positive_rate"], abs=0.01)


def test_a_model_without_calibration_scores_raw(trained, tmp_path):
    """Models trained before calibration existed still load and score as they did."""
    model_dir = tmp_path / "old"
    model_dir.mkdir()
    booster_file = Path(trained[0].model_uri) / inference.MODEL_FILE
    (model_dir / inference.MODEL_FILE).write_bytes(booster_file.read_bytes())
    old = inference.model_fn(str(model_dir))
    data = np.array([[0.9, 0.9, 0.1]])
    assert old.calibration is None
    assert inference.predict_fn(data, old) == pytest.approx(
        old.booster.predict(xgb.DMatrix(data)))


def test_platt_recovers_a_known_miscalibration():
    """Labels drawn with P = sigmoid(2·logit(s) − 1): the fit finds a ≈ 2, b ≈ −1."""
    rng = np.random.default_rng(3)
    scores = rng.uniform(0.02, 0.98, 200_000)
    truth = 1 / (1 + np.exp(-(2 * np.log(scores / (1 - scores)) - 1)))
    labels = (rng.random(scores.size) < truth).astype(float)
    fitted = train_script.fit_platt(labels, scores)
    assert fitted["a"] == pytest.approx(2.0, abs=0.03)
    assert fitted["b"] == pytest.approx(-1.0, abs=0.03)
    calibrated = inference.calibrate(scores, fitted)
    assert train_script.calibration_error(labels, calibrated) < 0.01
    assert train_script.calibration_error(labels, scores) > 0.05


def test_reliability_table_and_calibration_error():
    labels = np.array([0, 0, 1, 1, 1, 0])
    scores = np.array([0.05, 0.15, 0.15, 0.95, 1.0, 0.55])
    table = train_script.reliability(labels, scores)
    assert [(r["band_low"], r["flights"]) for r in table] == [(0.0, 1), (0.1, 2), (0.5, 1),
                                                               (0.9, 2)]
    assert table[1]["mean_score"] == pytest.approx(0.15) and table[1]["actual_rate"] == 0.5
    # |0.05−0| + 2·|0.15−0.5| + |0.55−0| + 2·|0.975−1|, over 6 flights
    assert train_script.calibration_error(labels, scores) == pytest.approx(
        (0.05 + 0.7 + 0.55 + 0.05) / 6)


def test_bad_channel_fails_with_one_line(export, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "part-00000.csv").write_text("2,0.1,0.2,0.3\n")
    request = TrainingRequest(
        "badjob", {"train": str(bad), "validation": str(export / "validation")}, {}, str(tmp_path)
    )
    with pytest.raises(JobError, match=r"badjob failed: ValueError: .*bad: the first column"):
        LocalLauncher().train(request)
    assert (tmp_path / "badjob" / "output" / "failure").exists()


def test_inference_handlers(trained):
    model = inference.model_fn(trained[0].model_uri)
    data = inference.input_fn(b"0.9,0.9,0.1\n0.1,0.05,\n", "text/csv; charset=utf-8")
    assert np.isnan(data[1, 2])
    scores = inference.predict_fn(data, model)
    assert scores[0] > 0.5 > scores[1]
    out = inference.output_fn(scores, "text/csv")
    assert out.count("\n") == 2 and float(out.splitlines()[0]) == pytest.approx(scores[0])
    with pytest.raises(ValueError, match="only text/csv"):
        inference.input_fn("1,2,3", "application/json")
    with pytest.raises(ValueError, match="2 features per line, the model takes 3"):
        inference.predict_fn(inference.input_fn("1,2\n", "text/csv"), model)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [("$", ["a", "b", "c", "d"]), ("$[1:]", ["b", "c", "d"]), ("$[0,-1]", ["a", "d"]),
     ("$[-1]", ["d"]), ("$[:2]", ["a", "b"])],
)
def test_filters(expr, expected):
    assert parse_filter(expr)(["a", "b", "c", "d"]) == expected


def test_filter_outside_the_subset_is_refused():
    with pytest.raises(ValueError, match="unsupported filter"):
        parse_filter("$.features")


def _summing_handlers():
    """A stand-in model: the score is the sum of the fields it is given."""
    return Handlers(
        model=None,
        input_fn=lambda body, _: [[float(v) for v in line.split(",")] for line in body.split()],
        predict_fn=lambda rows, _: [sum(r) for r in rows],
        output_fn=lambda scores, _: "".join(f"{s:g}\n" for s in scores),
    )


def test_local_transform_filters_joins_and_writes_per_file(tmp_path):
    src = tmp_path / "in" / "flight_date=2013-12-01"
    src.mkdir(parents=True)
    (src / "a.csv").write_text("id1,1,2\nid2,3,4.5\n")
    (src / "b.csv").write_text("id3,1,1\nid4,oops,1\nid5,2,2\n")
    result = batch_transform.run(
        "unused", str(tmp_path / "in"), str(tmp_path / "out"),
        input_filter="$[1:]", join_source="Input", output_filter="$[0,-1]",
        handlers=_summing_handlers(),
    )
    out = tmp_path / "out" / "flight_date=2013-12-01"
    assert (out / "a.csv.out").read_text() == "id1,3\nid2,7.5\n"
    # b.csv has a bad record on line 2: none of its output is written.
    assert not (out / "b.csv.out").exists()
    assert result.files == 1 and result.records == 2
    assert len(result.failures) == 1
    assert re.search(r"b\.csv: line 2: ValueError", result.failures[0])
    assert not list(out.glob(".*partial"))


def test_output_filter_outside_the_record_fails_the_file(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "x.csv").write_text("id1,1,2\n")
    result = batch_transform.run(
        "unused", str(tmp_path / "in"), str(tmp_path / "out"), input_filter="$[1:]",
        join_source="Input", output_filter="$[0,5]", handlers=_summing_handlers(),
    )
    assert result.files == 0
    assert re.search(r"x\.csv: line 1: the output filter picks a field", result.failures[0])
    assert not (tmp_path / "out" / "x.csv.out").exists()


def test_transform_without_join_keeps_the_result_only(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "x.csv").write_text("id1,1,2\n")
    batch_transform.run(
        "unused", str(tmp_path / "in"), str(tmp_path / "out"), input_filter="$[1:]",
        handlers=_summing_handlers(),
    )
    assert (tmp_path / "out" / "x.csv.out").read_text() == "3\n"


def test_population_stability_index():
    rng = np.random.default_rng(0)
    base = rng.normal(0, 1, 5000)
    assert drift.psi(base, rng.normal(0, 1, 5000)) < 0.02
    assert drift.psi(base, rng.normal(1.5, 1, 5000)) > 0.25
    # A categorical code the training set never had counts as a shift.
    assert drift.psi(np.array([1.0, 2.0] * 50), np.array([3.0] * 100), categorical=True) > 1
    # Missing values are a bin of their own.
    assert drift.psi(np.ones(100), np.full(100, np.nan)) > 1


def test_local_xgboost_is_the_version_in_sagemakers_image():
    """A model trained here must load in SageMaker's XGBoost container and the other way round."""
    import xgboost

    from training.launchers.base import XGBOOST_VERSION

    assert xgboost.__version__ == XGBOOST_VERSION
