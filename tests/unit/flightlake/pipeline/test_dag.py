"""The pipeline DAG: order, selection, failures and resume (fake steps, no Spark)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from flightlake.lake import Lake
from flightlake.pipeline import dag, runner
from flightlake.run_context import RunContext, StepResult


def test_definition_is_valid_and_ordered():
    dag.check()
    names = [s.name for s in dag.order()]
    for step in dag.STEPS:
        for dep in step.depends_on:
            assert names.index(dep) < names.index(step.name), (dep, step.name)
    assert names.index("process_airports") < names.index("process_flights")
    assert names.index("train") < names.index("export_scoring")  # scoring after a retrain


def test_workflows_and_selection():
    daily = [s.name for s in dag.select("daily")]
    assert daily[0] == "crawl_raw" and daily[-1] == "refresh_views"
    assert [s.name for s in dag.select("weekly")] == ["export_features", "train"]
    assert [s.name for s in dag.select("daily", only="curate")] == ["curate"]
    assert [s.name for s in dag.select("daily", start="score")] == [
        "score", "monitor", "refresh_views"]
    # The decision on the challenger comes before the day is scored, then the retrain.
    every = [s.name for s in dag.select("all")]
    assert every.index("compare_models") < every.index("train") < every.index("export_scoring")
    assert len(dag.select("all")) == len(dag.STEPS)
    with pytest.raises(ValueError, match="--from train: not a step of daily"):
        dag.select("daily", start="train")
    with pytest.raises(ValueError, match="unknown workflow 'hourly'"):
        dag.select("hourly")


def noop(ctx):
    return StepResult()


def test_cycles_and_unknown_dependencies_are_refused():
    a = dag.Step("a", "daily", "glue_etl", "", noop, depends_on=("b",))
    b = dag.Step("b", "daily", "glue_etl", "", noop, depends_on=("a",))
    with pytest.raises(ValueError, match="dependency cycle among a, b"):
        dag.order((a, b))
    with pytest.raises(ValueError, match="depends on unknown step 'c'"):
        dag.check((dag.Step("a", "daily", "glue_etl", "", noop, depends_on=("c",)),))


class Recorder:
    """Fake steps that record their calls; the ones in `failing` raise (until they are fixed)."""

    def __init__(self, failing=()):
        self.failing = set(failing)
        self.calls: list[str] = []
        self.run_ids: set[str] = set()
        self.dates: set[tuple] = set()

    def steps(self, steps):
        return [replace(s, run=self._fake(s.name)) for s in steps]

    def _fake(self, name):
        def run(ctx):
            self.calls.append(name)
            self.run_ids.add(ctx.run_id)
            self.dates.add(ctx.dates)
            if name in self.failing:
                raise RuntimeError(f"{name} broke")
            return StepResult()

        return run


def test_stops_at_the_first_failure_and_resumes_from_it(tmp_path):
    ctx = RunContext(Lake.at(str(tmp_path)), "")
    names = [s.name for s in dag.select("daily")]
    broken = Recorder(failing={"curate"})
    with pytest.raises(runner.StepFailed, match="step curate failed: RuntimeError: curate broke"):
        runner.run_workflow(ctx, "daily", broken.steps(dag.select("daily")))
    assert broken.calls == names[: names.index("curate") + 1]  # nothing after the failure

    fixed = Recorder()
    run = runner.run_workflow(ctx, "daily", fixed.steps(dag.select("daily")))
    assert fixed.calls == names[names.index("curate") :]  # finished steps not redone
    assert fixed.run_ids == broken.run_ids == {run.run_id}  # the same run, resumed
    record = json.loads((tmp_path / run.record).read_text())
    assert record["status"] == "succeeded"
    statuses = {s["step"]: s["status"] for s in record["steps"]}
    assert statuses["crawl_raw"] == "resumed" and statuses["curate"] == "succeeded"
    failed = json.loads((tmp_path / "_runs" / f"{run.run_id}.curate.json").read_text())
    assert failed["status"] == "succeeded"  # the rerun's record replaced the failed one

    again = Recorder()
    runner.run_workflow(ctx, "daily", again.steps(dag.select("daily")))
    assert again.calls == names and again.run_ids.isdisjoint(fixed.run_ids)  # a new run


def test_a_failed_step_is_recorded_in_the_state_with_its_record(tmp_path):
    ctx = RunContext(Lake.at(str(tmp_path)), "")
    with pytest.raises(runner.StepFailed):
        runner.run_workflow(ctx, "weekly", Recorder(failing={"train"}).steps(dag.select("weekly")))
    state = json.loads((tmp_path / "_state" / "workflows" / "weekly.json").read_text())
    failed = state["steps"]["train"]
    assert failed["status"] == "failed" and failed["error"] == "RuntimeError: train broke"
    assert json.loads((tmp_path / failed["record"]).read_text())["status"] == "failed"


def test_a_resumed_run_keeps_its_own_steps_and_dates(tmp_path):
    from datetime import date

    december = (date(2013, 12, 1), date(2013, 12, 2))
    lake = Lake.at(str(tmp_path))
    scoring = dag.select("daily", start="export_scoring")
    broken = Recorder(failing={"score"})
    with pytest.raises(runner.StepFailed):
        runner.run_workflow(RunContext(lake, "", dates=december), "daily", broken.steps(scoring))
    # `flightlake run` again, plain: the failed scoring run resumes, with its dates.
    fixed = Recorder()
    runner.run_workflow(RunContext(lake, ""), "daily", fixed.steps(dag.select("daily")))
    assert fixed.calls == ["score", "monitor", "refresh_views"] and fixed.dates == {december}


def test_a_new_run_removes_the_scratch_of_the_run_it_abandons(tmp_path):
    lake = Lake.at(str(tmp_path))
    ctx = RunContext(lake, "")
    with pytest.raises(runner.StepFailed):
        runner.run_workflow(ctx, "weekly", Recorder(failing={"train"}).steps(dag.select("weekly")))
    abandoned = json.loads((tmp_path / "_state" / "workflows" / "weekly.json").read_text())
    lake.storage.write_bytes(f"{lake.staging_dir(abandoned['run_id'], 'train')}/x", b"left")
    only = Recorder().steps(dag.select("weekly", only="export_features"))
    runner.run_workflow(ctx, "weekly", only, explicit=True)
    assert not (tmp_path / "_staging").exists()


def test_a_killed_run_is_resumed_too(tmp_path):
    ctx = RunContext(Lake.at(str(tmp_path)), "")
    state = tmp_path / "_state" / "workflows" / "weekly.json"
    state.parent.mkdir(parents=True)
    # What a run killed during train leaves behind: state "running", export done.
    state.write_text(json.dumps({"run_id": "killed-1", "status": "running", "steps": {
        "export_features": {"status": "succeeded", "seconds": 1.0, "record": ""}}}))
    redo = Recorder()
    runner.run_workflow(ctx, "weekly", redo.steps(dag.select("weekly")))
    assert redo.calls == ["train"] and redo.run_ids == {"killed-1"}


def test_only_and_from_redo_named_steps_even_when_resuming(tmp_path):
    ctx = RunContext(Lake.at(str(tmp_path)), "")
    with pytest.raises(runner.StepFailed):
        runner.run_workflow(ctx, "daily", Recorder(failing={"score"}).steps(dag.select("daily")))
    redo = Recorder()
    only = redo.steps(dag.select("daily", only="crawl_raw"))
    runner.run_workflow(ctx, "daily", only, explicit=True)
    assert redo.calls == ["crawl_raw"]


def test_a_step_record_says_why_it_failed_and_staging_is_emptied(tmp_path):
    lake = Lake.at(str(tmp_path))
    step = dag.BY_NAME["curate"]

    def half_done(ctx):
        lake.storage.write_bytes(f"{ctx.staging}/part.parquet", b"x")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        runner.run_step(replace(step, run=half_done), RunContext(lake, "r-1"))
    record = json.loads((tmp_path / "_runs" / "r-1.curate.json").read_text())
    assert record["status"] == "failed" and record["error"] == "RuntimeError: disk full"
    assert not (tmp_path / "_staging").exists()


def test_cli_dry_run_a_stray_file_and_schema_drift(tmp_path):
    from datetime import date

    from typer.testing import CliRunner

    from flightlake.cli import app
    from flightlake.landing import land

    runner_ = CliRunner()
    plan = runner_.invoke(app, ["run", "--workflow", "all", "--dry-run", "--lake", str(tmp_path)])
    assert plan.exit_code == 0 and "14 steps, nothing run" in plan.output
    assert not (tmp_path / "_state").exists()  # a plan runs nothing

    lake = tmp_path / "lake"
    land(Lake.at(str(lake)), date(2013, 1, 2))
    stray = lake / "raw" / "flights" / "flights_2013-01-08.csv"
    stray.write_text("year,month\n2013,1\n")  # outside any delivered=<date> folder
    args = ["run", "--workflow", "daily", "--only", "crawl_raw", "--lake", str(lake)]
    # Never read, never skipped in silence: named in the run's summary.
    reported = runner_.invoke(app, args)
    assert reported.exit_code == 0, reported.output
    assert "not read raw/flights/flights_2013-01-08.csv" in reported.output
    stray.unlink()
    ok = runner_.invoke(app, args)
    assert ok.exit_code == 0, ok.output
    assert "✓ crawl_raw" in ok.output and "in 5 source(s)" in ok.output

    # A drop missing most columns: like a Glue crawler (SchemaChangePolicy LOG) the step
    # reports the drift and the run goes on; processing quarantines the rows.
    drop = lake / "raw" / "flights" / "delivered=2013-01-09" / "flights_2013-01-08.csv"
    drop.parent.mkdir(parents=True)
    drop.write_text("year,month\n2013,1\n")
    drifted = runner_.invoke(app, args)
    assert drifted.exit_code == 0, drifted.output
    assert "schema drift in 1 file(s)" in drifted.output
    gone = "raw/flights/delivered=2013-01-09/flights_2013-01-08.csv: column removed day, dep_time"
    assert f"schema drift {gone}" in drifted.output


def test_a_folder_without_a_lake_is_named(tmp_path):
    from typer.testing import CliRunner

    from flightlake.cli import app

    for command in (["run"], ["status"], ["quality"], ["models"]):
        said = CliRunner().invoke(app, [*command, "--lake", str(tmp_path / "no" / "such")])
        assert said.exit_code == 1, command
        assert "no lake here" in said.output and "Traceback" not in said.output
