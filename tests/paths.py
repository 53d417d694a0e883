"""Where the checkout is, for tests that read its files (pyproject, docs, the built wheel)."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
