"""A model version, the approval rule and the registry interface both back ends implement."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

# Approval compares validation AUC: the test split stays untouched by every decision.
APPROVAL_METRIC = "validation_auc"
GROUP = "delay-risk"  # the local registry's folder and the SageMaker model package group
APPROVED = "Approved"
REJECTED = "Rejected"


@dataclass(frozen=True)
class ModelVersion:
    group: str
    version: int
    model_uri: str
    metrics: dict[str, float]
    hyperparameters: dict[str, Any]
    lineage: dict[str, Any]  # export id, data range, source run ids, training job
    status: str  # Approved | Rejected
    reason: str
    created_at: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.group}/v{self.version}"


@dataclass(frozen=True)
class Decision:
    approved: bool
    reason: str

    @property
    def status(self) -> str:
        return APPROVED if self.approved else REJECTED


def decide(metrics: dict[str, float], current: ModelVersion | None) -> Decision:
    """Approve a new model only if it beats the approved one on the validation metric."""
    if APPROVAL_METRIC not in metrics:
        return Decision(False, f"no {APPROVAL_METRIC} in the training metrics")
    new = float(metrics[APPROVAL_METRIC])
    if current is None:
        return Decision(True, f"first model: {APPROVAL_METRIC} {new:.4f}")
    old = float(current.metrics.get(APPROVAL_METRIC, float("-inf")))
    if new > old:
        return Decision(True, f"{APPROVAL_METRIC} {new:.4f} beats {current.label}'s {old:.4f}")
    return Decision(False, f"{APPROVAL_METRIC} {new:.4f} does not beat {current.label}'s {old:.4f}")


class Registry(Protocol):
    def register(
        self,
        model_uri: str,
        metrics: dict[str, float],
        hyperparameters: dict[str, Any],
        lineage: dict[str, Any],
    ) -> ModelVersion: ...

    def versions(self) -> list[ModelVersion]: ...

    def latest_approved(self) -> ModelVersion | None: ...
