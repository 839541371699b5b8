-- Like for like: per-level averages over only the (district, year) cells where both levels
-- inspected, so municipal and county figures cover the same places and period, with the
-- municipal/county ratios. Averages are per inspection (sum over the inspections that reported
-- the figure); cells: the number of such (district, year) cells.
SELECT level, inspections, cells, avg_issues_and_clues, avg_clues, avg_disciplined, avg_immediate_fixes,
       ratio_issues_and_clues, ratio_clues, ratio_disciplined, ratio_immediate_fixes
FROM level_results($districts, $townships, $unit_types, $poverty_only,
                   $rounds, $year_from, $year_to, $levels, $modes, $as_of, true)
ORDER BY CASE level WHEN 'municipal' THEN 0 ELSE 1 END
