-- The delay-risk model against what really happened, per scoring date and model version
-- (the champion's published scores and the challenger's shadow scores, by role):
-- AUC (Mann-Whitney on score ranks, ties averaged), precision in the top decile of scores
-- (ceil(n/10) highest, ties broken by flight id), mean score against the actual not-on-time
-- rate, and the expected calibration error over score bands of 0.1 (the flight-weighted mean
-- of |mean score − late rate|, as train.py and curated.model_calibration compute it).
-- A date appears once its flights are in curated.flights; flights without an outcome yet
-- are left out.
-- For: data scientists and analysts watching the model in production.
CREATE OR REPLACE VIEW curated.model_performance_daily AS
WITH scored AS (
    SELECT
        p.scoring_date,
        p.model_version,
        p.role,
        p.flight_id,
        p.score,
        CASE WHEN f.on_time THEN 0 ELSE 1 END AS late
    FROM curated.predictions p
    JOIN curated.flights f ON f.flight_id = p.flight_id
),
ranked AS (
    SELECT
        scoring_date,
        model_version,
        role,
        score,
        late,
        least(floor(score * 10), 9) AS band,
        rank() OVER w + (count(*) OVER (PARTITION BY scoring_date, model_version, role, score) - 1)
            / 2.0 AS score_rank,
        ntile(10) OVER (
            PARTITION BY scoring_date, model_version, role ORDER BY score DESC, flight_id
        ) AS decile
    FROM scored
    WINDOW w AS (PARTITION BY scoring_date, model_version, role ORDER BY score)
),
bands AS (
    SELECT scoring_date, model_version, role, count(*) * abs(avg(score) - avg(late)) AS weighted_gap
    FROM ranked
    GROUP BY scoring_date, model_version, role, band
),
calibration AS (
    SELECT scoring_date, model_version, role, sum(weighted_gap) AS weighted_gap
    FROM bands
    GROUP BY scoring_date, model_version, role
),
daily AS (
    SELECT
        scoring_date,
        model_version,
        role,
        count(*) AS flights,
        sum(late) AS late,
        avg(score) AS mean_score,
        sum(CASE WHEN late = 1 THEN score_rank ELSE 0 END) AS late_rank_sum,
        avg(CASE WHEN decile = 1 THEN CAST(late AS double) END) AS precision_top_decile
    FROM ranked
    GROUP BY scoring_date, model_version, role
)
SELECT
    d.scoring_date,
    d.model_version,
    d.role,
    d.flights,
    CAST(d.late AS double) / d.flights AS late_rate,
    d.mean_score,
    CASE
        WHEN d.late = 0 OR d.late = d.flights THEN NULL
        ELSE (d.late_rank_sum - d.late * (d.late + 1) / 2.0)
            / (CAST(d.late AS double) * (d.flights - d.late))
    END AS auc,
    d.precision_top_decile,
    c.weighted_gap / d.flights AS calibration_error
FROM daily d
JOIN calibration c
    ON c.scoring_date = d.scoring_date AND c.model_version = d.model_version AND c.role = d.role
