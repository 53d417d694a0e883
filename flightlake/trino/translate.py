"""One Athena statement to DuckDB SQL with Trino's answer: typed, refused, rewritten, named.

parse (flightlake.athena_sql) → qualify and type every node (flightlake.trino.annotate) →
refuse what cannot agree (flightlake.trino.refusals) → rewrite each node whose DuckDB meaning
differs (arithmetic, functions, temporal) → name unaliased outputs as Athena does → DuckDB SQL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlglot import exp
from sqlglot.dialects.duckdb import DuckDB
from sqlglot.errors import ErrorLevel, SqlglotError, UnsupportedError
from sqlglot.schema import MappingSchema

from flightlake.athena_sql import SqlError
from flightlake.trino import arithmetic, coercions, functions, temporal
from flightlake.trino import types as T
from flightlake.trino.annotate import annotate
from flightlake.trino.refusals import refusal

UNNAMED = "athena_unnamed"  # meta: an output Athena names _col<position>
NAMED = "athena_name"  # meta: an output's name where sqlglot would make one up


def _unit(expression: exp.Expression) -> str:
    unit = expression.args.get("unit")
    return unit.name.upper() if unit is not None else "DAY"


class DuckDBFromAthena(DuckDB):
    class Generator(DuckDB.Generator):
        TRANSFORMS = {  # noqa: RUF012 (sqlglot's own convention)
            **DuckDB.Generator.TRANSFORMS,
            # Trino counts whole units elapsed; DuckDB's DATE_DIFF counts boundaries crossed
            # (10:00:59 → 10:01:00 is 1 minute there, 0 in Trino). DATE_SUB counts whole units.
            # https://trino.io/docs/current/functions/datetime.html#date_diff
            exp.DateDiff: lambda self, e: self.func(
                "DATE_SUB", exp.Literal.string(_unit(e)), e.expression, e.this
            ),
        }


@dataclass(frozen=True)
class Output:
    """A result column: its name and Trino type as Athena reports them."""

    name: str
    trino_type: str
    zone: str | None = None
    named: bool = True  # False: Athena made the name up (_col<position>)


@dataclass(frozen=True)
class Translation:
    sql: str
    outputs: tuple[Output, ...] | None  # None: the statement returns no rows


def _cast_rewrite(node: exp.Cast) -> exp.Expression | None:
    if node.to.this in exp.DataType.TEXT_TYPES:
        return (
            functions.number_to_varchar(node)
            or temporal.to_varchar(node)
            or functions.to_short_varchar(node)
        )
    if node.to.this == exp.DType.TIMESTAMP:
        return temporal.to_coarser_timestamp(node)
    return (
        functions.text_to_integer(node)
        or functions.text_to_boolean(node)
        or functions.approximate_to_integer(node)
    )


def _anonymous(node: exp.Anonymous) -> exp.Expression | None:
    name = node.name.upper()
    if name == "TO_ISO8601":
        return temporal.to_iso8601(node)
    if name == "WITH_TIMEZONE":
        return temporal.with_timezone(node)
    if name == "FORMAT_DATETIME":
        return temporal.format_datetime(node)
    if name in ("TIMEZONE_HOUR", "TIMEZONE_MINUTE"):
        return temporal.timezone_field(node)
    return None


# A rewrite returns the node's replacement, or (an ancestor to replace, its replacement) when
# the node's FILTER and OVER clauses go with it; None leaves the node as it is.
Replacement = exp.Expression | tuple[exp.Expression, exp.Expression] | None
Rewrite = Callable[[exp.Expression], Replacement]

REWRITES: dict[type[exp.Expression], Rewrite] = {
    exp.Div: arithmetic.divide,
    exp.Add: temporal.date_plus_interval,
    exp.Sub: temporal.date_plus_interval,
    exp.Avg: arithmetic.decimal_average,
    exp.Sum: arithmetic.integer_sum,
    exp.CountIf: arithmetic.count_if,
    exp.Floor: arithmetic.integer_floor,
    exp.Ceil: arithmetic.integer_floor,
    exp.SplitPart: functions.split_part,
    exp.RegexpExtract: functions.regexp_extract,
    exp.RegexpReplace: functions.regexp_replace,
    exp.Typeof: functions.type_name,
    exp.Format: functions.format_,
    exp.Cast: _cast_rewrite,
    exp.TryCast: _cast_rewrite,
    exp.TimestampTrunc: temporal.keep_date,
    exp.DateTrunc: temporal.keep_date,
    exp.DateAdd: temporal.keep_date,
    exp.AtTimeZone: temporal.at_time_zone,
    exp.TimeToUnix: temporal.to_unixtime,
    exp.UnixToTime: temporal.from_unixtime,
    exp.FromISO8601Timestamp: temporal.from_iso8601_timestamp,
    exp.Extract: temporal.extract,
    exp.Bracket: functions.subscript,
    exp.Substring: functions.substring,
    exp.Split: functions.split,
    exp.Trim: functions.trim,
    exp.Sign: functions.sign,
    exp.ArraySlice: functions.array_slice,
    exp.ArrayPosition: functions.array_position,
    exp.ArrayDistinct: functions.array_distinct,
    **{
        kind: functions.array_nulls
        for kind in (exp.ArrayMax, exp.ArrayMin, exp.ArrayContains, exp.ArrayExcept)
    },
    exp.Anonymous: _anonymous,
}


def _rewrite(query: exp.Expression, source: str) -> exp.Expression:
    """Every node, children before parents: refused, checked, given its zones' clocks, and
    replaced by its rewrite (a zoned result computed on a clock turned back into an instant)."""
    for node in reversed(list(query.walk())):
        if node is not query and node.parent is None:
            continue  # a FILTER or OVER clause replaced with the aggregate inside it
        try:
            why = refusal(node)
            if why:
                raise SqlError(f"{why}; not run locally (Athena would answer)")
            coercions.check(node)
            clocked = temporal.read_clocks(node)
            old, new = _rewritten(node)
        except SqlError as exc:
            raise SqlError(f"{source}:{_line(node)}: {exc}") from None
        if clocked and T.kind(old.type) == exp.DType.TIMESTAMPTZ:
            new = temporal.back_to_instant(old.copy() if new is old else new, old.type)
        if new is not old:
            query = _replace(query, old, new)
    return query


def _rewritten(node: exp.Expression) -> tuple[exp.Expression, exp.Expression]:
    """(the node or the ancestor to replace, its replacement): the same node twice if none."""
    handler = REWRITES.get(type(node))
    try:
        result = handler(node) if handler else None
    except (KeyError, ValueError, TypeError, AttributeError):  # arguments it cannot take
        raise SqlError(f"{node.sql('athena')}: wrong arguments for this function") from None
    if result is None:
        return node, node
    return result if isinstance(result, tuple) else (node, result)


def _replace(query: exp.Expression, old: exp.Expression, new: exp.Expression) -> exp.Expression:
    """`old` replaced by `new` (typed as `old` was); the query, which may be `new` itself."""
    new.type = old.type
    if old is query:
        return new
    old.replace(new)
    return query


def _line(node: exp.Expression) -> str:
    for inner in node.walk():
        line = inner.meta.get("line")
        if line:
            return str(line)
    return "?"


def _mark_unnamed(query: exp.Expression) -> None:
    """Athena names an output that is neither a column nor aliased `_col<position>`."""
    for select in _selects(query):
        inner = select.unnest()
        if isinstance(inner, exp.Column) and inner is not select:
            select.meta[NAMED] = inner.name  # (id) is still the column id
        elif not isinstance(inner, (exp.Alias, exp.Column)) and not select.is_star:
            select.meta[UNNAMED] = True


def _selects(query: exp.Expression) -> list[exp.Expression]:
    while isinstance(query, exp.SetOperation):
        query = query.this
    return query.selects if isinstance(query, exp.Query) else []


def _outputs(query: exp.Expression) -> tuple[Output, ...]:
    """The result's columns as Athena names them. The SQL keeps sqlglot's own aliases (ORDER
    BY 2 now refers to one); flightlake.query renames the result's columns."""
    outputs = []
    for position, select in enumerate(_selects(query)):
        inner = select.this if isinstance(select, exp.Alias) else select
        named = not inner.meta.get(UNNAMED)
        name = inner.meta.get(NAMED) or select.alias_or_name if named else f"_col{position}"
        dtype = inner.type or exp.DataType.build("UNKNOWN")
        outputs.append(Output(name, dtype.sql("athena").lower(), temporal.zone_of(dtype), named))
    return tuple(outputs)


def _check_view_columns(outputs: tuple[Output, ...], source: str) -> None:
    """A view's columns need names, each once: Trino's StatementAnalyzer refuses the view
    (MISSING_COLUMN_NAME, DUPLICATE_COLUMN_NAME) where DuckDB would make up names."""
    seen: set[str] = set()
    for position, output in enumerate(outputs, start=1):
        if not output.named:
            raise SqlError(f"{source}: Column name not specified at position {position}")
        if "with time zone" in output.trino_type:
            raise SqlError(
                f"{source}: column {output.name}: a view of timestamps with time zone is not "
                "supported locally (the zone would be lost); cast it to a timestamp or varchar"
            )
        if output.name in seen:
            raise SqlError(f"{source}: Column name '{output.name}' specified more than once")
        seen.add(output.name)


def translate(tree: exp.Expression, schema: MappingSchema, source: str) -> Translation:
    """`tree`: one parsed Athena statement, database names already those of the catalog."""
    create = tree if isinstance(tree, exp.Create) else None
    query = create.expression if create is not None else tree
    if not isinstance(query, exp.Query):
        return Translation(tree.sql(dialect=DuckDBFromAthena), None)
    _mark_unnamed(query)
    try:
        typed = annotate(query, schema)
    except SqlglotError as exc:
        raise SqlError(f"{source}: {str(exc).splitlines()[0]}") from None
    # Names first: a rewrite may replace an output's expression and its meta with it.
    outputs = _outputs(typed)
    rewritten = _rewrite(typed, source)
    for dtype in rewritten.find_all(exp.DataType):
        # DuckDB stores TIMESTAMP(0) and (3) as coarser types that its functions treat apart;
        # precision is Trino's business (kept in the types above), values stay microseconds.
        if dtype.this in (exp.DType.TIMESTAMP, exp.DType.TIMESTAMPTZ):
            dtype.set("expressions", [])
    if create is not None:
        _check_view_columns(outputs, source)
        create.set("expression", rewritten)
        return Translation(_duckdb_sql(create, source), None)
    return Translation(_duckdb_sql(rewritten, source), outputs)


def _duckdb_sql(tree: exp.Expression, source: str) -> str:
    """What sqlglot cannot express in DuckDB (reduce's finish function, …) is refused, not
    dropped with a warning."""
    try:
        return tree.sql(dialect=DuckDBFromAthena, unsupported_level=ErrorLevel.RAISE)
    except UnsupportedError as exc:
        raise SqlError(f"{source}: {str(exc).splitlines()[0]}; not run locally") from None
