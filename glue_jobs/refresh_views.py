"""The refresh_views step: re-create the analysts' views from sql/views — DuckDB's for a folder
lake (each view is compiled against the data, so a broken view fails the run), Athena's
CREATE OR REPLACE VIEW through the workgroup for an s3:// lake.

A view depends on its SQL and on the tables it reads (their columns, and whether they exist
yet), not on their rows: when none of these changed since the last refresh, the daily run has
nothing to do (`_state/views.json` keeps the fingerprint of the last one). A view dropped in
Athena by hand is not noticed: `flightlake deploy --apply` writes every view again."""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, field

from flightlake.contracts import all_contracts
from flightlake.lake import Lake
from flightlake.resources import view_files
from flightlake.run_context import RunContext, StepResult
from flightlake.runtime.storage import read_json, write_json

STATE_FILE = f"{Lake.state_root()}/views.json"


@dataclass(kw_only=True)
class ViewsResult(StepResult):
    engine: str = "duckdb"
    views: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return self.skipped or f"{len(self.views)} views on {self.engine}"


def fingerprint(lake: Lake, target: str) -> str:
    """What the views depend on: their SQL, the tables' columns and which tables exist, and
    where they are created (the engine, and Athena's databases)."""
    parts = [target, *(f"{v.name}\n{v.text}" for v in view_files())]
    for contract in all_contracts():
        present = bool(lake.storage.list_files(lake.table_dir(contract.layer, contract.name)))
        columns = ",".join(f"{c.name}:{c.type}" for c in contract.columns)
        parts.append(f"{contract.qualified_name} {present} {columns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def refresh_views(ctx: RunContext) -> ViewsResult:
    started = time.perf_counter()
    lake = ctx.lake
    athena = lake.root.startswith("s3://")
    engine = "athena" if athena else "duckdb"
    target = f"{engine} {ctx.database_prefix} {ctx.workgroup}" if athena else engine
    current = fingerprint(lake, target)
    last = read_json(lake.storage, STATE_FILE, default=None) or {}
    if last.get("fingerprint") == current:
        return ViewsResult(engine=engine, skipped=f"views unchanged since run {last['run_id']}")
    if not athena:
        from flightlake.catalog.local import connect, create_views

        # Only the raw tables a view reads: raw.<source> sniffs the header of every drop
        # (25 s per source on ten years of daily files) and no view reads one today.
        named = {m for v in view_files() for m in re.findall(r"\braw\.(\w+)", v.text)}
        names = create_views(connect(lake, with_views=False, raw=named))
    else:
        from flightlake.athena import run_athena

        names = []
        for view in view_files():
            run_athena(view.text, view.source, ctx.database_prefix, ctx.workgroup)
            names.append(view.name)
    write_json(lake.storage, STATE_FILE, {"fingerprint": current, "run_id": ctx.run_id})
    return ViewsResult(engine=engine, views=names,
                       seconds=round(time.perf_counter() - started, 3))
