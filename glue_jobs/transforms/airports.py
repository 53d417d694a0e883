"""raw airports → processed airports, completed by the documented supplement."""

from __future__ import annotations

from collections.abc import Mapping

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from glue_jobs.transforms.common import lineage

REFERENCES = ("airports_supplement",)


def transform(raw: DataFrame, refs: Mapping[str, DataFrame], run_id: str) -> DataFrame:
    snapshot = raw.withColumns(
        {
            "faa": F.upper("faa"),
            "alt_ft": F.col("alt"),
            "utc_offset_h": F.col("tz"),
            "origin": F.lit("snapshot"),
            **lineage(run_id),
        }
    )
    # Supplement rows fill only codes the provider's snapshot lacks; they carry no raw
    # line because they are not provider data.
    supplement = (
        refs["airports_supplement"]
        .join(snapshot.select("faa"), "faa", "left_anti")
        .withColumns(
            {
                "origin": F.lit("supplement"),
                "ingest_run_id": F.lit(run_id),
                "_errors": F.array().cast("array<string>"),
            }
        )
    )
    return snapshot.unionByName(supplement, allowMissingColumns=True)
