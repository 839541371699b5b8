-- Per mode and level: inspections and the per-inspection average of issues + clues
-- (over the inspections that reported both). With no place filter from the whole area's totals
-- (a_inspection_days: inspection_days_apply in _views.sql), the same sums of the same inspections.
SELECT * FROM (
SELECT mode, level, count(*) AS inspections,
       per_inspection(issues_found + clues) AS avg_issues_and_clues
FROM f_inspections($districts, $townships, $unit_types, $poverty_only,
                   $rounds, $year_from, $year_to, $levels, $modes, $as_of)
WHERE NOT inspection_days_apply($districts, $townships, $unit_types, $poverty_only)
GROUP BY mode, level
UNION ALL
SELECT mode, level, CAST(sum(inspections) AS BIGINT) AS inspections,
       sum(issues_and_clues) / nullif(sum(n_issues_and_clues), 0) AS avg_issues_and_clues
FROM a_inspection_days
WHERE inspection_days_apply($districts, $townships, $unit_types, $poverty_only)
  AND inspection_ok($rounds, $year_from, $year_to, $levels, $modes, $as_of, round, year, level, mode, start_date)
GROUP BY mode, level)
ORDER BY mode, CASE level WHEN 'municipal' THEN 0 ELSE 1 END
