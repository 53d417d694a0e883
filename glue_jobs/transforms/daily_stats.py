"""curated.flights → daily statistics per route or per origin airport."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from glue_jobs.transforms.common import month_column


def _delay_stats(kind: str) -> list[F.Column]:
    col = f"{kind}_delay"
    return [
        F.avg(col).alias(f"mean_{col}"),
        # Exact percentiles (linear interpolation), reproducible run to run.
        F.expr(f"percentile({col}, 0.5)").alias(f"median_{col}"),
        F.expr(f"percentile({col}, 0.9)").alias(f"p90_{col}"),
    ]


def transform(flights: DataFrame, by: list[str]) -> DataFrame:
    """One row per flight_date and `by` (e.g. ["origin", "dest"] or ["origin"])."""
    return (
        flights.groupBy("flight_date", *by)
        .agg(
            F.count("*").alias("flights"),
            F.sum(F.col("is_cancelled").cast("long")).alias("cancelled"),
            F.sum(F.col("is_diverted").cast("long")).alias("diverted"),
            F.sum(F.col("on_time").cast("long")).alias("on_time"),
            *_delay_stats("arr"),
            *_delay_stats("dep"),
        )
        .withColumns(
            {
                "on_time_rate": F.col("on_time") / F.col("flights"),
                "flight_month": month_column("flight_date"),
            }
        )
    )
