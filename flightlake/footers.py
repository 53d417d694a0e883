"""Row counts from Parquet footers: exact, and no Spark job to get them."""

from __future__ import annotations

import io

import pyarrow.parquet as pq

from flightlake.lake import Lake


def parquet_rows(lake: Lake, paths: list[str]) -> int:
    total = 0
    for path in paths:
        if lake.root.startswith("s3://"):
            source = io.BytesIO(lake.storage.read_bytes(path))
        else:
            source = lake.uri(path)
        total += pq.ParquetFile(source).metadata.num_rows
    return total


def files_under(lake: Lake, prefix: str) -> list[str]:
    return [f.path for f in lake.storage.list_files(prefix) if f.path.endswith(".parquet")]
