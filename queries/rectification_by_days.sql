-- Per level (municipal | county), the share of listed issues rectified within d days of their
-- inspection's feedback (end_date), d = 0, 5, ..., 180. Shares are fractions 0..1.
-- Base: listed issues whose inspection has an end_date (as the one-month rate of headline_totals:
-- at d = 30 this is the one-month rectification rate of the level). As of $as_of, an issue counts
-- only once rectified on or before that date; one rectified before the feedback counts from day 0.
-- Per level, the issues with a feedback date and those rectified as of $as_of by 5-day step: with no
-- place chosen, from the whole area's pre-aggregates (rect_steps_whole in _views.sql: a_rect_months and
-- a_rect_days, inspection/store.py); else from the issue rows in one pass (rect_steps_rows);
-- rect_days_figures counts the shares from either. The branch not taken folds away; queries/paths/
-- states each alone.
WITH steps AS (
    SELECT * FROM rect_steps_whole($rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories)
    WHERE whole_area($districts, NULL) AND NOT issue_detail($districts, $townships, $unit_types, $poverty_only, NULL)
    UNION ALL
    SELECT * FROM rect_steps_rows($districts, $townships, $unit_types, $poverty_only,
                                  $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories)
    WHERE NOT (whole_area($districts, NULL) AND NOT issue_detail($districts, $townships, $unit_types, $poverty_only, NULL))
)
SELECT * FROM rect_days_figures('steps')
ORDER BY CASE level WHEN 'municipal' THEN 0 ELSE 1 END, days
