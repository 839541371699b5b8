-- Cumulative coverage of the filtered roster at each month end (capped at the as-of date),
-- against the plan. coverage_rate and plan_rate are fractions 0..1. The city plan line is the
-- roster-weighted sum of the district plans. The same figures as the sum of coverage_curve's
-- district rows (_views.sql), counted for the city at once instead of per district.
WITH u AS (
    SELECT plan_district, first_date
    FROM first_covers($districts, $townships, $unit_types, $poverty_only,
                      $rounds, $year_from, $year_to, $levels, $modes, $as_of, 'district')
), dist AS (
    SELECT d.units_total, p.plan_start, p.plan_end, p.target
    FROM (SELECT plan_district, count(*) AS units_total FROM u GROUP BY plan_district) d
    LEFT JOIN v_plan p ON p.district = d.plan_district
), monthly AS (
    SELECT date_trunc('month', first_date)::DATE AS month, count(*) AS n
    FROM u WHERE first_date IS NOT NULL GROUP BY ALL
), months AS (
    SELECT unnest(generate_series(
        date_trunc('month', least((SELECT min(first_date) FROM u), (SELECT min(plan_start) FROM dist))),
        date_trunc('month', $as_of::DATE), INTERVAL 1 MONTH))::DATE AS month
), points AS (
    SELECT month, least(last_day(month), $as_of::DATE) AS day FROM months WHERE month IS NOT NULL
), total AS (
    SELECT count(*) AS units_total FROM u
), planned AS (
    SELECT p.month, sum(d.units_total * CASE WHEN plan_applies($rounds, $year_from, $year_to, $levels, $modes)
                                            THEN plan_share(d.target, d.plan_start, d.plan_end, p.day) END) AS planned
    FROM points p CROSS JOIN dist d GROUP BY p.month
)
SELECT
    p.month,
    p.day,
    t.units_total,
    CAST(sum(coalesce(m.n, 0)) OVER (ORDER BY p.month) AS BIGINT) AS units_covered,
    units_covered / nullif(units_total, 0) AS coverage_rate,
    l.planned / nullif(units_total, 0) AS plan_rate
FROM points p
LEFT JOIN monthly m USING (month)
JOIN planned l USING (month)
CROSS JOIN total t
ORDER BY p.month
