"""Shared by the benchmarks: keep results as JSON in bench/results/ and print them."""

from __future__ import annotations

import json
from pathlib import Path


def report(name: str, results: dict) -> None:
    out = Path(__file__).parent / "results" / f"{name}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    width = max(len(key) for key in results)
    for key, value in results.items():
        shown = f"{value:8.3f}" if isinstance(value, float) else str(value)
        print(f"{key:{width}s}  {shown}")
