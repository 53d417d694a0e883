-- Cancellations per day across the three New York airports.
-- For: analysts and operations finding the days that broke down (storms, snow).
CREATE OR REPLACE VIEW curated.cancellations_by_day AS
SELECT
    flight_date,
    sum(flights) AS flights,
    sum(cancelled) AS cancelled,
    CAST(sum(cancelled) AS double) / sum(flights) AS cancellation_rate
FROM curated.daily_airport_stats
GROUP BY flight_date
