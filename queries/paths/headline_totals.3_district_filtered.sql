-- headline_totals (queries/headline_totals.sql) for chosen districts under inspection filters: the
-- branches the general statement takes there but first_covers' (both bound), alone (inspection/store.py
-- query_paths): the inspection rows' sums and the districts' issue groups (issue_list_stats_districts);
-- the same frame.
-- when: NOT unit_days_apply($districts, $townships, $unit_types, $poverty_only, $rounds, $year_from, $year_to, $levels, $modes)
-- when: NOT whole_totals($districts, NULL) AND NOT issue_detail($districts, $townships, $unit_types, $poverty_only, NULL)
WITH roster AS (
    SELECT count(*) > 0 AS present FROM (SELECT 1 FROM v_units LIMIT 1)
), cover AS (
    -- roster units under the filters, and those with an inspection passing them (first_covers in
    -- _views.sql: first_date is NULL while a unit is not covered)
    SELECT count(*) AS units_total, count(first_date) AS units_covered
    FROM first_covers($districts, $townships, $unit_types, $poverty_only,
                      $rounds, $year_from, $year_to, $levels, $modes, $as_of, 'district')
), listed AS (
    -- the issue list's figures (the first part of rectification_stats in _views.sql)
    SELECT * FROM issue_list_stats_districts($districts, $rounds, $year_from, $year_to, $levels, $modes, $as_of,
                                             []::VARCHAR[])
), sums AS (
    -- the filtered inspections' sums, from the rows
    SELECT * FROM (
        SELECT
            count(*) AS inspections,
            -- count(DISTINCT unit_id), exactly: one bit per integer unit key (~2x cheaper)
            coalesce(bit_count(bitstring_agg(unit_id)), 0) AS units_inspected,
            sum(issues_found) AS issues_found, count(*) - count(issues_found) AS issues_found_not_reported,
            sum(clues) AS clues, count(*) - count(clues) AS clues_not_reported,
            sum(immediate_fixes) AS immediate_fixes, count(*) - count(immediate_fixes) AS immediate_fixes_not_reported,
            sum(disciplined) AS disciplined, count(*) - count(disciplined) AS disciplined_not_reported,
            sum(org_handled) AS org_handled, count(*) - count(org_handled) AS org_handled_not_reported,
            sum(judicial) AS judicial, count(*) - count(judicial) AS judicial_not_reported,
            sum(rectified) AS rectified, count(*) - count(rectified) AS rectified_not_reported,
            sum(funds_recovered) AS funds_recovered,  -- 万元
            count(*) - count(funds_recovered) AS funds_recovered_not_reported,
            max(start_date) AS last_start,
            -- the counts basis of the rectification rate, summed in the same pass (not shown itself)
            counts_rectification_rate(rectified, issues_found) AS counts_rate
        FROM f_inspections($districts, $townships, $unit_types, $poverty_only,
                           $rounds, $year_from, $year_to, $levels, $modes, $as_of))
), rect AS (
    -- rectification_stats' row: the list's figures, then the rate and its basis, the one-month rate
    SELECT
        listed.*,
        rectification_rate(listed.listed_issues, listed.listed_rectified, sums.counts_rate) AS rectification_rate,
        rectification_basis(listed.listed_issues) AS rectification_basis,
        one_month_rate(listed.rectified_in_month, listed.listed_with_feedback) AS one_month_rectification_rate
    FROM listed, sums
)
SELECT
    CASE WHEN roster.present THEN cover.units_total END AS units_total,
    CASE WHEN roster.present THEN cover.units_covered ELSE sums.units_inspected END AS units_covered,
    CASE WHEN roster.present THEN cover.units_covered / nullif(cover.units_total, 0) END AS coverage_rate,
    roster.present AS has_roster,
    sums.* EXCLUDE (counts_rate),
    rect.*,
    -- the two issue totals (issue 25 item 4): issues_found sums the inspections' reported counts
    -- (发现问题数), listed_issues counts the rows of their issue lists; NULL without an issue list
    CASE WHEN rect.listed_issues > 0 THEN sums.issues_found - rect.listed_issues END AS issues_found_minus_listed
FROM sums, rect, roster, cover
