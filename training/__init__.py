"""The delay-risk model: its pipeline steps (jobs.py: train, export_scoring, score), the
SageMaker entry scripts (train.py, inference.py), the launchers and the registry.

train.py and inference.py are shipped alone into SageMaker's XGBoost container (source_dir is
this folder), so they import nothing from flightlake (an import-linter contract).
"""
