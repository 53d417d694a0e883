"""An Arrow query result as a terminal table, CSV, JSON lines or Parquet."""

from __future__ import annotations

import io
import sys

import pyarrow as pa
from rich import box
from rich.console import Console
from rich.table import Table

from flightlake.render import console, err

FORMATS = ("table", "csv", "json", "parquet")


def checked(count: int, problems: list[str]) -> None:
    """`flightlake sql --check`: each problem on stderr, or that every file resolved."""
    for problem in problems:
        err.print(problem, highlight=False, markup=False, soft_wrap=True)
    if not problems:
        console.print(f"{count} SQL files: every table and column exists")


def write(result: pa.Table, fmt: str, output: str | None, limit: int) -> None:
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    if fmt == "table":
        table = Table(*result.column_names, box=box.SIMPLE_HEAD)
        for row in result.slice(0, limit).to_pylist():
            table.add_row(*["" if v is None else str(v) for v in row.values()])
        target = Console(file=open(output, "w"), width=200) if output else console  # noqa: SIM115
        target.print(table)
        if result.num_rows > limit:
            target.print(f"{result.num_rows:,} rows, {limit} shown (--limit)")
        return
    if fmt == "parquet":
        pq.write_table(result, output)
        return
    if fmt == "csv":
        buffer = io.BytesIO()
        pa_csv.write_csv(result, buffer)
        text = buffer.getvalue().decode()
    else:
        text = result.to_pandas().to_json(orient="records", lines=True, date_format="iso")
    if output:
        with open(output, "w") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
