"""Trino's division on any operands: integers truncate toward zero, decimals keep the larger
scale rounded half up (https://trino.io/docs/current/functions/math.html,
https://trino.io/docs/current/functions/decimal.html). Expected values come from Python's
integers and decimal module, never from DuckDB."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flightlake.athena_sql import SqlError
from flightlake.query import run
from flightlake.trino.text import cell


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    yield c
    c.close()


def _one(con, sql: str) -> str | None:
    result = run(con, sql)
    field = result.schema.field(0)
    return cell(result.column(0)[0].as_py(), field.metadata[b"trino_type"].decode())


BIGINTS = st.integers(min_value=-(2**62), max_value=2**62)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(a=BIGINTS, b=BIGINTS.filter(bool))
def test_integer_division_truncates_toward_zero(con, a, b):
    quotient = abs(a) // abs(b) * (1 if (a < 0) == (b < 0) else -1)
    remainder = a - quotient * b
    left, right = f"CAST({a} AS bigint)", f"CAST({b} AS bigint)"
    result = run(con, f"SELECT {left} / {right}, {left} % {right}")
    assert result.column(0)[0].as_py() == quotient
    assert result.column(1)[0].as_py() == remainder


@st.composite
def decimals(draw):
    precision = draw(st.integers(min_value=1, max_value=38))
    scale = draw(st.integers(min_value=0, max_value=precision))
    unscaled = draw(st.integers(min_value=-(10**precision) + 1, max_value=10**precision - 1))
    return precision, scale, Decimal(f"{unscaled}E-{scale}")  # exact: no context rounding


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=80)
@given(left=decimals(), right=decimals().filter(lambda d: d[2] != 0))
def test_decimal_division_is_exact_and_half_up(con, left, right):
    (p1, s1, a), (p2, s2, b) = left, right
    scale = max(s1, s2)
    with localcontext(prec=100):
        expected = (a / b).quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP)
    expected = abs(expected) if expected == 0 else expected  # Trino has no negative zero
    sql = f"SELECT CAST('{a:f}' AS decimal({p1}, {s1})) / CAST('{b:f}' AS decimal({p2}, {s2}))"
    # Trino's result type is decimal(min(38, p1 + s2 + max(0, s2 - s1)), scale): a quotient
    # with more digits than that fails there, and fails here, in one line.
    precision = min(38, p1 + s2 + max(0, s2 - s1))
    if len(expected.as_tuple().digits) > precision and expected != 0:
        with pytest.raises(SqlError):
            _one(con, sql)
    else:
        assert _one(con, sql) == str(expected)
