"""Glue crawlers for the raw zone, from crawlers/<source>.json plus the contracts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flightlake.contracts import CONTRACTS, RawSource

CRAWLERS_DIR = Path(__file__).resolve().parents[1] / "crawlers"


def sources() -> dict[str, RawSource]:
    return {c.source.name: c.source for c in CONTRACTS.values()}


def definitions(folder: Path = CRAWLERS_DIR) -> dict[str, dict[str, Any]]:
    out = {}
    for path in sorted(folder.glob("*.json")):
        spec = json.loads(path.read_text())
        if spec.get("source") not in sources():
            raise ValueError(f"{path}: 'source' must be one of {sorted(sources())}")
        recrawl = spec["RecrawlPolicy"]["RecrawlBehavior"]
        policy = spec["SchemaChangePolicy"]
        if recrawl == "CRAWL_NEW_FOLDERS_ONLY" and set(policy.values()) != {"LOG"}:
            raise ValueError(f"{path}: CRAWL_NEW_FOLDERS_ONLY needs LOG schema-change behaviour")
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
            "Header": [c.name for c in sources()[source].columns],
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
        "Targets": {"S3Targets": [{"Path": f"{lake_root.rstrip('/')}/raw/{source}/"}]},
        "Schedule": spec["Schedule"],
        "Classifiers": [classifier_name(source)],
        "TablePrefix": spec["TablePrefix"],
        "SchemaChangePolicy": spec["SchemaChangePolicy"],
        "RecrawlPolicy": spec["RecrawlPolicy"],
        "Configuration": json.dumps(spec["Configuration"], sort_keys=True),
    }
