-- On-time performance by origin airport and scheduled hour of departure (local clock).
-- For: analysts and schedulers asking which departure hours run late at EWR, JFK and LGA.
CREATE OR REPLACE VIEW curated.on_time_by_origin_hour AS
SELECT
    origin,
    sched_dep_hour,
    count(*) AS flights,
    CAST(count_if(on_time) AS double) / count(*) AS on_time_rate,
    avg(dep_delay) AS mean_dep_delay,
    approx_percentile(dep_delay, 0.9) AS p90_dep_delay
FROM curated.flights
GROUP BY origin, sched_dep_hour
