-- rectification_totals (queries/rectification_totals.sql) with no place filter: the whole area's issue
-- groups (issue_list_stats_whole) and the counts basis from the inspections' day groups
-- (counts_rate_days), alone (inspection/store.py query_paths); the same frame.
-- when: whole_totals($districts, NULL) AND NOT issue_detail($districts, $townships, $unit_types, $poverty_only, NULL)
-- when: inspection_days_apply($districts, $townships, $unit_types, $poverty_only)
WITH listed AS (
    SELECT * FROM issue_list_stats_whole($rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories)
), counts AS (
    SELECT * FROM counts_rate_days($rounds, $year_from, $year_to, $levels, $modes, $as_of)
)
SELECT * FROM rectification_figures('listed', 'counts', $categories)
