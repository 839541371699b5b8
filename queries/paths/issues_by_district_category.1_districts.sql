-- issues_by_district_category (queries/issues_by_district_category.sql) at the district grain with no
-- township, unit type or poverty filter: the districts' listed counts alone (issue_listed_districts;
-- inspection/store.py query_paths); the same frame.
-- when: NOT issue_detail($districts, $townships, $unit_types, $poverty_only, coalesce($grain, 'district')) AND coalesce($grain, 'district') = 'district'
WITH s AS (
    SELECT area($grain, district, township, unit_id::VARCHAR) AS k, category, tally(n) AS issues
    FROM issue_listed_districts($districts, $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories)
    GROUP BY ALL
)
SELECT * FROM category_issue_figures('s', $districts, $townships, $unit_types, $poverty_only,
                                     $rounds, $year_from, $year_to, $levels, $modes, $as_of, $grain)
ORDER BY district, issues DESC, category
