-- Per year of start_date: results of that year's inspections, roster units covered for the first
-- time that year, and the rectification rate of that year's listed issues (fraction 0..1).
WITH u AS (
    SELECT * FROM f_units($districts, $townships, $unit_types, $poverty_only)
), i AS (
    SELECT * FROM f_inspections($districts, $townships, $unit_types, $poverty_only,
                                $rounds, $year_from, $year_to, $levels, $modes, $as_of)
), firsts AS (
    SELECT unit_id, year(min(start_date)) AS year FROM i WHERE unit_id IN (SELECT unit_id FROM u) GROUP BY unit_id
), s AS (
    SELECT year, count(*) AS listed_issues, count(*) FILTER (WHERE is_rectified) AS listed_rectified
    FROM f_issues($districts, $townships, $unit_types, $poverty_only,
                  $rounds, $year_from, $year_to, $levels, $modes, $as_of, []::VARCHAR[])
    GROUP BY year
), y AS (
    SELECT year, count(*) AS inspections, sum(issues_found) AS issues_found, sum(clues) AS clues,
           sum(disciplined) AS disciplined, sum(immediate_fixes) AS immediate_fixes,
           sum(rectified) FILTER (WHERE issues_found IS NOT NULL) AS rect_num,
           sum(issues_found) FILTER (WHERE rectified IS NOT NULL) AS rect_den
    FROM i GROUP BY year
)
SELECT
    y.year, y.inspections, y.issues_found, y.clues, y.disciplined, y.immediate_fixes,
    (SELECT count(*) FROM firsts f WHERE f.year = y.year) AS units_newly_covered,
    (SELECT count(*) FROM u) AS units_total,
    (SELECT count(*) FROM firsts f WHERE f.year = y.year) / nullif((SELECT count(*) FROM u), 0) AS coverage_gain,
    CASE WHEN s.listed_issues > 0 THEN s.listed_rectified / s.listed_issues
         ELSE y.rect_num / nullif(y.rect_den, 0) END AS rectification_rate
FROM y LEFT JOIN s USING (year)
ORDER BY y.year
