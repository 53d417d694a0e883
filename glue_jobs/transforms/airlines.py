"""raw airlines → processed airlines."""

from __future__ import annotations

from collections.abc import Mapping

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from glue_jobs.transforms.common import lineage

REFERENCES: tuple[str, ...] = ()


def transform(raw: DataFrame, refs: Mapping[str, DataFrame], run_id: str) -> DataFrame:
    return raw.withColumns(
        {"carrier": F.upper("carrier"), "name": F.trim("name"), **lineage(run_id)}
    )
