"""Contract: processed.airlines — carrier codes and names."""

from flightlake.contracts.model import LINEAGE, Column, Contract, RawColumn, RawSource

SOURCE = RawSource(
    name="airlines",
    layout="snapshot",
    columns=(RawColumn("carrier"), RawColumn("name")),
)

SOURCE_RULES: tuple = ()

CONTRACT = Contract(
    name="airlines",
    description="Airlines by two-character carrier code.",
    source=SOURCE,
    source_rules=SOURCE_RULES,
    columns=(
        Column("carrier", "string", "Carrier code", nullable=False, pattern=r"^[A-Z0-9]{2}$"),
        Column("name", "string", "Airline name", nullable=False),
        *LINEAGE,
    ),
    key=("carrier",),
)
