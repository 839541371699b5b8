-- Units inspected per district and round (the heatmap), with the round's order; district is the
-- area at the filters' grain (area() in _views.sql).
SELECT area($grain, district, township, unit_name) AS district, round, min(round_ord) AS round_ord, count(DISTINCT unit_id) AS units, count(*) AS inspections
FROM f_inspections($districts, $townships, $unit_types, $poverty_only,
                   $rounds, $year_from, $year_to, $levels, $modes, $as_of)
GROUP BY ALL
ORDER BY round_ord, district
