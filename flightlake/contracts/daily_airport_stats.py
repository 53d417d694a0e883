"""Contract: curated.daily_airport_stats — one row per day and origin airport."""

from flightlake.contracts.daily_stats import daily_stats_contract

CONTRACT = daily_stats_contract("daily_airport_stats", "origin airport", ("origin",))
