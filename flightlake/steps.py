"""What each pipeline step does: `flightlake run` calls these locally, and the Glue entry
scripts of the steps without an entry of their own (export_scoring, score, refresh_views,
train) call them through `run_entry` with the sagemaker back end.

One Spark session serves every step of a run; it starts on the first step that needs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from flightlake.dag import Step
from flightlake.errors import JobError
from flightlake.lake import Lake


@dataclass
class Steps:
    lake: Lake
    run_id: str
    score_date: date | None = None  # default: the newest flight date delivered to raw/
    backend: str = "local"
    sagemaker_role: str | None = None
    database_prefix: str = ""  # Athena (an s3:// lake): the environment's databases
    workgroup: str = "primary"

    def _model_backend(self):
        from flightlake import modeling

        return modeling.backend(self.backend, self.lake, role=self.sagemaker_role)

    @cached_property
    def spark(self):
        from flightlake.quality.validate import preload
        from flightlake.runtime.spark import get_spark

        preload()  # great-expectations imports while the JVM starts
        return get_spark()

    def __call__(self, step: Step) -> dict:
        try:
            if step.name.startswith("process_"):
                return self.process(step.name.removeprefix("process_"))
            handler = getattr(self, step.name, None)
            if handler is None:
                raise JobError(f"step {step.name}: no local implementation")
            return handler()
        finally:
            self.lake.storage.delete_prefix(self.lake.staging_dir(self.run_id))

    def _day(self) -> date:
        if self.score_date:
            return self.score_date
        days = [f.covers for f in self.lake.raw_files("flights") if f.covers]
        if not days:
            raise JobError("no flights delivered to raw/ yet: nothing to score")
        return max(days)

    def crawl_raw(self) -> dict:
        from flightlake.crawl import crawl

        registered, drift = crawl(self.lake)
        breaking = [d for d in drift if d.breaking]
        if breaking:
            d = breaking[0]
            raise JobError(f"{d.file}: {d.change} {d.column} {d.detail}".strip())
        return {"sources": len(registered), "drift": len(drift)}

    def process(self, table: str) -> dict:
        from flightlake.processing.job import process_table

        result = process_table(self.spark, self.lake, table, self.run_id)
        return {"table": table, "rows": result.published, "quarantined": result.quarantined}

    def curate(self) -> dict:
        from flightlake import curation

        months = curation.plan(self.lake)
        if not months:
            return {"months": 0}
        built = curation.curate(self.spark, self.lake, self.run_id, months)
        return {"months": len(built.months), "rows": sum(built.rows.values())}

    def _approved(self):
        return self._model_backend()[1].latest_approved()

    def export_scoring(self) -> dict:
        from features.export import add_scoring

        version = self._approved()
        if version is None:
            return {"skipped": "no approved model yet: the weekly workflow trains one"}
        day = self._day()
        manifest = add_scoring(self.spark, self.lake, version.lineage["export_id"], [day])
        return {"date": day.isoformat(), "rows": manifest["scoring"][day.isoformat()]}

    def score(self) -> dict:
        from flightlake import modeling

        if self._approved() is None:
            return {"skipped": "no approved model yet: the weekly workflow trains one"}
        launcher, registry = self._model_backend()
        record = modeling.score(
            self.lake,
            launcher,
            registry,
            [self._day()],
            spark_factory=lambda: self.spark,
        )
        worst = record["worst_drift"][0] if record["worst_drift"] else None
        return {
            "rows": record["rows_scored"],
            "model": record["model_version"],
            "worst_drift": f"{worst['feature']} {worst['psi']:.3f}" if worst else None,
        }

    def refresh_views(self) -> dict:
        """DuckDB's views for a folder lake; Athena CREATE OR REPLACE VIEW (through the
        workgroup) for an s3:// lake."""
        from flightlake.catalog.local import connect, create_views, view_files

        if not self.lake.root.startswith("s3://"):
            return {"views": len(create_views(connect(self.lake, with_views=False)))}
        from flightlake.athena import run_athena

        files = view_files()
        for path in files:
            run_athena(path.read_text(), str(path), self.database_prefix, self.workgroup)
        return {"views": len(files), "engine": "athena"}

    def export_features(self) -> dict:
        from features.export import export

        manifest = export(self.spark, self.lake)
        return {"export": manifest["export_id"], "rows": manifest["splits"]["train"]["rows"]}

    def train(self) -> dict:
        from flightlake import modeling

        launcher, registry = self._model_backend()
        record = modeling.train(self.lake, launcher, registry)
        return {
            "model": record["model_version"],
            "approval": record["approval"]["status"],
            "test_auc": round(record["metrics"].get("test_auc", float("nan")), 4),
        }


def run_entry(step: str, argv: list[str] | None = None) -> dict:
    """A Glue entry script's body: --lake, optional --run_id, --date, --backend,
    --sagemaker_role, --database_prefix, --workgroup."""
    from flightlake import dag, runs
    from flightlake.runtime.glue_args import job_args

    args = job_args(
        ["lake"],
        ["run_id", "date", "backend", "sagemaker_role", "database_prefix", "workgroup"],
        argv,
    )
    steps = Steps(
        Lake.at(args["lake"]),
        args["run_id"] or runs.new_run_id(),
        date.fromisoformat(args["date"]) if args["date"] else None,
        backend=args["backend"] or ("sagemaker" if args["sagemaker_role"] else "local"),
        sagemaker_role=args["sagemaker_role"],
        database_prefix=args["database_prefix"] or "",
        workgroup=args["workgroup"] or "primary",
    )
    return steps(dag.BY_NAME[step])
