-- Cumulative coverage of the filtered roster at each month end (capped at the as-of date),
-- against the plan. coverage_rate and plan_rate are fractions 0..1. The plan of a district is
-- linear from plan_start (0) to plan_end (target share of its roster units); the city plan line
-- is the roster-weighted sum of the district plans.
WITH u AS (
    SELECT * FROM f_units($districts, $townships, $unit_types, $poverty_only)
), firsts AS (
    SELECT i.unit_id, min(i.start_date) AS first_start
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
    p.month,
    p.day,
    (SELECT sum(units_total) FROM dist) AS units_total,
    (SELECT count(*) FROM firsts f WHERE f.first_start <= p.day) AS units_covered,
    (SELECT count(*) FROM firsts f WHERE f.first_start <= p.day) / nullif((SELECT sum(units_total) FROM dist), 0)
        AS coverage_rate,
    (SELECT sum(d.units_total * d.target * greatest(0, least(1,
            (p.day - d.plan_start) / nullif(d.plan_end - d.plan_start, 0)))) FROM dist d)
        / nullif((SELECT sum(units_total) FROM dist), 0) AS plan_rate
FROM points p
ORDER BY p.month
