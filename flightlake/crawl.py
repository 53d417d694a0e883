"""Local crawler: infer raw drops' schemas, register raw tables, report drift.

Like a Glue crawler with CRAWL_NEW_FOLDERS_ONLY, each delivered= folder is examined once.
Drift is judged against the contract's raw columns: a column added, a column removed
(renamed = removed + added) or a type changed (values that no longer parse as the
contract's type). A removed column breaks the contract and fails the crawl.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from flightlake.crawlers import sources
from flightlake.lake import Lake, RawFile
from flightlake.runtime.storage import read_json, write_json

STATE = "_state/crawl.json"
CASTS = {"int": "BIGINT", "double": "DOUBLE", "timestamp": "TIMESTAMPTZ"}


@dataclass(frozen=True)
class Drift:
    source: str
    file: str
    change: str  # column added | column removed | type changed
    column: str
    detail: str = ""

    @property
    def breaking(self) -> bool:
        return self.change == "column removed"


def _folder(f: RawFile) -> str:
    return f.path.rsplit("/", 1)[0]


def _header(lake: Lake, f: RawFile) -> list[str]:
    first = lake.storage.read_bytes(f.path).split(b"\n", 1)[0].decode().strip()
    return [c.strip().strip('"') for c in first.split(",")]


def _type_drift(lake: Lake, source: str, files: list[RawFile]) -> list[Drift]:
    contract_cols = [c for c in sources()[source].columns if c.type in CASTS]
    if not files or not contract_cols:
        return []
    uris = ", ".join("'" + lake.uri(f.path).replace("'", "''") + "'" for f in files)
    bad = ", ".join(
        f'count_if("{c.name}" IS NOT NULL AND "{c.name}" <> \'NA\' '
        f'AND try_cast("{c.name}" AS {CASTS[c.type]}) IS NULL) AS "{c.name}"'
        for c in contract_cols
    )
    con = duckdb.connect()
    rows = con.sql(
        f"SELECT filename, {bad} FROM read_csv([{uris}], all_varchar = true, header = true, "
        f"filename = true) GROUP BY filename"
    ).fetchall()
    root = lake.uri("")
    drifts = []
    for filename, *counts in rows:
        rel = filename.removeprefix(root).lstrip("/")
        for c, n in zip(contract_cols, counts, strict=True):
            if n:
                drifts.append(
                    Drift(source, rel, "type changed", c.name, f"{n} value(s) are not {c.type}")
                )
    return drifts


def crawl(lake: Lake) -> tuple[dict[str, int], list[Drift]]:
    """Crawl new folders; return (new files crawled per source, drift found)."""
    state = read_json(lake.storage, STATE, default={"folders": [], "tables": {}})
    seen = set(state["folders"])
    crawled: dict[str, int] = {}
    drifts: list[Drift] = []
    for source, spec in sources().items():
        files = [f for f in lake.raw_files(source) if _folder(f) not in seen]
        crawled[source] = len(files)
        expected = [c.name for c in spec.columns]
        matching = []
        for f in files:
            header = _header(lake, f)
            drifts += [
                Drift(source, f.path, "column added", c) for c in header if c not in expected
            ]
            drifts += [
                Drift(source, f.path, "column removed", c, "required by the contract")
                for c in expected
                if c not in header
            ]
            if header == expected:
                matching.append(f)
        drifts += _type_drift(lake, source, matching)
        if lake.raw_files(source):
            state["tables"][source] = expected
        seen.update(_folder(f) for f in files)
    state["folders"] = sorted(seen)
    write_json(lake.storage, STATE, state)
    return crawled, drifts


def registered_tables(lake: Lake) -> dict[str, list[str]]:
    return read_json(lake.storage, STATE, default={"tables": {}})["tables"]
