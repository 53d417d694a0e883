"""Compare two lakes table by table, row by row (not a test): every processed and curated table
of the contracts, ignoring the columns that name a run (run ids, scoring run, scoring time),
the newest feature export's CSV files byte for byte, and the model registry's metrics.
Exit 1 on any difference.

    .venv/bin/python bench/compare_lakes.py LAKE_A LAKE_B
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb

from flightlake.contracts import all_contracts

RUN_COLUMNS = {"ingest_run_id", "scoring_run", "scored_at"}


def compare_table(con, a: Path, b: Path, layer: str, name: str, columns: list[str]) -> str | None:
    cols = ", ".join(f'"{c}"' for c in columns if c not in RUN_COLUMNS)
    paths = [root / layer / name for root in (a, b)]
    if not any(p.exists() for p in paths):
        return None
    if not all(p.exists() for p in paths):
        return f"{layer}.{name}: only in {a if paths[0].exists() else b}"
    left, right = (
        f"SELECT {cols} FROM read_parquet('{p}/**/*.parquet', hive_partitioning = true)"
        for p in paths
    )
    rows = con.execute(f"SELECT count(*) FROM ({left})").fetchone()[0]
    only_a = con.execute(f"SELECT count(*) FROM ({left} EXCEPT ALL {right})").fetchone()[0]
    only_b = con.execute(f"SELECT count(*) FROM ({right} EXCEPT ALL {left})").fetchone()[0]
    verdict = "same" if only_a == only_b == 0 else f"DIFFERENT ({only_a} / {only_b} rows apart)"
    print(f"{layer}.{name}: {rows:,} rows, {verdict}")
    return None if verdict == "same" else f"{layer}.{name}"


def export_files(root: Path) -> dict[str, bytes]:
    """The newest feature export's CSV files (splits and scoring sets), by path in the export."""
    exports = sorted(p.parent for p in (root / "features").glob("*/manifest.json"))
    if not exports:
        return {}
    return {str(f.relative_to(exports[-1])): f.read_bytes() for f in exports[-1].rglob("*.csv")}


def metrics(root: Path) -> list[dict]:
    versions = sorted((root / "_ml" / "registry").rglob("v*.json"))
    return [
        {k: json.loads(v.read_text())[k] for k in ("metrics", "status", "hyperparameters")}
        for v in versions
    ]


def main() -> None:
    a, b = (Path(p) for p in sys.argv[1:3])
    con = duckdb.connect()
    problems = [
        p
        for c in all_contracts()
        if (p := compare_table(con, a, b, c.layer, c.name, c.column_names))
    ]
    files_a, files_b = export_files(a), export_files(b)
    same_export = files_a == files_b
    verdict = "same" if same_export else "DIFFERENT"
    print(f"feature export: {len(files_a)} CSV file(s), {verdict}")
    if not same_export:
        problems.append("feature export")
    same_model = metrics(a) == metrics(b)
    print(f"model registry: {len(metrics(a))} version(s), metrics "
          + ("same" if same_model else "DIFFERENT"))
    if not same_model:
        problems.append("model metrics")
    if problems:
        print("differences: " + ", ".join(problems))
        sys.exit(1)


if __name__ == "__main__":
    main()
