"""A DuckDB session with one tiny typed table, t.f, and a helper that runs Athena SQL on it and
returns each value as Athena would write it.

t.f (id integer, carrier varchar, delay bigint, dist double, fare decimal(5,2),
     on_time boolean, day date, ts timestamp, tag varchar):

    1  UA   10   2.5   12.34  true   2013-01-31  2013-01-31 23:30:00  'a,b,c'
    2  UA   -7   1.5    0.01  false  2013-02-28  2013-03-10 06:59:59  'a'
    3  AA  NULL  4.0  100.00  NULL   2013-12-31  2013-11-03 05:30:00  NULL
    4  AA   25  NULL    0.05  true   2012-02-29  2013-07-04 18:00:00  ''
    5  B6    0   3.0    NULL  NULL   2013-06-15  2013-01-01 00:00:00  'x,,y'
"""

from __future__ import annotations

import duckdb
import pytest

from flightlake.query import run
from flightlake.trino import text

ROWS = """
    (1, 'UA', 10, 2.5, 12.34, true, DATE '2013-01-31', TIMESTAMP '2013-01-31 23:30:00', 'a,b,c'),
    (2, 'UA', -7, 1.5, 0.01, false, DATE '2013-02-28', TIMESTAMP '2013-03-10 06:59:59', 'a'),
    (3, 'AA', NULL, 4.0, 100.00, NULL, DATE '2013-12-31', TIMESTAMP '2013-11-03 05:30:00', NULL),
    (4, 'AA', 25, NULL, 0.05, true, DATE '2012-02-29', TIMESTAMP '2013-07-04 18:00:00', ''),
    (5, 'B6', 0, 3.0, NULL, NULL, DATE '2013-06-15', TIMESTAMP '2013-01-01 00:00:00', 'x,,y')
"""


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    c.execute("SET TimeZone = 'UTC'")
    c.execute("CREATE SCHEMA t")
    c.execute(
        "CREATE VIEW t.f AS SELECT CAST(id AS INTEGER) AS id, carrier, CAST(delay AS BIGINT) "
        "AS delay, CAST(dist AS DOUBLE) AS dist, CAST(fare AS DECIMAL(5, 2)) AS fare, on_time, "
        f"day, CAST(ts AS TIMESTAMP) AS ts, tag FROM (VALUES {ROWS}) "
        "AS v(id, carrier, delay, dist, fare, on_time, day, ts, tag)"
    )
    yield c
    c.close()


def athena_rows(con, sql: str) -> list[tuple]:
    """Each row of the result, every value as Athena's result text (None for NULL)."""
    result = run(con, sql)
    kinds = []
    for field in result.schema:
        meta = {k.decode(): v.decode() for k, v in field.metadata.items()}
        kinds.append((meta["trino_type"], meta.get("zone")))
    columns = [
        [text.cell(value, *kind) for value in column.to_pylist()]
        for column, kind in zip(result.columns, kinds, strict=True)
    ]
    return list(zip(*columns, strict=True))
