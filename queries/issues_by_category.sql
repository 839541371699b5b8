-- Listed issues per category and subcategory, with rectified (as of the date), long-term and overdue.
SELECT
    category,
    subcategory,
    count(*) AS issues,
    count(*) FILTER (WHERE is_rectified) AS rectified,
    count(*) FILTER (WHERE is_long_term) AS long_term,
    count(*) FILTER (WHERE is_overdue) AS overdue
FROM f_issues($districts, $townships, $unit_types, $poverty_only,
              $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories)
GROUP BY category, subcategory
ORDER BY category, issues DESC, subcategory
