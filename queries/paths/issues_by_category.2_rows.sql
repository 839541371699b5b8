-- issues_by_category (queries/issues_by_category.sql) for chosen districts or places, or any finer
-- filter (issue_detail: a district's groups keep no subcategory): the issue rows alone, counted as
-- f_issues judges each (issue_counts' detail branch gives the same counts: tests/queries/
-- test_issue_aggregates.py REFERENCE_SUB; inspection/store.py query_paths); the same frame.
-- when: issue_detail($districts, $townships, $unit_types, $poverty_only, 'subcategory')
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
