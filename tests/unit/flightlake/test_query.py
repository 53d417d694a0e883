"""Running Athena SQL locally: database names, and errors that name the file and line. What
the answers are is tests/unit/flightlake/trino/test_differential.py's business."""

import duckdb
import pytest

from flightlake.athena_sql import SqlError, remap_databases
from flightlake.query import run, to_duckdb


@pytest.fixture
def con():
    c = duckdb.connect()
    c.execute("SET TimeZone = 'UTC'")
    yield c
    c.close()


def test_database_names_are_mapped_and_catalog_dropped():
    import sqlglot

    tree = sqlglot.parse_one('SELECT * FROM "awsdatacatalog"."curated"."flights"', read="athena")
    assert remap_databases(tree, {"curated": "dev_curated"}).sql(dialect="athena") == (
        'SELECT * FROM "dev_curated"."flights"'
    )


def test_parse_error_names_source_line_and_column():
    with pytest.raises(SqlError, match=r"^views/x\.sql:3:9: Expecting \)"):
        to_duckdb(duckdb.connect(), "SELECT a,\n b FROM (\n SELECT 1", "views/x.sql")


def test_unknown_table_is_located_in_the_file(con):
    with pytest.raises(SqlError, match=r"^q\.sql:2: unknown table nope$"):
        run(con, "SELECT *\nFROM nope", "q.sql")


def test_runtime_error_falls_back_to_the_engine_message(con):
    with pytest.raises(SqlError, match=r"^q\.sql: Conversion Error: .*\"x\""):
        run(con, "SELECT CAST('x' AS date)", "q.sql")
