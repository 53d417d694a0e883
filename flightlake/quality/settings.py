"""Thresholds of the quality gate: defaults here, overridden by environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class GateSettings:
    # FLIGHTLAKE_QUALITY_GATE=off skips validation (benchmarks measure the gate's cost this
    # way); the stored results and the run record then say the gate was off.
    enabled: bool = True
    # A raw file with a larger share of its rows quarantined stops the table: one bad row is
    # quarantined and the rest flows, a mostly-bad drop is a broken delivery.
    max_quarantine_share: float = 0.10
    # A delivered day with fewer rows than this share of the median day of its months is a
    # truncated drop (2013: the quietest day has 66% of the median day's flights).
    min_day_share: float = 0.5
    # The daily-volume check needs this many days in the validated months to know "usual".
    min_days_for_volume: int = 7

    @classmethod
    def from_env(cls) -> GateSettings:
        """FLIGHTLAKE_QUALITY_<FIELD> overrides a field, e.g.
        FLIGHTLAKE_QUALITY_MAX_QUARANTINE_SHARE=0.2."""
        values: dict = {}
        gate = os.environ.get("FLIGHTLAKE_QUALITY_GATE", "on").lower()
        if gate not in ("on", "off"):
            raise ValueError(f"FLIGHTLAKE_QUALITY_GATE={gate!r}: use on or off")
        values["enabled"] = gate == "on"
        for f in fields(cls):
            if f.name == "enabled":
                continue
            name = f"FLIGHTLAKE_QUALITY_{f.name.upper()}"
            raw = os.environ.get(name)
            if raw is None:
                continue
            kind = int if f.type == "int" else float
            try:
                value = kind(raw)
            except ValueError:
                raise ValueError(f"{name}={raw!r} is not a number") from None
            if value < 0 or (kind is float and value > 1):
                raise ValueError(f"{name}={raw!r} is out of range")
            values[f.name] = value
        return cls(**values)
