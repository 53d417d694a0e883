"""How the command line shows things (rich): one module per kind of output. The commands in
flightlake/cli.py decide what to do; these modules only render."""

from __future__ import annotations

import sys

from rich.console import Console

# Piped output (CI logs, `| less`) gets a wide fixed width so tables are never truncated.
console = Console(width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 200)
