"""The crawl_raw step, run locally: infer new raw drops' schemas, register the raw tables and
report drift from the contracts. On AWS the step is the Glue crawlers of crawlers/, which log
schema changes and go on (SchemaChangePolicy LOG); so does this step: a drop that does not
match its contract is the processing step's to quarantine, row by row."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from flightlake.crawl import Drift, crawl
from flightlake.run_context import RunContext, StepResult
from flightlake.status import unread_raw


@dataclass(kw_only=True)
class CrawlResult(StepResult):
    sources: int = 0
    files: int = 0
    # One line per file and kind of change: "<file>: column removed day, dep_time, …".
    drifts: list[str] = field(default_factory=list)
    # Files under raw/ that are no source's data file: no step reads them.
    unread: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.files} new file(s) in {self.sources} source(s), "
            f"schema drift in {len({line.split(': ')[0] for line in self.drifts})} file(s)"
        )


def _by_file(drift: list[Drift]) -> list[str]:
    columns: dict[tuple[str, str], list[str]] = {}
    for d in drift:
        # Added or removed says it all; a type change carries what failed to parse.
        plain = d.change in ("column added", "column removed") or not d.detail
        columns.setdefault((d.file, d.change), []).append(
            d.column if plain else f"{d.column} ({d.detail})"
        )
    return [f"{file}: {change} {', '.join(cols)}" for (file, change), cols in columns.items()]


def crawl_raw(ctx: RunContext) -> CrawlResult:
    started = time.perf_counter()
    crawled, drift = crawl(ctx.lake)
    return CrawlResult(
        sources=len(crawled),
        files=sum(crawled.values()),
        drifts=_by_file(drift),
        unread=unread_raw(ctx.lake),
        seconds=round(time.perf_counter() - started, 3),
    )
