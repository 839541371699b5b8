-- The plan settings as stored: the default row (district '*') and the per-district overrides.
-- target is a share of the roster, 0..1.
SELECT district, plan_start, plan_end, target, updated_at, updated_by
FROM plan_settings
ORDER BY district <> '*', district
