-- Coverage of the filtered roster per unit type: units covered by the filtered inspections (their
-- first one on or before $as_of, first_covers in _views.sql) over roster units. coverage_rate is a
-- fraction 0..1.
SELECT unit_type, count(*) AS units_total, count(first_date) AS units_covered,
       count(first_date) / count(*) AS coverage_rate
FROM first_covers($districts, $townships, $unit_types, $poverty_only,
                  $rounds, $year_from, $year_to, $levels, $modes, $as_of, 'district')
GROUP BY unit_type
ORDER BY units_total DESC, unit_type
