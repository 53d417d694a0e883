"""The one type table, checked against the engines themselves where that is cheap."""

import duckdb
import pyarrow as pa
import pytest
from pyspark.sql.pandas.types import from_arrow_type
from sqlglot import exp

from flightlake.contracts import all_contracts
from flightlake.contracts.types import (
    TYPES,
    arrow_type,
    athena_types_of_duckdb,
    duckdb_type,
    hive_type,
    presto_type,
    spark_type,
)


def test_every_contract_column_type_is_in_the_table():
    contracts = all_contracts()
    used = {c.type for contract in contracts for c in contract.columns}
    used |= {c.type for contract in contracts if contract.source for c in contract.source.columns}
    assert used <= TYPES.keys()


def test_contract_type_names_are_spark_sql_names():
    # Spark's own name for each type: a contract reads like the Spark schema it becomes.
    for name in TYPES:
        assert spark_type(name).simpleString() == name


def test_duckdb_names_are_duckdb_own():
    con = duckdb.connect()
    for name in TYPES:
        # typeof() gives the canonical name, as DESCRIBE does for a view's columns.
        (got,) = con.execute(f"SELECT typeof(CAST(NULL AS {duckdb_type(name)}))").fetchone()
        assert got == duckdb_type(name), name
    con.close()


def test_arrow_types_are_what_spark_and_duckdb_read_them_as():
    for name in TYPES:
        assert from_arrow_type(arrow_type(name), prefer_timestamp_ntz=True) == spark_type(name)
    con = duckdb.connect()
    con.register("empty", pa.schema([pa.field(n, arrow_type(n)) for n in TYPES]).empty_table())
    described = {row[0]: row[1] for row in con.execute("DESCRIBE SELECT * FROM empty").fetchall()}
    con.close()
    assert described == {name: duckdb_type(name) for name in TYPES}


def test_hive_names_are_the_athena_ddl_spelling_of_the_trino_names():
    for name in TYPES:
        hive = exp.DataType.build(hive_type(name), dialect="hive")
        assert hive.sql(dialect="athena").lower() == presto_type(name), name


def test_view_columns_typed_by_duckdb_map_back_to_athena():
    for name in TYPES:
        assert athena_types_of_duckdb(duckdb_type(name)) == (presto_type(name), hive_type(name))
    # Types only a computed column has.
    assert athena_types_of_duckdb("HUGEINT") == ("bigint", "bigint")
    assert athena_types_of_duckdb("FLOAT") == ("real", "float")
    assert athena_types_of_duckdb("DECIMAL(4,1)") == ("decimal(4,1)", "decimal(4,1)")
    with pytest.raises(ValueError, match="no Athena type for DuckDB's BLOB"):
        athena_types_of_duckdb("BLOB")


def test_an_unknown_contract_type_fails_where_the_column_is_declared():
    from flightlake.contracts import Column

    with pytest.raises(ValueError, match="unknown contract type 'text'"):
        Column("x", "text", "a column")
