-- rectification_by_days (queries/rectification_by_days.sql) with no place chosen: the whole area's
-- pre-aggregates alone (rect_steps_whole; inspection/store.py query_paths); the same frame.
-- when: whole_area($districts, NULL) AND NOT issue_detail($districts, $townships, $unit_types, $poverty_only, NULL)
WITH steps AS (
    SELECT * FROM rect_steps_whole($rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories)
)
SELECT * FROM rect_days_figures('steps')
ORDER BY CASE level WHEN 'municipal' THEN 0 ELSE 1 END, days
