"""Glue crawlers for the raw zone, from crawlers/<source>.json plus the contracts."""

from __future__ import annotations

import json
from importlib.resources.abc import Traversable
from typing import Any

from flightlake.contracts import raw_sources
from flightlake.lake import Lake
from flightlake.resources import crawler_definitions


def definitions(folder: Traversable | None = None) -> dict[str, dict[str, Any]]:
    """Source → crawler definition, from the packaged crawlers/ (or `folder`), checked."""
    out = {}
    for name, text in crawler_definitions(folder).items():
        where = f"crawlers/{name}"
        spec = json.loads(text)
        if spec.get("source") not in raw_sources():
            raise ValueError(f"{where}: 'source' must be one of {sorted(raw_sources())}")
        recrawl = spec["RecrawlPolicy"]["RecrawlBehavior"]
        policy = spec["SchemaChangePolicy"]
        if recrawl == "CRAWL_NEW_FOLDERS_ONLY" and set(policy.values()) != {"LOG"}:
            raise ValueError(f"{where}: CRAWL_NEW_FOLDERS_ONLY needs LOG schema-change behaviour")
        out[spec["source"]] = spec
    return out


def classifier_name(source: str) -> str:
    return f"flightlake-csv-{source}"


def classifier_request(source: str) -> dict[str, Any]:
    return {
        "CsvClassifier": {
            "Name": classifier_name(source),
            "Delimiter": ",",
            "QuoteSymbol": '"',
            "ContainsHeader": "PRESENT",
            "Header": [c.name for c in raw_sources()[source].columns],
            "DisableValueTrimming": False,
            "AllowSingleColumn": False,
        }
    }


def crawler_request(spec: dict[str, Any], lake_root: str, role_arn: str, database: str) -> dict:
    source = spec["source"]
    return {
        "Name": spec["Name"],
        "Role": role_arn,
        "DatabaseName": database,
        "Description": spec["Description"],
        "Targets": {"S3Targets": [{"Path": f"{lake_root.rstrip('/')}/{Lake.raw_dir(source)}/"}]},
        "Schedule": spec["Schedule"],
        "Classifiers": [classifier_name(source)],
        "TablePrefix": spec["TablePrefix"],
        "SchemaChangePolicy": spec["SchemaChangePolicy"],
        "RecrawlPolicy": spec["RecrawlPolicy"],
        "Configuration": json.dumps(spec["Configuration"], sort_keys=True),
    }
