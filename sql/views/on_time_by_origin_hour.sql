-- On-time performance by origin airport and scheduled hour of departure (local clock).
-- p90_dep_delay is exact (nearest rank: the smallest delay at or above 90% of the hour's
-- departed flights), so Athena and the local engine give the same number; approx_percentile
-- would not (sql/README.md).
-- For: analysts and schedulers asking which departure hours run late at EWR, JFK and LGA.
CREATE OR REPLACE VIEW curated.on_time_by_origin_hour AS
WITH ranked AS (
    SELECT
        origin,
        sched_dep_hour,
        on_time,
        dep_delay,
        cume_dist() OVER (
            PARTITION BY origin, sched_dep_hour, dep_delay IS NULL ORDER BY dep_delay
        ) AS delay_rank
    FROM curated.flights
)
SELECT
    origin,
    sched_dep_hour,
    count(*) AS flights,
    CAST(count_if(on_time) AS double) / count(*) AS on_time_rate,
    avg(dep_delay) AS mean_dep_delay,
    min(dep_delay) FILTER (WHERE delay_rank >= 0.9) AS p90_dep_delay
FROM ranked
GROUP BY origin, sched_dep_hour
