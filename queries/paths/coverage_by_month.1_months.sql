-- coverage_by_month (queries/coverage_by_month.sql) when the districts' first covers come from
-- a_cover_months (cover_months_apply): those branches alone (inspection/store.py query_paths); the
-- same frame.
-- when: cover_months_apply($townships, $unit_types, $poverty_only, $rounds, $year_from, $year_to, $levels, $modes, 'district')
WITH c AS (
    SELECT district, month, n FROM a_cover_months
    WHERE district <> '*' AND unit_ok($districts, [], [], false, district, NULL, NULL, NULL)
), counts AS (
    -- roster units per district (the plan's weights)
    SELECT district, CAST(sum(n) AS BIGINT) AS units_total FROM c GROUP BY district
), dist AS (
    -- each district's plan: its own row of plan_settings, else the default '*' (as v_plan)
    SELECT d.units_total, coalesce(p.plan_start, dflt.plan_start) AS plan_start,
           coalesce(p.plan_end, dflt.plan_end) AS plan_end, coalesce(p.target, dflt.target) AS target
    FROM counts d
    LEFT JOIN plan_settings p ON p.district = d.district
    CROSS JOIN (SELECT * FROM plan_settings WHERE district = '*') dflt
), monthly AS (
    SELECT month, CAST(sum(n) AS BIGINT) AS n FROM c WHERE month < date_trunc('month', $as_of::DATE) GROUP BY month
    UNION ALL
    -- $as_of's month to the day
    SELECT date_trunc('month', $as_of::DATE)::DATE, count(*) FROM m_roster_first
    WHERE unit_ok($districts, [], [], false, district, NULL, NULL, NULL)
      AND first_date >= date_trunc('month', $as_of::DATE)::DATE AND first_date <= $as_of::DATE
    HAVING count(*) > 0
), months AS (
    SELECT unnest(generate_series(
        least((SELECT min(month) FROM monthly), date_trunc('month', (SELECT min(plan_start) FROM dist))),
        date_trunc('month', $as_of::DATE), INTERVAL 1 MONTH))::DATE AS month
), points AS (
    SELECT month, least(last_day(month), $as_of::DATE) AS day FROM months WHERE month IS NOT NULL
), total AS (
    SELECT CAST(sum(units_total) AS BIGINT) AS units_total FROM dist
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
