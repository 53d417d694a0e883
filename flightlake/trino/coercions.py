"""What Trino will not compare, add or concatenate without a CAST, refused with Trino's message.

Trino coerces no text to a number, date or timestamp: `flight_date = '2013-01-01'` fails on
Athena with `Cannot apply operator: date = varchar(10)`, where DuckDB would cast the text and
answer (https://trino.io/docs/current/functions/conversion.html; the analyzer's
TypeCoercion has no varchar → date rule). `||` likewise takes strings or arrays only.
"""

from __future__ import annotations

from sqlglot import exp

from flightlake.athena_sql import SqlError
from flightlake.trino import types as T

_OPERATORS = {
    exp.EQ: "=",
    exp.NEQ: "<>",
    exp.GT: ">",
    exp.GTE: ">=",
    exp.LT: "<",
    exp.LTE: "<=",
    exp.NullSafeEQ: "IS NOT DISTINCT FROM",
    exp.NullSafeNEQ: "IS DISTINCT FROM",
}
_TEXT = set(exp.DataType.TEXT_TYPES)
_NOT_TEXT = {
    *T.INTEGER_AS_DECIMAL,
    *T.APPROXIMATE,
    exp.DType.DECIMAL,
    exp.DType.DATE,
    exp.DType.TIMESTAMP,
    exp.DType.TIMESTAMPTZ,
    exp.DType.BOOLEAN,
}


def trino_name(node: exp.Expression) -> str:
    """The type as Trino's messages name it: a text literal is a varchar of its length."""
    if isinstance(node, exp.Literal) and node.is_string:
        return f"varchar({len(node.name)})"
    return node.type.sql("athena").lower().replace(", ", ",")


_NUMBERS = {*T.INTEGER_AS_DECIMAL, *T.APPROXIMATE, exp.DType.DECIMAL}


def _clash(a: exp.Expression, b: exp.Expression) -> bool:
    """Text with anything but text, or a boolean with a number: Trino coerces neither."""
    kinds = {T.kind(a.type), T.kind(b.type)}
    if kinds & _TEXT and kinds & _NOT_TEXT:
        return True
    return exp.DType.BOOLEAN in kinds and bool(kinds & _NUMBERS)


def date_arithmetic(node: exp.Binary) -> None:
    """DATE ± integer and DATE - DATE have no Trino operator (date_add and date_diff do it)."""
    kinds = [T.kind(node.left.type), T.kind(node.right.type)]
    if exp.DType.DATE not in kinds:
        return
    other = kinds[1] if kinds[0] == exp.DType.DATE else kinds[0]
    if other in _NUMBERS or (isinstance(node, exp.Sub) and kinds == [exp.DType.DATE] * 2):
        op = "+" if isinstance(node, exp.Add) else "-"
        raise SqlError(
            f"Cannot apply operator: {trino_name(node.left)} {op} {trino_name(node.right)}"
        )


def comparison(node: exp.Binary) -> None:
    if _clash(node.left, node.right):
        op = _OPERATORS[type(node)]
        raise SqlError(
            f"Cannot apply operator: {trino_name(node.left)} {op} {trino_name(node.right)}"
        )


def between(node: exp.Between) -> None:
    for bound in (node.args["low"], node.args["high"]):
        if _clash(node.this, bound):
            raise SqlError(
                f"Cannot check if {trino_name(node.this)} is BETWEEN {trino_name(bound)} and "
                f"{trino_name(bound)}"
            )


def in_list(node: exp.In) -> None:
    for item in node.expressions:
        if _clash(node.this, item):
            raise SqlError(
                "IN value and list items must be the same type: " + trino_name(node.this)
            )


def concatenation(node: exp.Expression) -> None:
    parts = node.expressions if isinstance(node, exp.Concat) else [node.this, node.expression]
    kinds = [T.kind(part.type) for part in parts]
    if any(k in _TEXT for k in kinds) and any(k in _NOT_TEXT for k in kinds):
        listed = ", ".join(trino_name(part) for part in parts)
        raise SqlError(f"Unexpected parameters ({listed}) for function concat")


def check(node: exp.Expression) -> None:
    """Raise Trino's error if `node` mixes text with another type where Trino will not."""
    if type(node) in _OPERATORS:
        comparison(node)
    elif isinstance(node, exp.Between):
        between(node)
    elif isinstance(node, exp.In) and node.expressions:
        in_list(node)
    elif isinstance(node, (exp.DPipe, exp.Concat)):
        concatenation(node)
    elif isinstance(node, (exp.Add, exp.Sub)):
        date_arithmetic(node)
