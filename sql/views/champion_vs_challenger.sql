-- Champion against challenger, per scoring date both scored, on the same flights with their
-- actual outcomes: each one's AUC and expected calibration error, and the difference. The
-- promotion rule (training/champion.py) reads the same scores over several days, with a
-- confidence interval from a day-level bootstrap; one day's difference is noise.
-- For: data scientists deciding whether the challenger should replace the champion.
CREATE OR REPLACE VIEW curated.champion_vs_challenger AS
WITH scored AS (
    SELECT
        p.scoring_date,
        p.role,
        p.model_version,
        p.flight_id,
        p.score,
        CASE WHEN f.on_time THEN 0 ELSE 1 END AS late
    FROM curated.predictions p
    JOIN curated.flights f ON f.flight_id = p.flight_id
),
both_scored AS (
    SELECT s.*
    FROM scored s
    WHERE s.scoring_date IN (SELECT scoring_date FROM scored WHERE role = 'challenger')
),
ranked AS (
    SELECT
        scoring_date,
        role,
        model_version,
        score,
        late,
        least(floor(score * 10), 9) AS band,
        rank() OVER w + (count(*) OVER (PARTITION BY scoring_date, role, score) - 1)
            / 2.0 AS score_rank
    FROM both_scored
    WINDOW w AS (PARTITION BY scoring_date, role ORDER BY score)
),
bands AS (
    SELECT scoring_date, role, count(*) * abs(avg(score) - avg(late)) AS weighted_gap
    FROM ranked
    GROUP BY scoring_date, role, band
),
per_role AS (
    SELECT
        r.scoring_date,
        r.role,
        max(r.model_version) AS model_version,
        count(*) AS flights,
        sum(r.late) AS late,
        sum(CASE WHEN r.late = 1 THEN r.score_rank ELSE 0 END) AS late_rank_sum
    FROM ranked r
    GROUP BY r.scoring_date, r.role
),
measured AS (
    SELECT
        p.scoring_date,
        p.role,
        p.model_version,
        p.flights,
        CASE
            WHEN p.late = 0 OR p.late = p.flights THEN NULL
            ELSE (p.late_rank_sum - p.late * (p.late + 1) / 2.0)
                / (CAST(p.late AS double) * (p.flights - p.late))
        END AS auc,
        (SELECT sum(b.weighted_gap) FROM bands b
         WHERE b.scoring_date = p.scoring_date AND b.role = p.role) / p.flights
            AS calibration_error
    FROM per_role p
)
SELECT
    c.scoring_date,
    c.model_version AS champion,
    s.model_version AS challenger,
    c.flights,
    c.auc AS champion_auc,
    s.auc AS challenger_auc,
    s.auc - c.auc AS auc_difference,
    c.calibration_error AS champion_calibration_error,
    s.calibration_error AS challenger_calibration_error
FROM measured c
JOIN measured s ON s.scoring_date = c.scoring_date AND s.role = 'challenger'
WHERE c.role = 'champion'
