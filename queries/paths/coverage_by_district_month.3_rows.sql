-- coverage_by_district_month (queries/coverage_by_district_month.sql) under a round, year or mode
-- filter: each area's roster units and each roster unit's first filtered inspection, read from the
-- inspections alone (first_inspected; a roster unit's inspections carry its roster district, township, name, type and
-- poverty mark, _live.sql: they pass the unit filters and fall in its area exactly when it does; as
-- coverage_by_district.rows), instead of first_covers' roster joined to them, through
-- coverage_curve_from (inspection/store.py query_paths); the same frame.
-- when: NOT roster_applies($rounds, $year_from, $year_to, $modes)
WITH areas AS (
    SELECT area($grain, district, township, unit_name) AS district, count(*) AS units_total,
           any_value(district) AS plan_district
    FROM f_units($districts, $townships, $unit_types, $poverty_only)
    GROUP BY 1
), monthly AS (
    SELECT district, date_trunc('month', first_date)::DATE AS month, count(*) AS n
    FROM first_inspected($districts, $townships, $unit_types, $poverty_only,
                         $rounds, $year_from, $year_to, $levels, $modes, $as_of, $grain)
    GROUP BY ALL
)
SELECT * FROM coverage_curve_from('areas', 'monthly', $as_of, $rounds, $year_from, $year_to, $levels, $modes)
ORDER BY district, month
