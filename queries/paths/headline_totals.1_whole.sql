-- headline_totals (queries/headline_totals.sql) for the whole area under no filter but the as-of day
-- (the undrilled view): the branches the general statement takes there, alone (inspection/store.py
-- query_paths): the roster's first covers (first_covers_roster), the whole area's issue groups
-- (issue_list_stats_whole) and the inspections' day groups; the same frame.
-- when: plan_applies($rounds, $year_from, $year_to, $levels, $modes)
-- when: unit_days_apply($districts, $townships, $unit_types, $poverty_only, $rounds, $year_from, $year_to, $levels, $modes)
-- when: whole_totals($districts, NULL) AND NOT issue_detail($districts, $townships, $unit_types, $poverty_only, NULL)
WITH roster AS (
    SELECT count(*) > 0 AS present FROM (SELECT 1 FROM v_units LIMIT 1)
), cover AS (
    -- roster units under the filters, and those with an inspection passing them (first_covers in
    -- _views.sql: first_date is NULL while a unit is not covered)
    SELECT count(*) AS units_total, count(first_date) AS units_covered
    FROM first_covers_roster($districts, $townships, $unit_types, $poverty_only, $as_of, 'district')
), listed AS (
    -- the issue list's figures (the first part of rectification_stats in _views.sql)
    SELECT * FROM issue_list_stats_whole($rounds, $year_from, $year_to, $levels, $modes, $as_of, []::VARCHAR[])
), sums AS (
    -- the inspections' sums from the whole area's day groups and the units' first days (unit_days_apply in _views.sql)
    SELECT * FROM (
        SELECT
            CAST(coalesce(sum(inspections), 0) AS BIGINT) AS inspections,
            (SELECT CAST(coalesce(sum(n), 0) AS BIGINT) FROM a_unit_days
             WHERE district = '*' AND unit_days_ok($levels, $as_of, every_level, level, first_date)) AS units_inspected,
            sum(issues_found) AS issues_found, tally_not_reported(inspections, n_issues_found) AS issues_found_not_reported,
            sum(clues) AS clues, tally_not_reported(inspections, n_clues) AS clues_not_reported,
            sum(immediate_fixes) AS immediate_fixes,
            tally_not_reported(inspections, n_immediate_fixes) AS immediate_fixes_not_reported,
            sum(disciplined) AS disciplined, tally_not_reported(inspections, n_disciplined) AS disciplined_not_reported,
            sum(org_handled) AS org_handled, tally_not_reported(inspections, n_org_handled) AS org_handled_not_reported,
            sum(judicial) AS judicial, tally_not_reported(inspections, n_judicial) AS judicial_not_reported,
            sum(rectified) AS rectified, tally_not_reported(inspections, n_rectified) AS rectified_not_reported,
            sum(funds_recovered) AS funds_recovered,  -- 万元
            tally_not_reported(inspections, n_funds_recovered) AS funds_recovered_not_reported,
            max(start_date) AS last_start,
            sum(rect_num) / nullif(sum(rect_den), 0) AS counts_rate
        FROM a_inspection_days
        WHERE inspection_ok([], NULL, NULL, $levels, [], $as_of, round, year, level, mode, start_date))
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
