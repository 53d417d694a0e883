"""One launcher interface, two back ends: a local subprocess and SageMaker."""

from training.launchers.base import (
    TRANSFORM,
    Launcher,
    TrainedModel,
    TrainingRequest,
    TransformRequest,
)

__all__ = ["TRANSFORM", "Launcher", "TrainedModel", "TrainingRequest", "TransformRequest"]
