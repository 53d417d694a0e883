"""The import-linter layers (pyproject.toml) name every module of the package: a new module
cannot slip past the one direction of dependencies by not being listed."""

import re
import tomllib

from tests.paths import REPO


def test_every_flightlake_module_is_in_a_layer():
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]
    layers = next(c for c in config["contracts"] if c["type"] == "layers")["layers"]
    named = set(re.findall(r"[\w.]+", " ".join(layers)))
    package = REPO / "flightlake"
    modules = {
        f"flightlake.{p.stem}"
        for p in package.iterdir()
        if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").exists()
    }
    assert modules - named == set()
