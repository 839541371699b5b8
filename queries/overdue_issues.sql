-- The overdue issues one by one as of $as_of, with their descriptions: for administrators on
-- screen only, never exported. days_overdue = $as_of - due_date, in days.
SELECT
    f.district, f.township, i.unit_name, f.round, f.level, i.team, f.category, f.subcategory, t.description,
    f.status, f.due_date,
    datediff('day', f.due_date, $as_of::DATE) AS days_overdue
FROM f_issues($districts, $townships, $unit_types, $poverty_only,
              $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories) f
JOIN v_inspections i ON i.round = f.round AND i.unit_id = f.unit_id
-- the description of the same active issue row
LEFT JOIN issues t ON t.round = f.round AND t.unit_id = f.unit_ref AND t.seq = f.seq AND t.superseded_by IS NULL
WHERE f.is_overdue
ORDER BY days_overdue DESC, f.district, f.township, i.unit_name, f.seq
