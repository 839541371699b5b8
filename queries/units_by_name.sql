-- The units the unit page's type-ahead offers: roster units that pass the unit filters, and units
-- known only from inspections (a store without a roster), sorted by place and name; the first
-- $limit of them ($limit NULL: all).
SELECT district, township, unit_name, any_value(unit_type) AS unit_type
FROM (
    SELECT district, township, unit_name, unit_type FROM f_units($districts, $townships, $unit_types, $poverty_only)
    UNION ALL
    SELECT district, township, unit_name, unit_type
    FROM f_inspections($districts, $townships, $unit_types, $poverty_only, [], NULL, NULL, [], [], $as_of)
    WHERE NOT in_roster
)
GROUP BY district, township, unit_name
ORDER BY district, township, unit_name
LIMIT $limit
