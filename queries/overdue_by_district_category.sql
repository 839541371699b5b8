-- Overdue issues per district and category as of $as_of: not rectified by then and due_date
-- before it (f_issues.is_overdue). Counts of listed issues; overdue_share is a fraction 0..1.
-- district is the area at the filters' grain (area() in _views.sql); at the unit grain units are
-- keyed by unit_id and named from their inspections (the issue rows carry no unit name). The counts
-- come from the pre-aggregates at the district grain, from the issue rows at the finer grains
-- (issue_counts in _views.sql: the aggregates keep no township or unit).
WITH s AS (
    SELECT
        area($grain, district, township, unit_id::VARCHAR) AS k,
        category,
        tally(n) AS listed_issues,
        tally_if(n, is_overdue) AS overdue,
        tally_if(n, is_overdue) / tally(n) AS overdue_share
    FROM issue_counts($districts, $townships, $unit_types, $poverty_only,
                      $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories, coalesce($grain, 'district'))
    GROUP BY ALL
    HAVING tally_if(n, is_overdue) > 0
), names AS (
    SELECT DISTINCT unit_id::VARCHAR AS k, unit_name AS district
    FROM f_inspections($districts, $townships, $unit_types, $poverty_only,
                       $rounds, $year_from, $year_to, $levels, $modes, $as_of)
    WHERE $grain = 'unit'
)
SELECT coalesce(names.district, s.k) AS district, s.category, s.listed_issues, s.overdue, s.overdue_share
FROM s LEFT JOIN names USING (k)
ORDER BY district, s.overdue DESC, s.category
