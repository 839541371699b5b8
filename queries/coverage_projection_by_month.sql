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
    -- per district, units first covered up to the end of each month with a first cover (a running
    -- count), valid until the next such month
    SELECT district, month, CAST(sum(n) OVER w AS BIGINT) AS covered,
           lead(month, 1, DATE '9999-12-01') OVER w AS next_month
    FROM (SELECT district, date_trunc('month', first_date)::DATE AS month, count(*) AS n
          FROM units WHERE first_date IS NOT NULL GROUP BY ALL)
    WINDOW w AS (PARTITION BY district ORDER BY month)
), d AS (
    SELECT
        n.district, p.plan_start, p.plan_end, p.target,
        count(*) AS units_total,
        count(n.first_date) AS covered_now,
        count(n.first_date) FILTER (WHERE n.first_date <= p.plan_end) AS covered_by_plan_end,
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
