-- results_by_period (queries/results_by_period.sql) for chosen districts: the branches the general
-- statement takes there but first_covers' (both bound), alone (inspection/store.py query_paths): the
-- inspection rows and the districts' issue groups (issue_counts_districts); the same frame.
-- when: NOT inspection_days_apply($districts, $townships, $unit_types, $poverty_only)
-- when: NOT whole_totals($districts, NULL) AND NOT issue_detail($districts, $townships, $unit_types, $poverty_only, NULL)
WITH ref AS (
    SELECT reference_day($as_of, $year_to) AS day
), periods AS (
    SELECT 'current' AS period, year(day) AS year, date_trunc('year', day)::DATE AS period_start, day AS period_end
    FROM ref
    UNION ALL
    SELECT 'previous', year(day) - 1, (date_trunc('year', day) - INTERVAL 1 YEAR)::DATE,
           (day - INTERVAL 1 YEAR)::DATE
    FROM ref
), u AS (
    -- the roster units and the day each was first covered (first_covers in _views.sql)
    SELECT unit_id, first_date AS first_start
    FROM first_covers($districts, $townships, $unit_types, $poverty_only,
                      $rounds, NULL, $year_to, $levels, $modes, reference_day($as_of, $year_to), 'district')
), i AS (
    -- the filtered inspections (each of weight 1), with what sums reads
    SELECT start_date, 1 AS inspections, issues_found, clues, disciplined, immediate_fixes,
           CASE WHEN issues_found IS NOT NULL THEN rectified END AS rect_num,
           CASE WHEN rectified IS NOT NULL THEN issues_found END AS rect_den
    FROM f_inspections($districts, $townships, $unit_types, $poverty_only,
                       $rounds, NULL, $year_to, $levels, $modes, reference_day($as_of, $year_to))
), issues AS (
    -- the listed issues of both periods from one issue_counts call (a second one cost ~7 ms to plan):
    -- those started in the reference day's year judged as of that day, the earlier ones as of the
    -- same day a year before (year_before in _views.sql); each period stops at its own day
    SELECT start_date, is_rectified, n
    FROM issue_counts_districts($districts, $rounds, NULL, $year_to, $levels, $modes, reference_day($as_of, $year_to),
                                []::VARCHAR[], year_before := true)
    WHERE start_date >= (date_trunc('year', reference_day($as_of, $year_to)) - INTERVAL 1 YEAR)::DATE
), listed AS (
    -- each period's own issues (its first day is a month's first day, that the aggregates' start
    -- months compare with exactly); a period with none has no row (its rate comes from the counts)
    SELECT CASE WHEN start_date >= date_trunc('year', reference_day($as_of, $year_to))::DATE
                THEN 'current' ELSE 'previous' END AS period,
           tally(n) AS listed_issues, tally_if(n, is_rectified) AS listed_rectified
    FROM issues
    GROUP BY period
), sums AS (
    SELECT p.period,
           CAST(coalesce(sum(i.inspections), 0) AS BIGINT) AS inspections,
           sum(i.issues_found) AS issues_found, sum(i.clues) AS clues, sum(i.disciplined) AS disciplined,
           sum(i.immediate_fixes) AS immediate_fixes,
           sum(i.rect_num) AS rect_num, sum(i.rect_den) AS rect_den
    FROM periods p
    LEFT JOIN i ON i.start_date BETWEEN p.period_start AND p.period_end
    GROUP BY p.period
), gained AS (
    -- one pass over the roster (first_covers bound once): its size, and the units first covered in
    -- each period (the bounds of periods above)
    SELECT
        count(*) AS units_total,
        count(*) FILTER (WHERE first_start BETWEEN date_trunc('year', reference_day($as_of, $year_to))::DATE
                                               AND reference_day($as_of, $year_to)) AS current_new,
        count(*) FILTER (WHERE first_start BETWEEN (date_trunc('year', reference_day($as_of, $year_to)) - INTERVAL 1 YEAR)::DATE
                                               AND (reference_day($as_of, $year_to) - INTERVAL 1 YEAR)::DATE) AS previous_new
    FROM u
)
SELECT
    p.period, p.year, p.period_start, p.period_end,
    s.inspections, s.issues_found, s.clues, s.disciplined, s.immediate_fixes,
    CASE p.period WHEN 'current' THEN g.current_new ELSE g.previous_new END AS units_newly_covered,
    g.units_total,
    units_newly_covered / nullif(g.units_total, 0) AS coverage_gain,
    CASE WHEN l.listed_issues > 0 THEN l.listed_rectified / l.listed_issues
         ELSE s.rect_num / nullif(s.rect_den, 0) END AS rectification_rate
FROM periods p
JOIN sums s USING (period)
CROSS JOIN gained g
LEFT JOIN listed l USING (period)
ORDER BY p.period_start
