"""Contract: curated.daily_airport_stats — one row per day and origin airport."""

from flightlake.contracts.daily_stats import stats_columns
from flightlake.contracts.model import Column, Contract

CONTRACT = Contract(
    name="daily_airport_stats",
    layer="curated",
    description="Per day and origin airport: volume, cancellations, diversions, on-time rate "
    "and delay mean / median / p90, from curated.flights.",
    columns=(
        Column("flight_date", "date", "Scheduled departure date (origin clock)", nullable=False),
        Column("origin", "string", "Origin airport", nullable=False),
        *stats_columns(),
    ),
    key=("flight_date", "origin"),
    day_column="flight_date",
    partition_by=("flight_month",),
    depends_on=("flights",),
)
