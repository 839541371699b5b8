-- The last mile: roster units with no inspection passing the filters, the first $limit of them in
-- list order ($limit NULL: all). How many there are is headline_totals' units_total - units_covered.
SELECT u.district, u.township, u.unit_name, u.unit_type, u.unit_code
FROM f_units($districts, $townships, $unit_types, $poverty_only) u
WHERE u.unit_id NOT IN (
    SELECT unit_id FROM f_inspections($districts, $townships, $unit_types, $poverty_only,
                                      $rounds, $year_from, $year_to, $levels, $modes, $as_of))
ORDER BY u.district, u.township, u.unit_name
LIMIT $limit
