-- rectification_by_category (queries/rectification_by_category.sql) for chosen districts: their issue
-- groups alone (issue_counts_districts; inspection/store.py query_paths); the same frame.
-- when: NOT whole_totals($districts, NULL) AND NOT issue_detail($districts, $townships, $unit_types, $poverty_only, NULL)
SELECT
    category,
    tally(n) AS issues,
    tally_if(n, is_rectified) AS rectified,
    tally_if(n, is_long_term) AS long_term,
    tally_if(n, NOT is_rectified AND NOT is_long_term AND NOT coalesce(is_overdue, false)) AS open_in_time,
    tally_if(n, is_overdue) AS overdue,
    tally_if(n, is_rectified) / tally(n) AS rectification_rate
FROM issue_counts_districts($districts, $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories)
GROUP BY category
ORDER BY issues DESC, category
