-- Coverage of the filtered roster per unit type. coverage_rate is a fraction 0..1.
WITH u AS (
    SELECT * FROM f_units($districts, $townships, $unit_types, $poverty_only)
), covered AS (
    SELECT DISTINCT unit_id FROM f_inspections($districts, $townships, $unit_types, $poverty_only,
                                               $rounds, $year_from, $year_to, $levels, $modes, $as_of)
)
SELECT u.unit_type, count(*) AS units_total, count(c.unit_id) AS units_covered,
       count(c.unit_id) / count(*) AS coverage_rate
FROM u LEFT JOIN covered c USING (unit_id)
GROUP BY u.unit_type
ORDER BY units_total DESC, u.unit_type
