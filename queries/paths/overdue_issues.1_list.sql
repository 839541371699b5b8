-- overdue_issues (queries/overdue_issues.sql) from m_overdue alone (f_overdue_list: overdue_list_apply,
-- the tests' issues_detail switch off; inspection/store.py query_paths); the same frame.
-- when: overdue_list_apply()
SELECT
    district, township, unit_name, round, level, team, category, subcategory, description,
    status, due_date, datediff('day', due_date, $as_of::DATE) AS days_overdue
FROM f_overdue_list($districts, $townships, $unit_types, $poverty_only,
                    $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories)
ORDER BY days_overdue DESC, district, township, unit_name, seq, round
LIMIT $limit
