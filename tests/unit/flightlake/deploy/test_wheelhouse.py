"""The modules a Glue job gets: Glue 5.1's own at Glue's versions, the rest from its zip."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

from flightlake.deploy import wheelhouse
from tests.paths import REPO

# The SageMaker SDK needs boto3 ≥ 1.43; Glue 5.1 has 1.40.61 (docs/architecture.md).
NEWER_THAN_GLUE = {"boto3", "botocore", "s3transfer"}


def _lock() -> dict[str, str]:
    text = (REPO / "requirements.lock").read_text()
    return {
        wheelhouse._normal(m[1]): m[2]
        for m in re.finditer(r"^([A-Za-z0-9._-]+)==(\S+)", text, re.MULTILINE)
    }


def test_glue_51_modules_as_aws_lists_them():
    glue = wheelhouse.provided()
    assert len(glue) == 60
    assert (glue["numpy"], glue["pandas"], glue["pyarrow"]) == ("2.3.4", "2.3.3", "22.0.0")
    assert glue["boto3"] == "1.40.61" and glue["pip"] == "24.0"


def test_tests_run_on_glues_own_module_versions():
    """Every module both Glue 5.1 and the lock hold is at Glue's version (but boto3's trio)."""
    glue, lock = wheelhouse.provided(), _lock()
    shared = set(glue) & set(lock)
    assert {"numpy", "pandas", "pyarrow", "requests", "packaging"} <= shared
    apart = {name: (lock[name], glue[name]) for name in shared if lock[name] != glue[name]}
    assert set(apart) == NEWER_THAN_GLUE, apart


def test_zip_carries_only_what_glue_lacks(monkeypatch, tmp_path):
    """What the resolver asks for, less what Glue provides at that very version; the zip is
    the flightlake wheel and those wheels under wheels/, byte-identical when built again."""
    compiled = "numpy==2.3.4\ngreat-expectations==1.24.1\nboto3==1.44.5\nurllib3==2.5.0\n"
    calls = []

    def fake_run(argv, **kwargs):
        calls.append(argv)
        if "compile" in argv:
            return subprocess.CompletedProcess(argv, 0, stdout=compiled)
        dest = Path(argv[argv.index("--dest") + 1])
        for pin in Path(argv[argv.index("-r") + 1]).read_text().split():
            name, version = pin.split("==")
            wheel_name = name.replace("-", "_")  # as wheel file names spell it
            (dest / f"{wheel_name}-{version}-py3-none-any.whl").write_bytes(b"w")
        return subprocess.CompletedProcess(argv, 0)

    monkeypatch.setattr(wheelhouse.subprocess, "run", fake_run)
    assert wheelhouse.pins("etl", REPO) == ["great-expectations==1.24.1", "boto3==1.44.5"]
    wheel = tmp_path / "flightlake-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"ours")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = wheelhouse.build(wheel, "glue_etl", REPO, tmp_path / "a")
    assert first.name == "flightlake-0.1.0-etl.gluewheels.zip"
    assert zipfile.ZipFile(first).read("wheels/requirements.txt").decode().split() == [
        "boto3==1.44.5", "flightlake==0.1.0", "great_expectations==1.24.1"
    ]
    assert sorted(zipfile.ZipFile(first).namelist()) == [
        "wheels/boto3-1.44.5-py3-none-any.whl",
        "wheels/flightlake-0.1.0-py3-none-any.whl",
        "wheels/great_expectations-1.24.1-py3-none-any.whl",
        "wheels/requirements.txt",
    ]
    download = calls[-1]  # pins() was called once more by build()
    assert "--only-binary=:all:" in download and "--no-deps" in download
    assert wheelhouse.build(wheel, "glue_etl", REPO, tmp_path / "b").read_bytes() == (
        first.read_bytes()
    )
