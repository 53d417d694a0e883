"""Contract: curated.flights — every flight with its weather, plane, airports and DOT flags."""

from flightlake.contracts import flights, planes, weather
from flightlake.contracts.model import Check, Column, Contract

# Weather at the origin for the scheduled hour, and the plane: copied from their contracts.
WEATHER_COLUMNS = (
    "temp_f",
    "dewpoint_f",
    "humidity_pct",
    "wind_dir_deg",
    "wind_speed_mph",
    "wind_gust_mph",
    "precip_in",
    "pressure_mb",
    "visibility_mi",
)
PLANE_COLUMNS = ("year_built", "manufacturer", "model", "engines", "seats")


def _copied(source: Contract, names: tuple[str, ...], suffix: str = "") -> tuple[Column, ...]:
    """Columns of another contract, kept nullable (the lookup may find nothing)."""
    return tuple(
        Column(c.name, c.type, c.description + suffix, min=c.min, max=c.max)
        for c in (source.column(n) for n in names)
    )


_PROCESSED = tuple(c for c in flights.CONTRACT.columns if c.name not in ("source_file",))

DELAY_BUCKETS = ("early", "on_time", "15_44", "45_119", "120_plus", "cancelled", "diverted")

CONTRACT = Contract(
    name="flights",
    layer="curated",
    description=(
        "Business-ready flights: processed.flights enriched with the weather at the origin for "
        "the scheduled departure hour, the plane, both airports' names, the airline's name and "
        "US DOT delay flags. Every processed flight is here: unknown weather or plane leave "
        "nulls and a false *_known flag, never a dropped row."
    ),
    columns=(
        *_PROCESSED,
        Column("carrier_name", "string", "Airline name"),
        Column("origin_name", "string", "Origin airport name"),
        Column("dest_name", "string", "Destination airport name"),
        *_copied(weather.CONTRACT, WEATHER_COLUMNS, " at the origin, scheduled departure hour"),
        Column(
            "weather_known", "boolean", "An observation exists for origin and hour", nullable=False
        ),
        *_copied(planes.CONTRACT, PLANE_COLUMNS),
        Column(
            "plane_age_years",
            "int",
            "Flight year minus build year; null when the registered aircraft was built after "
            "the flight (the registry is a snapshot: the tail number was another aircraft's)",
            min=0,
            max=120,
        ),
        Column("plane_known", "boolean", "The tail number is in the registry", nullable=False),
        Column(
            "sched_dep_hour",
            "int",
            "Scheduled departure hour, origin clock",
            nullable=False,
            min=0,
            max=23,
        ),
        Column("is_cancelled", "boolean", "No departure", nullable=False),
        Column("is_diverted", "boolean", "Departed, did not arrive at dest", nullable=False),
        Column(
            "on_time",
            "boolean",
            "US DOT: arrived less than 15 minutes after schedule; cancelled and diverted "
            "flights are not on time",
            nullable=False,
        ),
        Column("dep_delayed_15", "boolean", "Departed 15 minutes or more late", nullable=False),
        Column(
            "arr_delay_bucket",
            "string",
            "early (<0), on_time (0-14), 15_44, 45_119, 120_plus minutes; or cancelled, diverted",
            nullable=False,
            values=DELAY_BUCKETS,
        ),
    ),
    key=("flight_date", "carrier", "flight", "origin"),
    day_column="flight_date",
    partition_by=("flight_month",),
    depends_on=("flights", "weather", "planes", "airports", "airlines"),
    # Its carrier and origin come from processed.flights: the same foreign keys.
    references=flights.CONTRACT.references,
    checks=(
        # Built-in expectations with `mostly`: computed in the same pass as the column checks.
        Check(
            "weather_coverage",
            "expect_column_values_to_be_in_set",
            {"column": "weather_known", "value_set": [True], "mostly": 0.95},
            "at least 95% of flights have the weather of their hour (2013 months: 96.7–100%)",
        ),
        Check(
            "plane_coverage",
            "expect_column_values_to_be_in_set",
            {"column": "plane_known", "value_set": [True], "mostly": 0.75},
            "at least 75% of flights have a registered plane (2013 months: 82.6–85.3%)",
        ),
    ),
)
