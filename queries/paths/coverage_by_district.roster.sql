-- coverage_by_district (queries/coverage_by_district.sql) with no inspection filter but the level (roster_applies): the
-- roster's first covers alone (first_covers_roster; inspection/store.py query_paths); the same frame.
-- when: roster_applies($rounds, $year_from, $year_to, $modes)
SELECT
    district,
    count(*) AS units_total,
    count(first_date) AS units_covered,
    count(first_date) / count(*) AS coverage_rate
FROM first_covers_roster($districts, $townships, $unit_types, $poverty_only, $levels, $as_of, $grain)
GROUP BY district
ORDER BY coverage_rate DESC, district
