-- Overdue issues per district and category as of $as_of: not rectified by then and due_date
-- before it (f_issues.is_overdue). Counts of listed issues; overdue_share is a fraction 0..1.
-- district is the area at the filters' grain (area() in _views.sql); at the unit grain units are
-- keyed by unit_id and named from their inspections (the issue rows carry no unit name). The
-- listed counts come from the pre-aggregates at the district grain, from the issue rows at the
-- finer grains (issue_listed in _views.sql: the aggregates keep no township or unit); the overdue
-- ones from the few issues that can be overdue (f_overdue), only the groups with one.
WITH overdue AS (
    SELECT area($grain, district, township, unit_id::VARCHAR) AS k, category, count(*) AS overdue
    FROM f_overdue($districts, $townships, $unit_types, $poverty_only,
                   $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories)
    GROUP BY ALL
), listed AS (
    SELECT area($grain, district, township, unit_id::VARCHAR) AS k, category, tally(n) AS listed_issues
    FROM issue_listed($districts, $townships, $unit_types, $poverty_only,
                      $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories, coalesce($grain, 'district'))
    GROUP BY ALL
), s AS (
    -- every overdue issue is a listed one: each group with one has its listed count
    SELECT k, category, listed.listed_issues, overdue.overdue, overdue.overdue / listed.listed_issues AS overdue_share
    FROM overdue JOIN listed USING (k, category)
), names AS (
    SELECT DISTINCT unit_id::VARCHAR AS k, unit_name AS district
    FROM f_inspections($districts, $townships, $unit_types, $poverty_only,
                       $rounds, $year_from, $year_to, $levels, $modes, $as_of)
    WHERE $grain = 'unit'
)
SELECT coalesce(names.district, s.k) AS district, s.category, s.listed_issues, s.overdue, s.overdue_share
FROM s LEFT JOIN names USING (k)
ORDER BY district, s.overdue DESC, s.category
