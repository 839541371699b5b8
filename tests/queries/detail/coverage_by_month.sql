-- Cumulative coverage of the filtered roster at each month end (capped at the as-of date),
-- against the plan. coverage_rate and plan_rate are fractions 0..1. The city plan line is the
-- roster-weighted sum of the district plans (coverage_curve in _views.sql).
SELECT
    month,
    day,
    CAST(sum(units_total) AS BIGINT) AS units_total,
    CAST(sum(units_covered) AS BIGINT) AS units_covered,
    sum(units_covered) / nullif(sum(units_total), 0) AS coverage_rate,
    sum(units_total * plan_rate) / nullif(sum(units_total), 0) AS plan_rate
FROM coverage_curve($districts, $townships, $unit_types, $poverty_only,
                    $rounds, $year_from, $year_to, $levels, $modes, $as_of, 'district')
GROUP BY month, day
ORDER BY month
