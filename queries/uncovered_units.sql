-- The last mile: roster units with no inspection passing the filters, the first $limit of them in
-- list order ($limit NULL: all). How many there are is headline_totals' units_total - units_covered.
-- Without a round, year or mode filter (roster_applies) the units whose first inspection (of the
-- levels filtered) is not on or before $as_of (first_covers in _views.sql: m_roster_first); with
-- one, those none of the filtered inspections names. The branch not taken folds away.
SELECT u.district, u.township, u.unit_name, u.unit_type, u.unit_code
FROM f_units($districts, $townships, $unit_types, $poverty_only) u
WHERE roster_applies($rounds, $year_from, $year_to, $modes)
  AND u.unit_id IN (
    SELECT unit_id FROM first_covers($districts, $townships, $unit_types, $poverty_only,
                                     $rounds, $year_from, $year_to, $levels, $modes, $as_of, 'district')
    WHERE first_date IS NULL)
UNION ALL
SELECT u.district, u.township, u.unit_name, u.unit_type, u.unit_code
FROM f_units($districts, $townships, $unit_types, $poverty_only) u
WHERE NOT roster_applies($rounds, $year_from, $year_to, $modes)
  AND u.unit_id NOT IN (
    SELECT unit_id FROM f_inspections($districts, $townships, $unit_types, $poverty_only,
                                      $rounds, $year_from, $year_to, $levels, $modes, $as_of))
ORDER BY district, township, unit_name
LIMIT $limit
