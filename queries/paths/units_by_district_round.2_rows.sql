-- units_by_district_round (queries/units_by_district_round.sql) from the inspections (not
-- district_rows_apply): that branch alone (round_units_rows; inspection/store.py query_paths); the
-- same frame.
-- when: NOT district_rows_apply($townships, $unit_types, $poverty_only, $grain)
SELECT * FROM round_units_rows($districts, $townships, $unit_types, $poverty_only,
                                $rounds, $year_from, $year_to, $levels, $modes, $as_of, $grain)
ORDER BY round_ord, district
