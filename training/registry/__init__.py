"""Model registry: every trained model is a version; scoring uses the latest approved one."""

from training.registry.base import (
    APPROVAL_METRIC,
    Decision,
    ModelVersion,
    Registry,
    decide,
)

__all__ = ["APPROVAL_METRIC", "Decision", "ModelVersion", "Registry", "decide"]
