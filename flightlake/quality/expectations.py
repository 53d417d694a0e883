"""Expectations of a table, as great-expectations objects: derived from its contract, plus
the gate's own checks on a run (rows against the raw rows read, daily volume, quarantine).

Every expectation carries a stable name in `meta["name"]`: the gate, the run record and
`flightlake quality` speak of expectations by these names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from flightlake.contracts import Contract
from flightlake.contracts.types import spark_type
from flightlake.quality.settings import GateSettings


def expectation(name: str, kind: str, description: str, severity: str = "critical", **kwargs):
    """A great-expectations expectation of type `kind` (e.g. expect_column_values_to_be_unique)."""
    from great_expectations.expectations.registry import get_expectation_impl

    return get_expectation_impl(kind)(
        **kwargs, severity=severity, description=description, meta={"name": name}
    )


def from_contract(contract: Contract, reference_values: Mapping[str, Iterable]) -> list:
    """Columns and types, nullability, formats, ranges, accepted values, key uniqueness,
    foreign keys (values of the referenced tables in `reference_values`, keyed by
    "table.column") and the contract's hand-written checks."""
    out = [
        # A set, not a list: Spark reads partition columns last, whatever the contract's order.
        expectation(
            "columns_match",
            "expect_table_columns_to_match_set",
            "the table has exactly the contract's columns",
            column_set=contract.column_names,
            exact_match=True,
        )
    ]
    for c in contract.columns:
        spark_name = type(spark_type(c.type)).__name__
        out.append(
            expectation(
                f"{c.name}_type",
                "expect_column_values_to_be_of_type",
                f"{c.name} is {c.type}",
                column=c.name,
                type_=spark_name,
            )
        )
        if not c.nullable:
            out.append(
                expectation(
                    f"{c.name}_not_null",
                    "expect_column_values_to_not_be_null",
                    f"{c.name} is required",
                    column=c.name,
                )
            )
        if c.pattern is not None:
            out.append(
                expectation(
                    f"{c.name}_format",
                    "expect_column_values_to_match_regex",
                    f"{c.name} matches {c.pattern}",
                    column=c.name,
                    regex=c.pattern,
                )
            )
        if c.min is not None or c.max is not None:
            out.append(
                expectation(
                    f"{c.name}_range",
                    "expect_column_values_to_be_between",
                    f"{c.name} within [{c.min}, {c.max}]",
                    column=c.name,
                    min_value=c.min,
                    max_value=c.max,
                )
            )
        if c.values is not None:
            out.append(
                expectation(
                    f"{c.name}_accepted",
                    "expect_column_values_to_be_in_set",
                    f"{c.name} is one of {', '.join(c.values)}",
                    column=c.name,
                    value_set=list(c.values),
                )
            )
    key = ", ".join(contract.key)
    if len(contract.key) == 1:
        out.append(
            expectation(
                "key_unique",
                "expect_column_values_to_be_unique",
                f"the natural key ({key}) is unique",
                column=contract.key[0],
            )
        )
    else:
        out.append(
            expectation(
                "key_unique",
                "expect_compound_columns_to_be_unique",
                f"the natural key ({key}) is unique",
                column_list=list(contract.key),
            )
        )
    for ref in contract.references:
        values = sorted(reference_values[f"{ref.table}.{ref.ref_column}"])
        out.append(
            expectation(
                ref.rule,
                "expect_column_values_to_be_in_set",
                f"every {ref.column} is a {ref.ref_column} of processed.{ref.table}",
                column=ref.column,
                value_set=values,
            )
        )
    for check in contract.checks:
        out.append(
            expectation(
                check.name,
                check.expectation,
                check.description,
                severity=check.severity,
                **check.kwargs,
            )
        )
    return out


def rows_equal(name: str, expected: int, what: str) -> object:
    return expectation(
        name,
        "expect_table_row_count_to_equal",
        f"row count equals {what} ({expected:,})",
        value=int(expected),
    )


def daily_volume(day_column: str, days: Iterable[date], settings: GateSettings) -> object:
    """No delivered day is truncated: each has at least `min_day_share` of the median day of
    the validated months. (A delivered file with no rows at all is `every_file_has_rows`.)"""
    listed = ", ".join(f"DATE'{d.isoformat()}'" for d in sorted(days))
    share = settings.min_day_share
    # One aggregate and one window, no join: measured 2 Spark jobs against 14 for a
    # VALUES-list join, on a full year of weather.
    return expectation(
        "daily_volume",
        "unexpected_rows_expectation",
        f"every delivered day has at least {share:.0%} of the rows of the median day "
        f"(checked once the months hold {settings.min_days_for_volume}+ days)",
        unexpected_rows_query=(
            "SELECT day, n AS rows, median_rows FROM ("
            "SELECT day, n, percentile(n, 0.5) OVER () AS median_rows, count(*) OVER () AS days "
            f"FROM (SELECT `{day_column}` AS day, count(*) AS n FROM {{batch}} "
            f"GROUP BY `{day_column}`) counted) "
            f"WHERE days >= {int(settings.min_days_for_volume)} AND day IN ({listed}) "
            f"AND n < {share} * median_rows"
        ),
    )


def every_file_has_rows(files: Iterable[str]) -> object:
    """On the classified rows of a drop: every raw file read produced rows (an empty or
    header-only delivery would otherwise replace its day by nothing)."""
    return expectation(
        "every_file_has_rows",
        "expect_column_distinct_values_to_contain_set",
        "every raw file of the drop has at least one row",
        column="_source_file",
        value_set=sorted(files),
    )


def quarantine_share(settings: GateSettings) -> object:
    """On the classified rows of a drop: no raw file is mostly quarantined."""
    share = settings.max_quarantine_share
    return expectation(
        "quarantine_share",
        "unexpected_rows_expectation",
        f"at most {share:.0%} of any raw file's rows are quarantined",
        unexpected_rows_query=(
            "SELECT _source_file AS raw_file, count(*) AS rows, "
            "sum(CASE WHEN _fate = 'quarantined' THEN 1 ELSE 0 END) AS quarantined, "
            # The rule most of them broke: what the person fixing the file needs first.
            "mode(CASE WHEN _fate = 'quarantined' THEN element_at(_errors, 1) END) AS rule "
            "FROM {batch} WHERE _line IS NOT NULL GROUP BY _source_file "
            f"HAVING sum(CASE WHEN _fate = 'quarantined' THEN 1 ELSE 0 END) > {share} * count(*)"
        ),
    )
