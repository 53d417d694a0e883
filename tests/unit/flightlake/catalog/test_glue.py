"""Glue catalog registration against moto: databases, tables, Hive types, projection."""

import boto3
import pytest

from flightlake.catalog.glue import plan_and_apply, table_input
from flightlake.contracts import get, get_curated

LAKE = "s3://acme-lake/flightlake"


@pytest.fixture
def glue(aws):
    yield boto3.client("glue")


def test_register_creates_databases_and_tables_then_changes_nothing(glue):
    first = plan_and_apply(glue, LAKE, prefix="flightlake_dev_", apply=True)
    kinds = [a.kind for a in first]
    assert kinds.count("create-database") == 2 and kinds.count("create") == 10
    dbs = {d["Name"] for d in glue.get_databases()["DatabaseList"]}
    assert dbs == {"flightlake_dev_processed", "flightlake_dev_curated"}

    table = glue.get_table(DatabaseName="flightlake_dev_processed", Name="flights")["Table"]
    params = table["Parameters"]
    assert params["projection.enabled"] == "true"
    assert params["projection.flight_month.type"] == "date"
    assert params["projection.flight_month.format"] == "yyyy-MM"
    assert params["projection.flight_month.interval.unit"] == "MONTHS"
    assert params["storage.location.template"] == (
        f"{LAKE}/processed/flights/flight_month=${{flight_month}}"
    )
    assert table["PartitionKeys"] == [
        {
            "Name": "flight_month",
            "Type": "string",
            "Comment": "Partition: month of flight_date (YYYY-MM)",
        }
    ]
    types = {c["Name"]: c["Type"] for c in table["StorageDescriptor"]["Columns"]}
    assert (types["flight_date"], types["sched_dep_utc"], types["sched_dep_local"]) == (
        "date",
        "timestamp",
        "timestamp",
    )
    assert (types["dep_delay"], types["dest_supplemented"]) == ("int", "boolean")
    assert "flight_month" not in types
    serde = table["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"]
    assert serde == "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"

    planes = glue.get_table(DatabaseName="flightlake_dev_processed", Name="planes")["Table"]
    assert planes["PartitionKeys"] == [] and "projection.enabled" not in planes["Parameters"]

    again = plan_and_apply(glue, LAKE, prefix="flightlake_dev_", apply=True)
    assert {a.kind for a in again} == {"unchanged"}


def test_a_changed_contract_is_an_update(glue):
    plan_and_apply(glue, LAKE, apply=True)
    wanted = table_input(get_curated("flights"), LAKE)
    wanted["StorageDescriptor"]["Columns"] = wanted["StorageDescriptor"]["Columns"][:-1]
    glue.update_table(DatabaseName="curated", TableInput=wanted)
    plan = plan_and_apply(glue, LAKE)
    assert [a.target for a in plan if a.kind == "update"] == ["curated.flights"]


def test_hive_columns_follow_the_contract_order():
    columns = table_input(get("weather"), LAKE)["StorageDescriptor"]["Columns"]
    assert [c["Name"] for c in columns] == [
        c.name for c in get("weather").columns if c.name != "observation_month"
    ]


def test_predictions_project_days():
    from flightlake.catalog.glue import projection
    from flightlake.contracts import PREDICTIONS

    params = projection(PREDICTIONS, "s3://lake/curated/predictions")
    assert params["projection.scoring_date.format"] == "yyyy-MM-dd"
    assert params["projection.scoring_date.interval.unit"] == "DAYS"
    assert params["projection.scoring_date.range"] == "2013-01-01,NOW"
