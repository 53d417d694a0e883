"""The zip of wheels a Glue job installs: the flightlake wheel and every module it needs that
Glue 5.1 does not provide, at the versions of requirements.lock (the versions the tests ran).

Glue installs it with `--additional-python-modules s3://…/<name>.gluewheels.zip` and
`--python-modules-installer-option --no-index`: pip resolves from the zip alone, so a job
never reaches PyPI ("Zip of wheels", Glue 5.0 and later:
https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-python-libraries.html).
One zip per kind of job (pyproject's `etl` and `launcher` extras): an ETL job does not
install the SageMaker SDK, a launcher does not install great-expectations.

Building needs a package index (like `pip download` in AWS's own recipe); installing does not.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import zipfile
from importlib.resources import files
from pathlib import Path

# The extra of pyproject.toml each kind of job installs.
EXTRAS = {"glue_etl": "etl", "launcher": "launcher"}
SUFFIX = ".gluewheels.zip"
FOLDER = "wheels"  # the zip's one folder, as in AWS's recipe
REQUIREMENTS = "requirements.txt"
# Glue 5.1 runs Amazon Linux 2023 on x86_64, CPython 3.11 ("Appendix B: AWS Glue environment
# details" of the page above): wheels for these platforms install there.
PLATFORMS = ("manylinux_2_34_x86_64", "manylinux_2_28_x86_64", "manylinux2014_x86_64")
PYTHON_VERSION = "311"
# A fixed time for every zip entry: the same wheels make the same bytes, so an unchanged
# wheelhouse is not uploaded again.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;]+)")


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def provided() -> dict[str, str]:
    """Glue 5.1's own modules, normalised name → version (glue-5.1-provided.txt)."""
    text = (files("flightlake.deploy") / "glue-5.1-provided.txt").read_text(encoding="utf-8")
    return {_normal(m[1]): m[2] for m in map(_PIN.match, text.splitlines()) if m}


def pins(extra: str, repo: Path) -> list[str]:
    """`name==version` of every module the extra needs (the package's own dependencies
    included) at requirements.lock's versions, less those Glue provides at that version."""
    uv = Path(sys.executable).with_name("uv")
    out = subprocess.run(
        [
            str(uv), "pip", "compile", "--quiet", "--no-header", "--no-annotate",
            "--python-version", "3.11", "--python-platform", "x86_64-manylinux_2_28",
            "--extra", extra, "-c", str(repo / "requirements.lock"),
            str(repo / "pyproject.toml"),
        ],
        check=True, capture_output=True, text=True,
    ).stdout
    glue = provided()
    return [
        line for line in out.splitlines()
        if (m := _PIN.match(line)) and glue.get(_normal(m[1])) != m[2]
    ]


def file_name(version: str, kind: str) -> str:
    return f"flightlake-{version}-{EXTRAS[kind]}{SUFFIX}"


def build(wheel: Path, kind: str, repo: Path, out: Path) -> Path:
    """flightlake-<version>-<extra>.gluewheels.zip in `out`: the wheel and its modules' wheels."""
    extra = EXTRAS[kind]
    with tempfile.TemporaryDirectory(prefix="flightlake-wheels-") as tmp:
        folder = Path(tmp) / FOLDER
        folder.mkdir()
        needed = pins(extra, repo)
        if needed:
            requirements = Path(tmp) / "requirements.txt"
            requirements.write_text("\n".join(needed) + "\n")
            platforms = [arg for p in PLATFORMS for arg in ("--platform", p)]
            subprocess.run(
                [
                    sys.executable, "-m", "pip", "download", "--quiet",
                    "--disable-pip-version-check", "--no-deps", "--only-binary=:all:", *platforms,
                    "--python-version", PYTHON_VERSION, "--implementation", "cp",
                    "--dest", str(folder), "-r", str(requirements),
                ],
                check=True, capture_output=True, text=True,
            )
        target = out / file_name(wheel.name.split("-")[1], kind)
        entries = sorted([*folder.glob("*.whl"), wheel], key=lambda p: p.name)
        # Beside the wheels, as in AWS's recipe ("Appendix A: Creating a Zip of Wheels"): every
        # wheel pinned, so an install from it takes exactly these.
        pinned = "".join(f"{'=='.join(p.name.split('-')[:2])}\n" for p in entries)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as zf:
            info = zipfile.ZipInfo(f"{FOLDER}/{REQUIREMENTS}", date_time=ZIP_TIME)
            zf.writestr(info, pinned)
            for path in entries:
                info = zipfile.ZipInfo(f"{FOLDER}/{path.name}", date_time=ZIP_TIME)
                zf.writestr(info, path.read_bytes())
    return target

