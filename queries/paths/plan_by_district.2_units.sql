-- plan_by_district (queries/plan_by_district.sql) when its units come one by one from plan_units (not
-- district_rows_apply): that branch alone (inspection/store.py query_paths); the same frame.
-- when: NOT district_rows_apply($townships, $unit_types, $poverty_only, $grain)
WITH counted AS (
    SELECT * FROM plan_counted_units($districts, $townships, $unit_types, $poverty_only,
                                     $rounds, $year_from, $year_to, $levels, $modes, $as_of, $grain)
)
SELECT * FROM plan_figures('counted', false, $as_of, $rounds, $year_from, $year_to, $levels, $modes)
ORDER BY is_total, behind DESC, covered_share, district
