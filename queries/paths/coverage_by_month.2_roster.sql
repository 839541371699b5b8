-- coverage_by_month (queries/coverage_by_month.sql) when the first covers come from the units (not
-- cover_months_apply) with no round, year or mode filter (roster_applies: the roster's first covers of
-- the levels, first_covers_roster): that branch alone (inspection/store.py query_paths); the same frame.
-- when: NOT cover_months_apply($townships, $unit_types, $poverty_only, $rounds, $year_from, $year_to, $levels, $modes, 'district')
-- when: roster_applies($rounds, $year_from, $year_to, $modes)
WITH u AS (
    SELECT plan_district, first_date
    FROM first_covers_roster($districts, $townships, $unit_types, $poverty_only, $levels, $as_of, 'district')
), counts AS (
    SELECT plan_district AS district, count(*) AS units_total FROM u GROUP BY plan_district
), monthly AS (
    SELECT date_trunc('month', first_date)::DATE AS month, count(*) AS n
    FROM u WHERE first_date IS NOT NULL GROUP BY ALL
)
SELECT * FROM month_coverage('counts', 'monthly', $as_of, $rounds, $year_from, $year_to, $levels, $modes)
ORDER BY month
