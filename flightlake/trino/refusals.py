"""Constructs whose local answer would differ from Athena's, refused with the reason.

An approximate aggregate gives a different estimate in each engine (Trino's are documented at
https://trino.io/docs/current/functions/aggregate.html#approximate-aggregate-functions), and a
query that depends on it must not silently disagree with Athena: `flightlake sql` names the
construct and the exact alternative instead of answering.
"""

from __future__ import annotations

from sqlglot import exp

APPROXIMATE = {
    exp.ApproxQuantile: (
        "approx_percentile",
        "Trino's estimate (a t-digest) differs from DuckDB's; for an exact percentile use "
        "min(x) FILTER (WHERE cume_dist >= p) over cume_dist() OVER (ORDER BY x)",
    ),
    exp.ApproxDistinct: (
        "approx_distinct",
        "Trino's HyperLogLog estimate (standard error 2.3%) differs from DuckDB's; "
        "count(DISTINCT x) is exact on both",
    ),
}

# Functions sqlglot parses as Anonymous whose DuckDB namesake, if any, means something else.
APPROXIMATE_FUNCTIONS = {
    "approx_set": "a HyperLogLog sketch has no DuckDB equivalent",
    "approx_most_frequent": "Trino's space-saving estimate differs from any local answer",
    "numeric_histogram": "Trino's approximate histogram differs from any local answer",
    "qdigest_agg": "a quantile digest has no DuckDB equivalent",
    "tdigest_agg": "a t-digest has no DuckDB equivalent",
}


def refusal(node: exp.Expression) -> str | None:
    """Why `node` is not run locally, or None."""
    for kind, (name, why) in APPROXIMATE.items():
        if isinstance(node, kind):
            return f"{name}: {why}"
    if isinstance(node, exp.Anonymous) and node.name.lower() in APPROXIMATE_FUNCTIONS:
        return f"{node.name.lower()}: {APPROXIMATE_FUNCTIONS[node.name.lower()]}"
    if isinstance(node, exp.TableSample):
        return "TABLESAMPLE: each engine draws a different random sample"
    return None
