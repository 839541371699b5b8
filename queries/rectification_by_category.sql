-- Rectification status of listed issues per category as of the date: rectified, long-term (长期整改,
-- never overdue), open and not yet due, overdue (past due date, not rectified); the four add up to
-- issues. rectification_rate is a fraction 0..1 (long-term issues count as not rectified). From the
-- pre-aggregates (issue_counts in _views.sql; category_rectification counts the figures).
WITH c AS (
    SELECT * FROM issue_counts($districts, $townships, $unit_types, $poverty_only,
                               $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories, NULL)
)
SELECT * FROM category_rectification('c')
ORDER BY issues DESC, category
