from __future__ import annotations

import hashlib
from pathlib import Path

import pyarrow.parquet as pq
import pytest


def layer_digest(root: Path, layer: str = "processed") -> dict[str, str]:
    """Content of every Parquet file of a layer, minus the run id column."""
    out = {}
    for path in sorted((root / layer).rglob("*.parquet")):
        table = pq.read_table(path)
        if "ingest_run_id" in table.column_names:
            table = table.drop(["ingest_run_id"])
        out[str(path.relative_to(root))] = hashlib.sha256(
            table.to_pandas().to_csv(index=False).encode()
        ).hexdigest()
    return out


@pytest.fixture
def lake_dir(tmp_path) -> Path:
    return tmp_path / "lake"
