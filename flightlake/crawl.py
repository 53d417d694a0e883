"""Local crawler: infer raw drops' schemas, register raw tables, report drift.

Like a Glue crawler with CRAWL_NEW_FOLDERS_ONLY, each delivered= folder is examined once.
Drift is judged against the contract's raw columns, read as processing reads them (a byte
order mark stripped, names case-insensitive, any order): a column added (processing drops
it), a column removed (renamed = removed + added; processing rejects the file) or a type
changed (values that no longer parse as the contract's type). A removed column is breaking:
the folder is crawled again until it is fixed.
"""

from __future__ import annotations

import csv
import gzip
import zlib
from dataclasses import dataclass

from flightlake.contracts import RawSource, raw_sources
from flightlake.contracts.types import duckdb_type
from flightlake.lake import GZIP_SUFFIX, Lake, RawFile
from flightlake.runtime.storage import read_json, write_json


@dataclass(frozen=True)
class Drift:
    source: str
    file: str
    change: str  # column added | column removed | type changed
    column: str
    detail: str = ""

    @property
    def breaking(self) -> bool:
        return self.change in ("column removed", "unreadable")


def _folder(f: RawFile) -> str:
    return _folder_of(f.path)


def _folder_of(path: str) -> str:
    return path.rsplit("/", 1)[0]


def _first_line(lake: Lake, f: RawFile) -> str:
    data = lake.storage.read_bytes(f.path)
    if f.path.endswith(GZIP_SUFFIX):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error):
            return ""
    first = data.split(b"\n", 1)[0]
    return first.decode("utf-8", errors="replace").removeprefix("\ufeff").rstrip("\r")


def _names(line: str) -> list[str]:
    """The header's column names as processing matches them (RFC 4180, case-insensitive)."""
    try:
        row = next(csv.reader([line]), [])
    except csv.Error:  # not CSV at all (binary noise): its pieces are what was found
        row = line.split(",")
    return [c.strip().lower() for c in row]


def header_changes(header: list[str], source: RawSource) -> tuple[list[str], list[str]]:
    """(columns the contract does not know, contract columns the header lacks), for a header
    as processing reads it (normalised names)."""
    expected = [c.name for c in source.columns]
    return [n for n in header if n not in expected], [n for n in expected if n not in header]


def _type_drift(lake: Lake, source: str, headers: dict[str, list[str]]) -> list[Drift]:
    """Values that no longer parse as the contract's type, per file and column (by name);
    `headers` maps each file to its header's names."""
    # Every value is a string: only the other types can fail to parse.
    contract_cols = [c for c in raw_sources()[source].columns if c.type != "string"]
    if not headers or not contract_cols:
        return []
    # Imported here: every Glue job imports the DAG, and with it this module, but only the
    # local crawl_raw step runs DuckDB (Glue 5.1 does not ship it).
    import duckdb

    # Files sharing a header are read together with its names given, nothing sniffed:
    # sniffing every file (union_by_name) took 90 s for ten years of daily files, this 2 s.
    groups: dict[tuple[str, ...], list[str]] = {}
    for path, names in headers.items():
        groups.setdefault(tuple(names), []).append(path)
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    root = lake.uri("")
    drifts = []
    try:
        for names, paths in groups.items():
            checked = [c for c in contract_cols if c.name in names]
            if not checked or len(set(names)) != len(names):
                continue
            try:
                drifts += _group_drift(con, lake, source, names, paths, checked, root)
            except duckdb.Error as exc:
                first = str(exc).strip().splitlines()[0]
                drifts.append(Drift(source, f"{lake.raw_dir(source)}/", "unreadable", "-", first))
    finally:
        con.close()
    return drifts


def _group_drift(con, lake: Lake, source: str, names, paths, checked, root: str) -> list[Drift]:
    uris = ", ".join("'" + lake.uri(p).replace("'", "''") + "'" for p in paths)
    columns = "{" + ", ".join(f"'{i}': 'VARCHAR'" for i in range(len(names))) + "}"
    # Explicit dialect, padding and no strictness: a short or long line must not make the
    # reader misread or refuse a file (processing quarantines it as column_count).
    relation = (
        f"read_csv([{uris}], auto_detect = false, header = true, columns = {columns}, "
        f"filename = true, delim = ',', quote = '\"', null_padding = true, strict_mode = false)"
    )
    position = {n: str(i) for i, n in enumerate(names)}
    counts = ", ".join(
        f'count_if("{position[c.name]}" IS NOT NULL AND "{position[c.name]}" <> \'NA\' '
        f'AND try_cast("{position[c.name]}" AS {duckdb_type(c.type)}) IS NULL) AS "bad_{i}"'
        for i, c in enumerate(checked)
    )
    rows = con.sql(f"SELECT filename, {counts} FROM {relation} GROUP BY filename").fetchall()
    drifts = []
    for filename, *bad in rows:
        rel = filename.removeprefix(root).lstrip("/")
        for c, n in zip(checked, bad, strict=True):
            if n:
                drifts.append(
                    Drift(source, rel, "type changed", c.name, f"{n} value(s) are not {c.type}")
                )
    return drifts


def crawl(lake: Lake) -> tuple[dict[str, int], list[Drift]]:
    """Crawl new folders; return (new files crawled per source, drift found)."""
    state = read_json(lake.storage, lake.crawl_state_file(), default={"folders": [], "tables": {}})
    seen = set(state["folders"])
    crawled: dict[str, int] = {}
    drifts: list[Drift] = []
    for source, spec in raw_sources().items():
        everything = lake.raw_files(source, spec.layout == "daily")
        files = [f for f in everything if _folder(f) not in seen]
        crawled[source] = len(files)
        expected = [c.name for c in spec.columns]
        found: list[Drift] = []
        headers = {f.path: _names(_first_line(lake, f)) for f in files}
        for f in files:
            added, missing = header_changes(headers[f.path], spec)
            found += [Drift(source, f.path, "column added", c) for c in added]
            found += [
                Drift(source, f.path, "column removed", c, "required by the contract")
                for c in missing
            ]
        found += _type_drift(lake, source, headers)
        drifts += found
        if everything:
            state["tables"][source] = expected
        # A folder with breaking drift stays "new": the crawl keeps failing until it is fixed.
        broken = {_folder_of(d.file) for d in found if d.breaking}
        if any(d.change == "unreadable" for d in found):  # not pinned to one file: keep all
            broken |= {_folder(f) for f in files}
        seen.update(_folder(f) for f in files if _folder(f) not in broken)
    state["folders"] = sorted(seen)
    write_json(lake.storage, lake.crawl_state_file(), state)
    return crawled, drifts


def registered_tables(lake: Lake) -> dict[str, list[str]]:
    return read_json(lake.storage, lake.crawl_state_file(), default={"tables": {}})["tables"]
