-- The ten days with the highest share of cancelled flights.
-- For: analysts reviewing disruption; uses the view curated.cancellations_by_day.
SELECT flight_date, flights, cancelled, round(cancellation_rate, 3) AS cancellation_rate
FROM curated.cancellations_by_day
ORDER BY cancellation_rate DESC, flight_date
LIMIT 10
