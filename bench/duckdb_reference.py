"""A DuckDB reference for the raw → processed step of the two daily tables (flights, weather).

What it does: with DuckDB on 2 threads, it reads every raw daily file of flights and weather
(`<lake>/raw/<source>/delivered=YYYY-MM-DD/<source>_YYYY-MM-DD.csv`) and the latest delivery
of the airports, planes and airlines snapshots, and applies the Spark job's rules
(glue_jobs/process.py) to produce the same processed rows:

- lines are read with their file, line number and text; header columns are found by name
  (case-insensitive, any order); blank lines are counted, not rows;
- structural rules: encoding (control characters), line_too_long, header_missing,
  missing_<column>, unbalanced_quote, column_count;
- typed parsing as flightlake/processing/parsing.py (NA → null; `<column>_unparseable`);
- the contracts' source rules and row rules (`Contract.all_rules()`), transpiled from their
  Spark SQL by sqlglot, plus the reference rules (`<column>_in_<table>`);
- the transforms of glue_jobs/transforms (flights: HHMM → minutes, wall clocks, local → UTC
  with each airport's IANA zone, status, reference flags; weather: renames, UTC/local hour);
- the fates of classify(): superseded (a later delivery covers the same day), quarantined,
  duplicate (not the first line of the latest delivery among eligible rows of a key),
  published.

The reference tables are built the same way: processed.airports (snapshot + the documented
supplement, for time zones), processed.planes (tail numbers), processed.airlines (carriers),
each with its contract's rules, so a reference row the Spark job quarantines is not used here.

Outputs: `<out>/flights/flight_month=YYYY-MM/*.parquet`,
`<out>/weather/observation_month=YYYY-MM/*.parquet` (exactly the contract's columns; instants
as TIMESTAMP WITH TIME ZONE, wall clocks as TIMESTAMP) and `<out>/quarantine_<table>.parquet`
(source file, line, first rule, all rules, raw line text).

What it does not do (simplifications versus the Spark job):

- no ledger: every raw file is new on every run (the Spark job's first run over a lake);
  superseded is computed over all files as ledger.pending() does on that first run;
- no gzip files (`.csv.gz`), and files must be valid UTF-8: DuckDB's read_text fails on
  invalid bytes, where Spark quarantines the line under `encoding` (only the control-character
  half of that rule is checked); no `unreadable` rule; no raw bytes column in quarantine;
- CSV quoting: fields of a line holding a double quote are split with a regular expression
  (commas inside balanced quotes do not split) instead of Spark's look-ahead split; the two
  agree on well-formed RFC 4180 lines. On a line with an unbalanced quote they split
  differently, so the row is quarantined by both but its list of rules can differ;
- no quality gate (no rejected rows), no header-drift report, no publish-by-day swap, no
  run records; the partitions are rewritten whole (Spark replaces the days of the drop);
- the overlap rule of local → UTC (an autumn wall-clock time that occurs twice is read as the
  first, daylight, instant, as Java's ZonedDateTime does) assumes the shift is one hour, true
  for every US zone; ICU on its own picks the second (standard) instant;
- casts follow DuckDB: Spark accepts a few double spellings DuckDB does not ("1d", "1f")
  and Java's `\\s` includes vertical tab where RE2's does not.

Compare (`--compare-month`): the partition column is compared only when both sides hold it
(Spark's part files do not: it is in the folder name). bench/bench_scale.py compares January
2013 on every run and reports rows only on one side and rows differing; when written, both
were 0 for flights and weather (also for March and November, the daylight-saving months, and
for a four-day lake with injected faults — duplicates, a redelivery, a reordered upper-case
header, bad values, blank and CRLF lines, quoted fields — whose fate counts and quarantine
rule lists matched except on the unbalanced-quote line, see above).

It holds every classified row in DuckDB until it is written (about 5 GB at ×10).

Usage: python bench/duckdb_reference.py <lake_root> <out_dir> [--compare-month 2013-01]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import shutil
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import sqlglot
from sqlglot import exp

from flightlake.contracts import Contract, get
from flightlake.contracts.model import Rule
from flightlake.contracts.types import duckdb_type
from flightlake.resources import airports_supplement

RUN_ID = "duckdb-reference"
THREADS = 2
DAILY_TABLES = ("flights", "weather")
MAX_LINE_BYTES = 64 * 1024  # as flightlake/processing/raw_reader.py
_INT = r"^\s*-?[0-9]+\s*$"
_CONTROL = r"[\x00-\x08\x0A-\x1F\x7F-\x{9F}]"
_DELIVERED = re.compile(r"^delivered=(\d{4}-\d{2}-\d{2})$")
LINEAGE = ("source_file", "ingest_run_id")

# Spark functions DuckDB lacks or computes differently, as DuckDB macros.
MACROS = (
    # pmod: the non-negative remainder.
    "CREATE MACRO pmod(a, b) AS ((a % b) + b) % b",
    # make_date: null (not an error) for an impossible date, as Spark's non-ANSI make_date.
    "CREATE MACRO spark_make_date(y, m, d) AS try(make_date(y, m, d))",
    # raw_reader._unquote: outer quotes removed, "" read as ".
    """CREATE MACRO unquote(f) AS CASE
         WHEN starts_with(f, '"') AND ends_with(f, '"') AND length(f) >= 2
         THEN replace(f[2:-2], '""', '"') ELSE f END""",
    # raw_reader.split_csv: commas inside double quotes do not split.
    """CREATE MACRO split_csv(t) AS CASE
         WHEN NOT contains(t, '"') THEN string_split(t, ',')
         ELSE regexp_extract_all(',' || t, ',((?:[^,"]|"[^"]*")*)', 1) END""",
    # common.normalise_tailnum: upper case, no whitespace, empty → null.
    "CREATE MACRO normalise_tailnum(c) AS nullif(upper(regexp_replace(c, '\\s', '', 'g')), '')",
    # common.hhmm_minutes: (c / 100) cast to int truncates (DuckDB's cast would round).
    "CREATE MACRO hhmm_minutes(c) AS CAST(trunc(c / 100) AS INTEGER) * 60 + c % 100",
    # common.wall_clock / shift: wall-clock arithmetic on a TIMESTAMP (no zone).
    "CREATE MACRO wall_clock(d, mins) AS CAST(d AS TIMESTAMP) + to_minutes(CAST(mins AS BIGINT))",
    # common.to_utc = Spark's to_utc_timestamp: a gap time moves forward by the gap (ICU does
    # the same); an overlap time is the earlier instant (ICU picks the later: step back 1 h).
    """CREATE MACRO to_utc(local, tz) AS CASE
         WHEN timezone(tz, timezone(tz, local) - INTERVAL 1 HOUR) = local
         THEN timezone(tz, local) - INTERVAL 1 HOUR ELSE timezone(tz, local) END""",
)

# Rules whose transpiled SQL is wrong for DuckDB, written by hand. sqlglot turns
# from_utc_timestamp(x, tz) = CAST(local AS TIMESTAMP) into an AT TIME ZONE comparison of a
# TIMESTAMPTZ cast of the wall clock, which is not the same test.
HAND_WRITTEN = {
    "sched_dep_exists": "timezone(origin_tz, sched_dep_utc) = sched_dep_local",
}


def duckdb_rule(rule: Rule) -> str:
    """A contract rule's Spark SQL as DuckDB SQL. make_date becomes the null-safe macro; PMOD
    is transpiled as is and resolves to the macro above."""
    if rule.name in HAND_WRITTEN:
        return HAND_WRITTEN[rule.name]

    def fix(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Anonymous) and node.name.lower() == "make_date":
            return exp.Anonymous(this="spark_make_date", expressions=node.expressions)
        return node

    tree = sqlglot.parse_one(rule.sql, read="spark").transform(fix)
    return tree.sql(dialect="duckdb")


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --------------------------------------------------------------------------- raw files


@dataclass(frozen=True)
class RawFile:
    path: str  # absolute
    source_file: str  # relative to the lake root, as the Spark job's lineage
    delivered: date
    covers: date | None  # the day a daily file covers


def list_raw(lake_root: Path, source: str, daily: bool) -> list[RawFile]:
    """The data files of a source (lake.is_data_file's naming, plain .csv only)."""
    day = r"_(\d{4}-\d{2}-\d{2})" if daily else ""
    name = re.compile(rf"^{re.escape(source)}{day}\.csv$")
    base = lake_root / "raw" / source
    found = []
    for folder in sorted(base.iterdir()) if base.is_dir() else []:
        delivered = _DELIVERED.match(folder.name)
        if not delivered or not folder.is_dir():
            continue
        for f in sorted(folder.iterdir()):
            m = name.match(f.name)
            if m:
                found.append(
                    RawFile(
                        path=str(f.resolve()),
                        source_file=f"raw/{source}/{folder.name}/{f.name}",
                        delivered=date.fromisoformat(delivered.group(1)),
                        covers=date.fromisoformat(m.group(1)) if daily else None,
                    )
                )
    return found


def superseded(files: list[RawFile]) -> set[str]:
    """ledger.pending(): per covered day, every file but the latest (delivered, path)."""
    latest: dict[date | None, tuple] = {}
    for f in files:
        rank = (f.delivered, f.source_file)
        if f.covers not in latest or rank > latest[f.covers]:
            latest[f.covers] = rank
    return {f.source_file for f in files if (f.delivered, f.source_file) != latest[f.covers]}


# --------------------------------------------------------------------------- pipeline


def _read_lines(con: duckdb.DuckDBPyConnection, contract: Contract, files: list[RawFile]) -> str:
    """Table `<name>_lines`: one row per line but header lines and the empty string after the
    final LF, with _source_file, _delivered, _file_date, _superseded, _header_names, _line and
    _raw_line (without its CR)."""
    name, source = contract.name, contract.source
    gone = superseded(files)
    meta = pa.table(
        {
            "path": [f.path for f in files],
            "_source_file": [f.source_file for f in files],
            "_delivered": pa.array([f.delivered for f in files], pa.date32()),
            "_file_date": pa.array([f.covers for f in files], pa.date32()),
            "_superseded": [f.source_file in gone for f in files],
        }
    )
    con.register(f"{name}_meta", meta)
    paths = ", ".join(_sql_str(f.path) for f in files)
    known = ", ".join(_sql_str(c.name) for c in source.columns)
    first = "regexp_replace(regexp_replace(lines[1], '\\r$', ''), '^\\x{FEFF}', '')"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {name}_lines AS
        WITH files AS (
            SELECT m.* EXCLUDE (path), string_split(t.content, chr(10)) AS lines
            FROM read_text([{paths}]) t JOIN {name}_meta m ON t.filename = m.path
        ), headed AS (
            SELECT *, list_transform(split_csv({first}), lambda n: lower(unquote(trim(n)))) AS names
            FROM files
        ), exploded AS (
            SELECT * EXCLUDE (lines, names),
                CASE WHEN list_has_any(names, [{known}]) THEN names END AS _header_names,
                unnest(lines) AS _text,
                unnest(range(1, len(lines) + 1)) AS _pos,
                len(lines) AS _count
            FROM headed
        )
        SELECT * EXCLUDE (_text, _pos, _count),
            CAST(_pos AS INTEGER) AS _line,
            regexp_replace(_text, '\\r$', '') AS _raw_line
        FROM exploded
        WHERE NOT (_pos = 1 AND _header_names IS NOT NULL)
          AND NOT (_pos = _count AND _text = '')
        """
    )
    con.unregister(f"{name}_meta")
    return f"{name}_lines"


def _errors_of(cases: list[str]) -> str:
    """A list of the rule names of the non-null CASE expressions."""
    if not cases:
        return "[]::VARCHAR[]"
    return f"list_filter([{', '.join(cases)}]::VARCHAR[], lambda x: x IS NOT NULL)"


def _typed_sql(contract: Contract, lines: str) -> str:
    """SELECT of the non-blank lines with the source's columns typed and `_errors` holding
    the structural, parse and source-rule failures (raw_reader.split_fields, parsing.parse,
    parsing.apply_rules), in the Spark job's order."""
    source = contract.source
    n = len(source.columns)
    pos = {
        c.name: f"coalesce(list_position(_header_names, {_sql_str(c.name)}), 0)"
        for c in source.columns
    }
    structural = [
        f"CASE WHEN regexp_matches(_raw_line, '{_CONTROL}') THEN 'encoding' END",
        f"CASE WHEN strlen(_raw_line) > {MAX_LINE_BYTES} THEN 'line_too_long' END",
        "CASE WHEN _header_names IS NULL THEN 'header_missing' END",
        *[
            f"CASE WHEN {p} = 0 AND _header_names IS NOT NULL THEN 'missing_{c}' END"
            for c, p in pos.items()
        ],
        "CASE WHEN (length(_t) - length(replace(_t, '\"', ''))) % 2 = 1 "
        "THEN 'unbalanced_quote' END",
        f"CASE WHEN strlen(_raw_line) <= {MAX_LINE_BYTES} "
        f"AND len(_fields) <> coalesce(len(_header_names), {n}) THEN 'column_count' END",
    ]
    raw_values = ", ".join(
        f"unquote(_fields[CASE WHEN _header_names IS NULL THEN {i + 1} "
        f"ELSE nullif({pos[c.name]}, 0) END]) AS {_ident('_r_' + c.name)}"
        for i, c in enumerate(source.columns)
    )
    na = ", ".join(_sql_str(v) for v in source.na_values)
    typed, parse_errors = [], []
    for c in source.columns:
        raw = _ident("_r_" + c.name)
        not_na = f"({raw} IS NOT NULL AND trim({raw}) NOT IN ({na}))"
        if c.type == "int":
            value = (
                f"CASE WHEN regexp_matches({raw}, '{_INT}') "
                f"THEN TRY_CAST(trim({raw}) AS INTEGER) END"
            )
        elif c.type == "string":
            value = f"trim({raw})"
        else:
            value = f"TRY_CAST(trim({raw}) AS {duckdb_type(c.type)})"
        typed.append(f"CASE WHEN {not_na} THEN {value} END AS {_ident(c.name)}")
        if c.type != "string":
            parse_errors.append(
                f"CASE WHEN {not_na} AND ({value}) IS NULL THEN '{c.name}_unparseable' END"
            )
    rules = [
        f"CASE WHEN NOT coalesce(({duckdb_rule(r)}), TRUE) THEN {_sql_str(r.name)} END"
        for r in contract.source_rules
    ]
    raw_names = ", ".join(_ident("_r_" + c.name) for c in source.columns)
    return f"""
        WITH nonblank AS (
            SELECT *, CASE WHEN _line = 1 THEN regexp_replace(_raw_line, '^\\x{{FEFF}}', '')
                           ELSE _raw_line END AS _t
            FROM {lines} WHERE trim(_raw_line) <> ''
        ), split AS (
            SELECT *, CASE WHEN strlen(_raw_line) > {MAX_LINE_BYTES} THEN []::VARCHAR[]
                           ELSE split_csv(_t) END AS _fields
            FROM nonblank
        ), raw AS (
            SELECT *, {raw_values}, {_errors_of(structural)} AS _errors FROM split
        ), parsed AS (
            SELECT * EXCLUDE (_t, _fields, {raw_names}, _errors), {", ".join(typed)},
                list_concat(_errors, {_errors_of(parse_errors)}) AS _errors
            FROM raw
        )
        SELECT * REPLACE (list_concat(_errors, {_errors_of(rules)}) AS _errors) FROM parsed
    """


def _checked_sql(contract: Contract, transformed: str) -> str:
    """The contract's row rules, then its references, appended to `_errors`."""
    rules = [
        f"CASE WHEN NOT coalesce(({duckdb_rule(r)}), TRUE) THEN {_sql_str(r.name)} END"
        for r in contract.all_rules()
    ]
    refs = [
        f"CASE WHEN {_ident(r.column)} IS NOT NULL AND {_ident(r.column)} NOT IN "
        f"(SELECT {_ident(r.ref_column)} FROM ref_{r.table} "
        f"WHERE {_ident(r.ref_column)} IS NOT NULL) THEN {_sql_str(r.rule)} END"
        for r in contract.references
    ]
    return f"""
        WITH transformed AS ({transformed}),
        ruled AS (
            SELECT * REPLACE (list_concat(_errors, {_errors_of(rules)}) AS _errors)
            FROM transformed
        )
        SELECT * REPLACE (list_concat(_errors, {_errors_of(refs)}) AS _errors) FROM ruled
    """


def _classify(con: duckdb.DuckDBPyConnection, contract: Contract, checked: str) -> str:
    """Table `<name>_classified`: the contract's columns plus _fate, _errors and the raw line
    (process.classify: among eligible rows of a key, the first line of the latest delivery)."""
    name = contract.name
    key = ", ".join(_ident(k) for k in contract.key)
    columns = ", ".join(_ident(c) for c in contract.column_names)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {name}_classified AS
        WITH checked AS ({checked}),
        ranked AS (
            SELECT *, row_number() OVER (
                PARTITION BY (NOT _superseded AND len(_errors) = 0), {key}
                ORDER BY _delivered DESC NULLS LAST, _source_file ASC NULLS FIRST,
                         _line ASC NULLS FIRST) AS _rank
            FROM checked
        )
        SELECT {columns}, _errors, _source_file, _line, _raw_line,
            CASE WHEN _superseded THEN 'superseded'
                 WHEN len(_errors) > 0 THEN 'quarantined'
                 WHEN _rank > 1 THEN 'duplicate'
                 ELSE 'published' END AS _fate
        FROM ranked
        """
    )
    return f"{name}_classified"


def _process(
    con: duckdb.DuckDBPyConnection,
    contract: Contract,
    files: list[RawFile],
    transform: str,
    extra_rows: str | None = None,
) -> str:
    """Raw files → classified table. `transform` is a SELECT over `typed`, or further CTEs
    after it (starting with a comma); `extra_rows`
    (the airports supplement) a SELECT over `transformed_raw` unioned by name."""
    lines = _read_lines(con, contract, files)
    transformed = f"WITH typed AS ({_typed_sql(contract, lines)}) {transform}"
    if extra_rows:
        transformed = (
            f"WITH transformed_raw AS ({transformed}) "
            f"SELECT * FROM transformed_raw UNION ALL BY NAME {extra_rows}"
        )
    return _classify(con, contract, _checked_sql(contract, transformed))


def _lineage() -> str:
    return f"_source_file AS source_file, {_sql_str(RUN_ID)} AS ingest_run_id"


# --------------------------------------------------------------------------- transforms

AIRPORTS = f"""
    SELECT * REPLACE (upper(faa) AS faa), alt AS alt_ft, tz AS utc_offset_h,
        'snapshot' AS origin, {_lineage()}
    FROM typed
"""

PLANES = f"""
    SELECT * REPLACE (normalise_tailnum(tailnum) AS tailnum),
        CASE WHEN year <> 0 THEN year END AS year_built, speed AS speed_mph, {_lineage()}
    FROM typed
"""

AIRLINES = f"""
    SELECT * REPLACE (upper(carrier) AS carrier, trim(name) AS name), {_lineage()}
    FROM typed
"""

# glue_jobs/transforms/flights.py, one stage per group of dependent columns.
FLIGHTS = f"""
    , joined AS (
        SELECT t.* REPLACE (normalise_tailnum(t.tailnum) AS tailnum),
            o.tzone AS origin_tz, d.tzone AS dest_tz,
            coalesce(d.supplemented, FALSE) AS dest_supplemented,
            normalise_tailnum(t.tailnum) IS NOT NULL AND p.tailnum IS NULL
                AS tailnum_unregistered,
            spark_make_date(t.year, t.month, t.day) AS flight_date,
            hhmm_minutes(t.sched_dep_time) AS _sched_dep_min,
            hhmm_minutes(t.dep_time) AS _dep_min
        FROM typed t
        LEFT JOIN ref_airports_tz o ON t.origin = o.faa
        LEFT JOIN ref_airports_tz d ON t.dest = d.faa
        LEFT JOIN ref_planes p ON normalise_tailnum(t.tailnum) = p.tailnum
    ), departures AS (
        SELECT *,
            CASE WHEN dep_delay IS NOT NULL
                 THEN TRY_CAST(round((_sched_dep_min + dep_delay - _dep_min) / 1440) AS INTEGER)
                 WHEN _dep_min < _sched_dep_min - 720 THEN 1 ELSE 0 END AS _dep_days,
            wall_clock(flight_date, _sched_dep_min) AS sched_dep_local,
            wall_clock(flight_date, hhmm_minutes(sched_arr_time)) AS _sched_arr_same_day,
            wall_clock(flight_date, hhmm_minutes(arr_time)) AS _arr_same_day,
            CASE WHEN dep_time IS NULL THEN 'cancelled'
                 WHEN arr_delay IS NULL THEN 'diverted'
                 ELSE 'departed' END AS status
        FROM joined
    ), scheduled AS (
        SELECT *,
            to_utc(sched_dep_local, origin_tz) AS sched_dep_utc,
            CASE WHEN dep_time IS NOT NULL
                 THEN wall_clock(flight_date, _dep_min + _dep_days * 1440) END AS dep_local
        FROM departures
    ), arrivals AS (
        SELECT *,
            CASE WHEN to_utc(_sched_arr_same_day, dest_tz) <= sched_dep_utc
                 THEN _sched_arr_same_day + INTERVAL 1 DAY
                 ELSE _sched_arr_same_day END AS sched_arr_local
        FROM scheduled
    ), arrival_days AS (
        SELECT *, to_utc(sched_arr_local, dest_tz) AS sched_arr_utc FROM arrivals
    ), actual AS (
        SELECT *,
            CASE WHEN status = 'departed' AND arr_time IS NOT NULL
                 THEN _arr_same_day + to_days(TRY_CAST(round(
                     (epoch(sched_arr_utc) + arr_delay * 60
                      - epoch(to_utc(_arr_same_day, dest_tz))) / 86400) AS INTEGER))
                 END AS arr_local
        FROM arrival_days
    )
    SELECT * EXCLUDE (_sched_dep_min, _dep_min, _dep_days, _sched_arr_same_day, _arr_same_day),
        to_utc(dep_local, origin_tz) AS dep_utc,
        to_utc(arr_local, dest_tz) AS arr_utc,
        concat_ws('-', strftime(flight_date, '%Y%m%d'), carrier, CAST(flight AS VARCHAR), origin)
            AS flight_id,
        strftime(flight_date, '%Y-%m') AS flight_month,
        {_lineage()}
    FROM actual
"""

WEATHER = f"""
    SELECT * REPLACE (upper(origin) AS origin),
        spark_make_date(year, month, day) AS observation_date,
        date_trunc('hour', time_hour) AS observed_at_utc,
        CAST(spark_make_date(year, month, day) AS TIMESTAMP) + to_minutes(CAST(hour AS BIGINT) * 60)
            AS observed_at_local,
        TRY_CAST(round(wind_dir) AS INTEGER) AS wind_dir_deg,
        strftime(spark_make_date(year, month, day), '%Y-%m') AS observation_month,
        temp AS temp_f, dewp AS dewpoint_f, humid AS humidity_pct, wind_speed AS wind_speed_mph,
        wind_gust AS wind_gust_mph, precip AS precip_in, pressure AS pressure_mb,
        visib AS visibility_mi,
        {_lineage()}
    FROM typed
"""


def _supplement_sql() -> str:
    """The documented airports supplement (process.load_supplement), typed by the airports
    contract: only codes the snapshot lacks (any snapshot row, quarantined or not)."""
    airports = get("airports")
    rows = list(csv.DictReader(io.StringIO(airports_supplement())))
    names = list(rows[0])
    casts = {n: duckdb_type(airports.column(n).type) for n in names}
    values = ", ".join(
        "(" + ", ".join(f"CAST({_sql_str(r[n])} AS {casts[n]})" for n in names) + ")" for r in rows
    )
    cols = ", ".join(_ident(n) for n in names)
    return f"""
        SELECT s.*, 'supplement' AS origin, {_sql_str(RUN_ID)} AS ingest_run_id,
            s.source_file AS _source_file, NULL::DATE AS _delivered, NULL::DATE AS _file_date,
            FALSE AS _superseded, NULL::INTEGER AS _line, NULL::VARCHAR AS _raw_line,
            []::VARCHAR[] AS _errors
        FROM (VALUES {values}) s({cols})
        WHERE s.faa NOT IN (SELECT faa FROM transformed_raw WHERE faa IS NOT NULL)
    """


def _latest(files: list[RawFile]) -> list[RawFile]:
    """A snapshot's latest delivery (older ones would all be superseded)."""
    return [max(files, key=lambda f: (f.delivered, f.source_file))] if files else []


def _references(con: duckdb.DuckDBPyConnection, root: Path) -> None:
    """processed.airports, .planes and .airlines as the Spark job builds them (their published
    rows), reduced to the columns the daily tables need."""
    built = {}
    for table, transform, extra in (
        ("airports", AIRPORTS, _supplement_sql()),
        ("planes", PLANES, None),
        ("airlines", AIRLINES, None),
    ):
        files = _latest(list_raw(root, table, daily=False))
        if not files:
            raise SystemExit(f"no raw/{table}/delivered=*/{table}.csv under {root}")
        built[table] = _process(con, get(table), files, transform, extra)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE ref_airports AS
            SELECT * FROM {built["airports"]} WHERE _fate = 'published'"""
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE ref_airports_tz AS
           SELECT faa, tzone, origin = 'supplement' AS supplemented FROM ref_airports"""
    )
    for table in ("planes", "airlines"):
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE ref_{table} AS
                SELECT * FROM {built[table]} WHERE _fate = 'published'"""
        )


# --------------------------------------------------------------------------- run


def connect(temp_dir: Path | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(f"SET threads = {THREADS}")
    con.execute("SET TimeZone = 'UTC'")  # Spark's session time zone
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = false")
    if temp_dir is not None:
        con.execute(f"SET temp_directory = {_sql_str(str(temp_dir))}")
    for macro in MACROS:
        con.execute(macro)
    return con


def _write(con: duckdb.DuckDBPyConnection, contract: Contract, classified: str, out: Path) -> dict:
    name = contract.name
    columns = ", ".join(_ident(c) for c in contract.column_names)
    part = ", ".join(_ident(p) for p in contract.partition_by)
    con.execute(
        f"""COPY (SELECT {columns} FROM {classified} WHERE _fate = 'published')
            TO {_sql_str(str(out / name))}
            (FORMAT parquet, PARTITION_BY ({part}), WRITE_PARTITION_COLUMNS true,
             OVERWRITE true)"""
    )
    con.execute(
        f"""COPY (
              SELECT {_sql_str(name)} AS "table", _errors[1] AS rule, _errors AS rules,
                  _source_file AS source_file, _line AS line, _raw_line AS raw_line
              FROM {classified} WHERE _fate = 'quarantined' ORDER BY source_file, line)
            TO {_sql_str(str(out / f"quarantine_{name}.parquet"))} (FORMAT parquet)"""
    )
    fates = dict(con.execute(f"SELECT _fate, count(*) FROM {classified} GROUP BY 1").fetchall())
    blank, read = con.execute(
        f"""SELECT count(*) FILTER (trim(_raw_line) = ''), count(*) FILTER (trim(_raw_line) <> '')
            FROM {name}_lines"""
    ).fetchone()
    flags = {
        flag: con.execute(
            f"SELECT count(*) FROM {classified} WHERE _fate = 'published' AND {_ident(flag)}"
        ).fetchone()[0]
        for flag in contract.flags
    }
    counts = {
        "read": read,
        "blank": blank,
        "published": fates.get("published", 0),
        "quarantined": fates.get("quarantined", 0),
        "duplicates": fates.get("duplicate", 0),
        "superseded": fates.get("superseded", 0),
        "flags": flags,
    }
    counts["balanced"] = read == sum(fates.values())
    return counts


def run(lake_root: str, out_dir: str) -> dict:
    """Process every raw flights and weather file of `lake_root` into `out_dir`; return the
    counts per table and the wall seconds."""
    started = time.perf_counter()
    root, out = Path(lake_root), Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    temp = out / ".duckdb_tmp"
    con = connect(temp)
    try:
        _references(con, root)
        result: dict = {"tables": {}}
        for table, transform in (("flights", FLIGHTS), ("weather", WEATHER)):
            contract = get(table)
            files = list_raw(root, table, daily=True)
            if not files:
                result["tables"][table] = {"files": 0}
                continue
            classified = _process(con, contract, files, transform)
            counts = _write(con, contract, classified, out)
            result["tables"][table] = {"files": len(files), **counts}
            con.execute(f"DROP TABLE {classified}")
            con.execute(f"DROP TABLE {table}_lines")
    finally:
        con.close()
        shutil.rmtree(temp, ignore_errors=True)
    result["seconds"] = round(time.perf_counter() - started, 3)
    return result


# --------------------------------------------------------------------------- compare


def compare(out_dir: str, processed_root: str, month: str, examples: int = 5) -> dict:
    """Our published rows of `month` against the Spark job's, per daily table, keyed by the
    table key, on every contract column but the lineage (and the partition column when a
    side lacks it). Timestamps with a zone compare as instants."""
    con = connect()
    report = {}
    try:
        for table in DAILY_TABLES:
            contract = get(table)
            part = contract.partition_by[0]
            ours = Path(out_dir) / table / f"{part}={month}"
            theirs = Path(processed_root) / table / f"{part}={month}"
            if not ours.is_dir() or not theirs.is_dir():
                report[table] = {"error": f"missing {ours if not ours.is_dir() else theirs}"}
                continue
            sides = {}
            for side, folder in (("o", ours), ("t", theirs)):
                con.execute(
                    f"""CREATE OR REPLACE TEMP VIEW {side} AS SELECT * FROM read_parquet(
                        {_sql_str(str(folder / "*.parquet"))}, hive_partitioning = false)"""
                )
                sides[side] = {r[0] for r in con.execute(f"DESCRIBE {side}").fetchall()}
            columns = [
                c
                for c in contract.column_names
                if c not in LINEAGE and c in sides["o"] and c in sides["t"]
            ]
            key = contract.key
            on = " AND ".join(f"o.{_ident(k)} IS NOT DISTINCT FROM t.{_ident(k)}" for k in key)
            diff = [c for c in columns if c not in key]
            differs = ", ".join(
                f"CASE WHEN o.{_ident(c)} IS DISTINCT FROM t.{_ident(c)} THEN {_sql_str(c)} END"
                for c in diff
            )
            con.execute(
                f"""CREATE OR REPLACE TEMP TABLE cmp AS
                    SELECT {
                    ", ".join(f"coalesce(o.{_ident(k)}, t.{_ident(k)}) AS {_ident(k)}" for k in key)
                },
                        o._in AS in_ours, t._in AS in_theirs,
                        list_filter([{differs}], lambda x: x IS NOT NULL) AS differing,
                        {
                    ", ".join(
                        f"o.{_ident(c)} AS {_ident('o_' + c)}, t.{_ident(c)} AS {_ident('t_' + c)}"
                        for c in diff
                    )
                }
                    FROM (SELECT *, TRUE AS _in FROM o) o
                    FULL OUTER JOIN (SELECT *, TRUE AS _in FROM t) t ON {on}"""
            )
            only_o, only_t, differing, ours_n, theirs_n = con.execute(
                """SELECT count(*) FILTER (in_theirs IS NULL),
                          count(*) FILTER (in_ours IS NULL),
                          count(*) FILTER (in_ours AND in_theirs AND len(differing) > 0),
                          count(*) FILTER (in_ours), count(*) FILTER (in_theirs)
                   FROM cmp"""
            ).fetchone()
            by_column = dict(
                con.execute(
                    """SELECT c, count(*) FROM (SELECT unnest(differing) AS c FROM cmp
                       WHERE in_ours AND in_theirs) GROUP BY c ORDER BY 2 DESC"""
                ).fetchall()
            )
            keys = ", ".join(_ident(k) for k in key)
            samples = []
            for row in con.execute(
                f"""SELECT {keys}, in_ours, in_theirs, differing, * EXCLUDE ({keys}, in_ours,
                        in_theirs, differing)
                    FROM cmp WHERE in_ours IS NULL OR in_theirs IS NULL OR len(differing) > 0
                    ORDER BY {keys} LIMIT {examples}"""
            ).fetchall():
                described = con.description
                record = dict(zip([d[0] for d in described], row, strict=True))
                sample = {k: str(record[k]) for k in key}
                if record["in_ours"] and record["in_theirs"]:
                    sample["diff"] = {
                        c: (str(record["o_" + c]), str(record["t_" + c]))
                        for c in record["differing"]
                    }
                else:
                    sample["only"] = "ours" if record["in_ours"] else "theirs"
                samples.append(sample)
            report[table] = {
                "rows_ours": ours_n,
                "rows_theirs": theirs_n,
                "only_ours": only_o,
                "only_theirs": only_t,
                "differing": differing,
                "differing_by_column": by_column,
                "compared_columns": columns,
                "examples": samples,
            }
    finally:
        con.close()
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lake_root")
    parser.add_argument("out_dir")
    parser.add_argument("--compare-month", help="YYYY-MM: compare with <lake_root>/processed")
    args = parser.parse_args(argv)
    result = run(args.lake_root, args.out_dir)
    print(json.dumps(result, indent=2, default=str))
    if args.compare_month:
        processed = str(Path(args.lake_root) / "processed")
        print(
            json.dumps(compare(args.out_dir, processed, args.compare_month), indent=2, default=str)
        )


if __name__ == "__main__":
    main()
