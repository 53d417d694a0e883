"""processed → curated.flights: enrich every flight; never drop one in a join."""

from __future__ import annotations

from collections.abc import Mapping

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from flightlake.contracts.curated_flights import PLANE_COLUMNS, WEATHER_COLUMNS

REFERENCES = ("weather", "planes", "airports", "airlines")


def delay_bucket(status: F.Column, arr_delay: F.Column) -> F.Column:
    return (
        F.when(status == "cancelled", "cancelled")
        .when(status == "diverted", "diverted")
        .when(arr_delay < 0, "early")
        .when(arr_delay < 15, "on_time")
        .when(arr_delay < 45, "15_44")
        .when(arr_delay < 120, "45_119")
        .otherwise("120_plus")
    )


def transform(flights: DataFrame, refs: Mapping[str, DataFrame]) -> DataFrame:
    """Left joins only, each on a unique key of the looked-up table, so the output has
    exactly one row per input flight."""
    weather = refs["weather"].select(
        F.col("origin").alias("_w_origin"),
        F.col("observed_at_utc").alias("_w_hour"),
        *WEATHER_COLUMNS,
    )
    planes = refs["planes"].select(
        F.col("tailnum").alias("_p_tailnum"),
        *PLANE_COLUMNS,
    )
    airports = refs["airports"]
    origin_names = airports.select(F.col("faa").alias("_o_faa"), F.col("name").alias("origin_name"))
    dest_names = airports.select(F.col("faa").alias("_d_faa"), F.col("name").alias("dest_name"))
    airlines = refs["airlines"].select(
        F.col("carrier").alias("_a_carrier"), F.col("name").alias("carrier_name")
    )
    hour = F.date_trunc("hour", F.col("sched_dep_utc"))
    joined = (
        flights.join(
            weather, (F.col("origin") == F.col("_w_origin")) & (hour == F.col("_w_hour")), "left"
        )
        .join(F.broadcast(planes), F.col("tailnum") == F.col("_p_tailnum"), "left")
        .join(F.broadcast(origin_names), F.col("origin") == F.col("_o_faa"), "left")
        .join(F.broadcast(dest_names), F.col("dest") == F.col("_d_faa"), "left")
        .join(F.broadcast(airlines), F.col("carrier") == F.col("_a_carrier"), "left")
    )
    status = F.col("status")
    departed = status == "departed"
    return joined.withColumns(
        {
            "weather_known": F.col("_w_hour").isNotNull(),
            "plane_known": F.col("_p_tailnum").isNotNull(),
            # The registry is a snapshot: a tail number whose aircraft was built after the
            # flight was another aircraft's then, so its age is unknown, not negative.
            "plane_age_years": F.when(
                F.col("year_built") <= F.year("flight_date"),
                F.year("flight_date") - F.col("year_built"),
            ),
            "sched_dep_hour": F.hour("sched_dep_local"),
            "is_cancelled": status == "cancelled",
            "is_diverted": status == "diverted",
            "on_time": departed & (F.col("arr_delay") < 15),
            "dep_delayed_15": F.coalesce(F.col("dep_delay") >= 15, F.lit(False)),
            "arr_delay_bucket": delay_bucket(status, F.col("arr_delay")),
        }
    )
