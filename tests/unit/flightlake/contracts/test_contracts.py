from pyspark.sql import types as T

from flightlake.contracts import CONTRACTS, get
from tests.paths import REPO


def test_every_contract_declares_key_columns_and_descriptions():
    for contract in CONTRACTS.values():
        assert contract.key, contract.name
        assert contract.description
        for column in contract.columns:
            assert column.description, f"{contract.name}.{column.name}"


def test_spark_schema_follows_contract_types_and_nullability():
    schema = get("flights").spark_schema()
    fields = {f.name: f for f in schema.fields}
    assert fields["sched_dep_utc"].dataType == T.TimestampType()
    assert fields["sched_dep_local"].dataType == T.TimestampNTZType()
    assert fields["flight_date"].nullable is False
    assert fields["tailnum"].nullable is True


def test_column_constraints_become_named_rules():
    rules = {r.name: r.expr for r in get("flights").all_rules()}
    assert rules["distance_range"] == "`distance` >= 1 AND `distance` <= 10000"
    assert rules["carrier_format"] == "`carrier` RLIKE '^[A-Z0-9]{2}$'"
    assert rules["status_accepted"] == "`status` IN ('departed', 'cancelled', 'diverted')"
    assert "flight_id_not_null" in rules


def test_daily_tables_name_the_day_column_and_partition():
    assert get("flights").day_column == "flight_date"
    assert get("flights").partition_by == ("flight_month",)
    assert get("planes").day_column is None


def test_data_dictionary_is_generated_from_the_contracts():

    from flightlake.dictionary import render

    committed = REPO / "docs" / "data_dictionary.md"
    assert committed.read_text() == render(), (
        "run: python -m flightlake.dictionary > docs/data_dictionary.md"
    )


def test_data_dictionary_covers_every_table():
    from flightlake.contracts import PREDICTIONS, all_contracts
    from flightlake.dictionary import render

    headings = [line[3:] for line in render().splitlines() if line.startswith("## ")]
    assert headings == [c.qualified_name for c in all_contracts()]
    assert PREDICTIONS.qualified_name in headings
