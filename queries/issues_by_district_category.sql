-- Listed issues per district and category, and per inspection of the district
-- (issues_per_inspection = listed issues / filtered inspections of the district). district is the
-- area at the filters' grain (area() in _views.sql); the issue rows carry no unit name, so units are
-- keyed by unit_id and named from their inspections (every listed issue has one that passes).
-- The counts come from the pre-aggregates at the district grain, from the issue rows at the finer
-- grains (issue_listed in _views.sql: the aggregates keep no township or unit); category_issue_figures
-- counts the figures from them, and queries/paths/ states the districts' case alone.
WITH s AS (
    SELECT area($grain, district, township, unit_id::VARCHAR) AS k, category, tally(n) AS issues
    FROM issue_listed($districts, $townships, $unit_types, $poverty_only,
                      $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories, coalesce($grain, 'district'))
    GROUP BY ALL
)
SELECT * FROM category_issue_figures('s', $districts, $townships, $unit_types, $poverty_only,
                                     $rounds, $year_from, $year_to, $levels, $modes, $as_of, $grain)
ORDER BY district, issues DESC, category
