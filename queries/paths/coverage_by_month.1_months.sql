-- coverage_by_month (queries/coverage_by_month.sql) when the districts' first covers come from
-- a_cover_months (cover_months_apply): those branches alone (inspection/store.py query_paths); the
-- same frame.
-- when: cover_months_apply($townships, $unit_types, $poverty_only, $rounds, $year_from, $year_to, $levels, $modes, 'district')
WITH counts AS (
    SELECT * FROM cover_months_units($districts)
), monthly AS (
    SELECT * FROM cover_months_monthly($districts, $as_of)
)
SELECT * FROM month_coverage('counts', 'monthly', $as_of, $rounds, $year_from, $year_to, $levels, $modes)
ORDER BY month
