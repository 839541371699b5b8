-- Coverage of the filtered roster for poverty (脱贫) villages and the other units: units covered by
-- the filtered inspections (first_covers in _views.sql) over roster units. coverage_rate is a
-- fraction 0..1.
SELECT coalesce(is_poverty_village, false) AS is_poverty_village, count(*) AS units_total,
       count(first_date) AS units_covered, count(first_date) / count(*) AS coverage_rate
FROM first_covers($districts, $townships, $unit_types, $poverty_only,
                  $rounds, $year_from, $year_to, $levels, $modes, $as_of, 'district')
GROUP BY ALL
ORDER BY is_poverty_village DESC
