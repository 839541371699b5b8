-- Per-level (municipal | county) results and per-inspection averages, with the municipal/county
-- ratio of each average (ratio_* is the same on both rows; NULL when a level is missing).
WITH l AS (
    SELECT * FROM level_stats($districts, $townships, $unit_types, $poverty_only,
                              $rounds, $year_from, $year_to, $levels, $modes, $as_of)
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
