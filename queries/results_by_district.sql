-- Results per district over the filtered inspections (sums, blanks skipped); district is the area
-- at the filters' grain (area() in _views.sql). At the district grain with no township, unit type,
-- poverty, round, year or mode filter (district_days_apply in _views.sql) the sums come from
-- a_inspection_months for the months before the as-of day's and from the rows for that month, the
-- units (count(DISTINCT unit_id)) from each district's first days in a_unit_days.
-- (district_results_rows and district_results_days in _views.sql; queries/paths/ states each alone)
SELECT * FROM (
    SELECT * FROM district_results_rows($districts, $townships, $unit_types, $poverty_only,
                                         $rounds, $year_from, $year_to, $levels, $modes, $as_of, $grain)
    WHERE NOT district_days_apply($townships, $unit_types, $poverty_only,
                                  $rounds, $year_from, $year_to, $levels, $modes, $grain)
    UNION ALL
    SELECT * FROM district_results_days($districts, $levels, $as_of)
    WHERE district_days_apply($townships, $unit_types, $poverty_only,
                              $rounds, $year_from, $year_to, $levels, $modes, $grain))
ORDER BY district
