-- The team league table: per team, its level, inspections, units, sums and per-inspection
-- average of issues + clues (over the inspections that reported both).
SELECT
    team,
    any_value(level) AS level,
    count(*) AS inspections,
    count(DISTINCT unit_id) AS units,
    sum(issues_found) AS issues_found,
    sum(clues) AS clues,
    sum(disciplined) AS disciplined,
    sum(immediate_fixes) AS immediate_fixes,
    per_inspection(issues_found + clues) AS avg_issues_and_clues
FROM f_inspections($districts, $townships, $unit_types, $poverty_only,
                   $rounds, $year_from, $year_to, $levels, $modes, $as_of)
GROUP BY team
ORDER BY avg_issues_and_clues DESC NULLS LAST, team
