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
    # Columns are composed as expressions and projected once: every DataFrame call makes
    # Spark re-analyse the whole plan, which dominates small (one-day) runs.
    airports = refs["airports"]
    origin_tz = airports.select(F.col("faa").alias("_o_faa"), F.col("tzone").alias("origin_tz"))
    dest_tz = airports.select(
        F.col("faa").alias("_d_faa"),
        F.col("tzone").alias("dest_tz"),
        (F.col("origin") == "supplement").alias("_dest_supplemented"),
    )
    registry = refs["planes"].select(F.col("tailnum").alias("_registered")).distinct()
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
    sched_dep_local = wall_clock(flight_date, sched_dep_min)
    sched_dep_utc = to_utc(sched_dep_local, o_tz)
    dep_local = F.when(
        F.col("dep_time").isNotNull(), wall_clock(flight_date, dep_min + dep_days * _DAY)
    )

    # The scheduled arrival is the first time the destination clock shows sched_arr_time
    # after the scheduled departure (no flight here is scheduled for a day or more).
    sched_arr_same_day = wall_clock(flight_date, hhmm_minutes("sched_arr_time"))
    sched_arr_local = F.when(
        to_utc(sched_arr_same_day, d_tz) <= sched_dep_utc, shift(sched_arr_same_day, days=1)
    ).otherwise(sched_arr_same_day)
    sched_arr_utc = to_utc(sched_arr_local, d_tz)

    status = (
        F.when(F.col("dep_time").isNull(), "cancelled")
        .when(F.col("arr_delay").isNull(), "diverted")
        .otherwise("departed")
    )
    # The actual arrival day is the one closest to schedule + arr_delay. Diverted flights
    # landed somewhere else, so their arrival clock time has no meaning at dest: null.
    arr_same_day = wall_clock(flight_date, hhmm_minutes("arr_time"))
    expected_arr = sched_arr_utc.cast("long") + F.col("arr_delay") * 60
    arr_days = F.round((expected_arr - to_utc(arr_same_day, d_tz).cast("long")) / 86400).cast("int")
    arr_local = F.when(
        (status == "departed") & F.col("arr_time").isNotNull(), shift(arr_same_day, days=arr_days)
    )

    return joined.withColumns(
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
            "sched_dep_local": sched_dep_local,
            "sched_dep_utc": sched_dep_utc,
            "dep_local": dep_local,
            "dep_utc": to_utc(dep_local, o_tz),
            "sched_arr_local": sched_arr_local,
            "sched_arr_utc": sched_arr_utc,
            "arr_local": arr_local,
            "arr_utc": to_utc(arr_local, d_tz),
            "dest_supplemented": F.coalesce(F.col("_dest_supplemented"), F.lit(False)),
            "tailnum_unregistered": tailnum.isNotNull() & F.col("_registered").isNull(),
            "flight_month": month_column(flight_date),
            **lineage(run_id),
        }
    )
