-- results_by_district (queries/results_by_district.sql) by district from the pre-aggregates
-- (district_days_apply): that branch alone (district_results_days; inspection/store.py query_paths);
-- the same frame.
-- when: district_days_apply($townships, $unit_types, $poverty_only, $rounds, $year_from, $year_to, $levels, $modes, $grain)
SELECT * FROM district_results_days($districts, $levels, $as_of)
ORDER BY district
