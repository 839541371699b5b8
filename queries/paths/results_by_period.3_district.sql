-- results_by_period (queries/results_by_period.sql) for chosen districts: the branches the general
-- statement takes there but first_covers' (both bound), alone (inspection/store.py query_paths): the
-- inspection rows and the districts' issue groups (issue_counts_districts); the same frame.
-- when: NOT inspection_days_apply($districts, $townships, $unit_types, $poverty_only)
-- when: NOT whole_totals($districts, NULL) AND NOT issue_detail($districts, $townships, $unit_types, $poverty_only, NULL)
WITH u AS (
    SELECT * FROM first_covers($districts, $townships, $unit_types, $poverty_only,
                               $rounds, NULL, $year_to, $levels, $modes, reference_day($as_of, $year_to), 'district')
), i AS (
    SELECT * FROM period_inspections_rows($districts, $townships, $unit_types, $poverty_only,
                                          $rounds, $year_to, $levels, $modes, reference_day($as_of, $year_to))
), issues AS (
    SELECT * FROM issue_counts_districts($districts, $rounds, NULL, $year_to, $levels, $modes, reference_day($as_of, $year_to),
                                         []::VARCHAR[], year_before := true)
)
SELECT * FROM period_figures('u', 'i', 'issues', $as_of, $year_to)
ORDER BY period_start
