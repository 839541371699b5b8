-- headline_totals (queries/headline_totals.sql) with no place filter, under inspection filters: the
-- whole area's issue groups (issue_list_stats_whole) instead of issue_list_stats' every branch, the rest
-- as the general statement (inspection/store.py query_paths); the same frame.
-- when: whole_totals($districts, NULL) AND NOT issue_detail($districts, $townships, $unit_types, $poverty_only, NULL)
WITH cover AS (
    SELECT count(*) AS units_total, count(first_date) AS units_covered
    FROM first_covers($districts, $townships, $unit_types, $poverty_only,
                      $rounds, $year_from, $year_to, $levels, $modes, $as_of, 'district')
), listed AS (
    SELECT * FROM issue_list_stats_whole($rounds, $year_from, $year_to, $levels, $modes, $as_of, []::VARCHAR[])
), sums AS (
    -- the filtered inspections' sums, from the rows or, with no place, round, year or mode filter, from
    -- the whole area's day groups and the units' first days (inspection_sums in _views.sql)
    SELECT * FROM inspection_sums($districts, $townships, $unit_types, $poverty_only,
                                  $rounds, $year_from, $year_to, $levels, $modes, $as_of)
)
SELECT * FROM headline_figures('cover', 'listed', 'sums')
