-- Per mode and level: inspections and the per-inspection average of issues + clues
-- (over the inspections that reported both).
SELECT mode, level, count(*) AS inspections,
       per_inspection(issues_found + clues) AS avg_issues_and_clues
FROM f_inspections($districts, $townships, $unit_types, $poverty_only,
                   $rounds, $year_from, $year_to, $levels, $modes, $as_of)
GROUP BY mode, level
ORDER BY mode, CASE level WHEN 'municipal' THEN 0 ELSE 1 END
