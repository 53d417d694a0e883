"""Compare two lakes table by table, row by row (not a test): every processed and curated table
of the contracts and every quarantine, ignoring the columns that name a run (run ids, scoring
run, scoring time), the newest feature export's CSV files byte for byte, and the model
registry's metrics. Exit 1 on any difference. The Glue parity harness (tests/parity) holds
the lakes its jobs build to the local runner's with `differences`.

    .venv/bin/python bench/compare_lakes.py LAKE_A LAKE_B
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb

from flightlake.contracts import all_contracts

RUN_COLUMNS = {"ingest_run_id", "scoring_run", "scored_at", "run_id"}


def compare_table(
    con, a: Path, b: Path, layer: str, name: str, columns: list[str], echo: Callable = print
) -> str | None:
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
    echo(f"{layer}.{name}: {rows:,} rows, {verdict}")
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


def quarantine_columns(con, a: Path, b: Path) -> dict[str, list[str]]:
    """Quarantined tables of either lake → their columns (a quarantine has no contract)."""
    out = {}
    for root in (a, b):
        for table in sorted((root / "quarantine").glob("*/")):
            if table.name not in out and any(table.rglob("*.parquet")):
                glob = f"{table}/**/*.parquet"
                described = con.execute(
                    f"DESCRIBE SELECT * FROM read_parquet('{glob}', hive_partitioning = true)"
                ).fetchall()
                out[table.name] = [row[0] for row in described]
    return out


def differences(a: Path, b: Path, echo: Callable = print) -> list[str]:
    """What differs between two lakes (empty: the same data), each thing echoed as compared."""
    con = duckdb.connect()
    tables = [(c.layer, c.name, c.column_names) for c in all_contracts()]
    tables += [("quarantine", n, cols) for n, cols in quarantine_columns(con, a, b).items()]
    problems = [
        p for layer, name, cols in tables
        if (p := compare_table(con, a, b, layer, name, cols, echo))
    ]
    files_a, files_b = export_files(a), export_files(b)
    same_export = files_a == files_b
    echo(f"feature export: {len(files_a)} CSV file(s), {'same' if same_export else 'DIFFERENT'}")
    if not same_export:
        problems.append("feature export")
    same_model = metrics(a) == metrics(b)
    echo(f"model registry: {len(metrics(a))} version(s), metrics "
         + ("same" if same_model else "DIFFERENT"))
    if not same_model:
        problems.append("model metrics")
    return problems


def main() -> None:
    a, b = (Path(p) for p in sys.argv[1:3])
    problems = differences(a, b)
    if problems:
        print("differences: " + ", ".join(problems))
        sys.exit(1)


if __name__ == "__main__":
    main()
