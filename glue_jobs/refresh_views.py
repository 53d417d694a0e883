"""The refresh_views step: re-create the analysts' views from sql/views — DuckDB's for a folder
lake (each view is compiled against the data, so a broken view fails the run), Athena's
CREATE OR REPLACE VIEW through the workgroup for an s3:// lake."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from flightlake.run_context import RunContext, StepResult


@dataclass(kw_only=True)
class ViewsResult(StepResult):
    engine: str = "duckdb"
    views: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"{len(self.views)} views on {self.engine}"


def refresh_views(ctx: RunContext) -> ViewsResult:
    started = time.perf_counter()
    if not ctx.lake.root.startswith("s3://"):
        from flightlake.catalog.local import connect, create_views

        views = create_views(connect(ctx.lake, with_views=False))
        return ViewsResult(views=views, seconds=round(time.perf_counter() - started, 3))
    from flightlake.athena import run_athena
    from flightlake.resources import view_files

    names = []
    for view in view_files():
        run_athena(view.text, view.source, ctx.database_prefix, ctx.workgroup)
        names.append(view.name)
    seconds = round(time.perf_counter() - started, 3)
    return ViewsResult(engine="athena", views=names, seconds=seconds)
