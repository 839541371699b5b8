-- rectification_totals (queries/rectification_totals.sql) for chosen districts: their issue groups
-- (issue_list_stats_districts) and the counts basis from their inspections, alone (inspection/store.py
-- query_paths); the same frame.
-- when: NOT whole_totals($districts, NULL) AND NOT issue_detail($districts, $townships, $unit_types, $poverty_only, NULL)
WITH listed AS (
    SELECT * FROM issue_list_stats_districts($districts, $rounds, $year_from, $year_to, $levels, $modes, $as_of,
                                             $categories)
), counts AS (
    SELECT * FROM counts_rate_rows($districts, $townships, $unit_types, $poverty_only,
                                   $rounds, $year_from, $year_to, $levels, $modes, $as_of)
)
SELECT * FROM rectification_figures('listed', 'counts', $categories)
