"""Contract: curated.model_monitoring — drift of each feature and of the scores, per scoring
day, as the daily scoring measured it."""

from flightlake.contracts.model import Column, Contract

KINDS = ("calendar", "feature", "prediction")

CONTRACT = Contract(
    name="model_monitoring",
    layer="curated",
    description=(
        "Drift of the champion's inputs and scores, one row per scoring date and monitored "
        "series (every feature, and `score` for the predictions): the population stability "
        "index of the trailing week against the eight weeks before it and against the model's "
        "training set, the alarm threshold learnt from those weeks, and whether it raises an "
        "alarm. Calendar features are reported, never alarmed on. Written by the daily "
        "workflow's monitor step; rerunning a date replaces its partition."
    ),
    columns=(
        Column("scoring_date", "string", "Flight date monitored, YYYY-MM-DD", nullable=False),
        Column("model_version", "string", "The champion that scored the day", nullable=False),
        Column("series", "string", "A feature's name, or score", nullable=False),
        Column(
            "kind",
            "string",
            "calendar (moves with the date: reported, not alarmed on), feature, or prediction",
            nullable=False,
            values=KINDS,
        ),
        Column("flights", "bigint", "Flights scored that day", nullable=False, min=0),
        Column(
            "reference_days",
            "int",
            "Days with flights in the eight reference weeks",
            nullable=False,
            min=0,
        ),
        Column(
            "psi_recent",
            "double",
            "PSI of the trailing week against the eight weeks before it (null: fewer than two "
            "reference weeks)",
            min=0,
        ),
        Column(
            "psi_threshold",
            "double",
            "The alarm threshold: twice the largest PSI of one reference week against the "
            "others, at least 0.25",
            min=0,
        ),
        Column("psi_training", "double", "PSI of the trailing week against the training set",
               min=0),
        Column("alarm", "boolean", "A drift worth acting on", nullable=False),
        Column("monitoring_run", "string", "The run that measured it", nullable=False),
    ),
    key=("scoring_date", "series"),
    partition_by=("scoring_date",),
)
