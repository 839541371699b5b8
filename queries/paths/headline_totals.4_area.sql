-- headline_totals (queries/headline_totals.sql) with no place filter, under a round, year or mode
-- filter or both levels (one level alone, or none: 1_whole): the inspection rows' sums, the covered
-- units counted in the same pass (roster_cover_counts, not first_covers' rows) and the whole area's
-- issue groups (issue_list_stats_whole) instead of issue_list_stats' every branch (inspection/store.py
-- query_paths); the same frame.
-- when: whole_totals($districts, NULL) AND NOT issue_detail($districts, $townships, $unit_types, $poverty_only, NULL)
WITH sums AS MATERIALIZED (
    SELECT * FROM inspection_sums_rows($districts, $townships, $unit_types, $poverty_only,
                                       $rounds, $year_from, $year_to, $levels, $modes, $as_of)
), cover AS (
    SELECT * FROM roster_cover_counts($districts, $townships, $unit_types, $poverty_only, 'sums')
), listed AS (
    SELECT * FROM issue_list_stats_whole($rounds, $year_from, $year_to, $levels, $modes, $as_of, []::VARCHAR[])
)
SELECT * FROM headline_figures('cover', 'listed', 'sums')
