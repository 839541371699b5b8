-- The release before the team pre-aggregates (a_teams, m_team_repeats): every inspection row.
-- The team league table: per team, its inspections, units, sums and per-inspection average of
-- issues + clues (over the inspections that reported both). A team is its name, level and district
-- (team_district in _views.sql): each county office numbers its own 第一巡察组, so a county team is
-- one row per county (team_district: the county it belongs to); a municipal team spans districts
-- (team_district NULL), one row; a municipal and a county team of the same name are two rows.
SELECT
    team,
    team_district(level, team, district) AS team_district,
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
GROUP BY team, team_district, level
ORDER BY avg_issues_and_clues DESC NULLS LAST, team, team_district NULLS FIRST, level
