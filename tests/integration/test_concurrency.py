"""Two runs on one lake: one is refused at once, and the lake ends as one run leaves it."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

from typer.testing import CliRunner

from flightlake.cli import app
from flightlake.lake import Lake
from flightlake.landing import land
from flightlake.run_lock import hold
from tests.integration.conftest import layer_digest
from tests.paths import REPO


def _start(root) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "flightlake.cli", "run", "--lake", str(root)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_runs_started_together_one_is_refused(tmp_path, january):
    """Both start at once on the real January: one refuses at once, the other's lake equals
    the session's January lake (the reference, built by one run alone)."""
    reference, _ = january
    root = tmp_path / "lake"
    land(Lake.at(str(root)), date(2013, 1, 31))
    first, second = _start(root), _start(root)
    results = [(p.wait(timeout=600), *p.communicate()) for p in (first, second)]
    refused = [r for r in results if r[0] == 1]
    assert len(refused) == 1, results
    _, _, err = refused[0]
    assert "is locked by run" in err and "pid" in err and "Traceback" not in err
    assert [r[0] for r in results].count(0) == 1
    for layer in ("processed", "curated"):
        assert layer_digest(root, layer) == layer_digest(reference, layer)


def test_a_run_started_while_another_holds_the_lake_is_refused(tmp_path):
    lake = Lake.at(str(tmp_path))
    land(lake, date(2013, 1, 1))
    with hold(lake, "20130101T000000Z-abcdef"):
        refused = CliRunner().invoke(app, ["run", "--lake", str(tmp_path)])
        assert refused.exit_code == 1
        # (main() prints it as one line: "error: … is locked by run …")
        assert "locked by run 20130101T000000Z-abcdef" in str(refused.exception)
        assert not (tmp_path / "processed").exists()  # refused before anything ran
        assert not (tmp_path / "_state" / "workflows").exists()
