"""Building DuckDB expressions for the rewrites: casts kept as written, function calls."""

from __future__ import annotations

from sqlglot import exp


def cast(node: exp.Expression, to: str) -> exp.Cast:
    """CAST(node AS to), kept as written: sqlglot's exp.cast folds a cast of a cast into one,
    where the inner cast may be what the rewrite needs (a widening, a parse)."""
    return exp.Cast(this=node, to=exp.DataType.build(to, dialect="duckdb"))


def func(name: str, *args: exp.Expression) -> exp.Expression:
    """name(args…): a DuckDB function or one of flightlake.trino.macros."""
    return exp.Anonymous(this=name, expressions=list(args))
