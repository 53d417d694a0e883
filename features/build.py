"""curated.flights → one feature row per flight (pure: DataFrames in, DataFrame out).

Every history feature is computed from days strictly before the flight's date, and every
weather window stays inside the flight's own local day: see features/definitions.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F
from pyspark.sql.window import WindowSpec

from features.definitions import (
    HISTORY_KEYS,
    HISTORY_WINDOWS,
    ID,
    LABEL,
    PREVIOUS_LEG_WINDOWS,
    WEATHER_WINDOW_HOURS,
    history_feature_names,
    previous_leg_feature_name,
)

HOLIDAY_HORIZON_DAYS = 30
_HOUR_WEATHER = ("precip_in", "visibility_mi", "wind_speed_mph", "wind_gust_mph", "temp_f",
                 "pressure_mb")
FREEZING_F = 34.0  # at or below, precipitation counts as snow or ice


def federal_holidays(first_year: int, last_year: int) -> list[date]:
    """US federal holidays (observed dates), with a year either side for the distance."""
    from pandas.tseries.holiday import USFederalHolidayCalendar

    days = USFederalHolidayCalendar().holidays(f"{first_year - 1}-01-01", f"{last_year + 1}-12-31")
    return [d.date() for d in days]


def label(on_time: Column) -> Column:
    """US DOT: not on time (arrived 15+ minutes late, cancelled or diverted) is 1."""
    return F.when(on_time, F.lit(0)).otherwise(F.lit(1))


def _holiday_columns(holidays: Iterable[date]) -> dict[str, Column]:
    days = sorted(set(holidays))
    if not days:
        return {"is_holiday": F.lit(0), "days_to_holiday": F.lit(HOLIDAY_HORIZON_DAYS)}
    distance = F.least(
        *(F.abs(F.datediff(F.col("flight_date"), F.lit(d))) for d in days),
        F.lit(HOLIDAY_HORIZON_DAYS),
    )
    return {
        "is_holiday": F.col("flight_date").isin(days).cast("int"),
        "days_to_holiday": distance,
    }


def _weather_windows(flights: DataFrame) -> DataFrame:
    """Weather around each departure hour, from the hours of the same origin and local day
    that have departures (curated.flights carries each hour's observation)."""
    hours = flights.groupBy("origin", "flight_date", "sched_dep_hour").agg(
        *(F.max(c).alias(c) for c in _HOUR_WEATHER)
    )
    day = Window.partitionBy("origin", "flight_date")
    near = day.orderBy("sched_dep_hour").rangeBetween(-WEATHER_WINDOW_HOURS, WEATHER_WINDOW_HOURS)
    before = day.orderBy("sched_dep_hour").rangeBetween(Window.unboundedPreceding, 0)
    return hours.select(
        "origin",
        "flight_date",
        "sched_dep_hour",
        F.sum("precip_in").over(near).alias("precip_window_in"),
        F.min("visibility_mi").over(near).alias("visibility_window_min_mi"),
        F.max("wind_speed_mph").over(near).alias("wind_window_max_mph"),
        F.sum("precip_in").over(before).alias("precip_before_in"),
        F.max(F.coalesce("wind_gust_mph", "wind_speed_mph")).over(before).alias(
            "wind_before_max_mph"
        ),
        F.min("visibility_mi").over(before).alias("visibility_before_min_mi"),
        F.sum("precip_in").over(day).alias("precip_day_in"),
        F.min("visibility_mi").over(day).alias("visibility_day_min_mi"),
        F.max(F.coalesce("wind_gust_mph", "wind_speed_mph")).over(day).alias("wind_day_max_mph"),
        F.sum(F.when(F.col("temp_f") <= FREEZING_F, F.col("precip_in")).otherwise(0))
        .over(day)
        .alias("frozen_precip_day_in"),
        F.sum((F.col("precip_in") > 0).cast("int")).over(day).alias("precip_hours_day"),
        (F.max("pressure_mb").over(day) - F.min("pressure_mb").over(day)).alias(
            "pressure_day_range_mb"
        ),
    )


def _plane_legs() -> WindowSpec:
    """A plane's departures of a day in scheduled order (flight id breaks ties)."""
    return Window.partitionBy("tailnum", "flight_date").orderBy("sched_dep_utc", ID)


def _schedule_context(base: DataFrame) -> dict[str, Column]:
    """The plane's day and the origin's load, from the day's schedule alone (known weeks
    ahead, whatever happens on the day). A flight without a tail number counts as a plane
    flying one leg: its missing tail must not become a signal."""
    plane = Window.partitionBy("tailnum", "flight_date")
    legs = _plane_legs()
    known = F.col("tailnum").isNotNull()
    previous_arrival = F.lag("sched_arr_utc").over(legs)
    turn = (F.col("sched_dep_utc").cast("long") - previous_arrival.cast("long")) / 60
    hour = Window.partitionBy("origin", "flight_date", "sched_dep_hour")
    day = Window.partitionBy("origin", "flight_date")
    carrier_day = Window.partitionBy("origin", "flight_date", "carrier")
    return {
        "tail_legs_day": F.when(known, F.count("*").over(plane)).otherwise(F.lit(1)),
        "tail_leg_number": F.when(known, F.row_number().over(legs)).otherwise(F.lit(1)),
        "tail_turn_minutes": F.when(known, turn.cast("int")),
        "tail_first_dep_minute": F.when(
            known, F.min("sched_dep_minute_of_day").over(plane)
        ).otherwise(F.col("sched_dep_minute_of_day")),
        "origin_hour_departures": F.count("*").over(hour),
        "origin_day_departures": F.count("*").over(day),
        "carrier_origin_day_departures": F.count("*").over(carrier_day),
    }


def _history(flights: DataFrame, key: str, columns: tuple[str, ...]) -> DataFrame:
    """Per key and day: volumes and not-on-time shares over the previous N days, the flight's
    own day excluded (range −N … −1 on a day number)."""
    daily = (
        flights.where(F.col(columns[0]).isNotNull())
        .groupBy(*columns, "flight_date")
        .agg(F.count("*").alias("_n"), F.sum(LABEL).alias("_late"))
        .withColumn("_day", F.datediff(F.col("flight_date"), F.lit(date(1970, 1, 1))))
    )
    ordered = Window.partitionBy(*columns).orderBy("_day")
    out = [*columns, "flight_date"]
    cols = []
    for days in HISTORY_WINDOWS:
        volume, rate = history_feature_names(key, days)
        frame = ordered.rangeBetween(-days, -1)
        n = F.coalesce(F.sum("_n").over(frame), F.lit(0))
        cols += [n.alias(volume), (F.sum("_late").over(frame) / n).alias(rate)]
    return daily.select(*out, *cols)


def transform(flights: DataFrame, holidays: Iterable[date]) -> DataFrame:
    """One row per curated flight: id, date, label and every feature (categoricals as
    strings; features/vocabulary.py encodes them)."""
    base = flights.select(
        F.col(ID),
        "flight_date",
        "carrier",
        "origin",
        "dest",
        "tailnum",
        "flight",
        "sched_dep_hour",
        "sched_dep_utc",
        "sched_arr_utc",
        label(F.col("on_time")).alias(LABEL),
        F.month("flight_date").alias("month"),
        F.dayofweek("flight_date").alias("day_of_week"),
        (F.hour("sched_dep_local") * 60 + F.minute("sched_dep_local")).alias(
            "sched_dep_minute_of_day"
        ),
        F.hour("sched_arr_local").alias("sched_arr_hour"),
        "distance",
        "plane_age_years",
        "seats",
        "engines",
        F.col("plane_known").cast("int").alias("plane_known"),
        "temp_f",
        "dewpoint_f",
        "humidity_pct",
        "wind_speed_mph",
        "wind_gust_mph",
        "precip_in",
        "pressure_mb",
        "visibility_mi",
    ).withColumns(_holiday_columns(holidays))
    base = base.withColumns(_schedule_context(base))
    out = base.join(
        _weather_windows(base), ["origin", "flight_date", "sched_dep_hour"], "left"
    )
    for key, columns in HISTORY_KEYS.items():
        out = out.join(_history(base, key, columns), [*columns, "flight_date"], "left")
        # A flight whose key has no earlier day (or no tail number) has seen no flights.
        out = out.fillna(0, [history_feature_names(key, d)[0] for d in HISTORY_WINDOWS])
    legs = _plane_legs()
    return out.withColumns(
        {
            previous_leg_feature_name(days): F.when(
                F.col("tailnum").isNotNull(),
                F.lag(history_feature_names("flight_number", days)[1]).over(legs),
            )
            for days in PREVIOUS_LEG_WINDOWS
        }
    )
