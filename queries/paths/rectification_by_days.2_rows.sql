-- rectification_by_days (queries/rectification_by_days.sql) with a place chosen (or a township, unit
-- type or poverty filter): the issue rows alone (rect_steps_rows; inspection/store.py query_paths);
-- the same frame.
-- when: NOT (whole_area($districts, NULL) AND NOT issue_detail($districts, $townships, $unit_types, $poverty_only, NULL))
WITH steps AS (
    SELECT * FROM rect_steps_rows($districts, $townships, $unit_types, $poverty_only,
                                  $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories)
)
SELECT * FROM rect_days_figures('steps')
ORDER BY CASE level WHEN 'municipal' THEN 0 ELSE 1 END, days
