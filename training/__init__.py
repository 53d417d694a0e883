"""The delay-risk model: SageMaker entry scripts (train.py, inference.py), launchers and registry.

train.py and inference.py are shipped alone into SageMaker's XGBoost container (source_dir is
this folder), so they import nothing from flightlake.
"""
