-- Overdue issues per district and category as of $as_of: not rectified by then and due_date
-- before it (f_issues.is_overdue). Counts of listed issues; overdue_share is a fraction 0..1.
SELECT
    district,
    category,
    count(*) AS listed_issues,
    count(*) FILTER (WHERE is_overdue) AS overdue,
    count(*) FILTER (WHERE is_overdue) / count(*) AS overdue_share
FROM f_issues($districts, $townships, $unit_types, $poverty_only,
              $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories)
GROUP BY district, category
HAVING count(*) FILTER (WHERE is_overdue) > 0
ORDER BY district, overdue DESC, category
