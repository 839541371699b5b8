-- coverage_by_district_month (queries/coverage_by_district_month.sql) when coverage_curve reads the
-- units (not cover_months_apply): that branch alone (coverage_curve_units; inspection/store.py
-- query_paths); the same frame.
-- when: NOT cover_months_apply($townships, $unit_types, $poverty_only, $rounds, $year_from, $year_to, $levels, $modes, $grain)
SELECT * FROM coverage_curve_units($districts, $townships, $unit_types, $poverty_only,
                                   $rounds, $year_from, $year_to, $levels, $modes, $as_of, $grain)
ORDER BY district, month
