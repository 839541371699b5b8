-- The headline figures of the filtered view (one row). Definitions: DATA_CONTRACT.md, last section.
-- Counts are sums over the filtered inspections, blanks skipped; *_not_reported counts the blanks.
-- Rates are fractions 0..1 (NULL when the denominator is 0); funds_recovered is in 万元.
WITH u AS (
    SELECT * FROM f_units($districts, $townships, $unit_types, $poverty_only)
), i AS (
    SELECT * FROM f_inspections($districts, $townships, $unit_types, $poverty_only,
                                $rounds, $year_from, $year_to, $levels, $modes, $as_of)
), s AS (
    SELECT * FROM f_issues($districts, $townships, $unit_types, $poverty_only,
                           $rounds, $year_from, $year_to, $levels, $modes, $as_of, []::VARCHAR[])
), roster AS (
    SELECT count(*) > 0 AS present FROM v_units
), listed AS (
    SELECT
        count(*) AS listed_issues,
        count(*) FILTER (WHERE is_rectified) AS listed_rectified,
        count(*) FILTER (WHERE is_overdue) AS overdue,
        count(*) FILTER (WHERE end_date IS NOT NULL) AS listed_with_feedback,
        count(*) FILTER (WHERE is_rectified AND end_date IS NOT NULL
                         AND rectified_date IS NOT NULL AND rectified_date <= end_date + 30) AS rectified_in_month
    FROM s
), sums AS (
    SELECT
        count(*) AS inspections,
        count(DISTINCT unit_id) AS units_inspected,
        sum(issues_found) AS issues_found, count(*) - count(issues_found) AS issues_found_not_reported,
        sum(clues) AS clues, count(*) - count(clues) AS clues_not_reported,
        sum(immediate_fixes) AS immediate_fixes, count(*) - count(immediate_fixes) AS immediate_fixes_not_reported,
        sum(disciplined) AS disciplined, count(*) - count(disciplined) AS disciplined_not_reported,
        sum(org_handled) AS org_handled, count(*) - count(org_handled) AS org_handled_not_reported,
        sum(judicial) AS judicial, count(*) - count(judicial) AS judicial_not_reported,
        sum(rectified) AS rectified, count(*) - count(rectified) AS rectified_not_reported,
        sum(funds_recovered) AS funds_recovered,  -- 万元
        count(*) - count(funds_recovered) AS funds_recovered_not_reported,
        sum(rectified) FILTER (WHERE issues_found IS NOT NULL) AS rect_counts_num,
        sum(issues_found) FILTER (WHERE rectified IS NOT NULL) AS rect_counts_den,
        max(start_date) AS last_start
    FROM i
)
SELECT
    CASE WHEN roster.present THEN (SELECT count(*) FROM u) END AS units_total,
    CASE WHEN roster.present THEN (SELECT count(*) FROM u WHERE unit_id IN (SELECT unit_id FROM i))
         ELSE sums.units_inspected END AS units_covered,
    CASE WHEN roster.present THEN
        (SELECT count(*) FROM u WHERE unit_id IN (SELECT unit_id FROM i)) / nullif((SELECT count(*) FROM u), 0)
    END AS coverage_rate,
    roster.present AS has_roster,
    sums.*,
    listed.*,
    CASE WHEN listed.listed_issues > 0 THEN listed.listed_rectified / listed.listed_issues
         ELSE sums.rect_counts_num / nullif(sums.rect_counts_den, 0) END AS rectification_rate,
    CASE WHEN listed.listed_issues > 0 THEN 'list' ELSE 'counts' END AS rectification_basis,
    listed.rectified_in_month / nullif(listed.listed_with_feedback, 0) AS one_month_rectification_rate
FROM sums, listed, roster
