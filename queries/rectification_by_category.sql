-- Rectification status of listed issues per category as of the date: rectified, long-term (长期整改,
-- never overdue), open and not yet due, overdue (past due date, not rectified); the four add up to
-- issues. rectification_rate is a fraction 0..1 (long-term issues count as not rectified).
SELECT
    category,
    count(*) AS issues,
    count(*) FILTER (WHERE is_rectified) AS rectified,
    count(*) FILTER (WHERE is_long_term) AS long_term,
    count(*) FILTER (WHERE NOT is_rectified AND NOT is_long_term AND NOT coalesce(is_overdue, false)) AS open_in_time,
    count(*) FILTER (WHERE is_overdue) AS overdue,
    count(*) FILTER (WHERE is_rectified) / count(*) AS rectification_rate
FROM f_issues($districts, $townships, $unit_types, $poverty_only,
              $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories)
GROUP BY category
ORDER BY issues DESC, category
