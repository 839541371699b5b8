-- The last mile: roster units with no inspection passing the filters, the first $limit of them in
-- list order ($limit NULL: all). How many there are is headline_totals' units_total - units_covered.
-- (first_covers in _views.sql: first_date is NULL while a unit is not covered)
SELECT u.district, u.township, u.unit_name, u.unit_type, u.unit_code
FROM f_units($districts, $townships, $unit_types, $poverty_only) u
WHERE u.unit_id IN (
    SELECT unit_id FROM first_covers($districts, $townships, $unit_types, $poverty_only,
                                     $rounds, $year_from, $year_to, $levels, $modes, $as_of, 'district')
    WHERE first_date IS NULL)
ORDER BY u.district, u.township, u.unit_name
LIMIT $limit
