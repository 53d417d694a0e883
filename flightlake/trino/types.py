"""Trino's type rules for the arithmetic an analyst writes: decimal literals, decimal results
of + - * / %, integer results, and the common type of CASE branches.

https://trino.io/docs/current/language/types.html#decimal (literals), and
https://trino.io/docs/current/functions/decimal.html (result precision and scale of each
operator). Types are sqlglot DataTypes throughout, so the annotator and the rewrites share them.
"""

from __future__ import annotations

from sqlglot import exp

MAX_PRECISION = 38
DType = exp.DType

# An integer operand meets a decimal as the narrowest decimal that holds all its values.
INTEGER_AS_DECIMAL = {DType.TINYINT: 3, DType.SMALLINT: 5, DType.INT: 10, DType.BIGINT: 19}
_INTEGER_RANK = [DType.TINYINT, DType.SMALLINT, DType.INT, DType.BIGINT]
APPROXIMATE = {DType.DOUBLE, DType.FLOAT}


def build(sql: str) -> exp.DataType:
    return exp.DataType.build(sql, dialect="athena")


def decimal(precision: int, scale: int) -> exp.DataType:
    return exp.DataType.build(f"DECIMAL({min(precision, MAX_PRECISION)}, {scale})")


def kind(dtype: exp.DataType | None) -> DType:
    return dtype.this if dtype is not None else DType.UNKNOWN


def is_integer(dtype: exp.DataType | None) -> bool:
    return kind(dtype) in INTEGER_AS_DECIMAL


def is_decimal(dtype: exp.DataType | None) -> bool:
    return kind(dtype) == DType.DECIMAL


def is_approximate(dtype: exp.DataType | None) -> bool:
    return kind(dtype) in APPROXIMATE


def precision_scale(dtype: exp.DataType) -> tuple[int, int]:
    """(precision, scale) of a decimal, or of the decimal an integer type widens to."""
    if kind(dtype) in INTEGER_AS_DECIMAL:
        return INTEGER_AS_DECIMAL[kind(dtype)], 0
    params = [int(p.this.name) for p in dtype.expressions]
    # Trino's bare `decimal` is decimal(38, 0).
    return (params + [MAX_PRECISION, 0][len(params) :])[:2] if params else (MAX_PRECISION, 0)


def literal_type(text: str) -> exp.DataType:
    """A numeric literal: `7` integer (bigint past 2^31), `1.0` decimal(2,1), `1e3` double."""
    if "e" in text.lower():
        return exp.DataType.build("DOUBLE")
    if "." not in text:
        return exp.DataType.build("INT" if -(2**31) <= int(text) < 2**31 else "BIGINT")
    whole, fraction = text.lstrip("+-").split(".")
    digits = len(whole.lstrip("0")) + len(fraction)
    return decimal(max(digits, 1), len(fraction))


def wider_integer(left: exp.DataType, right: exp.DataType) -> exp.DataType:
    return exp.DataType.build(max(kind(left), kind(right), key=_INTEGER_RANK.index))


def arithmetic(op: type[exp.Expression], left: exp.DataType, right: exp.DataType) -> exp.DataType:
    """Result of `left op right` on decimal or integer operands (at least one decimal)."""
    p1, s1 = precision_scale(left)
    p2, s2 = precision_scale(right)
    scale = max(s1, s2)
    if op is exp.Mul:
        return decimal(p1 + p2, s1 + s2)
    if op is exp.Div:
        return decimal(p1 + s2 + max(0, s2 - s1), scale)
    if op is exp.Mod:
        return decimal(min(p1 - s1, p2 - s2) + scale, scale)
    return decimal(1 + scale + max(p1 - s1, p2 - s2), scale)  # + and -


def common(types: list[exp.DataType]) -> exp.DataType | None:
    """The type Trino coerces CASE branches, COALESCE and friends to, when one is a decimal:
    integers widen to decimals, a double wins. None when no decimal is involved."""
    known = [t for t in types if kind(t) not in (DType.NULL, DType.UNKNOWN)]
    if not any(is_decimal(t) for t in known):
        return None
    if any(is_approximate(t) for t in known):
        return exp.DataType.build("DOUBLE")
    if not all(is_decimal(t) or is_integer(t) for t in known):
        return None
    pairs = [precision_scale(t) for t in known]
    scale = max(s for _, s in pairs)
    return decimal(max(p - s for p, s in pairs) + scale, scale)


_FROM_DUCKDB = {
    "TINYINT": "tinyint",
    "SMALLINT": "smallint",
    "INTEGER": "integer",
    "BIGINT": "bigint",
    "HUGEINT": "decimal(38, 0)",
    "FLOAT": "real",
    "DOUBLE": "double",
    "VARCHAR": "varchar",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "timestamp(3)",
    "TIMESTAMP WITH TIME ZONE": "timestamp(3) with time zone",
    "BLOB": "varbinary",
}


def trino_of_duckdb(name: str) -> str:
    """The Trino type of a DuckDB column type: a local view's or a raw or quarantine table's."""
    if name.startswith("DECIMAL"):
        return name.lower()
    if name.endswith("[]"):
        return f"array({trino_of_duckdb(name[:-2])})"
    return _FROM_DUCKDB.get(name, "unknown")
