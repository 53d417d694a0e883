"""The pipeline DAG: order, selection, failures and resume (fake steps, no Spark)."""

from __future__ import annotations

import pytest

from flightlake import dag, runner
from flightlake.lake import Lake


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
    assert [s.name for s in dag.select("daily", start="score")] == ["score", "refresh_views"]
    assert len(dag.select("all")) == len(dag.STEPS)
    with pytest.raises(ValueError, match="--from train: not a step of daily"):
        dag.select("daily", start="train")
    with pytest.raises(ValueError, match="unknown workflow 'hourly'"):
        dag.select("hourly")


def test_cycles_and_unknown_dependencies_are_refused():
    a = dag.Step("a", "daily", "glue_etl", "", depends_on=("b",))
    b = dag.Step("b", "daily", "glue_etl", "", depends_on=("a",))
    with pytest.raises(ValueError, match="dependency cycle among a, b"):
        dag.order((a, b))
    with pytest.raises(ValueError, match="depends on unknown step 'c'"):
        dag.check((dag.Step("a", "daily", "glue_etl", "", depends_on=("c",)),))


class Recorder:
    """Executes steps by name; fails the ones in `failing` (until they are fixed)."""

    def __init__(self, failing=()):
        self.failing = set(failing)
        self.calls: list[str] = []
        self.run_ids: list[str] = []

    def __call__(self, run_id):
        self.run_ids.append(run_id)

        def execute(step):
            self.calls.append(step.name)
            if step.name in self.failing:
                raise RuntimeError(f"{step.name} broke")
            return {"rows": len(self.calls)}

        return execute


def test_stops_at_the_first_failure_and_resumes_from_it(tmp_path):
    lake = Lake.at(str(tmp_path))
    steps = dag.select("daily")
    names = [s.name for s in steps]
    broken = Recorder(failing={"curate"})
    with pytest.raises(runner.StepFailed, match="step curate failed: RuntimeError: curate broke"):
        runner.run(lake, "daily", steps, broken)
    assert broken.calls == names[: names.index("curate") + 1]  # nothing after the failure

    fixed = Recorder()
    record = runner.run(lake, "daily", steps, fixed)
    assert fixed.calls == names[names.index("curate") :]  # finished steps not redone
    assert fixed.run_ids == broken.run_ids  # the same run, resumed
    assert record["status"] == "succeeded"
    statuses = {s["name"]: s["status"] for s in record["steps"]}
    assert statuses["crawl_raw"] == "resumed" and statuses["curate"] == "succeeded"

    again = Recorder()
    runner.run(lake, "daily", steps, again)
    assert again.calls == names and again.run_ids != fixed.run_ids  # a new run


def test_only_and_from_redo_named_steps_even_when_resuming(tmp_path):
    lake = Lake.at(str(tmp_path))
    with pytest.raises(runner.StepFailed):
        runner.run(lake, "daily", dag.select("daily"), Recorder(failing={"score"}))
    redo = Recorder()
    runner.run(lake, "daily", dag.select("daily", only="crawl_raw"), redo, explicit=True)
    assert redo.calls == ["crawl_raw"]


def test_cli_dry_run_and_a_failing_step_resumed(tmp_path):
    from datetime import date

    from typer.testing import CliRunner

    from flightlake.cli import app
    from flightlake.landing import land

    runner_ = CliRunner()
    plan = runner_.invoke(app, ["run", "--workflow", "all", "--dry-run", "--lake", str(tmp_path)])
    assert plan.exit_code == 0 and "12 steps, nothing run" in plan.output
    assert not (tmp_path / "_state").exists()  # a plan runs nothing

    lake = tmp_path / "lake"
    land(Lake.at(str(lake)), date(2013, 1, 2))
    header = lake / "raw" / "flights" / "delivered=2013-01-09" / "flights_2013-01-08.csv"
    header.parent.mkdir(parents=True)
    header.write_text("year,month\n2013,1\n")  # a drop missing most columns: breaking drift
    args = ["run", "--workflow", "daily", "--only", "crawl_raw", "--lake", str(lake)]
    failed = runner_.invoke(app, args)
    assert failed.exit_code == 1
    assert "step crawl_raw failed" in failed.output and "Traceback" not in failed.output
    header.unlink()
    header.parent.rmdir()
    ok = runner_.invoke(app, args)
    assert ok.exit_code == 0, ok.output
    assert "✓ crawl_raw" in ok.output and "sources 5" in ok.output
