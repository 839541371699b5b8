-- rectification_by_category (queries/rectification_by_category.sql) for chosen districts: their issue
-- groups alone (issue_counts_districts; inspection/store.py query_paths); the same frame.
-- when: NOT whole_totals($districts, NULL) AND NOT issue_detail($districts, $townships, $unit_types, $poverty_only, NULL)
WITH c AS (
    SELECT * FROM issue_counts_districts($districts, $rounds, $year_from, $year_to, $levels, $modes, $as_of,
                                         $categories)
)
SELECT * FROM category_rectification('c')
ORDER BY issues DESC, category
