-- headline_totals (queries/headline_totals.sql) for the whole area under no filter but the as-of day
-- and at most one level (the undrilled view, or one level's: unit_days_apply): the branches the
-- general statement takes there, alone (inspection/store.py query_paths): the roster's first covers
-- of the level (first_covers_roster), the whole area's issue groups (issue_list_stats_whole) and the
-- inspections' day groups; the same frame.
-- when: unit_days_apply($districts, $townships, $unit_types, $poverty_only, $rounds, $year_from, $year_to, $levels, $modes)
-- when: whole_totals($districts, NULL) AND NOT issue_detail($districts, $townships, $unit_types, $poverty_only, NULL)
WITH cover AS (
    SELECT count(*) AS units_total, count(first_date) AS units_covered
    FROM first_covers_roster($districts, $townships, $unit_types, $poverty_only, $levels, $as_of, 'district')
), listed AS (
    SELECT * FROM issue_list_stats_whole($rounds, $year_from, $year_to, $levels, $modes, $as_of, []::VARCHAR[])
), sums AS (
    SELECT * FROM inspection_sums_days($levels, $as_of)
)
SELECT * FROM headline_figures('cover', 'listed', 'sums')
