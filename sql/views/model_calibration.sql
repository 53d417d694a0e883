-- Calibration of the delay-risk model: scored flights in bands of 0.1, the mean score of
-- each band against the share that really was not on time (a calibrated model has the two
-- close), per model version, over every scoring date with outcomes. calibration_error is the
-- version's expected calibration error over these bands (the flight-weighted mean of
-- |mean_score − late_rate|), the number train.py reports per split as *_ece.
-- For: data scientists deciding whether scores can be read as probabilities.
CREATE OR REPLACE VIEW curated.model_calibration AS
SELECT
    p.model_version,
    least(floor(p.score * 10), 9) / 10.0 AS score_band,
    count(*) AS flights,
    avg(p.score) AS mean_score,
    -- 0e0 and 1e0 are doubles: avg over the decimals 0.0 and 1.0 is a decimal(2,1) in Athena,
    -- a rate rounded to one digit.
    avg(CASE WHEN f.on_time THEN 0e0 ELSE 1e0 END) AS late_rate,
    sum(count(*) * abs(avg(p.score) - avg(CASE WHEN f.on_time THEN 0e0 ELSE 1e0 END)))
        OVER (PARTITION BY p.model_version)
        / sum(count(*)) OVER (PARTITION BY p.model_version) AS calibration_error
FROM curated.predictions p
JOIN curated.flights f ON f.flight_id = p.flight_id
GROUP BY p.model_version, least(floor(p.score * 10), 9) / 10.0
