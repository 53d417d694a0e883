-- On-time performance by airline and month.
-- For: analysts comparing carriers, month by month (US DOT on-time: arrived < 15 min late;
-- cancelled and diverted flights count as not on time).
CREATE OR REPLACE VIEW curated.on_time_by_carrier_month AS
SELECT
    carrier,
    carrier_name,
    flight_month,
    count(*) AS flights,
    count_if(on_time) AS on_time,
    CAST(count_if(on_time) AS double) / count(*) AS on_time_rate,
    CAST(count_if(is_cancelled) AS double) / count(*) AS cancellation_rate,
    avg(arr_delay) AS mean_arr_delay
FROM curated.flights
GROUP BY carrier, carrier_name, flight_month
