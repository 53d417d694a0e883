"""The crawl_raw step, run locally: infer new raw drops' schemas, register the raw tables and
report drift from the contracts. On AWS the step is the Glue crawlers of crawlers/, which log
schema changes and go on (SchemaChangePolicy LOG); so does this step: a drop that does not
match its contract is the processing step's to quarantine, row by row."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from flightlake.crawl import crawl
from flightlake.run_context import RunContext, StepResult


@dataclass(kw_only=True)
class CrawlResult(StepResult):
    sources: int = 0
    files: int = 0
    drifts: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.files} new file(s) in {self.sources} source(s), "
            f"{len(self.drifts)} schema drift(s)"
        )


def crawl_raw(ctx: RunContext) -> CrawlResult:
    started = time.perf_counter()
    crawled, drift = crawl(ctx.lake)
    return CrawlResult(
        sources=len(crawled),
        files=sum(crawled.values()),
        drifts=[f"{d.file}: {d.change} {d.column} {d.detail}".strip() for d in drift],
        seconds=round(time.perf_counter() - started, 3),
    )
