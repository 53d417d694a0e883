"""A run killed in the middle of the flights job, then rerun, converges to the same lake."""

import shutil
import signal
import subprocess
import sys
import time
from datetime import date

import pytest

from flightlake.lake import Lake
from flightlake.landing import land
from tests.integration.conftest import layer_digest, run_daily


@pytest.fixture(autouse=True)
def _gate_off(monkeypatch):
    """These tests are about convergence after a kill, checked against reference layers. The
    quality gate has its own tests (test_quality_gate.py) and costs about a second per
    table per run: too much for the many runs here."""
    monkeypatch.setenv("FLIGHTLAKE_QUALITY_GATE", "off")


def test_killed_run_rerun_converges(tmp_path):
    reference = tmp_path / "reference"
    land(Lake.at(str(reference)), date(2013, 1, 3))
    killed = tmp_path / "killed"
    shutil.copytree(reference, killed)
    run_daily(Lake.at(str(reference)))

    proc = subprocess.Popen(
        [sys.executable, "-m", "flightlake.cli", "run", "--lake", str(killed)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    # Kill once the flights job is writing: planes etc. are published, flights are not.
    while not list(killed.glob("_staging/*/process_flights/classified")) and (
        time.monotonic() < deadline
    ):
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert list(killed.glob("_staging/*")), "the run was not caught in the middle"
    assert not (killed / "_state/ledger/flights.json").exists()

    rerun = run_daily(Lake.at(str(killed)))  # resumes the killed run at process_flights
    assert rerun.result("process_flights").files_read == 3
    statuses = {o.step.name: o.status for o in rerun.outcomes}
    assert statuses["process_planes"] == "resumed"  # finished before the kill
    assert not list(killed.glob("_staging/*"))
    assert layer_digest(killed) == layer_digest(reference)
