"""The daily workflow's Spark jobs on a real Spark cluster: a standalone master and two
workers on loopback, started from the job environment's own Spark, executors in their own
JVMs. The lake they build is the one `local[*]` builds: a team that outgrows one machine
submits the same jobs to its cluster."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import time
from pathlib import Path

import pytest

from flightlake.runtime.java import find_java_home
from tests.parity import glue
from tests.parity.conftest import assert_same_lake
from tests.parity.test_glue_parity import ETL_STEPS, SUBMITTED

pytestmark = pytest.mark.parity

WORKERS = 2
# The workers register as 127.0.0.1 and the local file system reports its blocks on
# "localhost": without this every scan waits out Spark's 3 s for a node-local slot.
CLUSTER_CONF = {**SUBMITTED, "spark.locality.wait": "0s"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def cluster(etl_python, tmp_path_factory):
    """spark://127.0.0.1:<port> with WORKERS workers of one core each, registered."""
    logs = tmp_path_factory.mktemp("cluster")
    spark_class = str(etl_python.parent / "spark-class")
    env = {
        "PATH": f"{etl_python.parent}:/usr/bin:/bin",
        "HOME": os.environ.get("HOME", "/tmp"),
        "JAVA_HOME": str(find_java_home()),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "PYSPARK_PYTHON": str(etl_python),
    }
    port = _free_port()
    url = f"spark://127.0.0.1:{port}"

    def start(name: str, *args: str) -> subprocess.Popen:
        out = (logs / f"{name}.log").open("w")
        return subprocess.Popen([spark_class, *args], env=env, stdout=out, stderr=out)

    processes = [
        start("master", "org.apache.spark.deploy.master.Master",
              "--host", "127.0.0.1", "--port", str(port), "--webui-port", str(_free_port()))
    ]
    for i in range(WORKERS):
        work = logs / f"work-{i}"
        processes.append(
            start(f"worker-{i}", "org.apache.spark.deploy.worker.Worker", url,
                  "--host", "127.0.0.1", "--cores", "1", "--memory", "2g",
                  "--webui-port", str(_free_port()), "--work-dir", str(work))
        )
    try:
        deadline = time.monotonic() + 120
        master_log = logs / "master.log"
        while len(re.findall("Registering worker", master_log.read_text())) < WORKERS:
            assert time.monotonic() < deadline, master_log.read_text()[-3000:]
            assert all(p.poll() is None for p in processes), master_log.read_text()[-3000:]
            time.sleep(0.5)
        yield url, logs
    finally:
        for p in processes:
            p.terminate()
        for p in processes:
            p.wait(timeout=30)


def test_daily_jobs_on_a_standalone_cluster_build_the_local_lake(
    cluster, etl_python, script, reference, fresh_lake
):
    url, logs = cluster
    flow = glue.Workflow(etl_python, script, url)
    for step in ETL_STEPS:
        done = flow.submit(step, {"--lake": str(fresh_lake), "--backend": "local"}, CLUSTER_CONF)
        assert done.returncode == 0, f"{step}: {done.stderr[-3000:]}"
    record = json.loads((fresh_lake / "_runs" / f"{flow.run_id}.process_flights.json").read_text())
    assert record["status"] == "succeeded"
    assert record["spark"]["master"] == url
    assert {k: record["spark"]["conf"][k] for k in SUBMITTED} == SUBMITTED
    # The work ran in executor JVMs on the workers, not in the driver.
    assert record["spark"]["executors"] == WORKERS
    launched = list(Path(logs).glob("work-*/app-*/*/stderr"))
    assert len({p.parts[-4] for p in launched}) == WORKERS
    assert_same_lake(reference, fresh_lake)
