"""Contract: processed.flights — one row per scheduled departure from New York."""

from flightlake.contracts.model import (
    LINEAGE,
    Check,
    Column,
    Contract,
    RawColumn,
    RawSource,
    Reference,
    Rule,
    daily_file_rules,
)

_DELAY = {"min": -1440, "max": 1440}
_HHMM = "{c} IS NULL OR ({c} BETWEEN 0 AND 2400 AND {c} % 100 < 60)"

SOURCE = RawSource(
    name="flights",
    layout="daily",
    columns=(
        RawColumn("year", "int"),
        RawColumn("month", "int"),
        RawColumn("day", "int"),
        RawColumn("dep_time", "int"),
        RawColumn("sched_dep_time", "int"),
        RawColumn("dep_delay", "int"),
        RawColumn("arr_time", "int"),
        RawColumn("sched_arr_time", "int"),
        RawColumn("arr_delay", "int"),
        RawColumn("carrier"),
        RawColumn("flight", "int"),
        RawColumn("tailnum"),
        RawColumn("origin"),
        RawColumn("dest"),
        RawColumn("air_time", "int"),
        RawColumn("distance", "int"),
        RawColumn("hour", "int"),
        RawColumn("minute", "int"),
        RawColumn("time_hour"),
    ),
)

SOURCE_RULES = (
    *daily_file_rules("flights scheduled"),
    *(
        Rule(f"{c}_hhmm", _HHMM.format(c=c), f"{c} is a clock time HHMM (2400 = midnight)")
        for c in ("dep_time", "sched_dep_time", "arr_time", "sched_arr_time")
    ),
    Rule("sched_dep_time_present", "sched_dep_time IS NOT NULL", "a flight has a schedule"),
    Rule("sched_arr_time_present", "sched_arr_time IS NOT NULL", "a flight has a schedule"),
    Rule(
        "dep_delay_consistent",
        "dep_time IS NULL OR dep_delay IS NULL OR "
        "pmod((sched_dep_time DIV 100) * 60 + sched_dep_time % 100 + dep_delay"
        " - (dep_time DIV 100) * 60 - dep_time % 100, 1440) = 0",
        "dep_delay equals actual minus scheduled departure",
    ),
    Rule(
        "cancelled_has_no_delay",
        "dep_time IS NOT NULL OR dep_delay IS NULL",
        "a flight without a departure time has no departure delay",
    ),
)

CONTRACT = Contract(
    name="flights",
    description=(
        "Every flight scheduled to leave EWR, JFK or LGA in 2013, one row per flight, with "
        "local and UTC timestamps and its status. Cancelled flights have no actual times; "
        "diverted flights departed but have no arrival at their destination."
    ),
    source=SOURCE,
    source_rules=SOURCE_RULES,
    columns=(
        Column(
            "flight_id",
            "string",
            "Stable id: date-carrier-number-origin",
            nullable=False,
            pattern=r"^[0-9]{8}-[A-Z0-9]{2}-[0-9]+-[A-Z]{3}$",
        ),
        Column(
            "flight_date", "date", "Scheduled departure date, local at the origin", nullable=False
        ),
        Column(
            "carrier",
            "string",
            "Two-character IATA airline code",
            nullable=False,
            pattern=r"^[A-Z0-9]{2}$",
        ),
        Column("flight", "int", "Flight number", nullable=False, min=1, max=9999),
        Column(
            "tailnum",
            "string",
            "Plane tail number, normalised (upper case, no spaces)",
            pattern=r"^[A-Z0-9]{2,7}$",
        ),
        Column(
            "origin", "string", "Origin airport FAA code", nullable=False, pattern=r"^[A-Z]{3}$"
        ),
        Column(
            "dest",
            "string",
            "Destination airport FAA code",
            nullable=False,
            pattern=r"^[A-Z0-9]{3}$",
        ),
        Column(
            "status",
            "string",
            "departed; cancelled (no departure); diverted (departed, no arrival delay)",
            nullable=False,
            values=("departed", "cancelled", "diverted"),
        ),
        Column(
            "sched_dep_local",
            "timestamp_ntz",
            "Scheduled departure, origin wall clock",
            nullable=False,
        ),
        Column("sched_dep_utc", "timestamp", "Scheduled departure instant (UTC)", nullable=False),
        Column("dep_local", "timestamp_ntz", "Actual departure, origin wall clock"),
        Column("dep_utc", "timestamp", "Actual departure instant (UTC)"),
        Column(
            "sched_arr_local",
            "timestamp_ntz",
            "Scheduled arrival, destination wall clock",
            nullable=False,
        ),
        Column("sched_arr_utc", "timestamp", "Scheduled arrival instant (UTC)", nullable=False),
        Column(
            "arr_local",
            "timestamp_ntz",
            "Actual arrival, destination wall clock; null when cancelled or diverted",
        ),
        Column("arr_utc", "timestamp", "Actual arrival instant (UTC)"),
        Column("dep_delay", "int", "Departure delay, minutes (negative = early)", **_DELAY),
        Column("arr_delay", "int", "Arrival delay, minutes (negative = early)", **_DELAY),
        Column("air_time", "int", "Minutes in the air", min=0, max=1440),
        Column("distance", "int", "Great-circle distance, miles", nullable=False, min=1, max=10000),
        Column("origin_tz", "string", "IANA time zone of the origin", nullable=False),
        Column("dest_tz", "string", "IANA time zone of the destination", nullable=False),
        Column(
            "dest_supplemented",
            "boolean",
            "Destination missing from the airports snapshot; time zone from the "
            "documented supplement",
            nullable=False,
        ),
        Column(
            "tailnum_unregistered",
            "boolean",
            "Tail number present but absent from the planes registry",
            nullable=False,
        ),
        *LINEAGE,
        Column(
            "flight_month",
            "string",
            "Partition: month of flight_date (YYYY-MM)",
            nullable=False,
            pattern=r"^[0-9]{4}-[0-9]{2}$",
        ),
    ),
    key=("flight_date", "carrier", "flight", "origin"),
    day_column="flight_date",
    partition_by=("flight_month",),
    rules=(
        Rule(
            "origin_airport_known",
            "origin_tz IS NOT NULL",
            "the origin is in processed.airports with a time zone",
        ),
        Rule(
            "dest_airport_known",
            "dest_tz IS NOT NULL",
            "the destination is in processed.airports with a time zone (else add it to "
            "flightlake/reference/airports_supplement.csv)",
        ),
        Rule(
            "sched_dep_exists",
            "from_utc_timestamp(sched_dep_utc, origin_tz) = CAST(sched_dep_local AS TIMESTAMP)",
            "the scheduled departure exists on the origin's clock (not in the spring-forward "
            "gap); an autumn time that occurs twice is read as the first (daylight) one",
        ),
        Rule(
            "arrival_after_departure",
            "arr_utc IS NULL OR dep_utc IS NULL OR arr_utc > dep_utc",
            "a plane lands after it takes off",
        ),
    ),
    flags=("dest_supplemented", "tailnum_unregistered"),
    depends_on=("airlines", "airports", "planes"),
    references=(
        Reference("carrier", "airlines", "carrier"),
        Reference("origin", "airports", "faa"),
    ),
    checks=(
        Check(
            "cancelled_share_plausible",
            "expect_column_values_to_be_in_set",
            {"column": "status", "value_set": ["departed", "diverted"], "mostly": 0.90},
            "at most 10% of the flights are cancelled (2013 months: 0.8–5.1%)",
        ),
        Check(
            "dep_delay_mean_plausible",
            "expect_column_mean_to_be_between",
            {"column": "dep_delay", "min_value": -5, "max_value": 45},
            "mean departure delay between -5 and 45 minutes (2013 months: 5.4–21.7)",
        ),
        Check(
            "arr_delay_quantiles_plausible",
            "expect_column_quantile_values_to_be_between",
            {
                "column": "arr_delay",
                "quantile_ranges": {
                    "quantiles": [0.5, 0.9],
                    "value_ranges": [[-30, 30], [0, 180]],
                },
            },
            "median arrival delay within ±30 minutes, 90th percentile within 0–180",
        ),
    ),
)
