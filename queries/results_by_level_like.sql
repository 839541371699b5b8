-- Like for like: per-level averages over only the (district, year) cells where both levels
-- inspected, so municipal and county figures cover the same places and period.
-- Averages are per inspection (sum over the inspections that reported the figure).
WITH i AS (
    SELECT * FROM f_inspections($districts, $townships, $unit_types, $poverty_only,
                                $rounds, $year_from, $year_to, $levels, $modes, $as_of)
), cells AS (
    SELECT district, year FROM i GROUP BY district, year HAVING count(DISTINCT level) = 2
), l AS (
    SELECT
        level,
        count(*) AS inspections,
        (SELECT count(*) FROM cells) AS cells,
        sum(issues_found + clues) / nullif(count(issues_found + clues), 0) AS avg_issues_and_clues,
        sum(clues) / nullif(count(clues), 0) AS avg_clues,
        sum(disciplined) / nullif(count(disciplined), 0) AS avg_disciplined,
        sum(immediate_fixes) / nullif(count(immediate_fixes), 0) AS avg_immediate_fixes
    FROM i SEMI JOIN cells USING (district, year)
    GROUP BY level
)
SELECT
    l.*,
    (SELECT avg_issues_and_clues FROM l WHERE level = 'municipal')
        / nullif((SELECT avg_issues_and_clues FROM l WHERE level = 'county'), 0) AS ratio_issues_and_clues,
    (SELECT avg_clues FROM l WHERE level = 'municipal')
        / nullif((SELECT avg_clues FROM l WHERE level = 'county'), 0) AS ratio_clues,
    (SELECT avg_disciplined FROM l WHERE level = 'municipal')
        / nullif((SELECT avg_disciplined FROM l WHERE level = 'county'), 0) AS ratio_disciplined,
    (SELECT avg_immediate_fixes FROM l WHERE level = 'municipal')
        / nullif((SELECT avg_immediate_fixes FROM l WHERE level = 'county'), 0) AS ratio_immediate_fixes
FROM l
ORDER BY CASE level WHEN 'municipal' THEN 0 ELSE 1 END
