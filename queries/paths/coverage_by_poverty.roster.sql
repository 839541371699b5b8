-- coverage_by_poverty (queries/coverage_by_poverty.sql) with no inspection filter but the level (roster_applies): the roster's first covers
-- alone (first_covers_roster; inspection/store.py query_paths); the same frame.
-- when: roster_applies($rounds, $year_from, $year_to, $modes)
SELECT coalesce(is_poverty_village, false) AS is_poverty_village, count(*) AS units_total,
       count(first_date) AS units_covered, count(first_date) / count(*) AS coverage_rate
FROM first_covers_roster($districts, $townships, $unit_types, $poverty_only, $levels, $as_of, 'district')
GROUP BY ALL
ORDER BY is_poverty_village DESC
