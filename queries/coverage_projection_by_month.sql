-- Cumulative coverage per district by month, with the plan line and the projection at the pace of
-- the last 6 months (as in plan_by_district.sql), for the small multiples. Shares are fractions 0..1.
-- At a finer grain (area() in _views.sql) per township or unit, each against its district's plan.
-- One point per month: its last day, except $as_of in its own month and plan_end in its own.
--   covered_share    units first covered on or before the point / units_total (NULL after $as_of)
--   planned_share    the plan line: target * elapsed share of the plan period, clamped to 0..target
--   projected_share  from $as_of to plan_end: covered + pace * months (days / 30.4375), at most 1
-- The units with their district's plan come from plan_units (_views.sql): as (area, plan district,
-- first day, n units, plan) by district from a_cover_days when no township, unit type or poverty
-- filter applies, else one by one (n = 1); the month counts likewise (cum_rows, cum_months) and
-- projection_figures the points from both. queries/paths/ states each source alone.
WITH units AS (
    SELECT * FROM plan_units($districts, $townships, $unit_types, $poverty_only,
                             $rounds, $year_from, $year_to, $levels, $modes, $as_of, $grain)
), cum AS (
    SELECT * FROM cum_rows('units')
    WHERE NOT district_rows_apply($townships, $unit_types, $poverty_only, $grain)
    UNION ALL
    SELECT * FROM cum_months($districts, $as_of)
    WHERE district_rows_apply($townships, $unit_types, $poverty_only, $grain)
)
SELECT * FROM projection_figures('units', 'cum', $as_of, $rounds, $year_from, $year_to, $levels, $modes)
ORDER BY district, point_date
