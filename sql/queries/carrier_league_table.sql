-- Airlines by on-time rate over the whole period, with volume.
-- For: analysts comparing carriers; uses the view curated.on_time_by_carrier_month.
SELECT
    carrier_name,
    sum(flights) AS flights,
    round(CAST(sum(on_time) AS double) / sum(flights), 3) AS on_time_rate
FROM curated.on_time_by_carrier_month
GROUP BY carrier_name
ORDER BY on_time_rate DESC
