"""Feature definitions and the feature-export job of the delay-risk model."""
