"""The lake's run lock, in a folder (flock) and on S3 (conditional writes, with moto)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from flightlake import run_lock
from flightlake.lake import Lake
from flightlake.run_lock import LOCK_FILE, LakeLocked, hold
from flightlake.runtime.storage import S3Storage
from tests.paths import REPO


def test_a_second_run_is_refused_naming_the_holder(tmp_path):
    lake = Lake.at(str(tmp_path))
    with hold(lake, "run-a"), pytest.raises(LakeLocked) as refused, hold(lake, "run-b"):
        pass
    message = str(refused.value)
    assert "run run-a" in message and f"pid {os.getpid()}" in message and "since 20" in message
    assert "\n" not in message
    with hold(lake, "run-c") as held:  # released at the end of run-a
        assert held.took_over is None


def test_the_lock_of_a_killed_run_is_taken_over(tmp_path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from flightlake.lake import Lake\n"
            "from flightlake.run_lock import hold\n"
            "with hold(Lake.at(sys.argv[1]), 'killed-run'):\n"
            "    print('held', flush=True)\n"
            "    time.sleep(60)\n",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        cwd=REPO,
    )
    assert holder.stdout.readline().strip() == b"held"
    with pytest.raises(LakeLocked, match="killed-run"), hold(Lake.at(str(tmp_path)), "x"):
        pass
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    (tmp_path / "_staging/killed-run/process_flights").mkdir(parents=True)
    with hold(Lake.at(str(tmp_path)), "next") as held:
        assert held.took_over is not None and held.took_over.run_id == "killed-run"
        # The new holder removes what the killed run left in staging.
        assert not (tmp_path / "_staging").exists()


@pytest.fixture
def s3_lake(aws):
    client = boto3.client("s3")
    client.create_bucket(Bucket="lake")
    return Lake(S3Storage("s3://lake/prod", client)), client


def _lock_body(client) -> dict:
    return json.loads(client.get_object(Bucket="lake", Key=f"prod/{LOCK_FILE}")["Body"].read())


def test_s3_lock_is_a_conditional_write(s3_lake):
    lake, client = s3_lake
    with hold(lake, "run-a"):
        assert _lock_body(client)["run_id"] == "run-a"
        with pytest.raises(LakeLocked, match="run run-a"), hold(lake, "run-b"):
            pass
    assert client.list_objects_v2(Bucket="lake", Prefix=f"prod/{LOCK_FILE}")["KeyCount"] == 0


def test_s3_stale_lock_is_taken_over_by_one_run_only(s3_lake):
    lake, client = s3_lake
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    stale = {"run_id": "dead", "host": "h", "pid": 1, "since": past, "expires": past}
    client.put_object(Bucket="lake", Key=f"prod/{LOCK_FILE}", Body=json.dumps(stale).encode())
    etag = lake.storage.read_versioned(LOCK_FILE)[1]
    with hold(lake, "run-a") as held:
        assert held.took_over.run_id == "dead"
        # A second taker that read the same stale lock loses the If-Match race.
        assert lake.storage.put_if(LOCK_FILE, b"{}", match=etag) is None
        assert _lock_body(client)["run_id"] == "run-a"


def test_s3_jobs_of_one_glue_workflow_run_share_the_lock(s3_lake):
    lake, client = s3_lake
    with hold(lake, "wr_1", shared=True):
        with hold(lake, "wr_1", shared=True) as joined:
            assert joined.joined
        with pytest.raises(LakeLocked), hold(lake, "wr_2", shared=True):
            pass
    # Left to lapse, not deleted: a later job of the same workflow run may still come.
    assert _lock_body(client)["run_id"] == "wr_1"


def test_the_s3_lease_is_renewed_while_the_run_lasts(s3_lake, monkeypatch):
    lake, client = s3_lake
    monkeypatch.setattr(run_lock, "LEASE", timedelta(seconds=1))
    with hold(lake, "run-a"):
        first = _lock_body(client)["expires"]
        time.sleep(0.6)
        assert _lock_body(client)["expires"] > first
