-- The rectification tiles (one row), respecting every filter including $categories (the issue
-- categories narrow the issue list). Definitions: the rectification_stats macro in _views.sql,
-- the same as headline_totals uses. Rates are fractions 0..1.
SELECT * FROM rectification_stats($districts, $townships, $unit_types, $poverty_only,
                                  $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories)
