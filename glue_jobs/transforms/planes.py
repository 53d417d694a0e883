"""raw planes → processed planes: normalised tail numbers, unknown year kept null."""

from __future__ import annotations

from collections.abc import Mapping

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from glue_jobs.transforms.common import lineage, normalise_tailnum

REFERENCES: tuple[str, ...] = ()


def transform(raw: DataFrame, refs: Mapping[str, DataFrame], run_id: str) -> DataFrame:
    return raw.withColumns(
        {
            "tailnum": normalise_tailnum(F.col("tailnum")),
            # Registries write 0 for an unknown year; unknown is null, never a year.
            "year_built": F.when(F.col("year") != 0, F.col("year")),
            "speed_mph": F.col("speed"),
            **lineage(run_id),
        }
    )
