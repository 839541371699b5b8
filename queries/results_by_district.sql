-- Results per district over the filtered inspections (sums, blanks skipped); district is the area
-- at the filters' grain (area() in _views.sql).
SELECT area($grain, district, township, unit_name) AS district, count(*) AS inspections, count(DISTINCT unit_id) AS units_inspected,
       sum(issues_found) AS issues_found, sum(clues) AS clues, sum(disciplined) AS disciplined,
       sum(immediate_fixes) AS immediate_fixes
FROM f_inspections($districts, $townships, $unit_types, $poverty_only,
                   $rounds, $year_from, $year_to, $levels, $modes, $as_of)
GROUP BY ALL
ORDER BY district
