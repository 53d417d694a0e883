"""Model registry: every trained model is a version; the champion is the newest approved one."""

from training.registry.base import (
    APPROVAL_METRIC,
    Decision,
    ModelVersion,
    Registry,
    challenger,
    decide,
    promote,
    rollback,
)

__all__ = [
    "APPROVAL_METRIC",
    "Decision",
    "ModelVersion",
    "Registry",
    "challenger",
    "decide",
    "promote",
    "rollback",
]
