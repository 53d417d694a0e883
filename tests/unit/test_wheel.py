"""The wheel carries every file read at run time: installed alone, away from the checkout, it
creates the views from its own sql/views and reads its own split config, supplement and
crawler definitions."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

from setuptools import find_namespace_packages

from tests.paths import REPO

SETUPTOOLS = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]


def test_every_package_of_the_checkout_is_listed_in_pyproject():
    # Listed by hand (a package whose folder lies elsewhere cannot be discovered): a new
    # package left out would be missing from the wheel, and so from Glue, silently.
    wanted = set(
        find_namespace_packages(
            str(REPO), include=["flightlake*", "glue_jobs*", "features*", "training*"]
        )
    )
    for package, folder in SETUPTOOLS["package-dir"].items():
        wanted.add(package)
        wanted |= {f"{package}.{p}" for p in find_namespace_packages(str(REPO / folder))}
    assert set(SETUPTOOLS["packages"]) == wanted


def _fresh_env(tmp_path: Path, wheel: Path) -> Path:
    """A virtual environment holding only the wheel; third-party packages come from the project
    venv's site-packages through a .pth line. A path in a .pth file is not itself a site
    directory, so the project's own .pth files, the editable install's finder among them, do
    not run: the checkout cannot leak in."""
    fresh = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(fresh)], check=True)
    python = fresh / "bin" / "python"
    uv = Path(sys.executable).with_name("uv")
    subprocess.run(
        [str(uv), "pip", "install", "--quiet", "--no-deps", "--python", str(python), str(wheel)],
        check=True,
    )
    (site,) = fresh.glob("lib/python3.*/site-packages")
    (site / "project_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return fresh


def test_installed_wheel_reads_its_own_files(tmp_path):
    dist = tmp_path / "dist"
    # sdist, then the wheel from it: the checkout's build/ folder is neither used nor left.
    subprocess.run(
        [
            str(Path(sys.executable).with_name("uv")),
            "build",
            "--quiet",
            "--out-dir",
            str(dist),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("flightlake-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    views = sorted(p.name for p in (REPO / "sql" / "views").glob("*.sql"))
    assert views
    packaged = [
        *(f"flightlake/sql/views/{v}" for v in views),
        *(f"flightlake/sql/queries/{q.name}" for q in (REPO / "sql" / "queries").glob("*.sql")),
        *(f"flightlake/glue_crawlers/{c.name}" for c in (REPO / "crawlers").glob("*.json")),
        "features/splits.toml",
        "flightlake/reference/airports_supplement.csv",
    ]
    assert [p for p in packaged if p not in names] == []

    fresh = _fresh_env(tmp_path, wheel)
    work = tmp_path / "elsewhere"  # a cwd outside the checkout
    (work / "lake" / "raw").mkdir(parents=True)
    env = {
        "PATH": f"{fresh / 'bin'}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        **{k: v for k, v in os.environ.items() if k in ("JAVA_HOME", "LANG", "TMPDIR")},
    }
    probe = (
        "import json, flightlake, features.split as s\n"
        "from flightlake import resources as r\n"
        "print(json.dumps({'package': flightlake.__file__, 'sql': str(r.sql_root()),\n"
        "  'views': [v.name for v in r.view_files()], 'splits': str(s.DEFAULT_CONFIG),\n"
        "  'ranges': s.SplitConfig.load().as_dict(),\n"
        "  'supplement': r.airports_supplement().splitlines()[0],\n"
        "  'crawlers': sorted(r.crawler_definitions())}))\n"
    )
    out = subprocess.run(
        [str(fresh / "bin" / "python"), "-c", probe],
        capture_output=True,
        text=True,
        cwd=work,
        env=env,
        check=True,
    )
    found = json.loads(out.stdout)
    for key in ("package", "sql", "splits"):
        assert found[key].startswith(str(fresh)), (key, found[key])
    assert found["views"] == [v.removesuffix(".sql") for v in views]
    assert set(found["ranges"]) == {"train", "validation", "test"}
    assert found["supplement"].startswith("faa,")
    assert found["crawlers"] == sorted(c.name for c in (REPO / "crawlers").glob("*.json"))

    run = subprocess.run(
        [
            str(fresh / "bin" / "flightlake"),
            "run",
            "--only",
            "refresh_views",
            "--lake",
            str(work / "lake"),
        ],
        capture_output=True,
        text=True,
        cwd=work,
        env=env,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    # The step reports how many views it created ("8 views on duckdb").
    count = re.search(r"\b(\d+) views\b|\bviews\W+(\d+)", run.stdout)
    assert count, run.stdout
    assert int(count.group(1) or count.group(2)) == len(views)
