"""The tables the commands print: what landed, table status, quality results, schema drift,
feature exports, models, scoring and deployment changes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from rich import box
from rich.table import Table

from features.export import ExportResult
from flightlake.render import console
from flightlake.status import TableStatus
from training.jobs import ScoreResult, TrainResult

if TYPE_CHECKING:
    from training.tuning import TuneResult


def landed(root: str, written: dict[str, int], skipped: dict[str, int]) -> None:
    table = Table("source", "files landed", "already there", title=f"land → {root}/raw")
    for source in ("airlines", "airports", "planes", "flights", "weather"):
        table.add_row(source, str(written.get(source, 0)), str(skipped.get(source, 0)))
    console.print(table)


def status(root: str, rows: list[TableStatus], unread: list[str]) -> None:
    table = Table(title=f"tables in {root}", box=box.SIMPLE_HEAD)
    for col in ("table", "partitions", "rows", "last run", "status", "quarantined"):
        table.add_column(col, no_wrap=True)
    for s in rows:
        table.add_row(
            s.table,
            str(s.partitions),
            f"{s.rows:,}",
            s.last_run or "never",
            s.last_run_status or "-",
            "-" if s.quarantined is None else f"{s.quarantined:,}",
        )
    console.print(table)
    not_read(unread)


def not_read(paths: list[str]) -> None:
    for path in sorted(set(paths)):
        console.print(
            f"[yellow]not read[/] {path}: no source's data file "
            "(raw/<source>/delivered=<date>/<source>[_<date>].csv or .csv.gz)",
            highlight=False,
        )


def quality(run_id: str, tables: list, show_all: bool, report: str) -> None:
    summary = Table(title=f"quality — run {run_id}", box=box.SIMPLE_HEAD)
    for col in ("table", "gate", "expectations", "critical failed", "warnings", "s"):
        summary.add_column(col, no_wrap=True)
    for q in tables:
        summary.add_row(
            q.table,
            "[green]passed[/]" if q.passed else "[bold red]FAILED[/]",
            str(len(q.outcomes)),
            str(len(q.critical_failures)),
            str(len(q.warnings)),
            f"{q.seconds:.1f}",
        )
    console.print(summary)
    detail = Table(box=box.SIMPLE_HEAD)
    for col in ("table", "expectation", "severity", "status", "found"):
        detail.add_column(col, overflow="fold")
    for q in tables:
        for o in q.outcomes:
            if o.success and not show_all:
                continue
            verdict = "passed" if o.success else ("FAILED" if o.critical else "warning")
            found = "" if o.success else o.summary().split(": ", 1)[-1]
            detail.add_row(q.table, o.name, o.severity, verdict, found)
    if detail.row_count:
        console.print(detail)
    console.print(f"report: {report}", highlight=False)


def crawled(files: dict[str, int], drifts: list) -> None:
    summary = ", ".join(f"{s} {n}" for s, n in files.items())
    console.print(f"crawled new files: {summary}; raw tables registered for flightlake sql")
    if not drifts:
        console.print("no schema drift")
        return
    table = Table(
        "source", "file", "change", "column", "detail", title="schema drift", box=box.SIMPLE_HEAD
    )
    for d in drifts:
        table.add_row(d.source, d.file, d.change, d.column, d.detail)
    console.print(table)


def export(result: ExportResult) -> None:
    table = Table("split", "dates", "rows", "not on time", box=box.SIMPLE_HEAD,
                  title=f"export {result.export_id}")
    for name, split in result.splits.items():
        table.add_row(name, f"{split['from']} … {split['to']}", f"{split['rows']:,}",
                      f"{split['positive_rate']:.1%}")
    if result.scoring:
        scored = result.scoring
        table.add_row("scoring", f"{min(scored)} … {max(scored)} ({len(scored)} days)",
                      f"{sum(scored.values()):,}", "—")
    console.print(table)
    console.print(f"{result.features} features in {result.seconds:.1f}s → {result.uri}")


def trained(result: TrainResult) -> None:
    console.print(f"[bold]{result.model_version}[/] {result.approval['status']}: "
                  f"{result.approval['reason']}")
    if result.metrics:
        console.print(f"{result.metrics_line()} · {result.seconds:.1f}s")


def tuned(result: TuneResult) -> None:
    console.print(result.headline())
    if result.best:
        console.print("best: " + ", ".join(f"{k}={v:.4g}" for k, v in sorted(result.best.items())))
    if result.trained:
        trained(result.trained)


def experiments(runs: list[dict]) -> None:
    """Tracked runs, newest first."""
    if not runs:
        console.print("no tracked run yet: train or tune a model")
        return
    table = Table("started (UTC)", "run", "kind", "status", "validation AUC", "test AUC",
                  "test ECE", "registry", box=box.SIMPLE_HEAD, title="MLflow: delay-risk")
    for r in runs:
        m = r["metrics"]
        started = datetime.fromtimestamp(r["started"] / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S")
        cells = [f"{m[k]:.4f}" if k in m else "" for k in
                 ("validation_auc", "test_auc", "test_ece")]
        registry = f"{r['registry']} {r['approval']}".strip()
        table.add_row(started, r["name"], r["kind"], r["status"], *cells, registry)
    console.print(table)


def scored(result: ScoreResult) -> None:
    console.print(f"{result.summary()} in {result.seconds:.1f}s")
    drift(result)


def drift(result: ScoreResult) -> None:
    """The worst drifting features of a scoring run, and where the whole report is."""
    table = Table("feature", "PSI", "drift", box=box.SIMPLE_HEAD, title="worst drifting features")
    for row in result.worst_drift:
        style = {"significant": "red", "moderate": "yellow"}.get(row["level"])
        level = f"[{style}]{row['level']}[/]" if style else row["level"]
        table.add_row(row["feature"], f"{row['psi']:.3f}", level)
    console.print(table)
    console.print(f"drift report: {result.drift_report}")


def models(versions: list) -> None:
    from training.registry.base import APPROVED, challenger

    champion = max((v.version for v in versions if v.status == APPROVED), default=None)
    rival = challenger(versions)
    table = Table("version", "status", "role", "validation AUC", "test AUC", "export", "reason",
                  box=box.SIMPLE_HEAD, title="delay-risk models")
    for v in versions:
        role = ("champion" if v.version == champion
                else "challenger" if rival and v.version == rival.version else "")
        table.add_row(v.label, v.status, role,
                      f"{v.metrics.get('validation_auc', float('nan')):.4f}",
                      f"{v.metrics.get('test_auc', float('nan')):.4f}", v.lineage["export_id"],
                      v.reason)
    console.print(table)


def catalog_actions(actions: list, applied: bool) -> None:
    table = Table(
        "action", "target", title="Glue catalog" + ("" if applied else " (plan)"),
        box=box.SIMPLE_HEAD,
    )
    for action in actions:
        table.add_row(action.kind, action.target)
    console.print(table)


def deploy_changes(profile: str, changes: list, applied: bool, policies: dict | None) -> None:
    title = f"deploy {profile}" + (" (applied)" if applied else " (plan)")
    table = Table("change", "kind", "resource", box=box.SIMPLE_HEAD, title=title)
    style = {"create": "green", "update": "yellow", "replace": "magenta", "delete": "red",
             "unchanged": "dim"}
    for c in changes:
        # An action CloudFormation adds later shows unstyled, never as a crash after an apply.
        table.add_row(f"[{style.get(c.verb, 'default')}]{c.verb}[/]", c.kind, c.name)
    console.print(table)
    counts = {v: sum(c.verb == v for c in changes) for v in style}
    console.print(
        f"{len(changes)} resources: " + ", ".join(f"{n} {v}" for v, n in counts.items() if n),
        highlight=False,
    )
    for role, document in (policies or {}).items():
        console.print(f"[bold]{role}[/]")
        console.print_json(json.dumps(document))
