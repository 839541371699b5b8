-- issues_by_category (queries/issues_by_category.sql) with no place filter: the whole area's issue
-- groups alone, by subcategory (a_issues' '*' groups, which alone keep it: issue_counts_whole over
-- them; inspection/store.py query_paths); the same frame.
-- when: whole_area($districts, 'subcategory') AND NOT issue_detail($districts, $townships, $unit_types, $poverty_only, 'subcategory')
WITH g AS (
    SELECT * FROM a_issues WHERE district = '*'
)
SELECT
    category,
    subcategory,
    tally(n) AS issues,
    tally_if(n, is_rectified) AS rectified,
    tally_if(n, is_long_term) AS long_term,
    tally_if(n, is_overdue) AS overdue
FROM issue_counts_whole($rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories, groups := 'g')
GROUP BY category, subcategory
ORDER BY category, issues DESC, subcategory
