-- results_by_level (queries/results_by_level.sql) from the inspection rows (not unit_days_apply):
-- level_stats' branch alone (level_stats_rows; level_figures; inspection/store.py query_paths); the same frame.
-- when: NOT unit_days_apply($districts, $townships, $unit_types, $poverty_only, $rounds, $year_from, $year_to, $levels, $modes)
WITH s AS (
    SELECT * FROM level_stats_rows($districts, $townships, $unit_types, $poverty_only,
                                   $rounds, $year_from, $year_to, $levels, $modes, $as_of)
)
SELECT * FROM level_figures('s')
ORDER BY CASE level WHEN 'municipal' THEN 0 ELSE 1 END
