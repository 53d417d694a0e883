-- The delay-risk model against what really happened, per week (Monday to Sunday, the weekly
-- retrain's cycle) and model version, by role: the daily view's measures over the week's
-- scored flights with outcomes (AUC, precision in the top decile, mean score against the
-- late rate, expected calibration error over score bands of 0.1). A week is complete when
-- its `days` is 7; the current week grows day by day.
-- For: data scientists watching performance decay, steadier than one day's numbers.
CREATE OR REPLACE VIEW curated.model_performance_weekly AS
WITH scored AS (
    SELECT
        date_trunc('week', CAST(p.scoring_date AS date)) AS week,
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
        week,
        scoring_date,
        model_version,
        role,
        score,
        late,
        least(floor(score * 10), 9) AS band,
        rank() OVER w + (count(*) OVER (PARTITION BY week, model_version, role, score) - 1)
            / 2.0 AS score_rank,
        ntile(10) OVER (
            PARTITION BY week, model_version, role ORDER BY score DESC, flight_id
        ) AS decile
    FROM scored
    WINDOW w AS (PARTITION BY week, model_version, role ORDER BY score)
),
bands AS (
    SELECT week, model_version, role, count(*) * abs(avg(score) - avg(late)) AS weighted_gap
    FROM ranked
    GROUP BY week, model_version, role, band
),
calibration AS (
    SELECT week, model_version, role, sum(weighted_gap) AS weighted_gap
    FROM bands
    GROUP BY week, model_version, role
),
daily AS (
    SELECT
        week,
        model_version,
        role,
        count(DISTINCT scoring_date) AS days,
        count(*) AS flights,
        sum(late) AS late,
        avg(score) AS mean_score,
        sum(CASE WHEN late = 1 THEN score_rank ELSE 0 END) AS late_rank_sum,
        avg(CASE WHEN decile = 1 THEN CAST(late AS double) END) AS precision_top_decile
    FROM ranked
    GROUP BY week, model_version, role
)
SELECT
    d.week,
    d.model_version,
    d.role,
    d.days,
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
    ON c.week = d.week AND c.model_version = d.model_version AND c.role = d.role
