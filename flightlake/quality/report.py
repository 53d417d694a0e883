"""A self-contained HTML page of one run's validation results, written into the lake."""

from __future__ import annotations

from html import escape

from flightlake.lake import Lake
from flightlake.quality import results
from flightlake.quality.results import Outcome, TableQuality

_STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:.5em 0 2em;width:100%}
th,td{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4}.pass{color:#176f2c}.fail{color:#b00020;font-weight:600}
.warn{color:#a15c00;font-weight:600}code{font-size:12px}small{color:#666}
"""


def _status(o: Outcome) -> str:
    if o.success:
        return '<span class="pass">passed</span>'
    if o.critical:
        return '<span class="fail">FAILED</span>'
    return '<span class="warn">warning</span>'


def _found(o: Outcome) -> str:
    if o.success:
        return ""
    if o.error:
        return escape(f"not evaluated: {o.error}")
    bits = []
    if o.unexpected is not None:
        bits.append(f"{o.unexpected:,} unexpected" + (f" of {o.rows:,}" if o.rows else ""))
    elif o.observed is not None:
        bits.append(f"observed {o.observed}")
    bits.extend(o.samples)
    return "<br>".join(escape(b) for b in bits)


def _table(q: TableQuality) -> str:
    verdict = "passed" if q.passed else "FAILED — nothing published"
    rows = "".join(
        f"<tr><td><code>{escape(o.name)}</code><br><small>{escape(o.suite)}</small></td>"
        f"<td>{escape(o.severity)}</td><td>{_status(o)}</td>"
        f"<td>{escape(o.description)}</td><td>{_found(o)}</td></tr>"
        for o in sorted(q.outcomes, key=lambda o: (o.success, not o.critical, o.name))
    )
    batches = "; ".join(
        f"{escape(name)}: " + ", ".join(f"{escape(k)} {escape(str(v))}" for k, v in d.items())
        for name, d in q.batches.items()
    )
    return (
        f"<h2>{escape(q.table)} — {verdict}</h2>"
        f"<p><small>{len(q.outcomes)} expectations, {len(q.warnings)} warnings, "
        f"{q.seconds:.1f}s. Batches: {batches}</small></p>"
        "<table><tr><th>expectation</th><th>severity</th><th>status</th>"
        f"<th>what is expected</th><th>found</th></tr>{rows}</table>"
    )


def render(run_id: str, tables: list[TableQuality]) -> str:
    body = "".join(_table(q) for q in tables)
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>flightlake quality "
        f"{escape(run_id)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>Data quality — run {escape(run_id)}</h1>{body}</body></html>"
    )


def write(lake: Lake, run_id: str) -> str:
    """(Re)write the run's report from every result stored for it; return its location."""
    path = lake.quality_report(run_id)
    html = render(run_id, results.load_run(lake, run_id))
    lake.storage.write_bytes(path, html.encode())
    return lake.uri(path)
