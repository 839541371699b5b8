-- The team league table: per team, its inspections, units, sums and per-inspection average of
-- issues + clues (over the inspections that reported both). A team is its name, level and district
-- (team_district in _live.sql): each county office numbers its own 第一巡察组, so a county team is
-- one row per county (team_district: the county it belongs to); a municipal team spans districts
-- (team_district NULL), one row; a municipal and a county team of the same name are two rows.
-- With no district, township, unit type or poverty filter (the undrilled view: every inspection
-- of the whole area, 1.35M at national) from the pre-aggregates: the inspections and sums from
-- a_teams (inspection/store.py TEAMS: by district, round, year, level, mode, month of start and team)
-- for the months before $as_of's and the inspection rows of that month up to $as_of; the units are
-- the inspections less the repeat visits (a unit has at most one inspection a round, so only a unit
-- a team inspected in several rounds counts more than once: m_team_repeats, store.UNIT_SUMMARIES,
-- holds those inspections) instead of a distinct count over every inspection. Else (a few
-- districts' rows, which the district order lets DuckDB read alone) from the inspection rows. The
-- branch not taken folds away (its condition is a constant).
WITH rows AS (
    SELECT team, team_district, level, round, year, mode, month AS start_date, inspections,
           issues_found, clues, disciplined, immediate_fixes, sum_ic, n_ic
    FROM a_teams
    WHERE whole_area_rows_apply($districts, $townships, $unit_types, $poverty_only)
      AND month < date_trunc('month', $as_of::DATE)
    UNION ALL
    SELECT team, team_district(level, team, district), level, round, year, mode, start_date, 1,
           issues_found, clues, disciplined, immediate_fixes, issues_found + clues,
           CAST(issues_found + clues IS NOT NULL AS INTEGER)
    FROM v_inspections
    WHERE whole_area_rows_apply($districts, $townships, $unit_types, $poverty_only)
      AND start_date >= date_trunc('month', $as_of::DATE)
), teams AS (
    SELECT team, team_district, level, CAST(sum(inspections) AS BIGINT) AS inspections,
           sum(issues_found) AS issues_found, sum(clues) AS clues, sum(disciplined) AS disciplined,
           sum(immediate_fixes) AS immediate_fixes,
           sum(sum_ic) / nullif(sum(n_ic), 0) AS avg_issues_and_clues   -- per_inspection's parts
    FROM rows
    WHERE whole_area_rows_apply($districts, $townships, $unit_types, $poverty_only)
      AND inspection_ok($rounds, $year_from, $year_to, $levels, $modes, $as_of, round, year, level, mode, start_date)
    GROUP BY team, team_district, level
), repeats AS (
    -- each team's inspections beyond the first of each unit it inspected more than once
    SELECT team, team_district, level, count(*) - count(DISTINCT unit_id) AS extra
    FROM m_team_repeats
    WHERE whole_area_rows_apply($districts, $townships, $unit_types, $poverty_only)
      AND inspection_ok($rounds, $year_from, $year_to, $levels, $modes, $as_of, round, year, level, mode, start_date)
    GROUP BY team, team_district, level
)
SELECT t.team, t.team_district, t.level, t.inspections,
       CAST(t.inspections - coalesce(r.extra, 0) AS BIGINT) AS units,
       t.issues_found, t.clues, t.disciplined, t.immediate_fixes, t.avg_issues_and_clues
FROM teams t
LEFT JOIN repeats r ON r.team = t.team AND r.team_district IS NOT DISTINCT FROM t.team_district AND r.level = t.level
UNION ALL
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
WHERE NOT whole_area_rows_apply($districts, $townships, $unit_types, $poverty_only)
GROUP BY team, team_district, level
ORDER BY avg_issues_and_clues DESC NULLS LAST, team, team_district NULLS FIRST, level
