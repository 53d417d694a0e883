"""A model version, the registration rule, promotion and rollback, and the registry interface
both back ends implement.

The champion is the newest Approved version: the daily scoring publishes its scores. Every
later model is registered PendingManualApproval, a challenger: scored in shadow beside the
champion until the champion/challenger rule (training/champion.py) or a person
(`flightlake models promote|rollback`) decides. The statuses are SageMaker's own model
package approval statuses, so the registry on AWS carries the same decisions:
https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-approve.html
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

# A training run reports validation AUC on its own, most recent, validation window; windows
# differ between weekly models, so it screens out broken models and never ranks two models:
# live outcomes do (training/champion.py).
APPROVAL_METRIC = "validation_auc"
MIN_VALIDATION_AUC = 0.6  # the 2013 models score 0.69–0.72; 0.5 is chance
GROUP = "delay-risk"  # the local registry's folder and the SageMaker model package group
APPROVED = "Approved"
PENDING = "PendingManualApproval"
REJECTED = "Rejected"


@dataclass(frozen=True)
class ModelVersion:
    group: str
    version: int
    model_uri: str
    metrics: dict[str, float]
    hyperparameters: dict[str, Any]
    lineage: dict[str, Any]  # export id, data range, source run ids, training job
    status: str  # Approved | PendingManualApproval | Rejected
    reason: str
    created_at: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.group}/v{self.version}"


@dataclass(frozen=True)
class Decision:
    status: str
    reason: str


def decide(metrics: dict[str, float], champion: ModelVersion | None) -> Decision:
    """A new model's status: the first sound model is the champion; a later one a challenger."""
    if APPROVAL_METRIC not in metrics:
        return Decision(REJECTED, f"no {APPROVAL_METRIC} in the training metrics")
    new = float(metrics[APPROVAL_METRIC])
    if new < MIN_VALIDATION_AUC:
        return Decision(REJECTED, f"{APPROVAL_METRIC} {new:.4f} is below {MIN_VALIDATION_AUC}")
    if champion is None:
        return Decision(APPROVED, f"first model: {APPROVAL_METRIC} {new:.4f}")
    return Decision(
        PENDING,
        f"challenger to {champion.label}: {APPROVAL_METRIC} {new:.4f}; scored in shadow "
        "until it beats the champion on live outcomes",
    )


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

    def set_status(self, version: ModelVersion, status: str, reason: str) -> ModelVersion: ...


def challenger(versions: list[ModelVersion]) -> ModelVersion | None:
    """The oldest pending version newer than the champion: candidates take their turn in
    shadow, each until the rule decides on it (training/champion.py)."""
    champion = max((v.version for v in versions if v.status == APPROVED), default=0)
    pending = [v for v in versions if v.status == PENDING and v.version > champion]
    return pending[0] if pending else None


def find(registry: Registry, number: int) -> ModelVersion:
    for v in registry.versions():
        if v.version == number:
            return v
    raise LookupError(f"{GROUP}/v{number}: no such model version")


def promote(registry: Registry, number: int, reason: str) -> ModelVersion:
    """Make a version newer than the champion the champion (approve it)."""
    target = find(registry, number)
    champion = registry.latest_approved()
    if champion is not None and target.version <= champion.version:
        raise ValueError(
            f"{target.label} is not newer than the champion {champion.label}: "
            f"`flightlake models rollback {target.version}` goes back to an older version"
        )
    if target.status == REJECTED:
        raise ValueError(f"{target.label} was rejected ({target.reason}): it cannot be promoted")
    return registry.set_status(target, APPROVED, reason)


def rollback(registry: Registry, number: int, reason: str) -> ModelVersion:
    """Make an earlier champion the champion again: every approved version after it is
    rejected (so it is the newest approved). Only a version that was champion (still
    Approved) can be gone back to: a rejected or never-decided one never proved itself."""
    target = find(registry, number)
    champion = registry.latest_approved()
    if champion is None or target.version >= champion.version:
        label = champion.label if champion else "none"
        raise ValueError(
            f"{target.label} is not older than the champion ({label}): "
            f"`flightlake models promote {target.version}` makes a newer version champion"
        )
    if target.status != APPROVED:
        raise ValueError(
            f"{target.label} is {target.status} ({target.reason}): only an earlier champion "
            "can be rolled back to"
        )
    for v in registry.versions():
        if v.version > target.version and v.status == APPROVED:
            registry.set_status(v, REJECTED, f"rolled back to {target.label}: {reason}")
    return registry.set_status(target, APPROVED, f"champion again: {reason}")
