-- The overdue issues one by one as of $as_of, longest overdue first, with their descriptions: for
-- administrators on screen only, never exported. The first $limit rows ($limit NULL: all); how many
-- there are is rectification_totals' overdue. days_overdue = $as_of - due_date, in days.
-- f_overdue (_views.sql) reads the few issues that can be overdue, kept by the import (m_overdue).
SELECT
    district, township, unit_name, round, level, team, category, subcategory, description,
    status, due_date, datediff('day', due_date, $as_of::DATE) AS days_overdue
FROM f_overdue($districts, $townships, $unit_types, $poverty_only,
               $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories)
ORDER BY days_overdue DESC, district, township, unit_name, seq, round
LIMIT $limit
