"""Column expressions shared by several transforms."""

from collections.abc import Sequence

from pyspark.sql import Column
from pyspark.sql import functions as F

from flightlake.partitions import MONTH_PATTERN


def month_column(day: Column | str) -> Column:
    """The month partition value of a date column (flightlake/partitions.py)."""
    return F.date_format(day, MONTH_PATTERN)


def normalise_tailnum(c: Column) -> Column:
    """Upper case, no whitespace; empty → null (registry and flights agree). Nothing else
    is removed: a tail number with punctuation or a stray byte fails its format rule and is
    quarantined as delivered, never published altered."""
    cleaned = F.upper(F.regexp_replace(c, r"\s", ""))
    return F.when(cleaned != "", cleaned)


def hhmm_minutes(c: str) -> Column:
    """Minutes after midnight of an HHMM clock time (2400 → 1440, the next midnight)."""
    return (F.col(c) / 100).cast("int") * 60 + F.col(c) % 100


def shift(ts: Column, *, days: Column | int = 0, minutes: Column | int = 0) -> Column:
    """A timestamp moved by whole days and minutes (wall-clock arithmetic for NTZ)."""
    return ts + F.make_dt_interval(
        days=F.lit(days) if isinstance(days, int) else days,
        mins=F.lit(minutes) if isinstance(minutes, int) else minutes,
    )


def wall_clock(day: Column, minutes: Column) -> Column:
    """The local wall-clock timestamp `minutes` after midnight of `day` (may pass midnight)."""
    return shift(day.cast("timestamp_ntz"), minutes=minutes)


def to_utc(local: Column, tz: Column, zones: Sequence[str] = ()) -> Column:
    """Interpret a wall clock in an IANA zone (daylight saving included) as a UTC instant.
    Needs a UTC session time zone (flightlake.runtime.spark sets it).

    `zones`, the zones `tz` may hold, are converted each with its name as a literal: Spark
    resolves a literal zone once, but a zone read from a column on every row (ZoneId.of), which
    was most of the flights transform's time. A zone not listed is converted by its column."""
    ts = local.cast("timestamp")
    converted = F.to_utc_timestamp(ts, tz)
    for zone in zones:
        converted = F.when(tz == zone, F.to_utc_timestamp(ts, zone)).otherwise(converted)
    return converted


def lineage(run_id: str) -> dict[str, Column]:
    return {"source_file": F.col("_source_file"), "ingest_run_id": F.lit(run_id)}
