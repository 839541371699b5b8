-- results_by_period (queries/results_by_period.sql) for the whole area under no filter but the day
-- and the level (the undrilled view, or the levels': roster_applies): the branches the general
-- statement takes there, alone (inspection/store.py query_paths): the roster's first covers of the
-- levels (first_covers_roster), the inspections' day groups and the whole area's issue groups
-- (issue_counts_whole); the same frame.
-- when: roster_applies($rounds, NULL, $year_to, $modes)
-- when: inspection_days_apply($districts, $townships, $unit_types, $poverty_only)
-- when: whole_totals($districts, NULL) AND NOT issue_detail($districts, $townships, $unit_types, $poverty_only, NULL)
WITH u AS (
    SELECT * FROM first_covers_roster($districts, $townships, $unit_types, $poverty_only, $levels,
                                      reference_day($as_of, $year_to), 'district')
), i AS (
    SELECT * FROM period_inspections_days($rounds, $year_to, $levels, $modes, reference_day($as_of, $year_to))
), issues AS (
    SELECT * FROM issue_counts_whole($rounds, NULL, $year_to, $levels, $modes, reference_day($as_of, $year_to), []::VARCHAR[],
                                     year_before := true)
)
SELECT * FROM period_figures('u', 'i', 'issues', $as_of, $year_to)
ORDER BY period_start
