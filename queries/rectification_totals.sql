-- The rectification tiles (one row), respecting every filter including $categories (the issue
-- categories narrow the issue list). Definitions as headline_totals: rectification_rate over the
-- listed issues (with no list: sum of rectified / sum of issues_found over the inspections that
-- reported both); the one-month rate over listed issues whose inspection has an end_date, counting
-- those rectified at most 30 days after it; overdue = not rectified and due before $as_of.
-- Rates are fractions 0..1.
WITH s AS (
    SELECT * FROM f_issues($districts, $townships, $unit_types, $poverty_only,
                           $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories)
), listed AS (
    SELECT
        count(*) AS listed_issues,
        count(*) FILTER (WHERE is_rectified) AS listed_rectified,
        count(*) FILTER (WHERE is_overdue) AS overdue,
        count(*) FILTER (WHERE end_date IS NOT NULL) AS listed_with_feedback,
        count(*) FILTER (WHERE is_rectified AND end_date IS NOT NULL
                         AND rectified_date IS NOT NULL AND rectified_date <= end_date + 30) AS rectified_in_month
    FROM s
), counts AS (
    SELECT
        sum(rectified) FILTER (WHERE issues_found IS NOT NULL) AS rect_counts_num,
        sum(issues_found) FILTER (WHERE rectified IS NOT NULL) AS rect_counts_den
    FROM f_inspections($districts, $townships, $unit_types, $poverty_only,
                       $rounds, $year_from, $year_to, $levels, $modes, $as_of)
)
SELECT
    listed.*,
    CASE WHEN listed.listed_issues > 0 THEN listed.listed_rectified / listed.listed_issues
         ELSE counts.rect_counts_num / nullif(counts.rect_counts_den, 0) END AS rectification_rate,
    CASE WHEN listed.listed_issues > 0 THEN 'list' ELSE 'counts' END AS rectification_basis,
    listed.rectified_in_month / nullif(listed.listed_with_feedback, 0) AS one_month_rectification_rate
FROM listed, counts
