-- Per level (municipal | county), the share of listed issues rectified within d days of their
-- inspection's feedback (end_date), d = 0, 5, ..., 180. Shares are fractions 0..1.
-- Base: listed issues whose inspection has an end_date (as the one-month rate of headline_totals:
-- at d = 30 this is the one-month rectification rate of the level). As of $as_of, an issue counts
-- only once rectified on or before that date; one rectified before the feedback counts from day 0.
WITH s AS (
    SELECT level, is_rectified, rectified_date, end_date
    FROM f_issues($districts, $townships, $unit_types, $poverty_only,
                  $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories)
    WHERE end_date IS NOT NULL
), days AS (
    SELECT CAST(d AS INTEGER) AS days FROM range(0, 181, 5) t(d)
)
SELECT
    s.level,
    days.days,
    count(*) AS listed_with_feedback,
    count(*) FILTER (WHERE s.is_rectified AND s.rectified_date IS NOT NULL
                     AND s.rectified_date <= s.end_date + days.days) AS rectified_within,
    count(*) FILTER (WHERE s.is_rectified AND s.rectified_date IS NOT NULL
                     AND s.rectified_date <= s.end_date + days.days) / count(*) AS rectified_share
FROM s CROSS JOIN days
GROUP BY s.level, days.days
ORDER BY CASE s.level WHEN 'municipal' THEN 0 ELSE 1 END, days.days
