"""The replay's schedule and its resumption: the weekly retrain on Mondays with rolling splits
as of that day, a bootstrap only when there is no champion, and a failed or killed replay
resuming at the day that did not finish (real kills: docs/model.md, the issue's note)."""

from __future__ import annotations

from datetime import date

import pytest

from flightlake.lake import Lake
from flightlake.pipeline import replay
from flightlake.run_context import RunContext


class Killed(Exception):
    pass


@pytest.fixture
def calls(monkeypatch):
    log: list[tuple] = []
    state = {"champion": False, "fail_on": None}

    def land(lake, through):
        log.append(("land", through))

    def workflow(ctx, name, dates, as_of, on_step):
        if dates and dates[0] == state["fail_on"]:
            state["fail_on"] = None
            raise Killed(dates[0])
        log.append((name, dates, as_of))
        if name == "weekly":
            state["champion"] = True
        return name

    monkeypatch.setattr(replay.landing, "land", land)
    monkeypatch.setattr(replay, "_workflow", workflow)
    monkeypatch.setattr(replay, "_has_champion", lambda ctx: state["champion"])
    return log, state


def test_replay_runs_the_schedule_and_resumes_after_a_failure(tmp_path, calls):
    log, state = calls
    ctx = RunContext(Lake.at(str(tmp_path)), "run-1")
    state["fail_on"] = date(2013, 12, 3)
    with pytest.raises(Killed):
        replay.replay(ctx, date(2013, 12, 1), date(2013, 12, 4))
    assert log == [
        ("land", date(2013, 11, 30)),
        ("daily", (date(2013, 11, 30),), None),  # bootstrap: everything before the first day
        ("weekly", (), date(2013, 12, 1)),  # … and the first model, as of that day
        ("land", date(2013, 12, 1)),
        ("daily", (date(2013, 12, 1),), None),
        ("land", date(2013, 12, 2)),
        ("all", (date(2013, 12, 2),), date(2013, 12, 2)),  # Monday: retrain, then score
        ("land", date(2013, 12, 3)),
    ]
    log.clear()
    done = replay.replay(ctx, date(2013, 12, 1), date(2013, 12, 4))
    assert log == [  # no second bootstrap, days 1 and 2 not redone
        ("land", date(2013, 12, 3)),
        ("daily", (date(2013, 12, 3),), None),
        ("land", date(2013, 12, 4)),
        ("daily", (date(2013, 12, 4),), None),
    ]
    assert done.resumed_days == 2 and [d.run is None for d in done.days] == [
        True, True, False, False]
    # Done: running it again does nothing; another span starts its own record.
    log.clear()
    replay.replay(ctx, date(2013, 12, 1), date(2013, 12, 4))
    assert log == []
    replay.replay(ctx, date(2013, 12, 5), date(2013, 12, 5))
    assert log == [("land", date(2013, 12, 5)), ("daily", (date(2013, 12, 5),), None)]


def test_a_replay_from_a_monday_trains_once(tmp_path, calls):
    log, _ = calls
    ctx = RunContext(Lake.at(str(tmp_path)), "run-1")
    replay.replay(ctx, date(2013, 12, 2), date(2013, 12, 2))  # a Monday
    assert [c[0] for c in log] == ["land", "daily", "weekly", "land", "daily"]


def test_a_replay_before_the_models_data_ends_is_refused(tmp_path):
    from training.registry.local import LocalRegistry

    lake = Lake.at(str(tmp_path))
    LocalRegistry(lake).register("m1", {"validation_auc": 0.7}, {},
                                 {"export_id": "e", "test_to": "2013-12-31"})
    with pytest.raises(ValueError, match=r"trained on data up to 2013-12-31.*with hindsight"):
        replay.replay(RunContext(lake, "run-1"), date(2013, 12, 1), date(2013, 12, 3))
    with pytest.raises(ValueError, match="the data ends on 2013-12-31"):
        replay.check_span(RunContext(lake, "run-1"), date(2014, 1, 1), date(2014, 1, 2))
