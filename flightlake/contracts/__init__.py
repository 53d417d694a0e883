"""Table contracts: the single source of truth for every processed table."""

from flightlake.contracts import airlines, airports, flights, planes, weather
from flightlake.contracts.model import Column, Contract, RawColumn, RawSource, Rule

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


def get(name: str) -> Contract:
    try:
        return CONTRACTS[name]
    except KeyError:
        raise KeyError(f"no contract for table {name!r}; known: {', '.join(CONTRACTS)}") from None


__all__ = ["CONTRACTS", "Column", "Contract", "RawColumn", "RawSource", "Rule", "get"]
