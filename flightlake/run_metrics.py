"""A step's counts as metrics: rows read, published and quarantined, critical gate failures,
seconds, and whether it completed its workflow's run. The run record carries them; on AWS
they are also published to CloudWatch (runtime/metrics.py), where the stack's alarms read
them (deploy/template.py)."""

from __future__ import annotations

ROWS_READ = "RowsRead"
ROWS_PUBLISHED = "RowsPublished"
ROWS_QUARANTINED = "RowsQuarantined"
GATE_FAILURES = "GateFailures"
SECONDS = "Seconds"
RUNS_SUCCEEDED = "RunsSucceeded"
DONE = ("succeeded", "skipped")


def of_step(record: dict, completes_workflow: bool) -> dict[str, float]:
    """The metrics of a step's run record (runner.run_step's shape).

    Rows published are the step's `published` count, or the sum of its tables' `rows` (a
    step that builds several tables); a step that read no rows reports 0, never nothing."""
    result = record.get("result") or {}
    rows = result.get("rows")
    published = result.get("published")
    if published is None and isinstance(rows, dict):
        published = sum(rows.values())
    gate_failures = sum(
        1 for verdict in (record.get("quality") or {}).values() if verdict.get("critical_failed")
    )
    return {
        ROWS_READ: float(result.get("read") or 0),
        ROWS_PUBLISHED: float(published or 0),
        ROWS_QUARANTINED: float(result.get("quarantined") or 0),
        GATE_FAILURES: float(gate_failures),
        SECONDS: float(record.get("seconds") or 0),
        RUNS_SUCCEEDED: float(completes_workflow and record.get("status") in DONE),
    }
