"""The local model registry: one JSON document per version in the lake."""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

from flightlake import runs
from flightlake.lake import Lake
from flightlake.runtime.storage import read_json, write_json
from training.registry.base import APPROVED, GROUP, ModelVersion, decide


class LocalRegistry:
    def __init__(self, lake: Lake, group: str = GROUP) -> None:
        self.lake = lake
        self.group = group

    def _file(self, version: int) -> str:
        return f"{self.lake.registry_dir(self.group)}/v{version:04d}.json"

    def versions(self) -> list[ModelVersion]:
        files = sorted(
            f.path
            for f in self.lake.storage.list_files(self.lake.registry_dir(self.group))
            if f.path.endswith(".json")
        )
        return [ModelVersion(**read_json(self.lake.storage, path)) for path in files]

    def latest_approved(self) -> ModelVersion | None:
        approved = [v for v in self.versions() if v.status == APPROVED]
        return approved[-1] if approved else None

    def register(
        self,
        model_uri: str,
        metrics: dict[str, float],
        hyperparameters: dict[str, Any],
        lineage: dict[str, Any],
    ) -> ModelVersion:
        existing = self.versions()
        decision = decide(metrics, self.latest_approved())
        version = ModelVersion(
            group=self.group,
            version=(existing[-1].version if existing else 0) + 1,
            model_uri=model_uri,
            metrics=metrics,
            hyperparameters=hyperparameters,
            lineage=lineage,
            status=decision.status,
            reason=decision.reason,
            created_at=runs.now_iso(),
        )
        write_json(self.lake.storage, self._file(version.version), asdict(version))
        return version

    def set_status(self, version: ModelVersion, status: str, reason: str) -> ModelVersion:
        # Each decision is kept in the version's own history: the file is its only record.
        history = [*version.extra.get("history", []),
                   {"at": runs.now_iso(), "status": status, "reason": reason}]
        changed = replace(version, status=status, reason=reason,
                          extra={**version.extra, "history": history})
        write_json(self.lake.storage, self._file(version.version), asdict(changed))
        return changed
