-- uncovered_units (queries/uncovered_units.sql) with no inspection filter but the level (roster_applies): the roster
-- units never covered on or before $as_of (first_covers_roster) alone (inspection/store.py
-- query_paths); the same frame.
-- when: roster_applies($rounds, $year_from, $year_to, $modes)
SELECT u.district, u.township, u.unit_name, u.unit_type, u.unit_code
FROM f_units($districts, $townships, $unit_types, $poverty_only) u
WHERE u.unit_id IN (
    SELECT unit_id FROM first_covers_roster($districts, $townships, $unit_types, $poverty_only, $levels, $as_of, 'district')
    WHERE first_date IS NULL)
ORDER BY district, township, unit_name
LIMIT $limit
