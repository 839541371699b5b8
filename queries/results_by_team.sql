-- The team league table: per team and level (two offices' teams may share a name, e.g. a
-- municipal and a county 第一巡察组: two rows, never one with either level), its inspections,
-- units, sums and per-inspection average of issues + clues (over the inspections that reported both).
SELECT
    team,
    level,
    count(*) AS inspections,
    count(DISTINCT unit_id) AS units,
    sum(issues_found) AS issues_found,
    sum(clues) AS clues,
    sum(disciplined) AS disciplined,
    sum(immediate_fixes) AS immediate_fixes,
    per_inspection(issues_found + clues) AS avg_issues_and_clues
FROM f_inspections($districts, $townships, $unit_types, $poverty_only,
                   $rounds, $year_from, $year_to, $levels, $modes, $as_of)
GROUP BY team, level
ORDER BY avg_issues_and_clues DESC NULLS LAST, team, level
