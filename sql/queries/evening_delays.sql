-- How departure delays build up through the day at each New York airport.
-- For: schedulers; uses the view curated.on_time_by_origin_hour.
SELECT origin, sched_dep_hour, flights, round(on_time_rate, 3) AS on_time_rate,
       round(mean_dep_delay, 1) AS mean_dep_delay
FROM curated.on_time_by_origin_hour
WHERE flights >= 50
ORDER BY origin, sched_dep_hour
