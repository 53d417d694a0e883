"""Dates, timestamps and time zones with Trino's meaning, in DuckDB.

Representation: a Trino `timestamp(p)` is a DuckDB TIMESTAMP (the session zone is UTC, as
Athena's is). A Trino `timestamp with time zone` whose zone the query names (AT TIME ZONE
'…', with_timezone(…, '…')) is the wall-clock TIMESTAMP in that zone, the zone kept in its
type (flightlake.trino.annotate.ZONE): hour(), CAST(… AS date) and format_datetime then read
the clock Trino reads. One without a named zone (now()) stays a DuckDB TIMESTAMPTZ in UTC.
https://trino.io/docs/current/functions/datetime.html
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.dialects.hive import Hive

from flightlake.athena_sql import SqlError
from flightlake.trino import types as T
from flightlake.trino.annotate import ZONE
from flightlake.trino.nodes import cast, func

DATE = exp.DType.DATE


def zone_of(dtype: exp.DataType | None) -> str | None:
    return dtype.meta.get(ZONE) if dtype is not None else None


def _instant(node: exp.Expression) -> exp.Expression:
    """A DuckDB TIMESTAMPTZ for a timestamp of any of the three representations."""
    zone = zone_of(node.type)
    if zone is not None:
        return func("timezone", exp.Literal.string(zone), node)
    if T.kind(node.type) == exp.DType.TIMESTAMPTZ:
        return node
    return cast(node, "TIMESTAMPTZ")


_TIME_UNITS = {"HOUR", "MINUTE", "SECOND", "MILLISECOND"}


def keep_date(node: exp.Expression) -> exp.Expression:
    """date_trunc and date_add on a DATE give a DATE in Trino (a TIMESTAMP in DuckDB), and
    refuse a unit finer than a day."""
    if T.kind(node.type) != DATE:
        return node
    unit = node.args.get("unit")
    if unit is not None and unit.name.upper() in _TIME_UNITS:
        raise SqlError(f"'{unit.name.lower()}' is not a valid DATE field")
    return cast(node.copy(), "DATE")


def date_plus_interval(node: exp.Binary) -> exp.Expression:
    """DATE ± INTERVAL '1' DAY is a DATE in Trino, a TIMESTAMP in DuckDB; an interval of hours
    or less added to a DATE is an error (https://trino.io/docs/current/functions/datetime.html)."""
    intervals = [side for side in (node.left, node.right) if isinstance(side, exp.Interval)]
    dates = [side for side in (node.left, node.right) if T.kind(side.type) == DATE]
    if not (intervals and dates):
        return node
    unit = intervals[0].args.get("unit")
    if unit is not None and unit.name.upper() in _TIME_UNITS:
        raise SqlError(f"Cannot add {unit.name.lower()} to a DATE")
    return cast(node.copy(), "DATE")


def compare_instants(node: exp.Binary) -> exp.Expression:
    """A timestamp with time zone compares as the instant it is, whatever its zone: compared
    here as DuckDB instants (https://trino.io/docs/current/language/types.html)."""
    sides = (node.left, node.right)
    if not any(zone_of(side.type) for side in sides):
        return node
    for side in sides:
        if T.kind(side.type) in (exp.DType.TIMESTAMP, exp.DType.TIMESTAMPTZ):
            side.replace(_instant(side.copy()))
    return node


def at_time_zone(node: exp.AtTimeZone) -> exp.Expression:
    zone = zone_of(node.type)
    if zone is None:
        raise SqlError(
            "AT TIME ZONE takes a zone name literal locally (a zone from a column is not supported)"
        )
    return func("timezone", exp.Literal.string(zone), _instant(node.this))


def with_timezone(node: exp.Anonymous) -> exp.Expression:
    """with_timezone(ts, zone): the same wall clock, now read in `zone`."""
    if zone_of(node.type) is None:
        raise SqlError("with_timezone takes a zone name literal locally")
    return node.expressions[0]


def _precision(dtype: exp.DataType) -> int:
    params = dtype.expressions
    return int(params[0].this.name) if params else 3


def _clock_text(node: exp.Expression, separator: str) -> exp.Expression:
    """'2013-01-01 05:00:00.000': the timestamp's digits of a second, as its precision says."""
    precision = _precision(node.type)
    text = func("strftime", node, exp.Literal.string(f"%Y-%m-%d{separator}%H:%M:%S.%f"))
    return func("left", text, exp.Literal.number(19 + (precision and precision + 1)))


def to_varchar(node: exp.Cast) -> exp.Expression | None:
    """CAST(timestamp AS varchar) keeps the type's precision and a zone's name:
    '2013-01-01 05:00:00.000', '2013-01-01 00:00:00.000 America/New_York'."""
    source = node.this
    kind = T.kind(source.type)
    if kind not in (exp.DType.TIMESTAMP, exp.DType.TIMESTAMPTZ):
        return None
    text = _clock_text(source, " ")
    if kind == exp.DType.TIMESTAMP:
        return text
    return exp.DPipe(this=text, expression=exp.Literal.string(f" {zone_of(source.type) or 'UTC'}"))


def _offset(node: exp.Expression) -> exp.Expression:
    """'Z' in UTC, else the zone's offset at that instant: '-05:00'."""
    zone = zone_of(node.type)
    if zone is None or zone.upper() in ("UTC", "Z", "ZULU", "GMT"):
        return exp.Literal.string("Z")
    utc_clock = cast(_instant(node), "TIMESTAMP")
    minutes = func("date_diff", exp.Literal.string("minute"), utc_clock, node)
    return func("trino_offset", minutes)


def to_iso8601(node: exp.Anonymous) -> exp.Expression:
    """to_iso8601: 2013-01-01, 2013-01-01T05:00:00.000, 2013-01-01T00:00:00.000-05:00."""
    (value,) = node.expressions
    kind = T.kind(value.type)
    if kind == DATE:
        return func("strftime", value, exp.Literal.string("%Y-%m-%d"))
    if kind == exp.DType.TIMESTAMP:
        return _clock_text(value, "T")
    if kind == exp.DType.TIMESTAMPTZ:
        return exp.DPipe(this=_clock_text(value, "T"), expression=_offset(value))
    raise SqlError(f"to_iso8601 takes a date or timestamp, not {value.type.sql('athena')}")


def to_unixtime(node: exp.TimeToUnix) -> exp.Expression:
    return func("epoch", _instant(node.this))


def format_datetime(node: exp.Anonymous) -> exp.Expression:
    """format_datetime(ts, 'yyyy-MM') takes Java (Joda) patterns; DuckDB's strftime takes C's."""
    if len(node.expressions) != 2:
        raise SqlError(f"format_datetime takes (timestamp, format), got {node.sql('athena')}")
    ts, fmt = node.expressions
    return exp.TimeToStr(this=ts, format=Hive().format_time(fmt))
