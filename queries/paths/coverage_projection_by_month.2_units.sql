-- coverage_projection_by_month (queries/coverage_projection_by_month.sql) when its units come one by one
-- (not district_rows_apply): plan_units_rows and cum_rows alone (inspection/store.py query_paths); the
-- same frame.
-- when: NOT district_rows_apply($townships, $unit_types, $poverty_only, $grain)
WITH u AS (
    SELECT * FROM plan_units_rows($districts, $townships, $unit_types, $poverty_only,
                                  $rounds, $year_from, $year_to, $levels, $modes, $as_of, $grain)
), units AS (
    SELECT * FROM with_plans('u')
), cum AS (
    SELECT * FROM cum_rows('units')
)
SELECT * FROM projection_figures('units', 'cum', $as_of, $rounds, $year_from, $year_to, $levels, $modes)
ORDER BY district, point_date
