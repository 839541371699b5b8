-- results_by_district (queries/results_by_district.sql) from the inspection rows (not
-- district_days_apply): that branch alone (district_results_rows; inspection/store.py query_paths);
-- the same frame.
-- when: NOT district_days_apply($townships, $unit_types, $poverty_only, $rounds, $year_from, $year_to, $levels, $modes, $grain)
SELECT * FROM district_results_rows($districts, $townships, $unit_types, $poverty_only,
                                     $rounds, $year_from, $year_to, $levels, $modes, $as_of, $grain)
ORDER BY district
