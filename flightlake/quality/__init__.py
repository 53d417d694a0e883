"""Data-quality gates: great-expectations suites from the contracts, checked before publish."""
