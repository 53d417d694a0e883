"""Where everything lives in the lake. Paths appear here and nowhere else.

raw/<source>/delivered=<YYYY-MM-DD>/<file>.csv[.gz] provider drops (gzip or not)
processed/<table>/[<partition>=<value>/]part-00000.parquet
curated/<table>/<partition>=<value>/part-00000.parquet
quarantine/<table>/delivered=<D>/<file>.parquet    rejected rows of one raw file
_state/ledger/<table>.json                         raw files already processed
_state/curated.json                                processed files curated was built from
_state/crawl.json                                  raw folders the crawler has read
_state/content_versions.json                       a folder lake's file MD5s, by size and times
_state/workflows/<workflow>.json                   a workflow's run: its run id, each step's outcome
_state/run.lock                                    the run lock: who writes the lake now
_runs/<run_id>.<step>.json                         one record per step run (one shape for all)
_runs/<run_id>.<workflow>.json                     one record per workflow run: its steps
_quality/<run_id>/<table>.json, report.html        quality-gate results of a run
_staging/<run_id>/<step>/...                       a step's scratch, emptied before and after it
features/<export_id>/{train,validation,test}/part-00000.csv   SageMaker XGBoost CSV, label first
features/<export_id>/scoring/flight_date=<D>/part-00000.csv   flight id first, no label
features/<export_id>/manifest.json                 feature order, vocabularies, counts, lineage
_ml/jobs/<job>/                                    a local training job's /opt/ml-shaped folder
_ml/code/                                          code the SageMaker SDK stages (s3:// lakes)
_ml/registry/<group>/v<NNNN>.json                  model versions, metrics, approval status
_ml/transform/<scoring_run>/flight_date=<D>/*.out  batch-transform output, one per input file
_ml/drift/<scoring_run>.json                       PSI per feature, scoring vs training set
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date

from flightlake.runtime.storage import Storage, storage_for

DEFAULT_LAKE = "./lake"
PART_FILE = "part-00000.parquet"
# Regular expressions Python and Spark (Java) read alike: a drop's delivery date, from its
# folder, and the data date of a daily file, from its name.
DELIVERED_PATTERN = r"delivered=(\d{4}-\d{2}-\d{2})"
FILE_DATE_PATTERN = r"_(\d{4}-\d{2}-\d{2})\.csv(?:\.gz)?$"
GZIP_SUFFIX = ".gz"
# What a provider's data file is called: anything else under raw/ is reported, not read.
DATA_SUFFIXES = (".csv", ".csv.gz")
_DELIVERED = re.compile(DELIVERED_PATTERN)
_FILE_DATE = re.compile(FILE_DATE_PATTERN)


def resolve_root(lake: str | None) -> str:
    return lake or os.environ.get("FLIGHTLAKE_LAKE") or DEFAULT_LAKE


@dataclass(frozen=True)
class RawFile:
    """One provider drop: where it sits, when it was delivered and which day it covers."""

    path: str
    size: int
    delivered: date
    covers: date | None  # the data date of a daily file; None for a snapshot
    version: str = ""  # of the content: its MD5 in a folder, its ETag on S3

    @classmethod
    def parse(cls, path: str, size: int, version: str = "") -> RawFile:
        delivered = _DELIVERED.search(path)
        if delivered is None:
            raise ValueError(f"{path}: raw files must sit under a delivered=YYYY-MM-DD folder")
        covers = _FILE_DATE.search(path)
        return cls(
            path=path,
            size=size,
            delivered=date.fromisoformat(delivered.group(1)),
            covers=date.fromisoformat(covers.group(1)) if covers else None,
            version=version,
        )


@dataclass(frozen=True)
class Lake:
    storage: Storage

    @classmethod
    def at(cls, root: str | None = None) -> Lake:
        return cls(storage_for(resolve_root(root)))

    @property
    def root(self) -> str:
        return self.storage.root

    def uri(self, rel: str) -> str:
        return self.storage.uri(rel)

    def exists(self) -> bool:
        """A lake has a layer folder: landing creates raw/."""
        return any(self.storage.exists(layer) for layer in ("raw", "processed", "curated"))

    @staticmethod
    def raw_dir(source: str) -> str:
        return f"raw/{source}"

    @staticmethod
    def raw_file(source: str, delivered: date, name: str) -> str:
        return f"raw/{source}/delivered={delivered.isoformat()}/{name}"

    @staticmethod
    def table_dir(layer: str, table: str) -> str:
        return f"{layer}/{table}"

    @staticmethod
    def table_file(layer: str, table: str, partition: tuple[str, str] | None = None) -> str:
        if partition is None:
            return f"{layer}/{table}/{PART_FILE}"
        column, value = partition
        return f"{layer}/{table}/{column}={value}/{PART_FILE}"

    @classmethod
    def processed_dir(cls, table: str) -> str:
        return cls.table_dir("processed", table)

    @classmethod
    def processed_file(cls, table: str, partition: tuple[str, str] | None = None) -> str:
        return cls.table_file("processed", table, partition)

    @staticmethod
    def quarantine_dir(table: str) -> str:
        return f"quarantine/{table}"

    @staticmethod
    def quarantine_file(table: str, raw: RawFile) -> str:
        """One quarantine file per raw file: reprocessing the raw file replaces it."""
        name = raw.path.rsplit("/", 1)[1].removesuffix(GZIP_SUFFIX).removesuffix(".csv")
        return f"quarantine/{table}/delivered={raw.delivered.isoformat()}/{name}.parquet"

    @staticmethod
    def state_root() -> str:
        return "_state"

    @classmethod
    def ledger_file(cls, table: str) -> str:
        return f"{cls.state_root()}/ledger/{table}.json"

    @classmethod
    def curated_state_file(cls) -> str:
        return f"{cls.state_root()}/curated.json"

    @classmethod
    def crawl_state_file(cls) -> str:
        return f"{cls.state_root()}/crawl.json"

    @classmethod
    def workflow_state_file(cls, workflow: str) -> str:
        return f"{cls.state_root()}/workflows/{workflow}.json"

    @staticmethod
    def runs_dir() -> str:
        return "_runs"

    @staticmethod
    def run_file(run_id: str) -> str:
        return f"_runs/{run_id}.json"

    @staticmethod
    def quality_root() -> str:
        return "_quality"

    @staticmethod
    def quality_dir(run_id: str) -> str:
        return f"_quality/{run_id}"

    @staticmethod
    def quality_file(run_id: str, table: str) -> str:
        """Validation results of one table (e.g. processed.flights) in one run."""
        return f"_quality/{run_id}/{table}.json"

    @staticmethod
    def quality_report(run_id: str) -> str:
        return f"_quality/{run_id}/report.html"

    @staticmethod
    def staging_root() -> str:
        return "_staging"

    @classmethod
    def run_staging_dir(cls, run_id: str) -> str:
        return f"{cls.staging_root()}/{run_id}"

    @classmethod
    def staging_dir(cls, run_id: str, step: str) -> str:
        return f"{cls.run_staging_dir(run_id)}/{step}"

    @staticmethod
    def exports_dir() -> str:
        return "features"

    @staticmethod
    def export_dir(export_id: str) -> str:
        return f"features/{export_id}"

    @staticmethod
    def export_manifest(export_id: str) -> str:
        return f"features/{export_id}/manifest.json"

    @staticmethod
    def export_split_dir(export_id: str, split: str) -> str:
        return f"features/{export_id}/{split}"

    @staticmethod
    def scoring_dir(export_id: str, day: date) -> str:
        return f"features/{export_id}/scoring/flight_date={day.isoformat()}"

    @staticmethod
    def ml_dir() -> str:
        """Everything the model's jobs write: jobs, staged code, registry, transform output."""
        return "_ml"

    @staticmethod
    def training_jobs_dir() -> str:
        return "_ml/jobs"

    @staticmethod
    def model_code_dir() -> str:
        """Where the SageMaker SDK stages training and inference code (s3:// lakes)."""
        return "_ml/code"

    @staticmethod
    def registry_dir(group: str) -> str:
        return f"_ml/registry/{group}"

    @staticmethod
    def transform_root() -> str:
        return "_ml/transform"

    @classmethod
    def transform_dir(cls, scoring_run: str, day: date, role: str) -> str:
        return f"{cls.transform_root()}/{scoring_run}/{role}/flight_date={day.isoformat()}"

    @staticmethod
    def report_file(name: str) -> str:
        return f"_ml/reports/{name}.html"

    @staticmethod
    def champion_file(day: date) -> str:
        """The champion/challenger evaluation made the evening before `day` is scored."""
        return f"_ml/champion/{day.isoformat()}.json"

    @staticmethod
    def drift_file(scoring_run: str) -> str:
        return f"_ml/drift/{scoring_run}.json"

    def raw_files(self, source: str, daily: bool = False) -> list[RawFile]:
        """The data files of a source: `<name>.csv[.gz]` under a delivered=<date> folder,
        named `<source>_<date>.csv[.gz]` when the source is `daily`."""
        return self.raw_listing(source, daily)[0]

    def raw_listing(self, source: str, daily: bool = False) -> tuple[list[RawFile], list[str]]:
        """One listing of a source's folder: its data files (raw_files), and the paths of the
        other files there, which no step reads."""
        data, other = [], []
        for f in self.storage.list_files(self.raw_dir(source), content=True):
            if is_data_file(f.path, source, daily):
                data.append(RawFile.parse(f.path, f.size, f.version))
            else:
                other.append(f.path)
        return data, other

    def unmatched_raw(self, daily: dict[str, bool]) -> list[str]:
        """Every file under raw/ that is no data file of a source (`daily`: source → whether
        it is delivered one file per day): never read, so reported wherever the lake's state
        is shown."""
        out = []
        for f in self.storage.list_files("raw"):
            parts = f.path.split("/")
            source = parts[1] if len(parts) > 1 else ""
            if source not in daily or not is_data_file(f.path, source, daily[source]):
                out.append(f.path)
        return out


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def is_data_file(path: str, source: str, daily: bool) -> bool:
    parts = path.split("/")
    if len(parts) != 4 or parts[:2] != ["raw", source] or not parts[3].endswith(DATA_SUFFIXES):
        return False
    delivered = _DELIVERED.fullmatch(parts[2])
    if delivered is None or not _is_date(delivered.group(1)):
        return False
    if not daily:
        return True
    covers = re.fullmatch(rf"{re.escape(source)}{FILE_DATE_PATTERN}", parts[3])
    return covers is not None and _is_date(covers.group(1))
