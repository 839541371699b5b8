-- units_by_district_round (queries/units_by_district_round.sql) by district from a_round_units
-- (district_rows_apply): that branch alone (round_units_days; inspection/store.py query_paths); the
-- same frame.
-- when: district_rows_apply($townships, $unit_types, $poverty_only, $grain)
SELECT * FROM round_units_days($districts, $rounds, $year_from, $year_to, $levels, $modes, $as_of)
ORDER BY round_ord, district
