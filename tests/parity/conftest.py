"""Fixtures of the Glue parity harness (tests/parity/glue.py): the zips of wheels deploy
builds, a Glue 5.1 job environment per kind of job, the lake the local runner builds from the
same deliveries, and a moto server standing in for AWS."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bench.compare_lakes import differences
from flightlake.deploy import engine
from flightlake.lake import Lake
from flightlake.landing import land
from tests.integration.conftest import run_daily
from tests.parity import glue

# A few real days: every table, quarantined rows, two curated months' worth of code paths.
THROUGH = date(2013, 1, 3)


@pytest.fixture(scope="session")
def wheelhouses(tmp_path_factory) -> dict[str, Path]:
    return engine.build_wheelhouses(tmp_path_factory.mktemp("code"))  # as deploy builds them


@pytest.fixture(scope="session")
def etl_python(tmp_path_factory, wheelhouses) -> Path:
    return glue.job_environment(tmp_path_factory.mktemp("glue-etl"), wheelhouses["glue_etl"])


@pytest.fixture(scope="session")
def launcher_python(tmp_path_factory, wheelhouses) -> Path:
    return glue.job_environment(tmp_path_factory.mktemp("glue-launcher"), wheelhouses["launcher"])


@pytest.fixture(scope="session")
def script(tmp_path_factory) -> Path:
    return glue.script_folder(tmp_path_factory.mktemp("glue-script"))


def landed(root: Path) -> Path:
    land(Lake.at(str(root)), THROUGH)
    return root


@pytest.fixture(scope="session")
def reference(tmp_path_factory, spark) -> Path:
    """The lake `flightlake run` builds locally (local[*], the embedded session)."""
    root = landed(tmp_path_factory.mktemp("reference") / "lake")
    run_daily(Lake.at(str(root)))  # raises when a step fails
    return root


@pytest.fixture
def fresh_lake(tmp_path) -> Path:
    return landed(tmp_path / "lake")


@pytest.fixture(scope="session")
def moto_endpoint():
    """AWS for the jobs: a moto server on loopback, in this process (its state is readable
    here through moto's backends)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def assert_same_lake(reference: Path, lake: Path) -> None:
    """Every table of `lake` holds the reference's rows (run ids aside), and there are rows."""
    compared: list[str] = []
    assert differences(reference, lake, compared.append) == [], "\n".join(compared)
    counted = {line.split(":")[0]: line for line in compared}
    for table in ("processed.flights", "processed.weather", "curated.flights"):
        assert table in counted and f"{table}: 0 rows" not in counted[table], compared
