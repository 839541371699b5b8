-- Per-level (municipal | county) results and per-inspection averages, with the municipal/county
-- ratio of each average (ratio_* is the same on both rows; NULL when a level is missing).
SELECT *
FROM level_results($districts, $townships, $unit_types, $poverty_only,
                   $rounds, $year_from, $year_to, $levels, $modes, $as_of)
ORDER BY CASE level WHEN 'municipal' THEN 0 ELSE 1 END
