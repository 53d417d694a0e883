"""Glue jobs: one entry script per job; the pure transforms live in glue_jobs.transforms."""
