-- Units inspected per district and round (the heatmap), with the round's order; district is the
-- area at the filters' grain (area() in _views.sql).
-- By district without a township, unit type or poverty filter (district_rows_apply) from a_round_units
-- (inspection/store.py ROUND_UNITS: the inspections grouped by district, round, year, level, mode and
-- month of start, a unit once per round), the months before $as_of's whole and that month from the
-- inspections to the day; else from the inspections. The branch not taken folds away.
WITH rows AS (
    SELECT district, round, round_ord, units, inspections
    FROM a_round_units
    WHERE district_rows_apply($townships, $unit_types, $poverty_only, $grain)
      AND unit_ok($districts, [], [], false, district, NULL, NULL, NULL)
      AND inspection_ok($rounds, $year_from, $year_to, $levels, $modes, $as_of, round, year, level, mode, month)
      AND month < date_trunc('month', $as_of::DATE)
    UNION ALL
    SELECT district, round, min(round_ord), count(DISTINCT unit_id), count(*)
    FROM f_inspections($districts, [], [], false, $rounds, $year_from, $year_to, $levels, $modes, $as_of)
    WHERE district_rows_apply($townships, $unit_types, $poverty_only, $grain)
      AND start_date >= date_trunc('month', $as_of::DATE)
    GROUP BY district, round
)
SELECT district, round, min(round_ord) AS round_ord, CAST(sum(units) AS BIGINT) AS units,
       CAST(sum(inspections) AS BIGINT) AS inspections
FROM rows
GROUP BY ALL
UNION ALL
SELECT area($grain, district, township, unit_name) AS district, round, min(round_ord) AS round_ord, count(DISTINCT unit_id) AS units, count(*) AS inspections
FROM f_inspections($districts, $townships, $unit_types, $poverty_only,
                   $rounds, $year_from, $year_to, $levels, $modes, $as_of)
WHERE NOT district_rows_apply($townships, $unit_types, $poverty_only, $grain)
GROUP BY ALL
ORDER BY round_ord, district
