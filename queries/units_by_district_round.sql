-- Units inspected per district and round (the heatmap), with the round's order; district is the
-- area at the filters' grain (area() in _views.sql).
-- By district without a township, unit type or poverty filter (district_rows_apply) from a_round_units
-- (inspection/store.py ROUND_UNITS: the inspections grouped by district, round, year, level, mode and
-- month of start, a unit once per round), the months before $as_of's whole and that month from the
-- inspections to the day (round_units_days in _views.sql); else from the inspections (round_units_rows). The
-- branch not taken folds away; queries/paths/ states each alone.
SELECT * FROM round_units_days($districts, $rounds, $year_from, $year_to, $levels, $modes, $as_of)
WHERE district_rows_apply($townships, $unit_types, $poverty_only, $grain)
UNION ALL
SELECT * FROM round_units_rows($districts, $townships, $unit_types, $poverty_only,
                                $rounds, $year_from, $year_to, $levels, $modes, $as_of, $grain)
WHERE NOT district_rows_apply($townships, $unit_types, $poverty_only, $grain)
ORDER BY round_ord, district
