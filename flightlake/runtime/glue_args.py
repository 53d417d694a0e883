"""Job arguments for Glue entry scripts: the only module that imports awsglue.

On Glue, arguments arrive as `--lake s3://…` in sys.argv among Glue's own and are read
with awsglue.utils.getResolvedOptions; anywhere else the same names are parsed by argparse.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def job_args(
    required: Sequence[str], optional: Sequence[str] = (), argv: Sequence[str] | None = None
) -> dict[str, str | None]:
    argv = list(sys.argv if argv is None else argv)
    try:
        from awsglue.utils import getResolvedOptions
    except ImportError:
        getResolvedOptions = None
    if getResolvedOptions is not None:
        present = [name for name in optional if f"--{name}" in argv]
        resolved = getResolvedOptions(argv, [*required, *present])
        return {name: resolved.get(name) for name in (*required, *optional)}
    parser = argparse.ArgumentParser()
    for name in required:
        parser.add_argument(f"--{name}", required=True)
    for name in optional:
        parser.add_argument(f"--{name}", default=None)
    known, _ = parser.parse_known_args(argv[1:])
    return vars(known)
