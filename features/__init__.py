"""The delay-risk model's features: their definitions and the export_features step."""
