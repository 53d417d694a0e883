"""Trino's arithmetic in DuckDB: integer division, exact decimal division and averages, sums.

DuckDB divides integers and decimals into doubles and averages decimals into doubles; Trino
keeps integers and decimals (https://trino.io/docs/current/functions/math.html#mathematical-operators,
https://trino.io/docs/current/functions/decimal.html). Each rewrite takes a node typed by
flightlake.trino.annotate and returns the DuckDB expression with the same value and type.
"""

from __future__ import annotations

from sqlglot import exp

from flightlake.athena_sql import SqlError
from flightlake.trino import types as T
from flightlake.trino.nodes import cast, func


def _hugeint(node: exp.Expression, scale: int) -> exp.Expression:
    """The unscaled integer of a decimal (or integer) value: 12.34 at scale 2 is 1234."""
    if scale == 0:
        return cast(node, "HUGEINT")
    # Its digits without the point: multiplying by 10^scale inside DECIMAL(38, scale) would
    # overflow once precision + scale passes 38.
    text = cast(cast(node, f"DECIMAL(38, {scale})"), "VARCHAR")
    digits = func("replace", text, exp.Literal.string("."), exp.Literal.string(""))
    return cast(digits, "HUGEINT")


def _power_of_ten(digits: int) -> exp.Expression:
    return cast(exp.Literal.string(str(10**digits)), "HUGEINT")


def decimal_quotient(
    left: exp.Expression,
    left_type: exp.DataType,
    right: exp.Expression,
    right_type: exp.DataType,
    result: exp.DataType,
) -> exp.Expression:
    """left / right rounded half up to the result's scale, on exact numbers: 128-bit integers
    when the scaled numerator fits in 38 digits, else Python's decimals (slower, and rare)."""
    precision, scale = T.precision_scale(result)
    left_precision, left_scale = T.precision_scale(left_type)
    right_scale = T.precision_scale(right_type)[1]
    shift = scale - left_scale + right_scale
    if left_precision + shift > T.MAX_PRECISION:
        text = func(
            "trino_decimal_divide",
            cast(left, "VARCHAR"),
            cast(right, "VARCHAR"),
            exp.Literal.number(scale),
        )
        return cast(text, f"DECIMAL({precision}, {scale})")
    numerator = _hugeint(left, left_scale)
    if shift:
        numerator = exp.Mul(this=numerator, expression=_power_of_ten(shift))
    unscaled = func("trino_round_div", numerator, _hugeint(right, right_scale))
    value: exp.Expression = cast(unscaled, "DECIMAL(38, 0)")
    if scale:
        unit = cast(exp.Literal.string(f"0.{'0' * (scale - 1)}1"), f"DECIMAL({scale}, {scale})")
        value = exp.Mul(this=value, expression=unit)
    return cast(value, f"DECIMAL({precision}, {scale})")


def divide(node: exp.Div) -> exp.Expression:
    left, right = node.left, node.right
    for side in (left, right):
        if T.kind(side.type) == exp.DType.UNKNOWN:
            # An integer divides as an integer in Trino: a guess here could answer differently.
            raise SqlError(
                f"cannot tell the type of {side.sql('athena')} locally, so not how Athena "
                "divides it; CAST it to the type you mean"
            )
    if T.is_integer(left.type) and T.is_integer(right.type):
        return exp.IntDiv(this=left, expression=right)  # DuckDB's // truncates toward zero
    if T.is_decimal(node.type):
        return decimal_quotient(left, left.type, right, right.type, node.type)
    node.set("typed", False)  # a double division: DuckDB's `/` already is one
    return node


def _rewrap(aggregate: exp.Expression, wrapper: exp.Expression, inner: exp.Expression):
    """`wrapper` (the FILTER and OVER clauses around `aggregate`) around another aggregate."""
    if wrapper is aggregate:
        return inner
    copy = wrapper.copy()
    copy.set("this", _rewrap(aggregate, wrapper.this, inner))
    return copy


def outermost(aggregate: exp.Expression) -> exp.Expression:
    """The aggregate with its FILTER (WHERE …) and OVER (…) clauses: what it is replaced as."""
    node = aggregate
    while isinstance(node.parent, (exp.Filter, exp.Window)) and node.arg_key == "this":
        node = node.parent
    return node


def decimal_average(node: exp.Avg) -> tuple[exp.Expression, exp.Expression] | None:
    """avg(decimal(p, s)) is sum / count rounded half up to scale s, a decimal(p, s)."""
    if not T.is_decimal(node.type):
        return None
    wrapper = outermost(node)
    total = _rewrap(node, wrapper, exp.Sum(this=node.this.copy()))
    count = _rewrap(node, wrapper, exp.Count(this=node.this.copy()))
    total_type = T.decimal(T.MAX_PRECISION, T.precision_scale(node.type)[1])
    count_type = exp.DataType.build("BIGINT")
    return wrapper, decimal_quotient(total, total_type, count, count_type, node.type)


def integer_sum(node: exp.Sum) -> tuple[exp.Expression, exp.Expression] | None:
    """sum() of integers is a bigint in Trino (DuckDB widens it to a 128-bit HUGEINT)."""
    if not T.is_integer(node.this.type):
        return None
    wrapper = outermost(node)
    return wrapper, cast(wrapper.copy(), "BIGINT")


def integer_floor(node: exp.Expression) -> exp.Expression | None:
    """floor and ceil of an integer are that integer in Trino; DuckDB makes them doubles."""
    return node.this.copy() if T.is_integer(node.this.type) else None


def count_if(node: exp.CountIf) -> exp.Expression:
    """count_if counts rows where the condition is true: 0, never NULL, when none is
    (https://trino.io/docs/current/functions/aggregate.html#count_if)."""
    return exp.Count(this=exp.Case(ifs=[exp.If(this=node.this, true=exp.Literal.number(1))]))
