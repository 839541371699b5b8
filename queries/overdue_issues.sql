-- The overdue issues one by one as of $as_of, with their descriptions: for administrators on
-- screen only, never exported. days_overdue = $as_of - due_date, in days.
SELECT
    district, township, unit_name, round, level, team, category, subcategory, description,
    status, due_date,
    datediff('day', due_date, $as_of::DATE) AS days_overdue
FROM f_issues($districts, $townships, $unit_types, $poverty_only,
              $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories)
WHERE is_overdue
ORDER BY days_overdue DESC, district, township, unit_name, seq
