-- Cumulative coverage per district by month, with the plan line and the projection at the pace of
-- the last 6 months (as in plan_by_district.sql), for the small multiples. Shares are fractions 0..1.
-- At a finer grain (area() in _views.sql) per township or unit, each against its district's plan.
-- One point per month: its last day, except $as_of in its own month and plan_end in its own.
--   covered_share    units first covered on or before the point / units_total (NULL after $as_of)
--   planned_share    the plan line: target * elapsed share of the plan period, clamped to 0..target
--   projected_share  from $as_of to plan_end: covered + pace * months (days / 30.4375), at most 1
-- The units with their district's plan come from plan_units (_views.sql): as (area, plan district,
-- first day, n units, plan) by district from a_cover_days when no township, unit type or poverty
-- filter applies, else one by one (n = 1).
WITH units AS (
    SELECT * FROM plan_units($districts, $townships, $unit_types, $poverty_only,
                             $rounds, $year_from, $year_to, $levels, $modes, $as_of, $grain)
), cum AS (
    -- per district, units first covered up to the end of each month with a first cover (a running
    -- count), valid until the next such month; read before $as_of's month alone (a point in that
    -- month or later is not read from it), by district from a_cover_months (store.COVER_MONTHS)
    SELECT district, month, CAST(sum(n) OVER w AS BIGINT) AS covered,
           lead(month, 1, DATE '9999-12-01') OVER w AS next_month
    FROM (SELECT district, date_trunc('month', first_date)::DATE AS month, sum(n) AS n
          FROM units WHERE first_date IS NOT NULL
            AND NOT district_rows_apply($townships, $unit_types, $poverty_only, $grain) GROUP BY ALL)
    WINDOW w AS (PARTITION BY district ORDER BY month)
    UNION ALL
    SELECT district, month, covered, coalesce(next_month, DATE '9999-12-01')
    FROM a_cover_months
    WHERE district_rows_apply($townships, $unit_types, $poverty_only, $grain)
      AND district <> '*' AND unit_ok($districts, [], [], false, district, NULL, NULL, NULL)
      AND month < date_trunc('month', $as_of::DATE)
), d AS (
    SELECT
        n.district, n.plan_start, n.plan_end, n.target,
        CAST(sum(n.n) AS BIGINT) AS units_total,
        CAST(coalesce(sum(n.n) FILTER (WHERE n.first_date IS NOT NULL), 0) AS BIGINT) AS covered_now,
        CAST(coalesce(sum(n.n) FILTER (WHERE n.first_date <= n.plan_end), 0) AS BIGINT) AS covered_by_plan_end,
        pace_per_month(covered_recently_n(n.first_date, n.n, $as_of)) AS pace_per_month,
        least(n.plan_start, min(n.first_date)) AS first_day,
        greatest(n.plan_end, $as_of::DATE) AS last_day
    FROM units n
    GROUP BY n.district, n.plan_start, n.plan_end, n.target
), months AS (
    SELECT d.*, CAST(m AS DATE) AS month
    FROM d, generate_series(date_trunc('month', d.first_day), date_trunc('month', d.last_day), INTERVAL 1 MONTH) t(m)
), points AS (
    SELECT *,
        CASE WHEN month = date_trunc('month', $as_of::DATE) THEN $as_of::DATE
             WHEN month = date_trunc('month', plan_end) THEN plan_end
             ELSE last_day(month) END AS point_date
    FROM months
)
SELECT
    p.district, p.month, p.point_date, p.units_total, p.plan_start, p.plan_end, p.target,
    -- units first covered on or before the point: at $as_of all of them (first_covers stops
    -- there), at plan_end those by then, at a month's end those up to its month
    CASE WHEN p.point_date <= $as_of::DATE THEN
        CASE WHEN p.point_date = $as_of::DATE THEN p.covered_now
             WHEN p.point_date = p.plan_end THEN p.covered_by_plan_end
             ELSE coalesce(c.covered, 0) END / p.units_total END AS covered_share,
    plan_share(p.target, p.plan_start, p.plan_end, p.point_date) AS planned_share,
    CASE WHEN p.point_date >= $as_of::DATE AND p.point_date <= p.plan_end THEN
        least(1.0, (p.covered_now + p.pace_per_month * datediff('day', $as_of::DATE, p.point_date) / days_per_month())
                   / p.units_total) END AS projected_share
FROM points p
-- the running count of the latest month with a first cover up to the point's month
LEFT JOIN cum c ON c.district = p.district AND p.month >= c.month AND p.month < c.next_month
WHERE plan_applies($rounds, $year_from, $year_to, $levels, $modes)   -- no plan under inspection filters
ORDER BY p.district, p.point_date
