"""Run records: one JSON document per run in the lake, the audit trail of every table."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from flightlake.lake import Lake
from flightlake.runtime.storage import read_json, write_json


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def save(lake: Lake, record: dict, name: str | None = None) -> None:
    write_json(lake.storage, lake.run_file(name or record["run_id"]), record)


def load_all(lake: Lake) -> list[dict]:
    """Every run record, oldest first."""
    files = [f.path for f in lake.storage.list_files(lake.runs_dir()) if f.path.endswith(".json")]
    return [read_json(lake.storage, path) for path in sorted(files)]


def record_failure(lake: Lake, record: dict, exc: BaseException) -> None:
    """Say in the run record why the run failed; for a quality gate, which expectations."""
    from flightlake.quality.gate import GateFailed

    if isinstance(exc, GateFailed):
        for quality in exc.failed:
            record.setdefault("quality", {})[quality.table] = quality.record(lake)
        record.update(status="failed", error=str(exc).splitlines()[0], gate=exc.details)
        record["quality_report"] = exc.report_uri
    else:
        record.update(status="failed", error=f"{type(exc).__name__}: {exc}".splitlines()[0])
