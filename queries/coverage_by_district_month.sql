-- Cumulative coverage per district at each month end (capped at the as-of date), against the
-- district's plan (linear from plan_start to plan_end, reaching target). Rates are fractions 0..1.
WITH u AS (
    SELECT * FROM f_units($districts, $townships, $unit_types, $poverty_only)
), firsts AS (
    SELECT i.unit_id, any_value(i.district) AS district, min(i.start_date) AS first_start
    FROM f_inspections($districts, $townships, $unit_types, $poverty_only,
                       $rounds, $year_from, $year_to, $levels, $modes, $as_of) i
    WHERE i.unit_id IN (SELECT unit_id FROM u)
    GROUP BY i.unit_id
), dist AS (
    SELECT u.district, count(*) AS units_total,
           any_value(p.plan_start) AS plan_start, any_value(p.plan_end) AS plan_end, any_value(p.target) AS target
    FROM u LEFT JOIN v_plan p USING (district)
    GROUP BY u.district
), months AS (
    SELECT unnest(generate_series(
        date_trunc('month', least((SELECT min(first_start) FROM firsts), (SELECT min(plan_start) FROM dist))),
        date_trunc('month', $as_of::DATE), INTERVAL 1 MONTH))::DATE AS month
), points AS (
    SELECT month, least(last_day(month), $as_of::DATE) AS day FROM months WHERE month IS NOT NULL
)
SELECT
    d.district,
    p.month,
    p.day,
    d.units_total,
    count(f.unit_id) AS units_covered,
    count(f.unit_id) / d.units_total AS coverage_rate,
    d.target * greatest(0, least(1, (p.day - d.plan_start) / nullif(d.plan_end - d.plan_start, 0))) AS plan_rate
FROM dist d
CROSS JOIN points p
LEFT JOIN firsts f ON f.district = d.district AND f.first_start <= p.day
GROUP BY d.district, p.month, p.day, d.units_total, d.target, d.plan_start, d.plan_end
ORDER BY d.district, p.month
