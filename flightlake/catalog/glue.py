"""The Glue Data Catalog, generated from the contracts and registered idempotently.

Partitioned tables use Athena partition projection (months; scoring days for the
predictions), so no crawler or MSCK REPAIR is ever needed for them: a new partition is
queryable as soon as its file is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flightlake.contracts import Contract, all_contracts
from flightlake.contracts.types import hive_type
from flightlake.partitions import DAY_PATTERN, MONTH_PATTERN

PARQUET = {
    "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
    "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
    "SerdeInfo": {
        "SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
        "Parameters": {"serialization.format": "1"},
    },
}
FIRST_MONTH = "2013-01"
TAGS_KEY = "flightlake:contract"


def database_name(layer: str, prefix: str = "") -> str:
    """`processed` locally; e.g. `flightlake_dev_processed` with prefix `flightlake_dev_`."""
    return f"{prefix}{layer}"


def _comment(text: str) -> str:
    return text if len(text) <= 255 else text[:254] + "…"


def projection(contract: Contract, location: str, first_month: str = FIRST_MONTH) -> dict[str, str]:
    if not contract.partition_by:
        return {}
    (column,) = contract.partition_by
    # Month partitions (flight_month) or day partitions (scoring_date of predictions).
    daily = column.endswith("_date")
    return {
        "projection.enabled": "true",
        f"projection.{column}.type": "date",
        f"projection.{column}.format": DAY_PATTERN if daily else MONTH_PATTERN,
        f"projection.{column}.range": f"{first_month}-01,NOW" if daily else f"{first_month},NOW",
        f"projection.{column}.interval": "1",
        f"projection.{column}.interval.unit": "DAYS" if daily else "MONTHS",
        "storage.location.template": f"{location}/{column}=${{{column}}}",
    }


def table_input(contract: Contract, lake_root: str) -> dict[str, Any]:
    location = f"{lake_root.rstrip('/')}/{contract.layer}/{contract.name}"
    partition = set(contract.partition_by)
    return {
        "Name": contract.name,
        "Description": _comment(contract.description),
        "TableType": "EXTERNAL_TABLE",
        "Parameters": {
            "classification": "parquet",
            "EXTERNAL": "TRUE",
            "parquet.compression": "SNAPPY",
            TAGS_KEY: contract.qualified_name,
            **projection(contract, location),
        },
        "PartitionKeys": [
            {"Name": c.name, "Type": hive_type(c.type), "Comment": _comment(c.description)}
            for c in contract.columns
            if c.name in partition
        ],
        "StorageDescriptor": {
            "Columns": [
                {"Name": c.name, "Type": hive_type(c.type), "Comment": _comment(c.description)}
                for c in contract.columns
                if c.name not in partition
            ],
            "Location": location,
            **PARQUET,
        },
    }


@dataclass(frozen=True)
class Action:
    kind: str  # create-database, create, update, unchanged
    target: str


def _same(existing: dict[str, Any], wanted: dict[str, Any]) -> bool:
    sd, want_sd = existing.get("StorageDescriptor", {}), wanted["StorageDescriptor"]
    return (
        existing.get("Parameters", {}) == wanted["Parameters"]
        and existing.get("PartitionKeys", []) == wanted["PartitionKeys"]
        and sd.get("Columns", []) == want_sd["Columns"]
        and sd.get("Location") == want_sd["Location"]
        and existing.get("Description") == wanted["Description"]
    )


def plan_and_apply(
    glue: Any, lake_root: str, prefix: str = "", apply: bool = False
) -> list[Action]:
    """Compare the catalog with the contracts; with apply, make it so. Idempotent."""
    actions: list[Action] = []
    existing_dbs = {
        d["Name"]
        for page in glue.get_paginator("get_databases").paginate()
        for d in page["DatabaseList"]
    }
    for contract in all_contracts():
        database = database_name(contract.layer, prefix)
        if database not in existing_dbs:
            actions.append(Action("create-database", database))
            if apply:
                glue.create_database(
                    DatabaseInput={
                        "Name": database,
                        "Description": f"flightlake {contract.layer} layer",
                    }
                )
            existing_dbs.add(database)
        wanted = table_input(contract, lake_root)
        target = f"{database}.{contract.name}"
        try:
            current = glue.get_table(DatabaseName=database, Name=contract.name)["Table"]
        except glue.exceptions.EntityNotFoundException:
            current = None
        if current is None:
            actions.append(Action("create", target))
            if apply:
                glue.create_table(DatabaseName=database, TableInput=wanted)
        elif not _same(current, wanted):
            actions.append(Action("update", target))
            if apply:
                glue.update_table(DatabaseName=database, TableInput=wanted)
        else:
            actions.append(Action("unchanged", target))
    return actions
