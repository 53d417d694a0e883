"""DuckDB macros that carry Trino's semantics where one DuckDB function is not enough.

The rewrites (flightlake.trino.arithmetic, .functions, .temporal) call them by name; every
connection that runs translated SQL has them (flightlake.query.run installs them).
"""

from __future__ import annotations

import weakref
from decimal import ROUND_HALF_UP, Decimal, localcontext

import duckdb

from flightlake.trino.text import double_varchar, real_varchar

MACROS = {
    # n / d rounded half up (away from zero), on exact integers: a decimal division's
    # unscaled result (https://trino.io/docs/current/functions/decimal.html).
    "trino_round_div": (
        "(n, d) AS CASE WHEN n IS NULL OR d IS NULL THEN NULL "
        "WHEN d = 0 THEN error('Division by zero') "
        # The remainder compared with what is left of the divisor: no doubling that could
        # overflow a 38-digit quotient.
        # nullif: DuckDB may fold the ELSE branch of a constant 0 divisor too, and its own
        # error would name that expression instead of Trino's message.
        "ELSE sign(n) * sign(d) * (abs(n) // nullif(abs(d), 0) + CASE WHEN abs(n) % "
        "nullif(abs(d), 0) >= abs(d) - abs(n) % nullif(abs(d), 0) THEN 1 ELSE 0 END) END"
    ),
    # split_part past the last field is NULL, and an index below 1 an error
    # (https://trino.io/docs/current/functions/string.html#split_part).
    "trino_split_part": (
        "(s, d, i) AS CASE WHEN i < 1 THEN error('Index must be greater than zero') "
        "WHEN i > len(string_split(s, d)) THEN NULL ELSE split_part(s, d, i) END"
    ),
    # Casting text to an integer type accepts an optionally signed run of digits and
    # nothing else, not even spaces: '12.5' and ' 12' are not integers
    # (https://trino.io/docs/current/functions/conversion.html).
    "trino_is_integer_text": "(s) AS regexp_full_match(s, '[+-]?[0-9]+')",
    # arr[i] fails outside the array, where element_at(arr, i) is NULL
    # (https://trino.io/docs/current/functions/array.html#subscript-operator).
    "trino_subscript": (
        "(a, i) AS CASE WHEN i = 0 THEN error('SQL array indices start at 1') "
        "WHEN i < 0 THEN error('Array subscript is negative: ' || i) "
        "WHEN i > len(a) THEN error('Array subscript must be less than or equal to array "
        "length: ' || i || ' > ' || len(a)) ELSE a[i] END"
    ),
    # slice(a, start, length), where DuckDB's list_slice takes (start, end); a negative start
    # counts from the end (https://trino.io/docs/current/functions/array.html#slice).
    "trino_slice": (
        "(a, s, n) AS CASE WHEN s = 0 THEN error('SQL array indices start at 1') "
        "WHEN n < 0 THEN error('length must be greater than or equal to 0') "
        "WHEN n = 0 THEN list_slice(a, 1, 0) "
        "WHEN s > 0 THEN list_slice(a, s, s + n - 1) "
        "ELSE list_slice(a, greatest(len(a) + s + 1, 1), len(a) + s + n) END"
    ),
    # array_position is 0 when the element is absent, not NULL.
    "trino_array_position": (
        "(a, x) AS CASE WHEN a IS NULL OR x IS NULL THEN NULL "
        "ELSE coalesce(list_position(a, x), 0) END"
    ),
    # array_distinct keeps each element's first occurrence, in order.
    "trino_array_distinct": "(a) AS list_filter(a, lambda x, i: list_position(a, x) = i)",
    # substr: a start of 0, a length below 1 or a start before the beginning give ''
    # (Trino's StringFunctions.substr), where DuckDB counts from the first character.
    "trino_substr": (
        "(s, st, n) AS CASE WHEN st = 0 OR n <= 0 OR (st < 0 AND -st > length(s)) THEN '' "
        "ELSE substring(s, st, n) END"
    ),
    "trino_substr_rest": (
        "(s, st) AS CASE WHEN st = 0 OR (st < 0 AND -st > length(s)) THEN '' "
        "ELSE substring(s, st) END"
    ),
    # split('', ',') is one empty field, not none.
    "trino_split": "(s, d) AS CASE WHEN s = '' THEN [''] ELSE string_split(s, d) END",
    # Text to boolean: only t, f, 1, 0, true and false, in any case (Trino's VarcharOperators).
    "trino_is_boolean_text": "(s) AS lower(s) IN ('t', 'f', '1', '0', 'true', 'false')",
    # A timestamp cast to fewer digits of a second rounds half up (Trino's timestamp casts).
    "trino_round_timestamp": (
        "(ts, unit) AS make_timestamp(CAST(round(epoch_us(ts) / unit) * unit AS BIGINT))"
    ),
    # array_max and array_min are NULL when any element is (Trino's ArrayMaxFunction), and
    # contains is NULL when the element is absent but a NULL is present.
    "trino_array_max": (
        "(a) AS CASE WHEN len(list_filter(a, lambda x: x IS NULL)) > 0 THEN NULL "
        "ELSE list_max(a) END"
    ),
    "trino_array_min": (
        "(a) AS CASE WHEN len(list_filter(a, lambda x: x IS NULL)) > 0 THEN NULL "
        "ELSE list_min(a) END"
    ),
    "trino_contains": (
        "(a, x) AS CASE WHEN a IS NULL OR x IS NULL THEN NULL WHEN list_contains(a, x) THEN true "
        "WHEN len(list_filter(a, lambda y: y IS NULL)) > 0 THEN NULL ELSE false END"
    ),
    # array_except keeps the first array's order (DuckDB's list_distinct does not).
    "trino_array_except": (
        "(a, b) AS list_filter(trino_array_distinct(a), "
        "lambda x: NOT list_contains(list_transform(b, lambda y: y IS NOT DISTINCT FROM x), true))"
    ),
    # A zone's offset from UTC in minutes as ISO 8601 writes it: -300 is '-05:00'.
    "trino_offset": (
        "(m) AS CASE WHEN m < 0 THEN '-' ELSE '+' END || lpad(CAST(abs(m) // 60 AS VARCHAR), 2, "
        "'0') || ':' || lpad(CAST(abs(m) % 60 AS VARCHAR), 2, '0')"
    ),
    # A double as Java's Double.toString writes it, for the decimal range where that is the
    # shortest round-trip form with at least one fractional digit; elsewhere Java switches to
    # computerized scientific notation, which is refused rather than approximated.
    "trino_java_double": (
        "(x) AS CASE WHEN isnan(x) THEN 'NaN' WHEN x = 'infinity'::DOUBLE THEN 'Infinity' "
        "WHEN x = '-infinity'::DOUBLE THEN '-Infinity' "
        "WHEN x = 0 OR (abs(x) >= 1e-3 AND abs(x) < 1e7) THEN CAST(x AS VARCHAR) "
        "ELSE error('a double outside [1e-3, 1e7) is written in Java''s scientific notation, "
        "which is not reproduced locally') END"
    ),
}


def decimal_divide(numerator: str, denominator: str, scale: int) -> str:
    """numerator / denominator rounded half up to `scale` digits, on Python's decimals: the
    exact division a quotient past 128-bit integers needs."""
    with localcontext(prec=120):
        divisor = Decimal(denominator)
        if divisor == 0:
            raise ZeroDivisionError("Division by zero")
        quotient = (Decimal(numerator) / divisor).quantize(
            Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP
        )
    return format(quotient, "f")


# Connections that have them: installing costs a few tens of milliseconds, once per session
# is enough (a weak set, so a closed connection is forgotten with it).
_INSTALLED: weakref.WeakSet = weakref.WeakSet()


def install(con: duckdb.DuckDBPyConnection) -> None:
    """The macros and functions, and Athena's session zone: UTC."""
    if con in _INSTALLED:
        return
    con.execute("SET TimeZone = 'UTC'")
    for name, body in MACROS.items():
        con.execute(f"CREATE OR REPLACE TEMP MACRO {name}{body}")
    for name, function, arguments in (
        ("trino_double_varchar", double_varchar, ["DOUBLE"]),
        ("trino_real_varchar", real_varchar, ["FLOAT"]),
        ("trino_decimal_divide", decimal_divide, ["VARCHAR", "VARCHAR", "INTEGER"]),
    ):
        con.create_function(name, function, arguments, "VARCHAR")
    _INSTALLED.add(con)
