-- rectification_by_category (queries/rectification_by_category.sql) with no place filter: the whole
-- area's issue groups alone (issue_counts_whole; inspection/store.py query_paths); the same frame.
-- when: whole_totals($districts, NULL) AND NOT issue_detail($districts, $townships, $unit_types, $poverty_only, NULL)
WITH c AS (
    SELECT * FROM issue_counts_whole($rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories)
)
SELECT * FROM category_rectification('c')
ORDER BY issues DESC, category
