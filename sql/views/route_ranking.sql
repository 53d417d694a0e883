-- Routes ranked by on-time rate (best first), for routes with at least 20 flights.
-- For: analysts and travellers comparing routes out of New York.
CREATE OR REPLACE VIEW curated.route_ranking AS
WITH routes AS (
    SELECT
        origin,
        dest,
        dest_name,
        count(*) AS flights,
        CAST(count_if(on_time) AS double) / count(*) AS on_time_rate,
        avg(arr_delay) AS mean_arr_delay
    FROM curated.flights
    GROUP BY origin, dest, dest_name
)
SELECT
    rank() OVER (ORDER BY on_time_rate DESC, flights DESC) AS route_rank,
    origin,
    dest,
    dest_name,
    flights,
    on_time_rate,
    mean_arr_delay
FROM routes
WHERE flights >= 20
