"""What a validation found, in plain data: stored in the lake, shown by `flightlake quality`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from flightlake.lake import Lake
from flightlake.runtime.storage import read_json, write_json

SAMPLES = 5


@dataclass
class Outcome:
    """One expectation on one batch."""

    name: str
    suite: str
    kind: str
    severity: str
    description: str
    success: bool
    unexpected: int | None = None
    rows: int | None = None
    observed: object = None
    samples: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def critical(self) -> bool:
        return self.severity == "critical"

    def summary(self) -> str:
        """e.g. `carrier_in_airlines (critical): 31 of 27,004 rows, e.g. ZZ, ZZ`."""
        parts = [f"{self.name} ({self.severity})"]
        if self.error:
            parts.append(f"could not be evaluated: {self.error}")
        elif self.unexpected is not None and self.rows is not None:
            parts.append(f"{self.unexpected:,} of {self.rows:,} rows")
        elif self.observed is not None:
            parts.append(f"observed {self.observed}")
        text = parts[0] + (": " + parts[1] if len(parts) > 1 else "")
        if self.samples:
            text += ", e.g. " + "; ".join(self.samples[:3])
        return text


@dataclass
class TableQuality:
    """Every expectation of one table in one run."""

    table: str
    run_id: str
    batches: dict[str, dict] = field(default_factory=dict)
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def critical_failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.success and o.critical]

    @property
    def warnings(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.success and not o.critical]

    @property
    def passed(self) -> bool:
        return not self.critical_failures

    def as_dict(self) -> dict:
        return {**asdict(self), "passed": self.passed}

    def record(self, lake: Lake) -> dict:
        """What the run record keeps: counts, the names that failed and where the rest is."""
        return {
            "passed": self.passed,
            "expectations": len(self.outcomes),
            "critical_failed": [o.summary() for o in self.critical_failures],
            "warnings": [o.summary() for o in self.warnings],
            "seconds": self.seconds,
            "results": lake.uri(lake.quality_file(self.run_id, self.table)),
        }

    @classmethod
    def from_dict(cls, data: dict) -> TableQuality:
        outcomes = [Outcome(**o) for o in data["outcomes"]]
        return cls(
            table=data["table"],
            run_id=data["run_id"],
            batches=data["batches"],
            outcomes=outcomes,
            seconds=data["seconds"],
        )


def save(lake: Lake, quality: TableQuality) -> str:
    path = lake.quality_file(quality.run_id, quality.table)
    write_json(lake.storage, path, quality.as_dict())
    return path


def load_run(lake: Lake, run_id: str) -> list[TableQuality]:
    files = [
        f.path
        for f in lake.storage.list_files(lake.quality_dir(run_id))
        if f.path.endswith(".json")
    ]
    return [TableQuality.from_dict(read_json(lake.storage, p)) for p in sorted(files)]


def run_ids(lake: Lake) -> list[str]:
    """Runs with stored results, oldest first (run ids sort by time)."""
    found = {
        f.path.split("/")[1]
        for f in lake.storage.list_files(lake.quality_root())
        if f.path.endswith(".json")
    }
    return sorted(found)
