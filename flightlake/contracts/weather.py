"""Contract: processed.weather — hourly observations at the three New York airports."""

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

SOURCE = RawSource(
    name="weather",
    layout="daily",
    columns=(
        RawColumn("origin"),
        RawColumn("year", "int"),
        RawColumn("month", "int"),
        RawColumn("day", "int"),
        RawColumn("hour", "int"),
        RawColumn("temp", "double"),
        RawColumn("dewp", "double"),
        RawColumn("humid", "double"),
        RawColumn("wind_dir", "double"),
        RawColumn("wind_speed", "double"),
        RawColumn("wind_gust", "double"),
        RawColumn("precip", "double"),
        RawColumn("pressure", "double"),
        RawColumn("visib", "double"),
        RawColumn("time_hour", "timestamp"),
    ),
)

SOURCE_RULES = (
    *daily_file_rules("observations"),
    Rule("hour_valid", "hour BETWEEN 0 AND 23", "hour is a local clock hour"),
    Rule("time_hour_present", "time_hour IS NOT NULL", "the observation instant is known"),
)

CONTRACT = Contract(
    name="weather",
    description=(
        "Hourly weather observed at EWR, JFK and LGA, one row per airport and UTC hour. "
        "On the autumn daylight-saving day the local hour 01 occurs twice; both rows are "
        "kept because they are different instants."
    ),
    source=SOURCE,
    source_rules=SOURCE_RULES,
    columns=(
        Column("origin", "string", "Airport FAA code", nullable=False, pattern=r"^[A-Z]{3}$"),
        Column("observed_at_utc", "timestamp", "Hour of the observation (UTC)", nullable=False),
        Column(
            "observed_at_local",
            "timestamp_ntz",
            "Hour of the observation, local clock",
            nullable=False,
        ),
        Column("observation_date", "date", "Local date of the observation", nullable=False),
        Column("temp_f", "double", "Temperature, °F", min=-80, max=140),
        Column("dewpoint_f", "double", "Dew point, °F", min=-80, max=140),
        Column("humidity_pct", "double", "Relative humidity, %", min=0, max=100),
        Column("wind_dir_deg", "int", "Wind direction, degrees", min=0, max=360),
        Column("wind_speed_mph", "double", "Wind speed, mph", min=0, max=250),
        Column("wind_gust_mph", "double", "Gust speed, mph", min=0, max=300),
        Column("precip_in", "double", "Precipitation, inches", min=0, max=20),
        Column("pressure_mb", "double", "Sea level pressure, millibars", min=850, max=1100),
        Column("visibility_mi", "double", "Visibility, miles", min=0, max=100),
        *LINEAGE,
        Column(
            "observation_month",
            "string",
            "Partition: month of observation_date",
            nullable=False,
            pattern=r"^[0-9]{4}-[0-9]{2}$",
        ),
    ),
    key=("origin", "observed_at_utc"),
    day_column="observation_date",
    partition_by=("observation_month",),
    depends_on=("airports",),
    references=(Reference("origin", "airports", "faa"),),
    checks=(
        Check(
            "all_airports_report",
            "expect_column_unique_value_count_to_be_between",
            {"column": "origin", "min_value": 3, "max_value": 3},
            "each of the three New York airports has observations (origin_in_airports and the "
            "format rule say which ones)",
        ),
    ),
)
