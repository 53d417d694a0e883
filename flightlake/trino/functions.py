"""Everyday Trino functions whose DuckDB namesake answers differently, given Trino's answer.

Each takes a typed node (flightlake.trino.annotate) and returns its DuckDB replacement; the
rule each follows is cited on the function.
"""

from __future__ import annotations

import re

from sqlglot import exp

from flightlake.athena_sql import SqlError
from flightlake.trino import types as T
from flightlake.trino.coercions import trino_name
from flightlake.trino.nodes import cast, func


def split_part(node: exp.SplitPart) -> exp.Expression:
    """Past the last field: NULL, not '' (https://trino.io/docs/current/functions/string.html#split_part)."""
    return func("trino_split_part", node.this, node.args["delimiter"], node.args["part_index"])


def regexp_extract(node: exp.RegexpExtract) -> exp.Expression:
    """No match: NULL, not '' (https://trino.io/docs/current/functions/regexp.html#regexp_extract)."""
    matched = exp.RegexpLike(this=node.this.copy(), expression=node.expression.copy())
    return exp.Case(ifs=[exp.If(this=matched, true=node.copy())])


def regexp_replace(node: exp.RegexpReplace) -> exp.Expression | None:
    """A replacement names groups Java's way, $1, where DuckDB's RE2 takes \\1
    (https://trino.io/docs/current/functions/regexp.html#regexp_replace)."""
    replacement = node.args.get("replacement")
    if replacement is None:
        return None
    if not (isinstance(replacement, exp.Literal) and replacement.is_string):
        raise SqlError("regexp_replace takes a literal replacement locally")
    text = replacement.name
    if "\\" in text.replace("\\$", ""):
        raise SqlError("regexp_replace: a backslash in the replacement is not reproduced locally")
    # \$ is a literal dollar in Java; RE2 needs no escape for it.
    rewritten = re.sub(r"\$(\d)", r"\\\1", text.replace("\\$", "\0")).replace("\0", "$")
    copy = node.copy()
    copy.set("replacement", exp.Literal.string(rewritten))
    return copy


def type_name(node: exp.Typeof) -> exp.Expression:
    """typeof() names Trino's type (https://trino.io/docs/current/functions/conversion.html#typeof)."""
    return exp.Literal.string(trino_name(node.this))


def array_slice(node: exp.ArraySlice) -> exp.Expression:
    """slice(a, start, length) (https://trino.io/docs/current/functions/array.html#slice)."""
    return func("trino_slice", node.this, node.args["start"], node.args["end"])


def array_position(node: exp.ArrayPosition) -> exp.Expression:
    """0 when absent (https://trino.io/docs/current/functions/array.html#array_position)."""
    return func("trino_array_position", node.this, node.expression)


def array_distinct(node: exp.ArrayDistinct) -> exp.Expression:
    """First occurrences in order (https://trino.io/docs/current/functions/array.html)."""
    return func("trino_array_distinct", node.this)


def substring(node: exp.Substring) -> exp.Expression:
    """https://trino.io/docs/current/functions/string.html#substr"""
    length = node.args.get("length")
    if length is None:
        return func("trino_substr_rest", node.this, node.args["start"])
    return func("trino_substr", node.this, node.args["start"], length)


def split(node: exp.Split) -> exp.Expression:
    """https://trino.io/docs/current/functions/string.html#split"""
    if node.args.get("limit") is not None:
        raise SqlError("split with a limit is not reproduced locally")
    return func("trino_split", node.this, node.expression)


# Trino trims whitespace, not only spaces (https://trino.io/docs/current/functions/string.html#trim).
_WHITESPACE = exp.Literal.string(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f")


def trim(node: exp.Trim) -> exp.Expression | None:
    if node.args.get("expression") is not None:
        return None  # trim(characters FROM s): the characters given, in both engines
    name = {"LEADING": "ltrim", "TRAILING": "rtrim"}.get(
        str(node.args.get("position") or ""), "trim"
    )
    return func(name, node.this, _WHITESPACE.copy())


def sign(node: exp.Sign) -> exp.Expression | None:
    """sign() keeps its argument's type in Trino (a double -1.0); DuckDB's is a TINYINT."""
    kind = T.kind(node.type)
    if kind in (exp.DType.DOUBLE, exp.DType.FLOAT, exp.DType.DECIMAL):
        return cast(node.copy(), node.type.sql("duckdb"))
    return None


def array_nulls(node: exp.Expression) -> exp.Expression:
    """array_max, array_min, contains and array_except with Trino's NULLs and order
    (https://trino.io/docs/current/functions/array.html)."""
    name = {
        exp.ArrayMax: "trino_array_max",
        exp.ArrayMin: "trino_array_min",
        exp.ArrayContains: "trino_contains",
        exp.ArrayExcept: "trino_array_except",
    }[type(node)]
    args = [node.this] + ([node.expression] if node.args.get("expression") is not None else [])
    return func(name, *args)


def text_to_boolean(node: exp.Cast) -> exp.Expression | None:
    """Only t, f, 1, 0, true and false are booleans (DuckDB also takes yes, no, y, n…)
    (https://trino.io/docs/current/functions/conversion.html; Trino's VarcharOperators)."""
    if T.kind(node.this.type) not in exp.DataType.TEXT_TYPES or node.to.this != exp.DType.BOOLEAN:
        return None
    return _guarded_cast(node, "trino_is_boolean_text", "BOOLEAN")


def text_to_integer(node: exp.Cast) -> exp.Expression | None:
    """Text becomes an integer only when it is one: CAST('12.5' AS integer) fails and
    try_cast gives NULL, where DuckDB rounds to 13; a sign is allowed, spaces are not
    (https://trino.io/docs/current/functions/conversion.html; Trino's VarcharOperators parse
    with Long.parseLong)."""
    if T.kind(node.this.type) not in exp.DataType.TEXT_TYPES or not T.is_integer(node.to):
        return None
    return _guarded_cast(node, "trino_is_integer_text", node.to.sql("athena").upper())


def _guarded_cast(node: exp.Cast, accepts: str, target: str) -> exp.Expression:
    """The cast where the macro `accepts` the text (and the value fits); else NULL for
    try_cast, Trino's error for CAST."""
    source = node.this
    checked = exp.TryCast(this=source.copy(), to=node.to.copy())
    accepted = func(accepts, source.copy())
    if isinstance(node, exp.TryCast):
        return exp.Case(ifs=[exp.If(this=accepted, true=checked)])
    message = exp.DPipe(
        this=exp.DPipe(this=exp.Literal.string("Cannot cast '"), expression=source.copy()),
        expression=exp.Literal.string(f"' to {target}"),
    )
    fails = exp.Or(
        this=exp.Not(this=accepted),
        expression=exp.Is(this=checked.copy(), expression=exp.Null()),
    )
    return exp.Case(
        ifs=[
            exp.If(this=exp.Is(this=source.copy(), expression=exp.Null()), true=exp.Null()),
            exp.If(this=exp.Paren(this=fails), true=func("error", message)),
        ],
        default=checked,
    )


def to_short_varchar(node: exp.Cast) -> exp.Expression | None:
    """CAST(x AS varchar(n)) keeps the first n characters in Trino; DuckDB ignores n."""
    params = node.to.expressions
    if node.to.this != exp.DType.VARCHAR or not params or isinstance(node, exp.TryCast):
        return None
    text = cast(node.this.copy(), "VARCHAR")
    return func("substring", text, exp.Literal.number(1), params[0].this.copy())


def approximate_to_integer(node: exp.Cast) -> exp.Expression | None:
    """A double or real cast to an integer rounds half away from zero (Trino's DoubleOperators
    round with MathFunctions.round); DuckDB rounds half to even: 2.5 is 3 in Trino, 2 there."""
    if not (T.is_approximate(node.this.type) and T.is_integer(node.to)):
        return None
    rounded = node.copy()
    rounded.set("this", func("round", node.this.copy()))
    return rounded


def number_to_varchar(node: exp.Cast) -> exp.Expression | None:
    """CAST(double AS varchar) is 1.5E0, not 1.5 (https://trino.io/docs/current/release/release-369.html);
    flightlake.trino.text writes it, registered in DuckDB by flightlake.trino.macros."""
    kind = T.kind(node.this.type)
    if kind == exp.DType.DOUBLE:
        return func("trino_double_varchar", node.this)
    if kind == exp.DType.FLOAT:
        return func("trino_real_varchar", node.this)
    return None


def subscript(node: exp.Bracket) -> exp.Expression | None:
    """arr[i] outside the array is an error; element_at(arr, i) is NULL
    (https://trino.io/docs/current/functions/array.html#subscript-operator)."""
    if node.args.get("safe") or T.kind(node.this.type) != exp.DType.ARRAY:
        return None
    (index,) = node.expressions
    # sqlglot keeps the index 0-based (it subtracted Trino's offset of 1 when parsing).
    one_based = exp.Add(this=index, expression=exp.Literal.number(1))
    return func("trino_subscript", node.this, one_based)


# Java format specifiers: %[index$][flags][width][.precision]conversion
_SPECIFIER = re.compile(
    r"%(?P<index>\d+\$|<)?(?P<flags>[-#+ 0,(]*)(?P<width>\d+)?(?:\.(?P<prec>\d+))?"
    r"(?P<conv>[a-zA-Z%])?"
)


def format_(node: exp.Format) -> exp.Expression:
    """format() follows Java's Formatter (https://trino.io/docs/current/functions/string.html#format).
    %s of text, integers, booleans, dates, doubles and decimals, %d of integers and %% are
    reproduced; anything else is refused rather than formatted by C's rules."""
    fmt = node.this
    if not (isinstance(fmt, exp.Literal) and fmt.is_string):
        raise SqlError("format() takes a literal format string locally")
    args = list(node.expressions)
    parts: list[exp.Expression] = []
    position = 0
    used = 0
    for match in _SPECIFIER.finditer(fmt.name):
        if match.start() > position:
            parts.append(exp.Literal.string(fmt.name[position : match.start()]))
        position = match.end()
        conv = match.group("conv") or ""
        plain = not any(match.group(g) for g in ("index", "flags", "width", "prec"))
        if conv == "%" and plain:
            parts.append(exp.Literal.string("%"))
            continue
        if not plain or conv not in ("s", "d"):
            raise SqlError(
                f"format(): {match.group(0)} follows Java's Formatter, which is not reproduced "
                "locally (supported: %s, %d, %%)"
            )
        if used >= len(args):
            raise SqlError(f"format(): {match.group(0)} has no argument")
        arg = args[used]
        used += 1
        parts.append(_format_arg(arg, conv, match.group(0)))
    if position < len(fmt.name):
        parts.append(exp.Literal.string(fmt.name[position:]))
    if not parts:
        return exp.Literal.string("")
    result = parts[0]
    for part in parts[1:]:
        result = exp.DPipe(this=result, expression=part)
    return result


def _format_arg(arg: exp.Expression, conv: str, spec: str) -> exp.Expression:
    dtype = arg.type
    kind = T.kind(dtype)
    if conv == "d" and not T.is_integer(dtype):
        raise SqlError(f"format(): {spec} takes an integer, not {dtype.sql('athena')}")
    if kind == exp.DType.DOUBLE:
        text = func("trino_java_double", arg)
    elif T.is_decimal(dtype) and T.precision_scale(dtype)[1] > 6:
        # BigDecimal.toString writes 1E-7 for a small value of a scale past 6.
        raise SqlError(
            f"format(): {spec} of a {dtype.sql('athena')} follows BigDecimal.toString, "
            "which is not reproduced locally; round it or cast it to varchar first"
        )
    elif kind in exp.DataType.TEXT_TYPES:
        text = arg
    elif T.is_integer(dtype) or T.is_decimal(dtype) or kind in (exp.DType.BOOLEAN, exp.DType.DATE):
        text = cast(arg, "VARCHAR")
    else:
        raise SqlError(
            f"format(): {spec} of a {dtype.sql('athena')} follows Java's toString, "
            "which is not reproduced locally; cast it to varchar first"
        )
    # Java writes a NULL argument as "null".
    return exp.Coalesce(this=text, expressions=[exp.Literal.string("null")])
