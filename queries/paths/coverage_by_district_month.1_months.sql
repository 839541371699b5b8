-- coverage_by_district_month (queries/coverage_by_district_month.sql) when coverage_curve reads the
-- districts' curves from a_cover_months (cover_months_apply): that branch alone (coverage_curve_months;
-- inspection/store.py query_paths); the same frame.
-- when: cover_months_apply($townships, $unit_types, $poverty_only, $rounds, $year_from, $year_to, $levels, $modes, $grain)
SELECT * FROM coverage_curve_months($districts, $as_of)
ORDER BY district, month
