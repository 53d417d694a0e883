"""The output of a pipeline run: a line per step as it finishes, then what a person needs to
know of the run — per-table counts, quarantined rows, the gate's verdict, the run record."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich import box
from rich.table import Table

from features.export import ExportResult
from flightlake.lake import Lake
from flightlake.pipeline.dag import Step
from flightlake.pipeline.runner import StepFailed, StepOutcome, WorkflowRun
from flightlake.quality.gate import GateFailed
from flightlake.render import console, err, tables
from glue_jobs.crawl_raw import CrawlResult
from glue_jobs.process import TableResult
from training.jobs import ScoreResult

MARKS = {
    "succeeded": "[green]✓[/]",
    "skipped": "[dim]–[/]",
    "resumed": "[dim]↺[/]",
    "failed": "[bold red]✗[/]",
    "blocked": "[red]⊘[/]",
}


def dry_run(steps: list[Step], workflow: str) -> None:
    table = Table(
        "#",
        "step",
        "workflow",
        "kind",
        "after",
        box=box.SIMPLE_HEAD,
        title=f"plan: {workflow} ({len(steps)} steps, nothing run)",
    )
    for i, step in enumerate(steps, start=1):
        table.add_row(
            str(i),
            step.name,
            step.workflow,
            step.kind,
            ", ".join((*step.depends_on, *step.after)) or "-",
        )
    console.print(table)


def _gate_note(quality: dict[str, dict]) -> str:
    if not quality:
        return ""
    checked = sum(q["expectations"] for q in quality.values())
    warned = sum(len(q["warnings"]) for q in quality.values())
    return f" · gate: {checked} expectations" + (
        f", [yellow]{warned} warning(s)[/]" if warned else " passed"
    )


@contextmanager
def progress() -> Iterator:
    """A spinner naming the running step; a line per step when it is done."""
    with console.status("starting") as status:

        def show(step: Step, outcome: StepOutcome | None) -> None:
            if outcome is None:
                status.update(f"{step.name}: {step.description}")
                return
            if outcome.status in ("failed", "blocked"):
                note = f"{outcome.status}: {outcome.error}"
            elif outcome.status == "resumed":
                note = "done in an earlier attempt of this run"
            else:
                note = outcome.result.summary() + _gate_note(outcome.result.quality)
            console.print(
                f"{MARKS[outcome.status]} {step.name} [dim]{outcome.seconds:.1f}s[/] {note}",
                highlight=False,
            )

        yield show


def failure(exc: StepFailed, workflow: str) -> None:
    """Each failed step with its reason (a gate's failed expectations), each step it
    blocked, and how to go on."""
    outcomes = exc.run.outcomes if exc.run else []
    failed = [o for o in outcomes if o.status == "failed"]
    for o in failed or [None]:
        name, error = (o.step.name, o.error) if o else (exc.step, exc.error)
        err.print(
            f"[bold red]error:[/] step {name} failed: {error}", highlight=False, soft_wrap=True
        )
        gate = o.exception if o else exc.__cause__
        if isinstance(gate, GateFailed):  # the summary a person needs; the report has the rest
            for line in gate.details:
                err.print(f"  ✗ {line}", highlight=False, markup=False, soft_wrap=True)
            err.print(f"  quality report: {gate.report_uri} (flightlake quality)", highlight=False)
    for o in outcomes:
        if o.status == "blocked":
            err.print(f"not run: {o.step.name} ({o.error})", highlight=False, soft_wrap=True)
    err.print(
        f"Fix the cause and rerun `flightlake run --workflow {workflow}`: it resumes at the "
        "steps that did not finish; the others published.",
        highlight=False,
    )


def _tables(results: list[TableResult]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, title="processed")
    table.add_column("table", no_wrap=True)
    columns = ["files", "read", "published", "quarantined", "dups", "superseded", "s"]
    rejected = any(t.rejected for t in results)
    if rejected:
        columns.insert(-1, "rejected")
    for col in columns:
        table.add_column(col, justify="right", no_wrap=True)
    for t in results:
        row = [
            t.table,
            str(t.files_read),
            f"{t.read:,}",
            f"{t.published:,}",
            f"{t.quarantined:,}",
            f"{t.duplicates:,}",
            f"{t.superseded:,}",
        ]
        if rejected:
            row.append(f"{t.rejected:,}")
        table.add_row(*row, f"{t.seconds:.1f}")
    return table


def summary(lake: Lake, run: WorkflowRun) -> None:
    outcomes = run.outcomes
    updates = [o for o in outcomes if o.step.ingests]
    if updates and all(o.status == "skipped" for o in updates):
        console.print("Nothing new in raw/: processed/ and curated/ are up to date.")
    done = [o.result for o in outcomes if o.result is not None]
    processed = [r for r in done if isinstance(r, TableResult) and not r.skipped]
    if run.took_over:
        console.print(
            f"[yellow]run lock[/] taken over from {run.took_over}, which ended without "
            "releasing it (killed)",
            highlight=False,
        )
    for t in (r for r in done if isinstance(r, TableResult)):
        for path in t.changed:
            console.print(
                f"[yellow]raw file changed[/] {path}: rewritten after it was processed; "
                "read again as a redelivery",
                highlight=False,
            )
        for line in t.drift:
            console.print(f"[yellow]header drift[/] {line}", highlight=False)
    if processed:
        console.print(_tables(processed))
    for t in processed:
        for flag, count in t.flags.items():
            console.print(f"{t.table}: {count:,} rows kept with {flag}", highlight=False)
        if t.replaced:
            console.print(f"{t.table}: {t.replaced:,} earlier rows replaced by new deliveries")
    for t in processed:
        for sample in t.samples:
            console.print(f"[yellow]quarantined[/] {t.table}: {sample}", highlight=False)
    tables.not_read(
        [p for r in done if isinstance(r, CrawlResult) for p in r.unread]
        + [p for r in done if isinstance(r, TableResult) for p in r.unmatched]
    )
    for r in done:
        if isinstance(r, CrawlResult):
            for line in r.drifts:
                console.print(f"[yellow]schema drift[/] {line}", highlight=False)

        elif isinstance(r, ExportResult):
            tables.export(r)
        elif isinstance(r, ScoreResult) and not r.skipped:
            tables.drift(r)
    quality = run.quality
    for name, q in quality.items():
        for warning in q["warnings"]:
            console.print(f"[yellow]quality warning[/] {name}: {warning}", highlight=False)
    if quality:
        checked = sum(q["expectations"] for q in quality.values())
        failed = [name for name, q in quality.items() if not q["passed"]]
        verdict = (
            f"[red]{len(failed)} failed the gate[/] ({', '.join(failed)})"
            if failed
            else "passed the gate"
        )
        console.print(
            f"quality: {checked} expectations on {len(quality)} tables; {verdict}; "
            f"report: {lake.uri(lake.quality_report(run.run_id))}",
            highlight=False,
        )
    total = sum(o.seconds for o in outcomes)
    worked = sum(o.status == "succeeded" for o in outcomes)
    console.print(
        f"{run.workflow} run {run.run_id}: {worked} of {len(outcomes)} steps did work in "
        f"{total:.1f}s; run record: {lake.uri(run.record)}",
        highlight=False,
    )


def replayed(done, summary, report: str) -> None:
    """The replay's days and times, the live record per model and role, and the report."""
    ran = [d for d in done.days if d.run is not None]
    seconds = sum(d.seconds for d in ran) + done.bootstrap_seconds
    console.print(
        f"replayed {done.first} … {done.last}: {len(ran)} day(s) run"
        + (f", {done.resumed_days} done by an earlier attempt" if done.resumed_days else "")
        + (f", bootstrap {done.bootstrap_seconds:.0f}s" if done.bootstrap_seconds else "")
        + f", {seconds:.0f}s",
        highlight=False,
    )
    table = Table("model", "role", "days", "flights", "live AUC", "calibration error",
                  box=box.SIMPLE_HEAD, title="live record (scores against actual outcomes)")
    for row in summary.itertuples():
        table.add_row(row.model_version, row.role, str(row.days), f"{row.flights:,}",
                      f"{row.auc:.4f}", f"{row.calibration_error:.4f}")
    console.print(table)
    console.print(f"model report: {report}", highlight=False)
