"""Contract: curated.predictions — the delay-risk score of every scored flight."""

from flightlake.contracts import flights
from flightlake.contracts.model import Column, Contract

ROLES = ("champion", "challenger")

CONTRACT = Contract(
    name="predictions",
    layer="curated",
    description=(
        "Delay-risk scores from batch scoring: one row per flight, scoring date and model "
        "version, written by the daily scoring from the batch-transform output. The champion's "
        "scores are the published ones; a challenger's are shadow scores, kept to compare the "
        "two on actual outcomes. Rescoring a date replaces its partition. Join on flight_id "
        "with curated.flights for the actual outcome."
    ),
    columns=(
        flights.CONTRACT.column("flight_id"),
        flights.CONTRACT.column("flight_date"),
        Column(
            "score",
            "double",
            "Probability the flight is not on time (US DOT)",
            nullable=False,
            min=0,
            max=1,
        ),
        Column("model_version", "string", "Registry version, e.g. delay-risk/v3", nullable=False),
        Column(
            "role",
            "string",
            "champion (the approved model: the published score) or challenger (shadow score "
            "of the newest candidate)",
            nullable=False,
            values=ROLES,
        ),
        Column("scoring_run", "string", "The scoring run that wrote the row", nullable=False),
        Column("scored_at", "timestamp", "When the row was scored (UTC)", nullable=False),
        Column("scoring_date", "string", "Flight date scored, YYYY-MM-DD", nullable=False),
    ),
    key=("flight_id", "model_version"),
    day_column="flight_date",
    partition_by=("scoring_date",),
    depends_on=("flights",),
)
