"""flightlake sql --athena: the same SQL files on Athena via awswrangler, against moto."""

import boto3
import pytest
from moto.athena.models import QueryResults, athena_backends
from moto.core import DEFAULT_ACCOUNT_ID

from flightlake.athena import run_athena, to_athena

REGION = "us-east-1"


def column(name, type_):
    return {
        "CatalogName": "hive",
        "SchemaName": "",
        "TableName": "",
        "Name": name,
        "Label": name,
        "Type": type_,
        "Precision": 0,
        "Scale": 0,
        "Nullable": "UNKNOWN",
        "CaseSensitive": True,
    }


def row(*values):
    return {"Data": [{"VarCharValue": v} for v in values]}


@pytest.fixture
def backend(aws):
    boto3.client("s3").create_bucket(Bucket="athena-results")
    return athena_backends[DEFAULT_ACCOUNT_ID][REGION]


def sent(backend) -> list[str]:
    return [e.query for e in backend.executions.values()]


def test_query_runs_on_athena_with_mapped_databases(backend):
    backend.query_results_queue.append(
        QueryResults(
            rows=[row("carrier", "flights"), row("UA", "58665"), row("B6", "54635")],
            column_info=[column("carrier", "varchar"), column("flights", "bigint")],
        )
    )
    sql = (
        "-- league\nSELECT carrier, sum(flights) AS flights\n"
        "FROM curated.on_time_by_carrier_month\nGROUP BY carrier"
    )
    table = run_athena(sql, "q.sql", prefix="flightlake_dev_", s3_output="s3://athena-results/q/")
    assert table.to_pylist() == [
        {"carrier": "UA", "flights": 58665},
        {"carrier": "B6", "flights": 54635},
    ]
    # The header comment travels along: it shows in Athena's query history.
    assert sent(backend) == [
        "/* league */ SELECT carrier, SUM(flights) AS flights "
        "FROM flightlake_dev_curated.on_time_by_carrier_month GROUP BY carrier"
    ]


def test_view_files_are_created_on_athena(backend):
    view = "CREATE OR REPLACE VIEW curated.v AS SELECT flight_date FROM curated.daily_airport_stats"
    assert run_athena(view, "v.sql", prefix="p_", s3_output="s3://athena-results/v/") is None
    assert sent(backend) == [
        "CREATE OR REPLACE VIEW p_curated.v AS SELECT flight_date "
        "FROM p_curated.daily_airport_stats"
    ]


def test_every_repository_file_translates_for_athena():
    from flightlake.resources import query_files, view_files

    files = [*view_files(), *query_files()]
    assert files
    for file in files:
        for statement, _ in to_athena(file.text, file.source, "flightlake_prod_"):
            assert "flightlake_prod_curated." in statement, file.source


def test_cli_athena_runs_in_the_profiles_workgroup_and_databases(aws, monkeypatch):
    """`flightlake sql --athena --profile dev`: the dev workgroup (its result location,
    encryption and scan limit) and the dev databases, in the dev region; not `primary`."""
    from typer.testing import CliRunner

    from flightlake.cli import app
    from flightlake.deploy import config
    from tests.aws_stack import create_workgroup

    monkeypatch.setenv("FLIGHTLAKE_AWS_PROFILE", "")  # the ambient credentials (moto's)
    profile = config.load("dev")
    region = boto3.client("athena", region_name=profile.region)
    create_workgroup(region, profile)
    boto3.client("s3", region_name=profile.region).create_bucket(
        Bucket=profile.bucket, CreateBucketConfiguration={"LocationConstraint": profile.region}
    )
    view = "CREATE OR REPLACE VIEW curated.v AS SELECT 1 AS one"
    result = CliRunner().invoke(app, ["sql", "--athena", "--profile", "dev", view])
    assert result.exit_code == 0, result.output
    athena = athena_backends[DEFAULT_ACCOUNT_ID][profile.region]
    (execution,) = athena.executions.values()
    assert execution.workgroup.name == "flightlake-dev"
    assert execution.query == "CREATE OR REPLACE VIEW flightlake_dev_curated.v AS SELECT 1 AS one"


def test_cli_athena_needs_an_aws_profile():
    from typer.testing import CliRunner

    from flightlake.cli import app

    result = CliRunner().invoke(app, ["sql", "--athena", "SELECT 1"])
    assert result.exit_code == 1 and "--athena needs --profile" in result.output
    result = CliRunner().invoke(app, ["sql", "--athena", "--profile", "local", "SELECT 1"])
    assert result.exit_code == 1 and "profile local is local" in result.output
