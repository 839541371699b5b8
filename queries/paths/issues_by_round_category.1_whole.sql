-- issues_by_round_category (queries/issues_by_round_category.sql) with no place filter: the whole area's
-- listed counts alone (issue_listed_whole; inspection/store.py query_paths); the same frame.
-- when: whole_area($districts, NULL) AND NOT issue_detail($districts, $townships, $unit_types, $poverty_only, NULL)
SELECT round, min(round_ord) AS round_ord, category, tally(n) AS issues
FROM issue_listed_whole($rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories)
GROUP BY round, category
ORDER BY round_ord, category
