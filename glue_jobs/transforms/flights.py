"""raw flights → processed flights: real timestamps, status, reference flags."""

from __future__ import annotations

from collections.abc import Mapping

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from glue_jobs.transforms.common import (
    hhmm_minutes,
    lineage,
    month_column,
    normalise_tailnum,
    shift,
    to_utc,
    wall_clock,
)

REFERENCES = ("airports", "planes")

_DAY = 1440


def transform(raw: DataFrame, refs: Mapping[str, DataFrame], run_id: str) -> DataFrame:
    # Columns are composed as expressions and projected in a few steps: every DataFrame call
    # makes Spark re-analyse the whole plan (which dominates one-day runs), but an instant used
    # twice is projected once rather than copied into every expression that uses it.
    airports = refs["airports"]
    origin_tz = airports.select(F.col("faa").alias("_o_faa"), F.col("tzone").alias("origin_tz"))
    dest_tz = airports.select(
        F.col("faa").alias("_d_faa"),
        F.col("tzone").alias("dest_tz"),
        (F.col("origin") == "supplement").alias("_dest_supplemented"),
    )
    registry = refs["planes"].select(F.col("tailnum").alias("_registered")).distinct()
    # The airports' time zones (a dozen): each converts with its name as a literal.
    zones = sorted(r[0] for r in airports.select("tzone").distinct().collect() if r[0])
    tailnum = normalise_tailnum(F.col("tailnum"))
    joined = (
        raw.join(F.broadcast(origin_tz), F.col("origin") == F.col("_o_faa"), "left")
        .join(F.broadcast(dest_tz), F.col("dest") == F.col("_d_faa"), "left")
        .join(F.broadcast(registry), tailnum == F.col("_registered"), "left")
    )

    flight_date = F.make_date("year", "month", "day")
    o_tz, d_tz = F.col("origin_tz"), F.col("dest_tz")
    sched_dep_min = hhmm_minutes("sched_dep_time")
    dep_min = hhmm_minutes("dep_time")
    # dep_time is a bare clock time: dep_delay says on which day it fell (a 23:59 flight
    # leaving 7 minutes late departs at 00:06 the next day). Without a delay, a clock time
    # more than 12 hours before the schedule is taken as past midnight.
    dep_days = F.when(
        F.col("dep_delay").isNotNull(),
        F.round((sched_dep_min + F.col("dep_delay") - dep_min) / _DAY).cast("int"),
    ).otherwise(F.when(dep_min < sched_dep_min - _DAY / 2, 1).otherwise(0))
    status = (
        F.when(F.col("dep_time").isNull(), "cancelled")
        .when(F.col("arr_delay").isNull(), "diverted")
        .otherwise("departed")
    )
    local = joined.withColumns(
        {
            "tailnum": tailnum,
            "flight_date": flight_date,
            "flight_id": F.concat_ws(
                "-",
                F.date_format(flight_date, "yyyyMMdd"),
                F.col("carrier"),
                F.col("flight").cast("string"),
                F.col("origin"),
            ),
            "status": status,
            "sched_dep_local": wall_clock(flight_date, sched_dep_min),
            "dep_local": F.when(
                F.col("dep_time").isNotNull(), wall_clock(flight_date, dep_min + dep_days * _DAY)
            ),
            "_sched_arr_same_day": wall_clock(flight_date, hhmm_minutes("sched_arr_time")),
            "_arr_same_day": wall_clock(flight_date, hhmm_minutes("arr_time")),
            "dest_supplemented": F.coalesce(F.col("_dest_supplemented"), F.lit(False)),
            "tailnum_unregistered": tailnum.isNotNull() & F.col("_registered").isNull(),
            "flight_month": month_column(flight_date),
            **lineage(run_id),
        }
    )
    instants = local.withColumns(
        {
            "sched_dep_utc": to_utc(F.col("sched_dep_local"), o_tz, zones),
            "dep_utc": to_utc(F.col("dep_local"), o_tz, zones),
            "_sched_arr_same_day_utc": to_utc(F.col("_sched_arr_same_day"), d_tz, zones),
            "_arr_same_day_utc": to_utc(F.col("_arr_same_day"), d_tz, zones),
        }
    )

    # The scheduled arrival is the first time the destination clock shows sched_arr_time
    # after the scheduled departure (no flight here is scheduled for a day or more).
    next_day = F.col("_sched_arr_same_day_utc") <= F.col("sched_dep_utc")
    arrival_next_day = shift(F.col("_sched_arr_same_day"), days=1)
    scheduled = instants.withColumns(
        {
            "sched_arr_local": F.when(next_day, arrival_next_day).otherwise(
                F.col("_sched_arr_same_day")
            ),
            "sched_arr_utc": F.when(next_day, to_utc(arrival_next_day, d_tz, zones)).otherwise(
                F.col("_sched_arr_same_day_utc")
            ),
        }
    )

    # The actual arrival day is the one closest to schedule + arr_delay. Diverted flights
    # landed somewhere else, so their arrival clock time has no meaning at dest: null.
    expected_arr = F.col("sched_arr_utc").cast("long") + F.col("arr_delay") * 60
    arr_days = F.round((expected_arr - F.col("_arr_same_day_utc").cast("long")) / 86400).cast("int")
    arrived = scheduled.withColumn(
        "arr_local",
        F.when(
            (F.col("status") == "departed") & F.col("arr_time").isNotNull(),
            shift(F.col("_arr_same_day"), days=arr_days),
        ),
    )
    return arrived.withColumn("arr_utc", to_utc(F.col("arr_local"), d_tz, zones)).drop(
        "_sched_arr_same_day", "_arr_same_day", "_sched_arr_same_day_utc", "_arr_same_day_utc"
    )
