-- The delay-risk model against what really happened, per scoring date and model version:
-- AUC (Mann-Whitney on score ranks, ties averaged), precision in the top decile of scores
-- (ceil(n/10) highest, ties broken by flight id),
-- mean score against the actual not-on-time rate. A date appears once its flights are in
-- curated.flights; scored flights without an outcome yet are left out.
-- For: data scientists and analysts watching the model in production.
CREATE OR REPLACE VIEW curated.model_performance_daily AS
WITH scored AS (
    SELECT
        p.scoring_date,
        p.model_version,
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
        score,
        late,
        rank() OVER w + (count(*) OVER (PARTITION BY scoring_date, model_version, score) - 1)
            / 2.0 AS score_rank,
        ntile(10) OVER (
            PARTITION BY scoring_date, model_version ORDER BY score DESC, flight_id
        ) AS decile
    FROM scored
    WINDOW w AS (PARTITION BY scoring_date, model_version ORDER BY score)
),
daily AS (
    SELECT
        scoring_date,
        model_version,
        count(*) AS flights,
        sum(late) AS late,
        avg(score) AS mean_score,
        sum(CASE WHEN late = 1 THEN score_rank ELSE 0 END) AS late_rank_sum,
        avg(CASE WHEN decile = 1 THEN CAST(late AS double) END) AS precision_top_decile
    FROM ranked
    GROUP BY scoring_date, model_version
)
SELECT
    scoring_date,
    model_version,
    flights,
    CAST(late AS double) / flights AS late_rate,
    mean_score,
    CASE
        WHEN late = 0 OR late = flights THEN NULL
        ELSE (late_rank_sum - late * (late + 1) / 2.0) / (CAST(late AS double) * (flights - late))
    END AS auc,
    precision_top_decile
FROM daily
