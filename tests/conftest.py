"""Shared fixtures: one SparkSession for the whole test session, inline raw frames."""

from __future__ import annotations

from datetime import date

import pytest
from pyspark.sql import DataFrame, SparkSession

from flightlake.contracts import get
from flightlake.processing.parsing import apply_rules, parse
from flightlake.processing.raw_reader import split_fields


@pytest.fixture(scope="session")
def spark() -> SparkSession:
    from flightlake.runtime.spark import get_spark

    session = get_spark("flightlake-tests")
    yield session
    session.stop()


def raw_frame(
    spark: SparkSession,
    table: str,
    lines: list[str],
    file_date: date | None = None,
    delivered: date = date(2013, 1, 2),
    header: str | None = None,
    source_file: str | None = None,
) -> DataFrame:
    """Typed raw rows as the job builds them, from CSV lines written inline in a test."""
    source = get(table).source
    name = f"{table}_{file_date.isoformat()}.csv" if file_date else f"{table}.csv"
    path = source_file or f"raw/{table}/delivered={delivered.isoformat()}/{name}"
    names = [n.lower() for n in (header or source.header).split(",")]
    rows = [
        (path, delivered, file_date, names, i + 2, line.encode(), None, line)
        for i, line in enumerate(lines)
    ]
    lines_df = spark.createDataFrame(
        rows,
        "_source_file string, _delivered date, _file_date date, _header_names array<string>, "
        "_line int, _raw_bytes binary, _unreadable string, _raw_line string",
    )
    typed = parse(split_fields(lines_df, source), source)
    return apply_rules(typed, get(table).source_rules)


@pytest.fixture
def aws(monkeypatch):
    """moto for every AWS call of the test, with throwaway credentials: never the network."""
    from moto import mock_aws

    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield


@pytest.fixture
def make_raw(spark):
    def build(table: str, lines: list[str], **kwargs) -> DataFrame:
        return raw_frame(spark, table, lines, **kwargs)

    return build
