"""Every node of an Athena statement typed as Trino types it, from the lake's table types.

sqlglot's type annotator is extended where Trino's rules differ from its defaults: decimal
literals and decimal arithmetic, integer division, avg and sum of decimals, CASE branches that
mix decimals and integers, DATE-preserving date functions, time zones and timestamp precision.
Each rule cites its Trino documentation page; the rewrites (flightlake.trino.translate's
REWRITES) rely on these types.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp
from sqlglot.dialects.athena import Athena
from sqlglot.optimizer.annotate_types import TypeAnnotator, annotate_types
from sqlglot.optimizer.qualify import qualify
from sqlglot.schema import MappingSchema

from flightlake.trino import types as T

_BASE = Athena().EXPRESSION_METADATA
ZONE = "trino_zone"  # meta key on a `timestamp with time zone` type: the zone it carries


def _base(self: TypeAnnotator, node: exp.Expression) -> None:
    spec = _BASE.get(type(node), {})
    if "annotator" in spec:
        spec["annotator"](self, node)
    else:
        self._set_type(node, spec.get("returns", exp.DType.UNKNOWN))


def _literal(self: TypeAnnotator, node: exp.Literal) -> None:
    # https://trino.io/docs/current/language/types.html#decimal: `1.0` is decimal(2, 1).
    _base(self, node)
    if not node.is_string:
        self._set_type(node, T.literal_type(node.name))


def _arithmetic(self: TypeAnnotator, node: exp.Binary) -> None:
    """https://trino.io/docs/current/functions/decimal.html (decimal results) and
    https://trino.io/docs/current/functions/math.html (integer division truncates)."""
    _base(self, node)
    left, right = node.left.type, node.right.type
    instants = (exp.DType.TIMESTAMP, exp.DType.TIMESTAMPTZ)
    if isinstance(node, exp.Sub) and T.kind(left) in instants and T.kind(right) in instants:
        # timestamp - timestamp is an interval day to second
        # (https://trino.io/docs/current/functions/datetime.html#date-and-time-operators).
        self._set_type(node, exp.DataType.build("INTERVAL"))
        return
    if T.is_approximate(left) or T.is_approximate(right):
        # A double wins over any number; a real over integers and decimals.
        kinds = {T.kind(left), T.kind(right)}
        if kinds <= {*T.APPROXIMATE, *T.INTEGER_AS_DECIMAL, exp.DType.DECIMAL}:
            wider = "DOUBLE" if exp.DType.DOUBLE in kinds else "FLOAT"
            self._set_type(node, exp.DataType.build(wider))
        return
    if (T.is_decimal(left) or T.is_decimal(right)) and all(
        T.is_decimal(t) or T.is_integer(t) for t in (left, right)
    ):
        self._set_type(node, T.arithmetic(type(node), left, right))
    elif T.is_integer(left) and T.is_integer(right):
        self._set_type(node, T.wider_integer(left, right))


def _neg(self: TypeAnnotator, node: exp.Neg) -> None:
    self._set_type(node, node.this.type)


def _avg(self: TypeAnnotator, node: exp.Avg) -> None:
    # https://trino.io/docs/current/functions/aggregate.html#avg: the input's decimal type.
    _base(self, node)
    if T.is_decimal(node.this.type):
        self._set_type(node, node.this.type)


def _sum(self: TypeAnnotator, node: exp.Sum) -> None:
    """https://trino.io/docs/current/functions/aggregate.html#sum: an integer sum is a
    bigint, a decimal(p, s) sum a decimal(38, s)."""
    _base(self, node)
    arg = node.this.type
    if T.is_integer(arg):
        self._set_type(node, exp.DataType.build("BIGINT"))
    elif T.is_decimal(arg):
        self._set_type(node, T.decimal(T.MAX_PRECISION, T.precision_scale(arg)[1]))
    elif T.is_approximate(arg):
        self._set_type(node, arg)


def _round(self: TypeAnnotator, node: exp.Round) -> None:
    """round(decimal(p, s)) is a decimal(p - s + min(1, s), 0); round(decimal(p, s), n) keeps
    the scale, the digits past n zeroed: a decimal(p + 1, s). Trino's MathFunctions (the
    docs' `same as input`, https://trino.io/docs/current/functions/math.html#round, is loose)."""
    _base(self, node)
    arg = node.this.type
    if not T.is_decimal(arg):
        return
    precision, scale = T.precision_scale(arg)
    if node.args.get("decimals") is None:
        self._set_type(node, T.decimal(precision - scale + min(1, scale), 0))
    else:
        self._set_type(node, T.decimal(precision + 1, scale))


def _sign(self: TypeAnnotator, node: exp.Sign) -> None:
    """sign() of a decimal is a decimal(1, 0); otherwise its argument's type (MathFunctions)."""
    _base(self, node)
    if T.is_decimal(node.this.type):
        self._set_type(node, T.decimal(1, 0))


def _floor_ceil(self: TypeAnnotator, node: exp.Expression) -> None:
    """floor and ceil of a decimal(p, s) are a decimal(p - s + min(s, 1), 0); of an integer,
    the same integer (Trino's MathFunctions; https://trino.io/docs/current/functions/math.html)."""
    _base(self, node)
    arg = node.this.type
    if T.is_decimal(arg):
        precision, scale = T.precision_scale(arg)
        self._set_type(node, T.decimal(precision - scale + min(scale, 1), 0))
    elif T.is_integer(arg) or T.is_approximate(arg):
        self._set_type(node, arg)


def _returns(type_sql: str) -> Callable[[TypeAnnotator, exp.Expression], None]:
    def annotate(self: TypeAnnotator, node: exp.Expression) -> None:
        self._set_type(node, exp.DataType.build(type_sql))

    return annotate


def _coerced(*args: str) -> Callable[[TypeAnnotator, exp.Expression], None]:
    """CASE, IF, COALESCE, greatest, least: branches of decimal and integer types
    meet at Trino's common decimal type (https://trino.io/docs/current/functions/decimal.html)."""

    def annotate(self: TypeAnnotator, node: exp.Expression) -> None:
        _base(self, node)
        branches = []
        for arg in args:
            value = node.args.get(arg)
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, exp.If):  # a CASE's WHEN … THEN
                    item = item.args.get("true")
                if isinstance(item, exp.Expression) and item.type is not None:
                    branches.append(item.type)
        common = T.common(branches)
        if common is not None:
            self._set_type(node, common)

    return annotate


def _same_as(arg: str) -> Callable[[TypeAnnotator, exp.Expression], None]:
    """date_trunc and date_add keep their argument's type: a DATE stays a DATE
    (https://trino.io/docs/current/functions/datetime.html#date_trunc)."""

    def annotate(self: TypeAnnotator, node: exp.Expression) -> None:
        self._set_type(node, node.args[arg].type)

    return annotate


def _with_zone(value: exp.Expression, zone: exp.Expression) -> exp.DataType:
    """timestamp(p) with time zone: the value's precision, the zone it names."""
    dtype = exp.DataType.build("TIMESTAMPTZ")
    if value.type is not None and value.type.this in (exp.DType.TIMESTAMP, exp.DType.TIMESTAMPTZ):
        dtype.set("expressions", [p.copy() for p in value.type.expressions])
    if isinstance(zone, exp.Literal) and zone.is_string:
        dtype.meta[ZONE] = zone.name
    return dtype


def _from_unixtime(self: TypeAnnotator, node: exp.UnixToTime) -> None:
    """from_unixtime(x[, zone]) is a timestamp(3) with time zone: the session's (UTC) or the
    one named (https://trino.io/docs/current/functions/datetime.html#from_unixtime)."""
    dtype = exp.DataType.build("TIMESTAMPTZ(3)")
    zone = node.args.get("zone")
    if zone is None:
        dtype.meta[ZONE] = "UTC"
    elif isinstance(zone, exp.Literal) and zone.is_string:
        dtype.meta[ZONE] = zone.name
    self._set_type(node, dtype)


def _at_time_zone(self: TypeAnnotator, node: exp.AtTimeZone) -> None:
    # https://trino.io/docs/current/functions/datetime.html#time-zone-conversion
    self._set_type(node, _with_zone(node.this, node.args["zone"]))


_VARCHAR_FUNCTIONS = {"TO_ISO8601", "FORMAT_DATETIME"}
# Functions sqlglot leaves untyped, with Trino's return type
# (https://trino.io/docs/current/functions/datetime.html, …/regexp.html).
_BIGINT_FUNCTIONS = {"MILLISECOND", "REGEXP_COUNT", "TIMEZONE_HOUR", "TIMEZONE_MINUTE"}
# Date and time fields are bigints in Trino (sqlglot types some as TINYINT).
_FIELDS = (
    exp.Hour,
    exp.Minute,
    exp.Second,
    exp.Day,
    exp.Month,
    exp.Year,
    exp.Quarter,
    exp.Week,
    exp.WeekOfYear,
    exp.DayOfWeek,
    exp.DayOfWeekIso,
    exp.DayOfMonth,
    exp.DayOfYear,
    exp.Extract,
    exp.RegexpCount,
)


def _varchar(self: TypeAnnotator, node: exp.Expression) -> None:
    self._set_type(node, exp.DataType.build("VARCHAR"))


def _anonymous(self: TypeAnnotator, node: exp.Anonymous) -> None:
    _base(self, node)
    name = node.name.upper()
    if name in _VARCHAR_FUNCTIONS:
        self._set_type(node, exp.DataType.build("VARCHAR"))
    elif name in _BIGINT_FUNCTIONS:
        self._set_type(node, exp.DataType.build("BIGINT"))
    elif name == "WITH_TIMEZONE" and len(node.expressions) == 2:
        self._set_type(node, _with_zone(*node.expressions))


def _cast(self: TypeAnnotator, node: exp.Cast) -> None:
    """A bare `timestamp` is timestamp(3); a literal's precision is its digits of a second,
    which sqlglot already spells out (https://trino.io/docs/current/language/types.html)."""
    _base(self, node)
    target = node.to
    if target.this in (exp.DType.TIMESTAMP, exp.DType.TIMESTAMPTZ) and not target.expressions:
        typed = target.copy()
        typed.set("expressions", [exp.DataTypeParam(this=exp.Literal.number(3))])
        self._set_type(node, typed)


METADATA = {
    **_BASE,
    exp.Literal: {"annotator": _literal},
    **{op: {"annotator": _arithmetic} for op in (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod)},
    exp.Neg: {"annotator": _neg},
    exp.Avg: {"annotator": _avg},
    exp.Sum: {"annotator": _sum},
    exp.Round: {"annotator": _round},
    exp.Floor: {"annotator": _floor_ceil},
    exp.Ceil: {"annotator": _floor_ceil},
    exp.Sign: {"annotator": _sign},
    exp.Split: {"annotator": _returns("ARRAY<VARCHAR>")},
    exp.Trunc: {"annotator": _same_as("this")},
    exp.ArgMax: {"annotator": _same_as("this")},
    exp.ArgMin: {"annotator": _same_as("this")},
    **{field: {"annotator": _returns("BIGINT")} for field in _FIELDS},
    exp.Case: {"annotator": _coerced("ifs", "default")},
    exp.If: {"annotator": _coerced("true", "false")},
    exp.Coalesce: {"annotator": _coerced("this", "expressions")},
    exp.Greatest: {"annotator": _coerced("this", "expressions")},
    exp.Least: {"annotator": _coerced("this", "expressions")},
    exp.TimestampTrunc: {"annotator": _same_as("this")},
    exp.DateTrunc: {"annotator": _same_as("this")},
    exp.DateAdd: {"annotator": _same_as("this")},
    exp.AtTimeZone: {"annotator": _at_time_zone},
    exp.UnixToTime: {"annotator": _from_unixtime},
    exp.Anonymous: {"annotator": _anonymous},
    exp.Format: {"annotator": _varchar},
    exp.Cast: {"annotator": _cast},
    exp.TryCast: {"annotator": _cast},
}


def annotate(tree: exp.Expression, schema: MappingSchema) -> exp.Expression:
    """Qualify `tree` (stars expanded, columns bound to their tables) and type every node."""
    query = qualify(
        tree,
        schema=schema,
        dialect="athena",
        validate_qualify_columns=False,
        quote_identifiers=False,
        identify=False,
    )
    return annotate_types(query, schema=schema, expression_metadata=METADATA, dialect="athena")
