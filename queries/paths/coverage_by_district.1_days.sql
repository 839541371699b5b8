-- coverage_by_district (queries/coverage_by_district.sql) by district with no inspection filter
-- (plan_applies) and no township, unit type or poverty filter (district_rows_apply): each district's
-- units by the day of their first inspection (a_cover_days: plan_units_days) instead of the roster's
-- units one by one (national: ~192k rows instead of 611k; inspection/store.py query_paths); the same frame.
-- when: plan_applies($rounds, $year_from, $year_to, $levels, $modes)
-- when: district_rows_apply($townships, $unit_types, $poverty_only, $grain)
SELECT
    district,
    CAST(sum(n) AS BIGINT) AS units_total,
    CAST(coalesce(sum(n) FILTER (WHERE first_date IS NOT NULL), 0) AS BIGINT) AS units_covered,
    units_covered / units_total AS coverage_rate
FROM plan_units_days($districts, $as_of)
GROUP BY district
ORDER BY coverage_rate DESC, district
