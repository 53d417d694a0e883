-- Departure delay and on-time rate by weather at the origin in the scheduled hour:
-- precipitation, visibility and wind bands. Flights without an observation are left out.
-- For: analysts and operations asking how much weather explains delay.
CREATE OR REPLACE VIEW curated.delay_vs_weather AS
WITH banded AS (
    SELECT
        dep_delay,
        on_time,
        -- A missing measurement stays out of its condition (no ELSE: null stays null).
        CASE WHEN precip_in = 0 THEN '0 none' WHEN precip_in < 0.1 THEN '1 light'
             WHEN precip_in >= 0.1 THEN '2 heavy' END AS precipitation,
        CASE WHEN visibility_mi < 1 THEN '0 under 1 mi' WHEN visibility_mi < 5 THEN '1 1-5 mi'
             WHEN visibility_mi >= 5 THEN '2 5+ mi' END AS visibility,
        CASE WHEN wind_speed_mph < 10 THEN '0 under 10 mph'
             WHEN wind_speed_mph < 20 THEN '1 10-20 mph'
             WHEN wind_speed_mph >= 20 THEN '2 20+ mph' END AS wind
    FROM curated.flights
    WHERE weather_known
)
SELECT 'precipitation' AS condition, precipitation AS band, count(*) AS flights,
       CAST(count_if(on_time) AS double) / count(*) AS on_time_rate,
       avg(dep_delay) AS mean_dep_delay
FROM banded WHERE precipitation IS NOT NULL GROUP BY precipitation
UNION ALL
SELECT 'visibility', visibility, count(*), CAST(count_if(on_time) AS double) / count(*),
       avg(dep_delay)
FROM banded WHERE visibility IS NOT NULL GROUP BY visibility
UNION ALL
SELECT 'wind', wind, count(*), CAST(count_if(on_time) AS double) / count(*), avg(dep_delay)
FROM banded WHERE wind IS NOT NULL GROUP BY wind
