"""Table contracts: the single source of truth for every table of the lake.

CONTRACTS are the processed tables (each built from a raw source), CURATED the tables built
from them, PREDICTIONS the scoring output, MONITORING its drift; `model` holds the contract
classes and `types` the contract column types with every engine's name for them.
"""

from flightlake.contracts import (
    airlines,
    airports,
    curated_flights,
    daily_airport_stats,
    daily_route_stats,
    flights,
    model_monitoring,
    planes,
    predictions,
    weather,
)
from flightlake.contracts.model import (
    Check,
    Column,
    Contract,
    RawColumn,
    RawSource,
    Reference,
    Rule,
)

# Dependency order: reference snapshots first, then the daily tables that look them up.
CONTRACTS: dict[str, Contract] = {
    c.name: c
    for c in (
        airlines.CONTRACT,
        airports.CONTRACT,
        planes.CONTRACT,
        weather.CONTRACT,
        flights.CONTRACT,
    )
}


# Curated tables, built only from processed ones, in build order.
CURATED: dict[str, Contract] = {
    c.name: c
    for c in (curated_flights.CONTRACT, daily_route_stats.CONTRACT, daily_airport_stats.CONTRACT)
}


# Written by batch scoring (`flightlake score`), not by the curated build.
PREDICTIONS: Contract = predictions.CONTRACT
# Written by the daily workflow's monitor step.
MONITORING: Contract = model_monitoring.CONTRACT


def raw_sources() -> dict[str, RawSource]:
    """Every raw source by name, as its processed table's contract describes it."""
    return {c.source.name: c.source for c in CONTRACTS.values()}


def all_contracts() -> list[Contract]:
    """Every table of the lake: processed, curated, then the model's."""
    return [*CONTRACTS.values(), *CURATED.values(), PREDICTIONS, MONITORING]


def get_curated(name: str) -> Contract:
    try:
        return CURATED[name]
    except KeyError:
        raise KeyError(f"no curated contract {name!r}; known: {', '.join(CURATED)}") from None


def get(name: str) -> Contract:
    try:
        return CONTRACTS[name]
    except KeyError:
        raise KeyError(f"no contract for table {name!r}; known: {', '.join(CONTRACTS)}") from None


__all__ = [
    "CONTRACTS",
    "CURATED",
    "MONITORING",
    "PREDICTIONS",
    "Check",
    "Column",
    "Contract",
    "RawColumn",
    "RawSource",
    "Reference",
    "Rule",
    "all_contracts",
    "get",
    "get_curated",
]
