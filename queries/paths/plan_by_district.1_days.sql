-- plan_by_district (queries/plan_by_district.sql) when its units come by district from a_cover_days
-- (district_rows_apply): that branch alone (inspection/store.py query_paths); the same frame.
-- when: district_rows_apply($townships, $unit_types, $poverty_only, $grain)
WITH counted AS (
    SELECT * FROM plan_counted_days($districts, $as_of)
)
SELECT * FROM plan_figures('counted', true, $as_of, $rounds, $year_from, $year_to, $levels, $modes)
ORDER BY is_total, behind DESC, covered_share, district
