"""raw flights → processed flights: real timestamps, status, reference flags."""

from __future__ import annotations

from collections.abc import Mapping

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from glue_jobs.transforms.common import (
    hhmm_minutes,
    lineage,
    normalise_tailnum,
    shift,
    to_utc,
    wall_clock,
)

REFERENCES = ("airports", "planes")

_DAY = 1440


def transform(raw: DataFrame, refs: Mapping[str, DataFrame], run_id: str) -> DataFrame:
    airports = refs["airports"]
    origin_tz = airports.select(F.col("faa").alias("origin"), F.col("tzone").alias("origin_tz"))
    dest_tz = airports.select(
        F.col("faa").alias("dest"),
        F.col("tzone").alias("dest_tz"),
        (F.col("origin") == "supplement").alias("_dest_supplemented"),
    )
    registry = refs["planes"].select("tailnum", F.lit(True).alias("_registered")).distinct()

    df = (
        raw.withColumn("tailnum", normalise_tailnum(F.col("tailnum")))
        .withColumn("flight_date", F.make_date("year", "month", "day"))
        .join(F.broadcast(origin_tz), "origin", "left")
        .join(F.broadcast(dest_tz), "dest", "left")
        .join(F.broadcast(registry), "tailnum", "left")
    )

    sched_dep_min = hhmm_minutes("sched_dep_time")
    dep_min = hhmm_minutes("dep_time")
    # dep_time is a bare clock time: dep_delay says on which day it fell (a 23:59 flight
    # leaving 7 minutes late departs at 00:06 the next day). Without a delay, a clock time
    # more than 12 hours before the schedule is taken as past midnight.
    dep_days = F.when(
        F.col("dep_delay").isNotNull(),
        F.round((sched_dep_min + F.col("dep_delay") - dep_min) / _DAY).cast("int"),
    ).otherwise(F.when(dep_min < sched_dep_min - _DAY / 2, 1).otherwise(0))

    df = df.withColumns(
        {
            "sched_dep_local": wall_clock(F.col("flight_date"), sched_dep_min),
            "dep_local": F.when(
                F.col("dep_time").isNotNull(),
                wall_clock(F.col("flight_date"), dep_min + dep_days * _DAY),
            ),
            "_sched_arr_same_day": wall_clock(F.col("flight_date"), hhmm_minutes("sched_arr_time")),
            "_arr_same_day": wall_clock(F.col("flight_date"), hhmm_minutes("arr_time")),
        }
    )
    df = df.withColumns(
        {
            "sched_dep_utc": to_utc(F.col("sched_dep_local"), F.col("origin_tz")),
            "dep_utc": to_utc(F.col("dep_local"), F.col("origin_tz")),
        }
    )
    # The scheduled arrival is the first time the destination clock shows sched_arr_time
    # after the scheduled departure (no flight here is scheduled for a day or more).
    sched_arr_first = to_utc(F.col("_sched_arr_same_day"), F.col("dest_tz"))
    df = df.withColumn(
        "sched_arr_local",
        F.when(
            sched_arr_first <= F.col("sched_dep_utc"), shift(F.col("_sched_arr_same_day"), days=1)
        ).otherwise(F.col("_sched_arr_same_day")),
    ).withColumn("sched_arr_utc", to_utc(F.col("sched_arr_local"), F.col("dest_tz")))

    status = (
        F.when(F.col("dep_time").isNull(), "cancelled")
        .when(F.col("arr_delay").isNull(), "diverted")
        .otherwise("departed")
    )
    # The actual arrival day is the one closest to schedule + arr_delay. Diverted flights
    # landed somewhere else, so their arrival clock time has no meaning at dest: null.
    expected_arr = F.col("sched_arr_utc").cast("long") + F.col("arr_delay") * 60
    arr_first = to_utc(F.col("_arr_same_day"), F.col("dest_tz")).cast("long")
    arr_days = F.round((expected_arr - arr_first) / 86400).cast("int")
    df = (
        df.withColumn("status", status)
        .withColumn(
            "arr_local",
            F.when(
                (F.col("status") == "departed") & F.col("arr_time").isNotNull(),
                shift(F.col("_arr_same_day"), days=arr_days),
            ),
        )
        .withColumn("arr_utc", to_utc(F.col("arr_local"), F.col("dest_tz")))
    )

    return df.withColumns(
        {
            "flight_id": F.concat_ws(
                "-",
                F.date_format("flight_date", "yyyyMMdd"),
                F.col("carrier"),
                F.col("flight").cast("string"),
                F.col("origin"),
            ),
            "dest_supplemented": F.coalesce(F.col("_dest_supplemented"), F.lit(False)),
            "tailnum_unregistered": F.col("tailnum").isNotNull() & F.col("_registered").isNull(),
            "flight_month": F.date_format("flight_date", "yyyy-MM"),
            **lineage(run_id),
        }
    )
