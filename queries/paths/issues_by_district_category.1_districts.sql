-- issues_by_district_category (queries/issues_by_district_category.sql) at the district grain with no
-- township, unit type or poverty filter: the districts' listed counts alone (issue_listed_districts;
-- inspection/store.py query_paths); the same frame.
-- when: NOT issue_detail($districts, $townships, $unit_types, $poverty_only, coalesce($grain, 'district')) AND coalesce($grain, 'district') = 'district'
WITH s AS (
    SELECT area($grain, district, township, unit_id::VARCHAR) AS k, category, tally(n) AS issues
    FROM issue_listed_districts($districts, $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories)
    GROUP BY ALL
), n AS (
    SELECT area($grain, district, township, unit_id::VARCHAR) AS k,
           any_value(area($grain, district, township, unit_name)) AS district, count(*) AS inspections
    FROM f_inspections($districts, $townships, $unit_types, $poverty_only,
                       $rounds, $year_from, $year_to, $levels, $modes, $as_of)
    GROUP BY k
)
SELECT coalesce(n.district, s.k) AS district, s.category, s.issues, n.inspections,
       s.issues / nullif(n.inspections, 0) AS issues_per_inspection
FROM s LEFT JOIN n USING (k)
ORDER BY district, s.issues DESC, s.category
