"""Contract: processed.planes — the FAA aircraft registry snapshot."""

from flightlake.contracts.model import LINEAGE, Column, Contract, RawColumn, RawSource

SOURCE = RawSource(
    name="planes",
    layout="snapshot",
    columns=(
        RawColumn("tailnum"),
        RawColumn("year", "int"),
        RawColumn("type"),
        RawColumn("manufacturer"),
        RawColumn("model"),
        RawColumn("engines", "int"),
        RawColumn("seats", "int"),
        RawColumn("speed", "int"),
        RawColumn("engine"),
    ),
)

SOURCE_RULES: tuple = ()

CONTRACT = Contract(
    name="planes",
    description="Aircraft registry: one row per tail number. Unknown build year is null.",
    source=SOURCE,
    source_rules=SOURCE_RULES,
    columns=(
        Column(
            "tailnum",
            "string",
            "Tail number, normalised (upper case, no spaces)",
            nullable=False,
            pattern=r"^[A-Z0-9]{2,7}$",
        ),
        Column("year_built", "int", "Year manufactured; null when unknown", min=1900, max=2100),
        Column("type", "string", "Aircraft type"),
        Column("manufacturer", "string", "Manufacturer"),
        Column("model", "string", "Model"),
        Column("engines", "int", "Number of engines", min=0, max=8),
        Column("seats", "int", "Number of seats", min=0, max=1000),
        Column("speed_mph", "int", "Average cruising speed, mph", min=0, max=2000),
        Column("engine", "string", "Engine type"),
        *LINEAGE,
    ),
    key=("tailnum",),
)
