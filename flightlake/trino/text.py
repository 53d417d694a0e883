"""Values written as Athena writes them in a query's results, from their Trino type.

A double is written by Java's Double.toString (0.7, 100.0, 1.0E10), a decimal with its type's
scale (0.80), a timestamp(p) with p digits of a second, a timestamp with time zone followed by
its zone, an array as [a, b], a map and a row as {k=v, …}, booleans as true and false
(https://docs.aws.amazon.com/athena/latest/ug/querying.html#query-results-specify-location,
https://trino.io/docs/current/language/types.html). JSON keeps numbers and nesting as JSON
and writes decimals, dates and timestamps as that same text, so no digit is lost.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa

_DECIMAL = re.compile(r"decimal\((\d+),\s*(\d+)\)")
_TIMESTAMP = re.compile(r"timestamp(?:\((\d+)\))?( with time zone)?")


def java_double(value: float) -> str:
    """Java's Double.toString: the shortest digits that round-trip, in decimal notation for
    10^-3 <= |x| < 10^7 and as d.dddE±n elsewhere."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    sign = "-" if value < 0 else ""
    digits, exponent = _shortest(abs(value))
    if 1e-3 <= abs(value) < 1e7:
        point = len(digits) + exponent  # digits before the decimal point
        if point <= 0:
            return f"{sign}0.{'0' * -point}{digits}"
        whole, fraction = digits[:point].ljust(point, "0"), digits[point:]
        return f"{sign}{whole}.{fraction or '0'}"
    return f"{sign}{digits[0]}.{digits[1:] or '0'}E{exponent + len(digits) - 1}"


def double_varchar(value: float) -> str:
    """CAST(double AS varchar): the SQL standard's scientific form, 1.5E0, 1.0E10, 1.0E-3
    (DecimalFormat "0.0###################E0" in Trino's DoubleOperators, since Trino 369:
    https://trino.io/docs/current/release/release-369.html)."""
    return _scientific(value, repr(value), 20)


def real_varchar(value: float) -> str:
    """CAST(real AS varchar): the same form with at most 6 digits after the point
    (DecimalFormat "0.0#####E0" of the float's shortest digits, Trino's RealOperators)."""
    return _scientific(value, str(np.float32(value)), 6)


def _scientific(value: float, shortest: str, fraction_digits: int) -> str:
    if math.isnan(value) or math.isinf(value):
        return java_double(value)
    if value == 0:
        return "-0E0" if math.copysign(1.0, value) < 0 else "0E0"
    exact = Decimal(shortest)
    exponent = exact.adjusted()
    mantissa = exact.scaleb(-exponent).quantize(
        Decimal(1).scaleb(-fraction_digits), rounding=ROUND_HALF_EVEN
    )
    if abs(mantissa) >= 10:  # 9.9999995 rounded up to 10: one more power of ten
        mantissa, exponent = (mantissa / 10), exponent + 1
    digits = format(mantissa.normalize(), "f")
    if "." not in digits:
        digits += ".0"
    return f"{digits}E{exponent}"


def _shortest(value: float) -> tuple[str, int]:
    """(digits, exponent) with value == int(digits) * 10**exponent, digits shortest (repr)."""
    _, digits, exponent = Decimal(repr(value)).as_tuple()
    text = "".join(map(str, digits)).rstrip("0")
    exponent += len(digits) - len(text)
    return text or "0", int(exponent)


def _timestamp(value: dt.datetime, precision: int) -> str:
    text = value.strftime("%Y-%m-%d %H:%M:%S")
    if precision:
        text += "." + f"{value.microsecond:06d}".ljust(precision, "0")[:precision]
    return text


def cell(value: Any, trino_type: str = "", zone: str | None = None) -> str | None:
    """The text Athena shows for one value (None for NULL)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if trino_type == "real":  # a float32, written by its own shortest digits
            return java_double(float(str(np.float32(value))))
        return java_double(value)
    if isinstance(value, pa.MonthDayNano):
        return _interval(value)
    if isinstance(value, Decimal):
        match = _DECIMAL.fullmatch(trino_type)
        scale = int(match.group(2)) if match else -value.as_tuple().exponent
        with localcontext(prec=40):  # decimal(38) needs more digits than Python's default 28
            return str(value.quantize(Decimal(1).scaleb(-scale))) if scale >= 0 else str(value)
    if isinstance(value, dt.datetime):
        match = _TIMESTAMP.fullmatch(trino_type)
        precision = int(match.group(1)) if match and match.group(1) else 3
        if value.tzinfo is None:
            return _timestamp(value, precision)
        # An instant, shown on its zone's clock and followed by the zone's name.
        clock = value.astimezone(ZoneInfo(zone or "UTC")).replace(tzinfo=None)
        return f"{_timestamp(clock, precision)} {zone or 'UTC'}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        if value and isinstance(value[0], tuple):  # a map, as Arrow gives it: (key, value)
            return "{" + ", ".join(f"{_inner(k)}={_inner(v)}" for k, v in value) + "}"
        return "[" + ", ".join(_inner(v) for v in value) + "]"
    if isinstance(value, dict):  # a row
        return "{" + ", ".join(f"{k}={_inner(v)}" for k, v in value.items()) + "}"
    return str(value)


def _interval(value: pa.MonthDayNano) -> str:
    """Trino's intervals: year to month as 1-2, day to second as 30 23:30:00.000."""
    if value.months and (value.days or value.nanoseconds):
        raise ValueError("an interval of months and days has no Trino type")
    if value.months:
        sign = "-" if value.months < 0 else ""
        years, months = divmod(abs(value.months), 12)
        return f"{sign}{years}-{months}"
    millis = value.days * 86_400_000 + value.nanoseconds // 1_000_000
    sign = "-" if millis < 0 else ""
    days, rest = divmod(abs(millis), 86_400_000)
    hours, rest = divmod(rest, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{sign}{days} {hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def _inner(value: Any) -> str:
    text = cell(value)
    return "null" if text is None else text


def json_value(value: Any, trino_type: str = "", zone: str | None = None) -> Any:
    """The value for JSON: numbers, booleans and nesting as JSON; everything whose JSON
    number would lose digits or whose type JSON lacks as Athena's text."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else java_double(value)
    if isinstance(value, list):
        if value and isinstance(value[0], tuple):
            return {str(cell(k)): json_value(v) for k, v in value}
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: json_value(v) for k, v in value.items()}
    return cell(value, trino_type, zone)
