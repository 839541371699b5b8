-- headline_totals (queries/headline_totals.sql) for chosen districts under a round, year or mode
-- filter (the level alone: 2_district): the branches the general statement takes there, alone
-- (inspection/store.py query_paths): the inspection rows' sums, the covered units counted in the same
-- pass (roster_cover_counts, not first_covers' rows) and the districts' issue groups
-- (issue_list_stats_districts); the same frame.
-- when: NOT unit_days_apply($districts, $townships, $unit_types, $poverty_only, $rounds, $year_from, $year_to, $levels, $modes)
-- when: NOT whole_totals($districts, NULL) AND NOT issue_detail($districts, $townships, $unit_types, $poverty_only, NULL)
WITH sums AS MATERIALIZED (
    SELECT * FROM inspection_sums_rows($districts, $townships, $unit_types, $poverty_only,
                                       $rounds, $year_from, $year_to, $levels, $modes, $as_of)
), cover AS (
    SELECT * FROM roster_cover_counts($districts, $townships, $unit_types, $poverty_only, 'sums')
), listed AS (
    SELECT * FROM issue_list_stats_districts($districts, $rounds, $year_from, $year_to, $levels, $modes, $as_of,
                                             []::VARCHAR[])
)
SELECT * FROM headline_figures('cover', 'listed', 'sums')
