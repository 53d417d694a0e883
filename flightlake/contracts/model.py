"""The table contract: one declaration per table that everything else is derived from.

A contract names the raw source it is built from (file layout and the CSV columns with
their parse types), the columns (type, nullability, constraints, description), the natural
key, the partitioning and the row rules. The Spark read schema, the quarantine rules, the
catalogs, the expectation suites and the data dictionary are computed from it; column types
are named as in flightlake.contracts.types.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from pyspark.sql import types as T

from flightlake.contracts.types import engine_types, spark_type

Layout = Literal["daily", "snapshot"]


@dataclass(frozen=True)
class RawColumn:
    """A column of the provider's CSV and the type it must parse as."""

    name: str
    type: str = "string"


@dataclass(frozen=True)
class RawSource:
    """How the provider delivers a table into raw/."""

    name: str
    layout: Layout
    columns: tuple[RawColumn, ...]
    na_values: tuple[str, ...] = ("NA", "")

    @property
    def header(self) -> str:
        return ",".join(c.name for c in self.columns)


@dataclass(frozen=True)
class Column:
    """A column of a processed or curated table."""

    name: str
    type: str
    description: str
    nullable: bool = True
    pattern: str | None = None
    min: float | None = None
    max: float | None = None
    values: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        engine_types(self.type)  # a known type name, or fail where the column is declared


@dataclass(frozen=True)
class Rule:
    """A row rule as a Spark SQL boolean expression; a row breaks it when it is false.

    A null result passes: nullability is its own rule, derived from the columns. `expr`
    may be a function returning the SQL, for rules whose SQL is built from data on disk.
    """

    name: str
    expr: str | Callable[[], str]
    description: str

    @property
    def sql(self) -> str:
        return self.expr() if callable(self.expr) else self.expr


@dataclass(frozen=True)
class Reference:
    """A foreign key: every value of `column` is a `ref_column` of processed.`table`.

    A processed row breaking it is quarantined under `rule`; the quality gate checks the
    whole table against it under the same name."""

    column: str
    table: str
    ref_column: str

    @property
    def rule(self) -> str:
        return f"{self.column}_in_{self.table}"


@dataclass(frozen=True)
class Check:
    """A table-level expectation the columns cannot express, checked by the quality gate.

    `expectation` is a great-expectations expectation type and `kwargs` its arguments, kept
    as plain data so that reading a contract does not import great-expectations. SQL in an
    `unexpected_rows_expectation` names the table `{batch}`.
    """

    name: str
    expectation: str
    kwargs: dict
    description: str
    severity: Literal["critical", "warning"] = "warning"


@cache
def known_time_zones_sql(column: str) -> str:
    """`column` is null or an IANA zone (Python's tz database; Java's has the same names)."""
    import zoneinfo

    zones = ", ".join(f"'{z}'" for z in sorted(zoneinfo.available_timezones()))
    return f"`{column}` IS NULL OR `{column}` IN ({zones})"


@dataclass(frozen=True, kw_only=True)
class Contract:
    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    layer: Literal["processed", "curated"] = "processed"
    # Processed tables are built from a raw source; curated tables only from processed.
    source: RawSource | None = None
    partition_by: tuple[str, ...] = ()
    # Daily tables: the processed column holding the date a raw file covers. A new
    # delivery for a date replaces every row of that date.
    day_column: str | None = None
    # Rules on the typed raw row, checked before the transform (the raw names apply).
    source_rules: tuple[Rule, ...] = ()
    # Rules on the processed row, checked after the transform.
    rules: tuple[Rule, ...] = ()
    # Columns that flag rows kept despite incomplete reference data; counted per run.
    flags: tuple[str, ...] = ()
    depends_on: tuple[str, ...] = field(default=())
    # Foreign keys into processed tables, and hand-written table checks: both become
    # expectations of the table's quality gate.
    references: tuple[Reference, ...] = ()
    checks: tuple[Check, ...] = ()

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        if (self.layer == "processed") != (self.source is not None):
            raise ValueError(
                f"contract {self.name}: processed tables, and only they, have a raw source"
            )
        if self.source and (self.source.layout == "daily") != (self.day_column is not None):
            raise ValueError(f"contract {self.name}: daily sources need a day_column")
        day = (self.day_column,) if self.day_column else ()
        refs = tuple(r.column for r in self.references)
        for col in (*self.key, *self.partition_by, *self.flags, *day, *refs):
            if col not in names:
                raise ValueError(f"contract {self.name}: {col!r} is not a column")

    @property
    def qualified_name(self) -> str:
        return f"{self.layer}.{self.name}"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name}.{name}")

    def spark_schema(self) -> T.StructType:
        return T.StructType(
            [T.StructField(c.name, spark_type(c.type), c.nullable) for c in self.columns]
        )

    def all_rules(self) -> list[Rule]:
        """The contract's row rules plus those derived from column constraints."""
        derived: list[Rule] = []
        for c in self.columns:
            if not c.nullable:
                derived.append(
                    Rule(f"{c.name}_not_null", f"`{c.name}` IS NOT NULL", f"{c.name} is required")
                )
            if c.pattern is not None:
                derived.append(
                    Rule(
                        f"{c.name}_format",
                        f"`{c.name}` RLIKE '{c.pattern}'",
                        f"{c.name} matches {c.pattern}",
                    )
                )
            if c.min is not None or c.max is not None:
                lo = "" if c.min is None else f"`{c.name}` >= {c.min}"
                hi = "" if c.max is None else f"`{c.name}` <= {c.max}"
                derived.append(
                    Rule(
                        f"{c.name}_range",
                        " AND ".join(p for p in (lo, hi) if p),
                        f"{c.name} within [{c.min}, {c.max}]",
                    )
                )
            if c.values is not None:
                listed = ", ".join(f"'{v}'" for v in c.values)
                derived.append(
                    Rule(
                        f"{c.name}_accepted",
                        f"`{c.name}` IN ({listed})",
                        f"{c.name} is one of {', '.join(c.values)}",
                    )
                )
        return [*self.rules, *derived]


# Every processed row says where it came from and which run published it.
LINEAGE = (
    Column(
        "source_file", "string", "Raw (or reference) file the row was read from", nullable=False
    ),
    Column("ingest_run_id", "string", "Run that published the row", nullable=False),
)


def daily_file_rules(what: str) -> tuple[Rule, ...]:
    """Rules every one-file-per-day source shares: a real date, and the file's own date."""
    return (
        Rule(
            "date_valid",
            "make_date(year, month, day) IS NOT NULL",
            "year, month and day form a calendar date",
        ),
        Rule(
            "date_matches_file",
            "make_date(year, month, day) = _file_date",
            f"a daily file holds only {what} of its own date",
        ),
    )
