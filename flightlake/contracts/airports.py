"""Contract: processed.airports — FAA airport list plus the documented supplement."""

from functools import partial

from flightlake.contracts.model import (
    LINEAGE,
    Column,
    Contract,
    RawColumn,
    RawSource,
    Rule,
    known_time_zones_sql,
)

SOURCE = RawSource(
    name="airports",
    layout="snapshot",
    columns=(
        RawColumn("faa"),
        RawColumn("name"),
        RawColumn("lat", "double"),
        RawColumn("lon", "double"),
        RawColumn("alt", "int"),
        RawColumn("tz", "double"),
        RawColumn("dst"),
        RawColumn("tzone"),
    ),
)

SOURCE_RULES: tuple = ()

CONTRACT = Contract(
    name="airports",
    description=(
        "Airports by FAA code with their IANA time zone. Rows with origin = 'supplement' "
        "come from flightlake/reference/airports_supplement.csv and fill airports the "
        "provider's snapshot lacks (see docs/data.md)."
    ),
    source=SOURCE,
    source_rules=SOURCE_RULES,
    columns=(
        Column("faa", "string", "FAA airport code", nullable=False, pattern=r"^[A-Z0-9]{3}$"),
        Column("name", "string", "Airport name", nullable=False),
        Column("lat", "double", "Latitude", min=-90, max=90),
        Column("lon", "double", "Longitude", min=-180, max=180),
        Column("alt_ft", "int", "Altitude, feet", min=-1500, max=30000),
        Column("utc_offset_h", "double", "Standard offset from UTC, hours", min=-12, max=14),
        Column(
            "dst",
            "string",
            "Daylight saving: A (US), U (unknown), N (none)",
            values=("A", "U", "N", "E"),
        ),
        Column("tzone", "string", "IANA time zone; null when the provider does not know it"),
        Column(
            "origin",
            "string",
            "snapshot or supplement",
            nullable=False,
            values=("snapshot", "supplement"),
        ),
        *LINEAGE,
    ),
    key=("faa",),
    rules=(
        Rule(
            "tzone_known",
            partial(known_time_zones_sql, "tzone"),
            "tzone is a known IANA time zone (flights are converted to UTC with it)",
        ),
    ),
)
