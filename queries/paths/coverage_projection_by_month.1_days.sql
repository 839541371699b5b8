-- coverage_projection_by_month (queries/coverage_projection_by_month.sql) when its units come by district
-- from a_cover_days (district_rows_apply): plan_units_days and cum_months alone (inspection/store.py
-- query_paths); the same frame.
-- when: district_rows_apply($townships, $unit_types, $poverty_only, $grain)
WITH u AS (
    SELECT * FROM plan_units_days($districts, $as_of)
), units AS (
    SELECT * FROM with_plans('u')
), cum AS (
    SELECT * FROM cum_months($districts, $as_of)
)
SELECT * FROM projection_figures('units', 'cum', $as_of, $rounds, $year_from, $year_to, $levels, $modes)
ORDER BY district, point_date
