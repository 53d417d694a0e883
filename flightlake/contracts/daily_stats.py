"""The daily statistics tables: one definition, grouped by route or by origin airport."""

from flightlake.contracts.model import Check, Column, Contract, Reference

GROUP_COLUMNS = {
    "origin": Column("origin", "string", "Origin airport", nullable=False),
    "dest": Column("dest", "string", "Destination airport", nullable=False),
}

_DELAY_STATS = tuple(
    Column(
        f"{stat}_{kind}_delay",
        "double",
        f"{label} {kind} delay in minutes, over flights with a known {kind} delay",
    )
    for kind in ("arr", "dep")
    for stat, label in (
        ("mean", "Mean"),
        ("median", "Median (exact)"),
        ("p90", "90th percentile (exact)"),
    )
)


def stats_columns() -> tuple[Column, ...]:
    return (
        Column("flights", "bigint", "Scheduled flights", nullable=False, min=1),
        Column("cancelled", "bigint", "Cancelled flights", nullable=False, min=0),
        Column("diverted", "bigint", "Diverted flights", nullable=False, min=0),
        Column("on_time", "bigint", "On-time arrivals (US DOT)", nullable=False, min=0),
        Column(
            "on_time_rate",
            "double",
            "on_time / flights (cancelled and diverted count as late)",
            nullable=False,
            min=0,
            max=1,
        ),
        *_DELAY_STATS,
        Column(
            "flight_month",
            "string",
            "Partition: month of flight_date (YYYY-MM)",
            nullable=False,
            pattern=r"^[0-9]{4}-[0-9]{2}$",
        ),
    )


def daily_stats_contract(name: str, per: str, group_by: tuple[str, ...]) -> Contract:
    """Statistics per flight_date and `group_by`, from curated.flights."""
    return Contract(
        name=name,
        layer="curated",
        description=f"Per day and {per}: volume, cancellations, diversions, on-time rate and "
        "delay mean / median / p90, from curated.flights.",
        columns=(
            Column(
                "flight_date", "date", "Scheduled departure date (origin clock)", nullable=False
            ),
            *(GROUP_COLUMNS[g] for g in group_by),
            *stats_columns(),
        ),
        key=("flight_date", *group_by),
        day_column="flight_date",
        partition_by=("flight_month",),
        depends_on=("flights",),
        references=(Reference("origin", "airports", "faa"),),
        checks=(
            Check(
                "counts_consistent",
                "unexpected_rows_expectation",
                {
                    "unexpected_rows_query": "SELECT * FROM {batch} "
                    "WHERE cancelled + diverted + on_time > flights"
                },
                "cancelled, diverted and on-time flights are distinct subsets of the flights",
                severity="critical",
            ),
        ),
    )
