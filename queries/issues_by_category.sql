-- Listed issues per category and subcategory, with rectified (as of the date), long-term and overdue.
-- From the pre-aggregates' whole-area groups when no district is chosen, else from the issue rows
-- (issue_counts with grain 'subcategory' in _views.sql: a district's groups keep no subcategory).
SELECT
    category,
    subcategory,
    tally(n) AS issues,
    tally_if(n, is_rectified) AS rectified,
    tally_if(n, is_long_term) AS long_term,
    tally_if(n, is_overdue) AS overdue
FROM issue_counts($districts, $townships, $unit_types, $poverty_only,
                  $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories, 'subcategory')
GROUP BY category, subcategory
ORDER BY category, issues DESC, subcategory
