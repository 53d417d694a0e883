"""The data dictionary, rendered from the contracts (docs/data_dictionary.md).

python -m flightlake.dictionary > docs/data_dictionary.md
"""

from __future__ import annotations

from flightlake.contracts import Column, Contract, all_contracts


def _constraints(c: Column) -> str:
    parts = []
    if c.pattern:
        parts.append(f"matches `{c.pattern}`")
    if c.min is not None or c.max is not None:
        parts.append(
            f"in [{c.min if c.min is not None else '…'}, {c.max if c.max is not None else '…'}]"
        )
    if c.values:
        parts.append("one of " + ", ".join(f"`{v}`" for v in c.values))
    return "; ".join(parts)


def render_table(contract: Contract) -> str:
    lines = [
        f"## {contract.qualified_name}",
        "",
        contract.description,
        "",
        f"- natural key: `{', '.join(contract.key)}`",
        f"- partitioned by: `{', '.join(contract.partition_by)}`"
        if contract.partition_by
        else "- not partitioned (one file)",
        f"- raw source: `raw/{contract.source.name}/` ({contract.source.layout})"
        if contract.source
        # A contract's dependencies are processed tables, also for a table built on another
        # curated table (daily stats on curated.flights): the one it ultimately reads.
        else f"- depends on: {', '.join(f'processed.{d}' for d in contract.depends_on)}",
        "",
        "| column | type | required | constraints | description |",
        "|---|---|---|---|---|",
    ]
    for c in contract.columns:
        required = "yes" if not c.nullable else ""
        lines.append(
            f"| `{c.name}` | {c.type} | {required} | {_constraints(c)} | {c.description} |"
        )
    rules = [f"- `{r.name}`: {r.description}" for r in (*contract.source_rules, *contract.rules)]
    if contract.source:  # processed rows are checked against their references one by one
        rules += [
            f"- `{ref.rule}`: the row's `{ref.column}` is a `{ref.ref_column}` of "
            f"processed.{ref.table}"
            for ref in contract.references
        ]
    if rules:
        lines += ["", "Row rules (a row breaking one is quarantined under the rule's name):", ""]
        lines += rules
    gate = [
        f"- `{ref.rule}` (critical): every `{ref.column}` is a "
        f"`{ref.ref_column}` of processed.{ref.table}"
        for ref in contract.references
    ] + [f"- `{c.name}` ({c.severity}): {c.description}" for c in contract.checks]
    if gate:
        lines += ["", "Quality gate, besides the checks derived from the columns:", "", *gate]
    return "\n".join(lines)


def render() -> str:
    head = [
        "# Data dictionary",
        "",
        "Generated from `flightlake/contracts/` by `python -m flightlake.dictionary`; do not edit.",
        "Every table of the lake: the processed tables, built from raw files; the curated "
        "tables, built from them; and `curated.predictions`, written by batch scoring "
        "(`flightlake score`).",
        "",
        "In processed tables the column constraints are quarantine rules too, named "
        "`<column>_not_null`, `_format`, `_range` and `_accepted`. The quality gate checks the "
        "same constraints, types and key uniqueness on every processed table and every table the "
        "curated build writes before it is published (see docs/quality.md).",
        "",
    ]
    tables = "\n\n".join(render_table(c) for c in all_contracts())
    return "\n".join(head) + "\n" + tables + "\n"


if __name__ == "__main__":
    print(render(), end="")
