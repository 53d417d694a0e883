-- Drift of the champion's inputs and scores per scoring date, from curated.model_monitoring:
-- the trailing week's population stability index against the eight weeks before it
-- (psi_recent) and against the training set (psi_training), and whether it is an alarm
-- (above its threshold, learnt from how much the reference weeks move among themselves and
-- at least 0.25; calendar features never alarm). `alarms` counts the
-- day's alarms; `worst_feature` is the non-calendar feature that came nearest its alarm
-- (the largest psi_recent ÷ psi_threshold).
-- For: data scientists asking whether the data the model sees has changed, and which input.
CREATE OR REPLACE VIEW curated.model_drift AS
SELECT
    scoring_date,
    model_version,
    max(flights) AS flights,
    max(reference_days) AS reference_days,
    count_if(alarm) AS alarms,
    array_join(array_sort(array_agg(series) FILTER (WHERE alarm)), ', ') AS alarmed,
    max_by(series, psi_recent / psi_threshold) FILTER (WHERE kind = 'feature') AS worst_feature,
    max(psi_recent / psi_threshold) FILTER (WHERE kind = 'feature') AS worst_feature_ratio,
    max(psi_recent) FILTER (WHERE kind = 'prediction') AS score_psi,
    max(psi_recent) FILTER (WHERE kind = 'calendar') AS worst_calendar_psi
FROM curated.model_monitoring
GROUP BY scoring_date, model_version
