-- Coverage of the filtered roster for poverty (脱贫) villages and the other units.
-- coverage_rate is a fraction 0..1.
WITH u AS (
    SELECT * FROM f_units($districts, $townships, $unit_types, $poverty_only)
), covered AS (
    SELECT DISTINCT unit_id FROM f_inspections($districts, $townships, $unit_types, $poverty_only,
                                               $rounds, $year_from, $year_to, $levels, $modes, $as_of)
)
SELECT coalesce(u.is_poverty_village, false) AS is_poverty_village, count(*) AS units_total,
       count(c.unit_id) AS units_covered, count(c.unit_id) / count(*) AS coverage_rate
FROM u LEFT JOIN covered c USING (unit_id)
GROUP BY ALL
ORDER BY is_poverty_village DESC
