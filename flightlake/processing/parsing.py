"""Typed parsing of raw string fields, with a named rule for every field that fails."""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from flightlake.contracts import RawSource, Rule

_INT = r"^\s*-?[0-9]+\s*$"


def _is_na(c: Column, na_values: tuple[str, ...]) -> Column:
    return c.isNull() | F.trim(c).isin(list(na_values))


def _cast(raw: Column, type_name: str) -> Column:
    if type_name == "int":
        return F.when(raw.rlike(_INT), F.trim(raw).cast("int"))
    if type_name == "string":
        return F.trim(raw)
    return F.trim(raw).cast(type_name)


def parse(df: DataFrame, source: RawSource) -> DataFrame:
    """Replace every raw string field with its typed value (NA → null) and append the
    parse failures to `_errors` (an array of rule names; split_fields starts it)."""
    checks = []
    typed = {}
    for col in source.columns:
        raw = F.col(col.name)
        na = _is_na(raw, source.na_values)
        value = F.when(~na, _cast(raw, col.type))
        typed[col.name] = value
        if col.type != "string":
            checks.append(F.when(~na & value.isNull(), F.lit(f"{col.name}_unparseable")))
    # One projection: the checks must see the raw strings, not the typed values.
    errors = F.col("_errors")
    if checks:
        errors = F.concat(errors, F.array_compact(F.array(*checks)))
    return df.withColumns({**typed, "_errors": errors})


def apply_rules(df: DataFrame, rules: list[Rule] | tuple[Rule, ...]) -> DataFrame:
    """Append the name of every rule a row breaks to `_errors`. A null verdict passes."""
    if not rules:
        return df
    broken = [F.when(~F.coalesce(F.expr(r.sql), F.lit(True)), F.lit(r.name)) for r in rules]
    return df.withColumn("_errors", F.concat(F.col("_errors"), F.array_compact(F.array(*broken))))
