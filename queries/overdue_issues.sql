-- The overdue issues one by one as of $as_of, longest overdue first, with their descriptions: for
-- administrators on screen only, never exported. The first $limit rows ($limit NULL: all); how many
-- there are is rectification_totals' overdue. days_overdue = $as_of - due_date, in days.
WITH listed AS (
    SELECT
        f.district, f.township, i.unit_name, f.round, f.level, i.team, f.category, f.subcategory,
        f.status, f.due_date, f.unit_ref, f.seq,
        datediff('day', f.due_date, $as_of::DATE) AS days_overdue
    FROM f_issues($districts, $townships, $unit_types, $poverty_only,
                  $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories) f
    JOIN v_inspections i ON i.round = f.round AND i.unit_id = f.unit_id
    WHERE f.is_overdue
    ORDER BY days_overdue DESC, f.district, f.township, i.unit_name, f.seq, f.round
    LIMIT $limit
)
SELECT
    l.district, l.township, l.unit_name, l.round, l.level, l.team, l.category, l.subcategory, t.description,
    l.status, l.due_date, l.days_overdue
FROM listed l
-- the description of the same active issue row, read for the listed rows only
LEFT JOIN issues t ON t.round = l.round AND t.unit_id = l.unit_ref AND t.seq = l.seq AND t.superseded_by IS NULL
ORDER BY l.days_overdue DESC, l.district, l.township, l.unit_name, l.seq, l.round
