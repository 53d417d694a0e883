"""Dates, timestamps and time zones with Trino's meaning, in DuckDB.

Representation: a Trino `timestamp(p)` is a DuckDB TIMESTAMP (the session zone is UTC, as
Athena's is). A Trino `timestamp with time zone` is a DuckDB TIMESTAMPTZ, the instant, with
the zone the query named (AT TIME ZONE '…', with_timezone(…, '…')) kept in its type
(flightlake.trino.annotate.ZONE; UTC when none was named). Comparisons, min and max,
ORDER BY and GROUP BY, date_diff in hours or less and to_unixtime use the instant; every other
reader (hour(), CAST(… AS date), date_trunc, format_datetime…) gets the zone's clock, and a
zoned result computed on that clock (date_trunc, date_add) becomes an instant again.
https://trino.io/docs/current/functions/datetime.html
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlglot import exp

from flightlake.athena_sql import SqlError
from flightlake.trino import types as T
from flightlake.trino.annotate import ZONE
from flightlake.trino.nodes import cast, func

DATE = exp.DType.DATE


def zone_of(dtype: exp.DataType | None) -> str | None:
    return dtype.meta.get(ZONE) if dtype is not None else None


def _instant(node: exp.Expression) -> exp.Expression:
    """A DuckDB TIMESTAMPTZ: a zoned value already is one; a timestamp is read in UTC."""
    if T.kind(node.type) == exp.DType.TIMESTAMPTZ:
        return node
    return cast(node, "TIMESTAMPTZ")


def _clock(node: exp.Expression) -> exp.Expression:
    """A zoned value as the TIMESTAMP its zone's clock shows."""
    return func("timezone", exp.Literal.string(zone_of(node.type) or "UTC"), node)


def _zoned(node: exp.Expression) -> bool:
    return T.kind(node.type) == exp.DType.TIMESTAMPTZ


# Parents that take a zoned value as the instant it is.
_INSTANT_READERS = (
    exp.EQ,
    exp.NEQ,
    exp.GT,
    exp.GTE,
    exp.LT,
    exp.LTE,
    exp.NullSafeEQ,
    exp.NullSafeNEQ,
    exp.Between,
    exp.In,
    exp.Is,
    exp.Min,
    exp.Max,
    exp.AnyValue,
    exp.ArgMax,
    exp.ArgMin,
    exp.Count,
    exp.Alias,
    exp.Paren,
    exp.Ordered,
    exp.Group,
    exp.Distinct,
    exp.Case,
    exp.If,
    exp.Coalesce,
    exp.Nullif,
    exp.Greatest,
    exp.Least,
    exp.Window,
    exp.Filter,
    exp.Select,
    exp.AtTimeZone,
    exp.TimeToUnix,
)
_SUB_DAY = {"HOUR", "MINUTE", "SECOND", "MILLISECOND"}


def _reads_instants(node: exp.Expression) -> bool:
    if isinstance(node, _INSTANT_READERS):
        return True
    if isinstance(node, (exp.DateDiff, exp.DateAdd)):  # hours and less are elapsed time
        unit = node.args.get("unit")
        return unit is not None and unit.name.upper() in _SUB_DAY
    # These write the zone's clock and its name or offset themselves.
    if isinstance(node, exp.Cast) and node.to.this in exp.DataType.TEXT_TYPES:
        return True
    return isinstance(node, exp.Anonymous) and node.name.upper() in _ZONE_READERS


# Functions that read a zoned value's zone or offset themselves.
_ZONE_READERS = {"TO_ISO8601", "TIMEZONE_HOUR", "TIMEZONE_MINUTE"}


def read_clocks(node: exp.Expression) -> bool:
    """Give `node` the zone's clock for each zoned argument, unless it reads instants; True
    when it got one (its own zoned result, if any, is then a clock to turn back)."""
    if _reads_instants(node):
        return False
    clocked = False
    for child in list(node.iter_expressions()):
        if _zoned(child):
            child.replace(_clock(child.copy()))
            clocked = True
    return clocked


def back_to_instant(node: exp.Expression, dtype: exp.DataType) -> exp.Expression:
    """A zoned result computed on the zone's clock, as the instant it names."""
    return func("timezone", exp.Literal.string(zone_of(dtype) or "UTC"), node)


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


def _checked_zone(dtype: exp.DataType | None, what: str) -> str:
    zone = zone_of(dtype)
    if zone is None:
        raise SqlError(f"{what} takes a zone name literal locally, not a column")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SqlError(f"Time zone not supported: {zone}") from None
    return zone


def at_time_zone(node: exp.AtTimeZone) -> exp.Expression:
    """The same instant, shown in another zone: only the type's zone changes."""
    _checked_zone(node.type, "AT TIME ZONE")
    return _instant(node.this)


def from_unixtime(node: exp.UnixToTime) -> exp.Expression | None:
    if node.args.get("zone") is not None:
        _checked_zone(node.type, "from_unixtime")
    return None


def from_iso8601_timestamp(node: exp.Expression) -> exp.Expression | None:
    """The text's own offset becomes the value's zone in Trino: kept here only when it is UTC
    (a Z, or none: the session's zone)."""
    text = node.this
    if not (isinstance(text, exp.Literal) and text.is_string):
        raise SqlError(
            "from_iso8601_timestamp of a column: each value's offset is its zone in Trino, "
            "which is not kept locally"
        )
    clock = text.name.split("T", 1)[1] if "T" in text.name else ""
    if clock and (clock.endswith("Z") or not any(c in clock for c in "+-")):
        return None
    raise SqlError("from_iso8601_timestamp with an offset other than Z is not reproduced locally")


def with_timezone(node: exp.Anonymous) -> exp.Expression:
    """with_timezone(ts, zone): the instant at which `zone`'s clock shows ts."""
    zone = _checked_zone(node.type, "with_timezone")
    return func("timezone", exp.Literal.string(zone), node.expressions[0])


def _precision(dtype: exp.DataType) -> int:
    params = dtype.expressions
    return int(params[0].this.name) if params else 3


def _clock_text(node: exp.Expression, separator: str) -> exp.Expression:
    """'2013-01-01 05:00:00.000': the timestamp's digits of a second, as its precision says."""
    precision = _precision(node.type)
    text = func("strftime", node, exp.Literal.string(f"%Y-%m-%d{separator}%H:%M:%S.%f"))
    return func("left", text, exp.Literal.number(19 + (precision and precision + 1)))


def to_coarser_timestamp(node: exp.Cast) -> exp.Expression | None:
    """CAST(… AS timestamp(p)) rounds to p digits of a second, half up (a bare `timestamp` is
    timestamp(3)); DuckDB keeps every digit it parsed."""
    digits = _precision(node.type)
    source = T.kind(node.this.type)
    if digits >= 6 or source not in (*exp.DataType.TEXT_TYPES, exp.DType.TIMESTAMP):
        return None
    if source == exp.DType.TIMESTAMP and _precision(node.this.type) <= digits:
        return None
    micros = cast(node.this.copy(), "TIMESTAMP")
    return func("trino_round_timestamp", micros, exp.Literal.number(10 ** (6 - digits)))


def to_varchar(node: exp.Cast) -> exp.Expression | None:
    """CAST(timestamp AS varchar) keeps the type's precision and a zone's name:
    '2013-01-01 05:00:00.000', '2013-01-01 00:00:00.000 America/New_York'."""
    source = node.this
    kind = T.kind(source.type)
    if kind == exp.DType.TIMESTAMP:
        return _clock_text(source, " ")
    if kind != exp.DType.TIMESTAMPTZ:
        return None
    text = _clock_text(_typed_clock(source), " ")
    return exp.DPipe(this=text, expression=exp.Literal.string(f" {zone_of(source.type) or 'UTC'}"))


def _typed_clock(node: exp.Expression) -> exp.Expression:
    """The zone's clock, typed with the value's precision (for _clock_text)."""
    clock = _clock(node)
    clock.type = node.type
    return clock


def _offset_minutes(node: exp.Expression) -> exp.Expression:
    """The zone's offset from UTC at that instant, in minutes: -300 in New York in winter."""
    utc_clock = func("timezone", exp.Literal.string("UTC"), node)
    return func("date_diff", exp.Literal.string("minute"), utc_clock, _clock(node))


def timezone_field(node: exp.Anonymous) -> exp.Expression:
    """timezone_hour and timezone_minute: the zone's offset at that instant, hours and the
    minutes left (https://trino.io/docs/current/functions/datetime.html#timezone_hour)."""
    (value,) = node.expressions
    if T.kind(value.type) != exp.DType.TIMESTAMPTZ:
        raise SqlError(f"{node.name.lower()} takes a timestamp with time zone")
    minutes = _offset_minutes(value)
    if node.name.upper() == "TIMEZONE_HOUR":
        return exp.IntDiv(this=minutes, expression=exp.Literal.number(60))  # toward zero
    return exp.Mod(this=minutes, expression=exp.Literal.number(60))


def _offset(node: exp.Expression) -> exp.Expression:
    """'Z' in UTC, else the zone's offset at that instant: '-05:00'."""
    zone = zone_of(node.type)
    if zone is None or zone.upper() in ("UTC", "Z", "ZULU", "GMT"):
        return exp.Literal.string("Z")
    return func("trino_offset", _offset_minutes(node))


def to_iso8601(node: exp.Anonymous) -> exp.Expression:
    """to_iso8601: 2013-01-01, 2013-01-01T05:00:00.000, 2013-01-01T00:00:00.000-05:00."""
    (value,) = node.expressions
    kind = T.kind(value.type)
    if kind == DATE:
        return func("strftime", value, exp.Literal.string("%Y-%m-%d"))
    if kind == exp.DType.TIMESTAMP:
        return _clock_text(value, "T")
    if kind == exp.DType.TIMESTAMPTZ:
        return exp.DPipe(this=_clock_text(_typed_clock(value), "T"), expression=_offset(value))
    raise SqlError(f"to_iso8601 takes a date or timestamp, not {value.type.sql('athena')}")


# Trino's EXTRACT fields whose DuckDB namesake differs or is missing: the week starts on
# Monday (1) in Trino (https://trino.io/docs/current/functions/datetime.html#extract).
_EXTRACT_FIELDS = {
    "DOW": "isodow",
    "DAY_OF_WEEK": "isodow",
    "DOY": "dayofyear",
    "DAY_OF_YEAR": "dayofyear",
    "DAY_OF_MONTH": "day",
    "YOW": "isoyear",
    "YEAR_OF_WEEK": "isoyear",
}


def extract(node: exp.Extract) -> exp.Expression | None:
    field = node.this.name.upper()
    if field not in _EXTRACT_FIELDS:
        return None
    return func(_EXTRACT_FIELDS[field], node.expression.copy())


def to_unixtime(node: exp.TimeToUnix) -> exp.Expression:
    return func("epoch", _instant(node.this))


# Joda pattern letters (https://trino.io/docs/current/functions/datetime.html#format_datetime)
# and their strftime forms; a letter not listed is refused, not printed as text.
_JODA = {
    "yyyy": "%Y",
    "yy": "%y",
    "MMMM": "%B",
    "MMM": "%b",
    "MM": "%m",
    "M": "%-m",
    "dd": "%d",
    "d": "%-d",
    "DDD": "%j",
    "D": "%-j",
    "EEEE": "%A",
    "EEE": "%a",
    "HH": "%H",
    "H": "%-H",
    "hh": "%I",
    "h": "%-I",
    "mm": "%M",
    "m": "%-M",
    "ss": "%S",
    "s": "%-S",
    "SSSSSS": "%f",
    "SSS": "%g",
    "a": "%p",
}
_JODA_RUN = re.compile(r"'((?:[^']|'')*)'|([A-Za-z])\2*|([^A-Za-z']+)")


def joda_to_strftime(pattern: str) -> str:
    """A Joda pattern as strftime's, or SqlError for a letter not reproduced."""
    out = []
    for match in _JODA_RUN.finditer(pattern):
        quoted, other = match.group(1), match.group(3)
        if quoted is not None:
            # Quoted text is literal; '' is a quote, inside quotes or alone.
            out.append(quoted.replace("''", "'").replace("%", "%%") if quoted else "'")
        elif other is not None:
            out.append(other.replace("%", "%%"))
        else:
            run = match.group(0)
            if run not in _JODA:
                raise SqlError(
                    f"format_datetime: the pattern letters {run} are not reproduced locally"
                )
            out.append(_JODA[run])
    return "".join(out)


def format_datetime(node: exp.Anonymous) -> exp.Expression:
    """format_datetime(ts, 'yyyy-MM') takes Joda patterns; DuckDB's strftime takes C's."""
    if len(node.expressions) != 2:
        raise SqlError(f"format_datetime takes (timestamp, format), got {node.sql('athena')}")
    ts, fmt = node.expressions
    if not (isinstance(fmt, exp.Literal) and fmt.is_string):
        raise SqlError("format_datetime takes a literal pattern locally")
    return func("strftime", ts, exp.Literal.string(joda_to_strftime(fmt.name)))
