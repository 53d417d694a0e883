"""Contract: curated.daily_route_stats — one row per day and route."""

from flightlake.contracts.daily_stats import daily_stats_contract

CONTRACT = daily_stats_contract("daily_route_stats", "route (origin → dest)", ("origin", "dest"))
