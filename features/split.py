"""Time-based splits, from config: features/splits.toml by default."""

from __future__ import annotations

import itertools
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from pyspark.sql import Column
from pyspark.sql import functions as F

# Package data, read through importlib.resources: found wherever the package is installed.
DEFAULT_CONFIG = files("features") / "splits.toml"
SPLITS = ("train", "validation", "test")
# The weekly retrain's rolling splits, as of a day (its data ends the day before): a year to
# train on, the four weeks after it to stop early and calibrate on, the last week to report.
ROLLING_DAYS = {"train": 330, "validation": 28, "test": 7}


@dataclass(frozen=True)
class SplitConfig:
    ranges: dict[str, tuple[date, date]]  # split -> first and last flight date, inclusive

    @classmethod
    def load(cls, path: str | Path | None = None) -> SplitConfig:
        """From a TOML file; without one, features/splits.toml as installed."""
        source: Path | Traversable = Path(path) if path else DEFAULT_CONFIG
        try:
            raw = tomllib.loads(source.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ValueError(f"{source}: cannot read the split config: {exc}") from None
        ranges = {}
        for split in SPLITS:
            spec = raw.get(split)
            if not isinstance(spec, dict) or not {"from", "to"} <= spec.keys():
                raise ValueError(f"{source}: [{split}] needs from = YYYY-MM-DD and to = YYYY-MM-DD")
            first, last = _day(source, split, spec["from"]), _day(source, split, spec["to"])
            if last < first:
                raise ValueError(f"{source}: [{split}] ends before it starts")
            ranges[split] = (first, last)
        config = cls(ranges)
        config.check(source)
        return config

    @classmethod
    def rolling(cls, as_of: date) -> SplitConfig:
        """The splits of a model trained on the evening before `as_of`: they end the day
        before it, newest last (ROLLING_DAYS)."""
        ranges: dict[str, tuple[date, date]] = {}
        end = as_of
        for split in reversed(SPLITS):
            start = end - timedelta(days=ROLLING_DAYS[split])
            ranges[split] = (start, end - timedelta(days=1))
            end = start
        return cls({s: ranges[s] for s in SPLITS})

    @property
    def span(self) -> tuple[date, date]:
        """The first and last flight date of every split."""
        return self.ranges[SPLITS[0]][0], self.ranges[SPLITS[-1]][1]

    def check(self, where: object = "split config") -> None:
        """Splits must follow each other in time: train, then validation, then test."""
        ordered = [self.ranges[s] for s in SPLITS]
        for (a, b), (c, _) in itertools.pairwise(ordered):
            if c <= b or a > b:
                raise ValueError(f"{where}: splits overlap or are out of order: {self.ranges}")

    def column(self, day: Column) -> Column:
        """The split a flight date falls in, or null outside every range."""
        out = F.lit(None).cast("string")
        for split in reversed(SPLITS):
            first, last = self.ranges[split]
            out = F.when(day.between(F.lit(first), F.lit(last)), F.lit(split)).otherwise(out)
        return out

    def as_dict(self) -> dict[str, dict[str, str]]:
        return {
            s: {"from": a.isoformat(), "to": b.isoformat()} for s, (a, b) in self.ranges.items()
        }


def _day(path: object, split: str, value: object) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{path}: [{split}] {value!r} is not a YYYY-MM-DD date") from None
