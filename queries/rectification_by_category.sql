-- Rectification status of listed issues per category as of the date: rectified, long-term (长期整改,
-- never overdue), open and not yet due, overdue (past due date, not rectified); the four add up to
-- issues. rectification_rate is a fraction 0..1 (long-term issues count as not rectified). From the
-- pre-aggregates (issue_counts in _views.sql).
SELECT
    category,
    tally(n) AS issues,
    tally_if(n, is_rectified) AS rectified,
    tally_if(n, is_long_term) AS long_term,
    tally_if(n, NOT is_rectified AND NOT is_long_term AND NOT coalesce(is_overdue, false)) AS open_in_time,
    tally_if(n, is_overdue) AS overdue,
    tally_if(n, is_rectified) / tally(n) AS rectification_rate
FROM issue_counts($districts, $townships, $unit_types, $poverty_only,
                  $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories, NULL)
GROUP BY category
ORDER BY issues DESC, category
