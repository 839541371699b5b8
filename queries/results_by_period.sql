-- Year to date against the same period of the previous year (two rows: period 'current' and
-- 'previous'), for the change shown under the overview tiles.
--   current   1 January of the reference year .. the reference day
--   previous  the same span one year earlier (1 January .. the same day of the year)
-- The reference day is $as_of, or 31 December of $year_to when the year range ends earlier (then
-- both periods are whole years). $year_from is not applied: the previous year must stay in view.
-- An inspection belongs to the period of its start_date. Per period: the results of its
-- inspections, roster units covered for the first time in it (coverage_gain: fraction 0..1 of the
-- roster), and the rectification rate (fraction 0..1) of its listed issues as of the period's last
-- day (from the rectified / issues_found counts when there is no issue list).
-- In parts (period_figures and what it reads, in _views.sql); queries/paths/ states each case alone.
WITH u AS (
    -- the roster units and the day each was first covered (first_covers in _views.sql)
    SELECT * FROM first_covers($districts, $townships, $unit_types, $poverty_only,
                               $rounds, NULL, $year_to, $levels, $modes, reference_day($as_of, $year_to), 'district')
), i AS (
    -- the filtered inspections (each of weight 1) or, with no place filter, the whole area's day
    -- groups of them (inspection_days_apply in _views.sql)
    SELECT * FROM period_inspections_rows($districts, $townships, $unit_types, $poverty_only,
                                          $rounds, $year_to, $levels, $modes, reference_day($as_of, $year_to))
    WHERE NOT inspection_days_apply($districts, $townships, $unit_types, $poverty_only)
    UNION ALL
    SELECT * FROM period_inspections_days($rounds, $year_to, $levels, $modes, reference_day($as_of, $year_to))
    WHERE inspection_days_apply($districts, $townships, $unit_types, $poverty_only)
), issues AS (
    -- the listed issues of both periods from one issue_counts call (a second one cost ~7 ms to plan)
    SELECT * FROM issue_counts($districts, $townships, $unit_types, $poverty_only,
                               $rounds, NULL, $year_to, $levels, $modes, reference_day($as_of, $year_to), []::VARCHAR[], NULL,
                               year_before := true)
)
SELECT * FROM period_figures('u', 'i', 'issues', $as_of, $year_to)
ORDER BY period_start
