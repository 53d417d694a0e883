"""Contract column types and what each engine calls them: the one table of type names.

A contract column's type is one of the names below. Spark reads and writes the tables, the Glue
Data Catalog describes them, DuckDB queries them locally, Athena queries them on AWS and pyarrow
writes the scoring output: each takes its type from here, so a type is added or changed once.

Athena has two vocabularies for one type: Hive names in DDL and in the Glue Data Catalog
(`string`, `int`), Trino names in queries and in a view's Presto definition (`varchar`,
`integer`). See https://docs.aws.amazon.com/athena/latest/ug/data-types.html and
https://trino.io/docs/current/language/types.html.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
from pyspark.sql import types as T


@dataclass(frozen=True)
class EngineTypes:
    spark: T.DataType
    hive: str  # Glue Data Catalog / Athena DDL
    duckdb: str  # as DuckDB's typeof() and DESCRIBE name it
    presto: str  # Athena DML (Trino)
    arrow: pa.DataType


# Instants are stored in UTC; Parquet keeps microseconds, as Spark writes them.
TYPES: dict[str, EngineTypes] = {
    "string": EngineTypes(T.StringType(), "string", "VARCHAR", "varchar", pa.string()),
    "int": EngineTypes(T.IntegerType(), "int", "INTEGER", "integer", pa.int32()),
    "bigint": EngineTypes(T.LongType(), "bigint", "BIGINT", "bigint", pa.int64()),
    "double": EngineTypes(T.DoubleType(), "double", "DOUBLE", "double", pa.float64()),
    "boolean": EngineTypes(T.BooleanType(), "boolean", "BOOLEAN", "boolean", pa.bool_()),
    "date": EngineTypes(T.DateType(), "date", "DATE", "date", pa.date32()),
    # An instant, stored as UTC.
    "timestamp": EngineTypes(
        T.TimestampType(),
        "timestamp",
        "TIMESTAMP WITH TIME ZONE",
        "timestamp",
        pa.timestamp("us", tz="UTC"),
    ),
    # A wall-clock time in the airport's own time zone. Hive and Athena have one timestamp
    # type, without a zone: both kinds are read back as they were written.
    "timestamp_ntz": EngineTypes(
        T.TimestampNTZType(), "timestamp", "TIMESTAMP", "timestamp", pa.timestamp("us")
    ),
}

# Types DuckDB gives computed view columns that no contract column has, as (Trino, Hive):
# sum() of integers is a HUGEINT (Athena's sum is a bigint), a float literal a FLOAT.
_COMPUTED = {"HUGEINT": ("bigint", "bigint"), "FLOAT": ("real", "float")}


def engine_types(name: str) -> EngineTypes:
    try:
        return TYPES[name]
    except KeyError:
        raise ValueError(f"unknown contract type {name!r}; use one of {sorted(TYPES)}") from None


def spark_type(name: str) -> T.DataType:
    return engine_types(name).spark


def hive_type(name: str) -> str:
    return engine_types(name).hive


def duckdb_type(name: str) -> str:
    return engine_types(name).duckdb


def presto_type(name: str) -> str:
    return engine_types(name).presto


def arrow_type(name: str) -> pa.DataType:
    return engine_types(name).arrow


def athena_types_of_duckdb(duckdb_name: str) -> tuple[str, str]:
    """(Trino, Hive) names of a DuckDB column type: a local view's column, as typed on Athena."""
    if duckdb_name.startswith("DECIMAL"):  # DECIMAL(p,s): the same in all three
        return duckdb_name.lower(), duckdb_name.lower()
    if duckdb_name in _COMPUTED:
        return _COMPUTED[duckdb_name]
    for t in TYPES.values():
        if t.duckdb == duckdb_name:
            return t.presto, t.hive
    raise ValueError(f"no Athena type for DuckDB's {duckdb_name}")
