-- Rectification status of listed issues per category as of the date: rectified, open and not yet
-- due, overdue (past due date, not rectified). rectification_rate is a fraction 0..1.
SELECT
    category,
    count(*) AS issues,
    count(*) FILTER (WHERE is_rectified) AS rectified,
    count(*) FILTER (WHERE NOT is_rectified AND NOT coalesce(is_overdue, false)) AS open_in_time,
    count(*) FILTER (WHERE is_overdue) AS overdue,
    count(*) FILTER (WHERE is_rectified) / count(*) AS rectification_rate
FROM f_issues($districts, $townships, $unit_types, $poverty_only,
              $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories)
GROUP BY category
ORDER BY issues DESC, category
