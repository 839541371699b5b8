-- coverage_by_month (queries/coverage_by_month.sql) under a round, year or mode filter: the districts'
-- roster units (the plan's weights) and each roster unit's first filtered inspection, read from the
-- inspections alone (first_inspected; a roster unit's inspections carry its roster district, township, type and poverty
-- mark, _live.sql: they pass the unit filters exactly when it does; as coverage_by_district.rows),
-- instead of first_covers' roster joined to them (inspection/store.py query_paths); the same frame.
-- when: NOT roster_applies($rounds, $year_from, $year_to, $modes)
WITH counts AS (
    SELECT district, count(*) AS units_total
    FROM f_units($districts, $townships, $unit_types, $poverty_only)
    GROUP BY district
), monthly AS (
    SELECT date_trunc('month', first_date)::DATE AS month, count(*) AS n
    FROM first_inspected($districts, $townships, $unit_types, $poverty_only,
                         $rounds, $year_from, $year_to, $levels, $modes, $as_of, 'district')
    GROUP BY ALL
)
SELECT * FROM month_coverage('counts', 'monthly', $as_of, $rounds, $year_from, $year_to, $levels, $modes)
ORDER BY month
