"""Columns shared by the daily statistics tables (one definition, two tables)."""

from flightlake.contracts.model import Column

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
