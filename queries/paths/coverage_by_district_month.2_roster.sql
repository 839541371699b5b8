-- coverage_by_district_month (queries/coverage_by_district_month.sql) when coverage_curve reads the
-- units (not cover_months_apply) with no round, year or mode filter (roster_applies): the curves of
-- the roster's first covers of the levels alone (first_covers_roster through coverage_curve_from, as
-- coverage_curve_units; inspection/store.py query_paths); the same frame.
-- when: NOT cover_months_apply($townships, $unit_types, $poverty_only, $rounds, $year_from, $year_to, $levels, $modes, $grain)
-- when: roster_applies($rounds, $year_from, $year_to, $modes)
WITH u AS (
    SELECT * FROM first_covers_roster($districts, $townships, $unit_types, $poverty_only, $levels, $as_of, $grain)
), areas AS (
    SELECT * FROM cover_areas('u')
), monthly AS (
    SELECT * FROM cover_area_months('u')
)
SELECT * FROM coverage_curve_from('areas', 'monthly', $as_of, $rounds, $year_from, $year_to, $levels, $modes)
ORDER BY district, month
