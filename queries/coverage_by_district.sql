-- Coverage per district of the roster: units inspected at least once (by the filtered
-- inspections) over roster units. coverage_rate is a fraction 0..1. district is the area at the
-- filters' grain: the district, township or unit (area() in _views.sql).
SELECT
    district,
    count(*) AS units_total,
    count(first_date) AS units_covered,
    count(first_date) / count(*) AS coverage_rate
FROM first_covers($districts, $townships, $unit_types, $poverty_only,
                  $rounds, $year_from, $year_to, $levels, $modes, $as_of, $grain)
GROUP BY district
ORDER BY coverage_rate DESC, district
