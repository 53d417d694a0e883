"""Table contracts: the single source of truth for every processed table."""

from flightlake.contracts import (
    airlines,
    airports,
    curated_flights,
    daily_airport_stats,
    daily_route_stats,
    flights,
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
    "PREDICTIONS",
    "Check",
    "Column",
    "Contract",
    "RawColumn",
    "RawSource",
    "Reference",
    "Rule",
    "get",
    "get_curated",
]
