"""An Arrow query result as a terminal table, CSV, JSON lines or Parquet."""

from __future__ import annotations

import csv
import io
import json
import sys

import pyarrow as pa
from rich import box
from rich.console import Console
from rich.table import Table

from flightlake.render import console, err
from flightlake.trino import text

FORMATS = ("table", "csv", "json", "parquet")


def checked(count: int, problems: list[str]) -> None:
    """`flightlake sql --check`: each problem on stderr, or that every file resolved and none
    was refused."""
    for problem in problems:
        err.print(problem, highlight=False, markup=False, soft_wrap=True)
    if not problems:
        console.print(
            f"{count} SQL files: every table and column exists, and each gives Athena's answer"
        )


def _columns(result: pa.Table) -> list[tuple[str, str | None]]:
    """(Trino type, zone) of each column, as flightlake.query typed them."""
    out = []
    for field in result.schema:
        meta = {k.decode(): v.decode() for k, v in (field.metadata or {}).items()}
        out.append((meta.get("trino_type", ""), meta.get("zone")))
    return out


def _rows(result: pa.Table, convert) -> list[list]:
    """Rows by position: two columns may share a name (SELECT a.id, b.id)."""
    columns = [
        [convert(value, *kind) for value in column.to_pylist()]
        for column, kind in zip(result.columns, _columns(result), strict=True)
    ]
    return [list(row) for row in zip(*columns, strict=True)]


def write(result: pa.Table, fmt: str, output: str | None, limit: int) -> None:
    """Values as Athena writes them (flightlake.trino.text): the table and CSV show Athena's
    text, JSON lines keep numbers and nesting and write the rest as that text."""
    import pyarrow.parquet as pq

    if fmt == "parquet":
        pq.write_table(result, output)
        return
    if fmt == "table":
        table = Table(*result.column_names, box=box.SIMPLE_HEAD)
        for row in _rows(result.slice(0, limit), text.cell):
            table.add_row(*["" if v is None else v for v in row], style=None)
        target = Console(file=open(output, "w"), width=200) if output else console  # noqa: SIM115
        target.print(table, markup=False, highlight=False)
        if result.num_rows > limit:
            target.print(f"{result.num_rows:,} rows, {limit} shown (--limit)")
        return
    buffer = io.StringIO()
    if fmt == "csv":
        # Athena's result file: a header, every value quoted, NULL as an empty field.
        out = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
        out.writerow(result.column_names)
        for row in _rows(result, text.cell):
            buffer.write(",".join("" if v is None else _quoted(v) for v in row) + "\n")
    else:
        keys = _unique(result.column_names)
        for row in _rows(result, text.json_value):
            record = dict(zip(keys, row, strict=True))
            buffer.write(json.dumps(record, ensure_ascii=False) + "\n")
    if output:
        with open(output, "w") as fh:
            fh.write(buffer.getvalue())
    else:
        sys.stdout.write(buffer.getvalue())


def _unique(names: list[str]) -> list[str]:
    """JSON keys: a name repeated in the result (SELECT a.id, b.id) is suffixed with its
    1-based column position from its second use on, so no value is dropped."""
    seen: set[str] = set()
    keys = []
    for position, name in enumerate(names, start=1):
        keys.append(name if name not in seen else f"{name}#{position}")
        seen.add(name)
    return keys


def _quoted(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'
