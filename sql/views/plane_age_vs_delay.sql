-- On-time rate and delays by the plane's age at the flight (5-year bands).
-- Flights whose plane or build year is unknown are left out.
-- For: analysts asking whether older aircraft run later.
CREATE OR REPLACE VIEW curated.plane_age_vs_delay AS
SELECT
    least(CAST(floor(plane_age_years / 5.0) AS integer), 6) * 5 AS age_band_start,
    count(*) AS flights,
    CAST(count_if(on_time) AS double) / count(*) AS on_time_rate,
    avg(arr_delay) AS mean_arr_delay,
    avg(dep_delay) AS mean_dep_delay
FROM curated.flights
WHERE plane_age_years IS NOT NULL
GROUP BY least(CAST(floor(plane_age_years / 5.0) AS integer), 6) * 5
