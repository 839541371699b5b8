-- Cumulative coverage per district by month, with the plan line and the projection at the pace of
-- the last 6 months (as in plan_by_district.sql), for the small multiples. Shares are fractions 0..1.
-- At a finer grain (area() in _views.sql) per township or unit, each against its district's plan.
-- One point per month: its last day, except $as_of in its own month and plan_end in its own.
--   covered_share    units first covered on or before the point / units_total (NULL after $as_of)
--   planned_share    the plan line: target * elapsed share of the plan period, clamped to 0..target
--   projected_share  from $as_of to plan_end: covered + pace * months (days / 30.4375), at most 1
WITH units AS (
    SELECT * FROM first_covers($districts, $townships, $unit_types, $poverty_only,
                               $rounds, $year_from, $year_to, $levels, $modes, $as_of, $grain)
), cum AS (
    -- per district, units first covered on or before each first-cover day (a running count)
    SELECT district, first_date,
           CAST(sum(count(*)) OVER (PARTITION BY district ORDER BY first_date) AS BIGINT) AS covered
    FROM units WHERE first_date IS NOT NULL
    GROUP BY district, first_date
), d AS (
    SELECT
        n.district, p.plan_start, p.plan_end, p.target,
        count(*) AS units_total,
        count(n.first_date) AS covered_now,
        pace_per_month(covered_recently(n.first_date, $as_of)) AS pace_per_month,
        least(p.plan_start, min(n.first_date)) AS first_day,
        greatest(p.plan_end, $as_of::DATE) AS last_day
    FROM units n JOIN v_plan p ON p.district = n.plan_district
    GROUP BY n.district, p.plan_start, p.plan_end, p.target
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
    CASE WHEN p.point_date <= $as_of::DATE THEN coalesce(c.covered, 0) / p.units_total END AS covered_share,
    plan_share(p.target, p.plan_start, p.plan_end, p.point_date) AS planned_share,
    CASE WHEN p.point_date >= $as_of::DATE AND p.point_date <= p.plan_end THEN
        least(1.0, (p.covered_now + p.pace_per_month * datediff('day', $as_of::DATE, p.point_date) / days_per_month())
                   / p.units_total) END AS projected_share
FROM points p
-- the latest running count on or before the point's date
ASOF LEFT JOIN cum c ON c.district = p.district AND c.first_date <= p.point_date
WHERE plan_applies($rounds, $year_from, $year_to, $levels, $modes)   -- no plan under inspection filters
ORDER BY p.district, p.point_date
