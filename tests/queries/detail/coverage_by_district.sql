-- Coverage per district of the roster: units inspected at least once (by the filtered
-- inspections) over roster units. coverage_rate is a fraction 0..1. district is the area at the
-- filters' grain: the district, township or unit (area() in _views.sql).
WITH u AS (
    SELECT unit_id, area($grain, district, township, unit_name) AS district
    FROM f_units($districts, $townships, $unit_types, $poverty_only)
), covered AS (
    SELECT DISTINCT unit_id FROM f_inspections($districts, $townships, $unit_types, $poverty_only,
                                               $rounds, $year_from, $year_to, $levels, $modes, $as_of)
)
SELECT
    u.district,
    count(*) AS units_total,
    count(c.unit_id) AS units_covered,
    count(c.unit_id) / count(*) AS coverage_rate
FROM u LEFT JOIN covered c USING (unit_id)
GROUP BY u.district
ORDER BY coverage_rate DESC, u.district
