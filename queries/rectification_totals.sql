-- The rectification tiles (one row), respecting every filter including $categories (the issue
-- categories narrow the issue list). Definitions: the rectification_stats macro in _views.sql,
-- the same as headline_totals uses. Rates are fractions 0..1.
-- Under a category filter the rate is the list's alone (rectification_figures in _views.sql): the
-- inspections' reported counts (the counts basis when no issue is listed) have no category, so with
-- no listed issue of the chosen categories there is no rate (NULL, basis 'list').
SELECT * FROM rectification_stats($districts, $townships, $unit_types, $poverty_only,
                                  $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories)
