-- Staging layer: the metric definitions of DATA_CONTRACT.md ("What the figures mean"), held once.
-- Page queries read only from these views and macros. Applied by inspection/store.py when its text
-- (or _live.sql) changed, so a new release redefines them in place.

-- The active rows (a row superseded by a later import, or written by an undone import, is gone),
-- as materialised from _live.sql at the last import or undo, sorted by district and round so that
-- a district filter skips most of the table. Their unit_id is a compact integer key (the id as
-- written is unit_ref): figures join and count units by it and never show it.
CREATE OR REPLACE VIEW v_units AS SELECT * FROM m_units;
CREATE OR REPLACE VIEW v_inspections AS SELECT * FROM m_inspections;
CREATE OR REPLACE VIEW v_issues AS SELECT * FROM m_issues;
CREATE OR REPLACE VIEW v_overdue AS SELECT * FROM m_overdue;

-- Unit filters narrow the roster (and the units of inspections); an empty list means "all".
-- The district test is written `= ANY(list)`: DuckDB plans it as a join whose build side (the chosen
-- districts) filters the scan by each row group's bounds against every chosen district (the tables
-- are sorted by district, so a district filter reads only the row groups of those districts).
-- Min..max bounds of the list pushed into the scan (as written before session 16) read every row
-- group between two districts far apart in the sort order and compare each row's district there:
-- national, 2 districts far apart, m_inspections 7.6 -> 1.9 ms CPU, m_roster_first 4.0 -> 2.2,
-- one district 1.1 -> 0.9 (m_issues: 2 districts ~60 -> 10, 12 districts 180 -> 24).
CREATE OR REPLACE MACRO unit_ok(districts, townships, unit_types, poverty_only, d, t, ut, pv) AS
    (len(districts::VARCHAR[]) = 0 OR d = ANY(districts::VARCHAR[]))
    AND (len(townships::VARCHAR[]) = 0 OR list_contains(townships::VARCHAR[], t)
         OR list_contains(townships::VARCHAR[], d || '/' || t))
    AND (len(unit_types::VARCHAR[]) = 0 OR list_contains(unit_types::VARCHAR[], ut))
    AND (NOT coalesce(poverty_only::BOOLEAN, false) OR coalesce(pv, false));
-- The same test for the issue rows and their aggregates (f_issues, issue_counts, issue_listed: m_issues
-- 15M rows at national, a_issues 4.4M, a_listed 1.1M), which were the first to read it `= ANY(list)`.
CREATE OR REPLACE MACRO issue_unit_ok(districts, townships, unit_types, poverty_only, d, t, ut, pv) AS
    unit_ok(districts, townships, unit_types, poverty_only, d, t, ut, pv);

-- The area a "by district" figure groups by at its grain (inspection/filters.py Filters.grain):
-- the district, the township (the filters narrow to one district) or the unit (to one township).
-- The figures keep the column name district for the area at any grain. A constant grain folds away.
CREATE OR REPLACE MACRO area(grain, d, t, u) AS
    CASE coalesce(grain::VARCHAR, 'district') WHEN 'unit' THEN u WHEN 'township' THEN t ELSE d END;

CREATE OR REPLACE MACRO f_units(districts, townships, unit_types, poverty_only) AS TABLE
SELECT * FROM v_units
WHERE unit_ok(districts, townships, unit_types, poverty_only, district, township, unit_type, is_poverty_village);

-- The first covers of the roster (m_roster_first: each unit's first inspection of any level and of
-- each level) answer every inspection filter but a round, year or mode one (first_covers).
CREATE OR REPLACE MACRO roster_applies(rounds, year_from, year_to, modes) AS
    len(rounds::VARCHAR[]) = 0 AND year_from::INTEGER IS NULL AND year_to::INTEGER IS NULL
    AND len(modes::VARCHAR[]) = 0;
-- The coverage plan (plan line, gap, pace, projection, behind) is about every inspection: under a
-- round, year, level or mode filter coverage means "covered by these inspections", and the plan
-- figures are not computed (plan_by_district and coverage_projection_by_month return no rows,
-- plan_rate is NULL). Filters.narrows_inspections() in inspection/filters.py says the same.
CREATE OR REPLACE MACRO plan_applies(rounds, year_from, year_to, levels, modes) AS
    roster_applies(rounds, year_from, year_to, modes) AND len(levels::VARCHAR[]) = 0;

-- Inspection filters: round, year range, level, mode; an inspection counts as of a date when
-- its start_date is on or before that date. Its issues pass the same filters (f_issues).
CREATE OR REPLACE MACRO inspection_ok(rounds, year_from, year_to, levels, modes, as_of, r, y, l, m, s) AS
    (len(rounds::VARCHAR[]) = 0 OR list_contains(rounds::VARCHAR[], r))
    AND (year_from::INTEGER IS NULL OR y >= year_from::INTEGER)
    AND (year_to::INTEGER IS NULL OR y <= year_to::INTEGER)
    AND (len(levels::VARCHAR[]) = 0 OR list_contains(levels::VARCHAR[], l))
    AND (len(modes::VARCHAR[]) = 0 OR list_contains(modes::VARCHAR[], m))
    AND s <= as_of::DATE;

CREATE OR REPLACE MACRO f_inspections(districts, townships, unit_types, poverty_only,
                                      rounds, year_from, year_to, levels, modes, as_of) AS TABLE
SELECT * FROM v_inspections
WHERE unit_ok(districts, townships, unit_types, poverty_only, district, township, unit_type, is_poverty_village)
  AND inspection_ok(rounds, year_from, year_to, levels, modes, as_of, round, year, level, mode, start_date);

-- The whole area's inspection totals (inspection/store.py INSPECTION_TOTALS, kept by the import and
-- undo): with no district, township, unit type or poverty filter, a figure not grouped by area sums
-- a_inspection_days (the inspections by round, year, level, mode and start day, each figure summed
-- with the number of inspections that reported it: ~3.5k rows at national instead of 1.35M) under the
-- inspection filters, exactly as it sums f_inspections; SET VARIABLE inspections_detail = true (the
-- tests) reads the rows. The switch is a constant: the branch it turns off folds away.
CREATE OR REPLACE MACRO inspection_days_apply(districts, townships, unit_types, poverty_only) AS
    len(districts::VARCHAR[]) = 0 AND len(townships::VARCHAR[]) = 0 AND len(unit_types::VARCHAR[]) = 0
    AND NOT coalesce(poverty_only::BOOLEAN, false)
    AND NOT coalesce(getvariable('inspections_detail')::BOOLEAN, false);
-- Its distinct units come from a_unit_days (the units by the day of their first inspection of any
-- level, and of each level) when no round, year or mode filter applies: a unit has an inspection
-- passing the level filter on or before the day exactly when its first one (of any level, or of
-- that level) is; under more than one level a unit would count once per level, so the rows.
CREATE OR REPLACE MACRO unit_days_apply(districts, townships, unit_types, poverty_only,
                                        rounds, year_from, year_to, levels, modes) AS
    inspection_days_apply(districts, townships, unit_types, poverty_only)
    AND len(rounds::VARCHAR[]) = 0 AND year_from::INTEGER IS NULL AND year_to::INTEGER IS NULL
    AND len(levels::VARCHAR[]) <= 1 AND len(modes::VARCHAR[]) = 0;
-- By district (results_by_district): the same, under no township, unit type or poverty filter at the
-- district grain, the districts' sums from a_inspection_months (inspection/store.py INSPECTION_MONTHS:
-- the months before the day's; that month from the rows) and their units from a_unit_days.
CREATE OR REPLACE MACRO district_days_apply(townships, unit_types, poverty_only,
                                            rounds, year_from, year_to, levels, modes, grain) AS
    unit_days_apply([], townships, unit_types, poverty_only, rounds, year_from, year_to, levels, modes)
    AND coalesce(grain::VARCHAR, 'district') = 'district';
-- The districts' sums of a_inspection_months alone (no units): under no township, unit type or
-- poverty filter (the like-for-like level comparison, level_stats_like).
CREATE OR REPLACE MACRO month_sums_apply(townships, unit_types, poverty_only) AS
    len(townships::VARCHAR[]) = 0 AND len(unit_types::VARCHAR[]) = 0 AND NOT coalesce(poverty_only::BOOLEAN, false)
    AND NOT coalesce(getvariable('inspections_detail')::BOOLEAN, false);
-- The units a_unit_days counts as of the day under the level filter (of any level without one).
CREATE OR REPLACE MACRO unit_days_ok(levels, as_of, every_level, level, first_date) AS
    first_date <= as_of::DATE
    AND CASE WHEN len(levels::VARCHAR[]) = 0 THEN every_level
             ELSE NOT every_level AND list_contains(levels::VARCHAR[], level) END;

-- The inspections of a_inspection_days' groups that left a figure blank (count(*) - count(figure)).
CREATE OR REPLACE MACRO tally_not_reported(inspections, reported) AS
    CAST(coalesce(sum(inspections), 0) - coalesce(sum(reported), 0) AS BIGINT);

-- Issues whose inspection passes the filters. As of a date, an issue is rectified only when its
-- status says so and its rectified_date, where there is one, is on or before that date. A
-- long-term issue (status long_term, 长期整改) is not rectified and never overdue. Any other issue
-- is overdue when not rectified and its due_date is before that date.
CREATE OR REPLACE MACRO issue_rectified(status, rectified_date, as_of) AS
    status = 'rectified' AND (rectified_date IS NULL OR rectified_date <= as_of::DATE);
CREATE OR REPLACE MACRO issue_overdue(status, rectified_date, due_date, as_of) AS
    NOT issue_rectified(status, rectified_date, as_of) AND status <> 'long_term' AND due_date < as_of::DATE;

CREATE OR REPLACE MACRO f_issues(districts, townships, unit_types, poverty_only,
                                 rounds, year_from, year_to, levels, modes, as_of, categories) AS TABLE
SELECT *,
    issue_rectified(status, rectified_date, as_of) AS is_rectified,
    (status = 'long_term') AS is_long_term,
    issue_overdue(status, rectified_date, due_date, as_of) AS is_overdue,
    -- days from the inspection's feedback (end_date) to rectification
    CASE WHEN status = 'rectified' AND rectified_date <= as_of::DATE
         THEN rectified_date - end_date END AS days_to_rectify
FROM v_issues
WHERE issue_unit_ok(districts, townships, unit_types, poverty_only, district, township, unit_type, is_poverty_village)
  AND inspection_ok(rounds, year_from, year_to, levels, modes, as_of, round, year, level, mode, start_date)
  AND (len(categories::VARCHAR[]) = 0 OR list_contains(categories::VARCHAR[], category));

-- The overdue issues of f_issues as of a date, one by one, with what the overdue list shows of them:
-- their inspection's unit name and team, and the description. Read from m_overdue (the issues that
-- can be overdue on some day, kept by the import and undo: _live.sql live_overdue), ~3.5% of the
-- issue rows; with SET VARIABLE issues_detail = true (the tests) from the issue rows, their
-- inspections and the issues table, as the list was first written. The switch is a constant: the
-- branch it turns off folds away.
-- The m_overdue branch is f_overdue_list (a statement chosen for parameters where overdue_list_apply
-- holds reads it alone: queries/paths/).
CREATE OR REPLACE MACRO overdue_list_apply() AS NOT coalesce(getvariable('issues_detail')::BOOLEAN, false);
CREATE OR REPLACE MACRO f_overdue_list(districts, townships, unit_types, poverty_only,
                                       rounds, year_from, year_to, levels, modes, as_of, categories) AS TABLE
SELECT district, township, unit_id, unit_name, round, level, team, category, subcategory, description,
       status, due_date, seq
FROM v_overdue
WHERE unit_ok(districts, townships, unit_types, poverty_only, district, township, unit_type, is_poverty_village)
  AND inspection_ok(rounds, year_from, year_to, levels, modes, as_of, round, year, level, mode, start_date)
  AND (len(categories::VARCHAR[]) = 0 OR list_contains(categories::VARCHAR[], category))
  AND issue_overdue(status, rectified_date, due_date, as_of);
CREATE OR REPLACE MACRO f_overdue(districts, townships, unit_types, poverty_only,
                                  rounds, year_from, year_to, levels, modes, as_of, categories) AS TABLE
SELECT * FROM f_overdue_list(districts, townships, unit_types, poverty_only,
                             rounds, year_from, year_to, levels, modes, as_of, categories)
WHERE overdue_list_apply()
UNION ALL
SELECT f.district, f.township, f.unit_id, i.unit_name, f.round, f.level, i.team, f.category, f.subcategory, t.description,
       f.status, f.due_date, f.seq
FROM f_issues(districts, townships, unit_types, poverty_only,
              rounds, year_from, year_to, levels, modes, as_of, categories) f
JOIN v_inspections i ON i.round = f.round AND i.unit_id = f.unit_id
LEFT JOIN issues t ON t.round = f.round AND t.unit_id = f.unit_ref AND t.seq = f.seq AND t.superseded_by IS NULL
WHERE NOT overdue_list_apply() AND f.is_overdue;

-- The issues of f_issues counted, read from the pre-aggregates the import keeps (inspection/store.py
-- AGGREGATES) instead of the issue rows: one row per group of alike issues with their number n, so
-- a figure sums n (tally, tally_if) where it counted rows. Columns: district, township and unit_id
-- (NULL but on the detail path), round, round_ord, level, category, subcategory (NULL in a district's
-- groups: see whole_area below), start_date, is_rectified,
-- is_long_term, is_overdue (as f_issues), has_feedback (the inspection has an end_date),
-- rectified_in_month (rectified as of the day, at most 30 days after the feedback), n.
-- Each issue is judged as of its day (issue_day: as_of, or with year_before := true a year earlier
-- for the issues started before as_of's year, so that one call gives both periods of
-- results_by_period: a call costs ~5 ms to bind, more than most figures take to run).
-- The day is read as whole months from a_issues (issues none of whose dates, as
-- _live.sql's issue_* macros keep them, falls in the day's month: their dates there are
-- month starts, which the rules compare with the day exactly as the dates themselves) plus that
-- month from a_issue_days (the same issues' groups with their dates in that month to the day).
-- The aggregates keep districts, not townships, unit types or units: under a township, unit type
-- or poverty filter, or at a grain finer than the district (area()), the counts come from the issue
-- rows (the detail path: such views are one district's, whose rows the district order lets DuckDB
-- read alone). So does SET VARIABLE issues_detail = true (the tests compare the two paths); the
-- switch is a constant, folded away with the branch it turns off.
-- The aggregates also hold the whole area's groups (district '*', inspection/store.py WHOLE_AREA:
-- each district's summed), and they alone keep the subcategory (NULL in a district's groups). A
-- figure that does not group by area passes grain NULL, one grouped by subcategory grain
-- 'subcategory'; with no district chosen either reads the whole area's rows alone (at national 97k
-- rows of a_issues instead of 4.4M, or grain NULL 27k of a_issue_totals: whole_totals below), else
-- the districts' (grain NULL) or the issue rows ('subcategory').
-- (A figure grouped by area passes its $grain, never NULL.)
CREATE OR REPLACE MACRO whole_area(districts, grain) AS
    len(districts::VARCHAR[]) = 0 AND coalesce(grain::VARCHAR, 'none') IN ('none', 'subcategory');
CREATE OR REPLACE MACRO area_rows(districts, grain, d) AS
    (whole_area(districts, grain) AND d = '*') OR (NOT whole_area(districts, grain) AND d <> '*');
-- The whole area's groups without the subcategory (a_issue_totals, inspection/store.py: a_issues'
-- whole-area groups summed over it, ~3.5x fewer rows) serve a figure that does not group by
-- subcategory (grain NULL): the total counts, the rates, results_by_period, the listed issues by round.
CREATE OR REPLACE MACRO whole_totals(districts, grain) AS
    whole_area(districts, grain) AND grain::VARCHAR IS NULL;

CREATE OR REPLACE MACRO issue_detail(districts, townships, unit_types, poverty_only, grain) AS
    len(townships::VARCHAR[]) > 0 OR len(unit_types::VARCHAR[]) > 0 OR coalesce(poverty_only::BOOLEAN, false)
    OR coalesce(grain::VARCHAR, 'district') NOT IN ('district', 'subcategory')
    OR (coalesce(grain::VARCHAR = 'subcategory', false) AND len(districts::VARCHAR[]) > 0)
    OR coalesce(getvariable('issues_detail')::BOOLEAN, false);

-- The day an issue is judged on: as_of; with year_before, an issue started before as_of's year is
-- judged as of the same day one year earlier (the previous period of results_by_period). The year's
-- first day is a month's, which the aggregates' month-start dates compare with exactly. Without
-- year_before (every other figure) the day is as_of itself, a constant the scans' filters fold.
CREATE OR REPLACE MACRO issue_day(start_date, as_of, year_before) AS
    CASE WHEN year_before AND start_date < date_trunc('year', as_of::DATE)
         THEN (as_of::DATE - INTERVAL 1 YEAR)::DATE ELSE as_of::DATE END;

CREATE OR REPLACE MACRO issue_counts(districts, townships, unit_types, poverty_only,
                                     rounds, year_from, year_to, levels, modes, as_of, categories, grain,
                                     year_before := false) AS TABLE
WITH rows AS (
    -- the groups with no date in their day's month
    SELECT district, NULL::VARCHAR AS township, NULL::VARCHAR AS unit_type, NULL::BOOLEAN AS is_poverty_village,
           NULL::INTEGER AS unit_id, round, round_ord, year, level, mode, category,
           subcategory, status, start_date, rectified_date, due_date, has_feedback, in_month, n, day
    FROM (SELECT *, issue_day(start_date, as_of, year_before) AS day
          FROM (SELECT * FROM a_issues WHERE NOT whole_totals(districts, grain)
                UNION ALL SELECT * FROM a_issue_totals WHERE whole_totals(districts, grain)))
    WHERE NOT issue_detail(districts, townships, unit_types, poverty_only, grain) AND area_rows(districts, grain, district)
      AND coalesce(start_date <> date_trunc('month', day)::DATE, true)
      AND coalesce(rectified_date <> date_trunc('month', day)::DATE, true)
      AND coalesce(due_date <> date_trunc('month', day)::DATE, true)
    UNION ALL
    -- the groups with a date in their day's month, those dates to the day (the constant test of touch
    -- lets the scan read only those months)
    SELECT district, NULL, NULL, NULL, NULL, round, round_ord, year, level, mode, category,
           subcategory, status, start_date, rectified_date, due_date, has_feedback, in_month, n, day
    FROM (SELECT *, issue_day(start_date, as_of, year_before) AS day FROM a_issue_days)
    WHERE NOT issue_detail(districts, townships, unit_types, poverty_only, grain) AND area_rows(districts, grain, district)
      AND touch = date_trunc('month', day)::DATE
      AND (touch = date_trunc('month', as_of::DATE)::DATE
           OR year_before AND touch = date_trunc('month', as_of::DATE - INTERVAL 1 YEAR)::DATE)
    UNION ALL
    -- the detail path: the issue rows
    SELECT district, township, unit_type, is_poverty_village, unit_id, round, round_ord, year, level, mode, category,
           subcategory, status, start_date, issue_rectified_day(status, rectified_date),
           issue_due_day(status, rectified_date, due_date), end_date IS NOT NULL,
           issue_in_month(status, rectified_date, end_date), 1, issue_day(start_date, as_of, year_before)
    FROM v_issues
    WHERE issue_detail(districts, townships, unit_types, poverty_only, grain)
)
SELECT district, township, unit_id, round, round_ord, level, category, subcategory, start_date,
    issue_rectified(status, rectified_date, day) AS is_rectified,
    (status = 'long_term') AS is_long_term,
    issue_overdue(status, rectified_date, due_date, day) AS is_overdue,
    has_feedback,
    issue_rectified(status, rectified_date, day) AND in_month AS rectified_in_month,
    n
FROM rows
-- The filters, written once for the three branches (DuckDB pushes them into each scan). The
-- aggregates' rows have no township, unit type or poverty mark: they are read only when no such
-- filter applies (issue_detail), when unit_ok asks for the district alone.
WHERE issue_unit_ok(districts, townships, unit_types, poverty_only, district, township, unit_type, is_poverty_village)
  AND inspection_ok(rounds, year_from, year_to, levels, modes, day, round, year, level, mode, start_date)
  AND start_date <= as_of::DATE  -- implied by the line above; a constant bound the scans can use
  AND (len(categories::VARCHAR[]) = 0 OR list_contains(categories::VARCHAR[], category));

-- issue_counts' whole-area path alone (whole_totals and not issue_detail: no district chosen, grain
-- NULL, no township, unit type or poverty filter, SET VARIABLE issues_detail off): the same rows as
-- its first two branches read from a_issue_totals and a_issue_days' '*' groups, with the same rules.
-- DuckDB binds every branch of a macro before folding the constant ones, so a statement chosen for
-- such parameters (queries/paths/, inspection/store.py statement) reads this instead of issue_counts
-- (its detail and a_issues branches are never bound). Equal to issue_counts there:
-- tests/queries/test_issue_aggregates.py. `groups` names the whole area's groups it reads for the
-- months before the day's (query_table: a table, or a CTE of the calling statement): a_issue_totals,
-- or, where the subcategory is kept, a_issues' '*' groups (grain 'subcategory': issues_by_category).
CREATE OR REPLACE MACRO issue_counts_whole(rounds, year_from, year_to, levels, modes, as_of, categories,
                                           year_before := false, groups := 'a_issue_totals') AS TABLE
WITH rows AS (
    SELECT district, round, round_ord, year, level, mode, category,
           subcategory, status, start_date, rectified_date, due_date, has_feedback, in_month, n, day
    FROM (SELECT *, issue_day(start_date, as_of, year_before) AS day FROM query_table(groups))
    WHERE coalesce(start_date <> date_trunc('month', day)::DATE, true)
      AND coalesce(rectified_date <> date_trunc('month', day)::DATE, true)
      AND coalesce(due_date <> date_trunc('month', day)::DATE, true)
    UNION ALL
    SELECT district, round, round_ord, year, level, mode, category,
           subcategory, status, start_date, rectified_date, due_date, has_feedback, in_month, n, day
    FROM (SELECT *, issue_day(start_date, as_of, year_before) AS day FROM a_issue_days)
    WHERE district = '*' AND touch = date_trunc('month', day)::DATE
      AND (touch = date_trunc('month', as_of::DATE)::DATE
           OR year_before AND touch = date_trunc('month', as_of::DATE - INTERVAL 1 YEAR)::DATE)
)
SELECT district, NULL::VARCHAR AS township, NULL::INTEGER AS unit_id, round, round_ord, level, category, subcategory,
    start_date,
    issue_rectified(status, rectified_date, day) AS is_rectified,
    (status = 'long_term') AS is_long_term,
    issue_overdue(status, rectified_date, due_date, day) AS is_overdue,
    has_feedback,
    issue_rectified(status, rectified_date, day) AND in_month AS rectified_in_month,
    n
FROM rows
WHERE inspection_ok(rounds, year_from, year_to, levels, modes, day, round, year, level, mode, start_date)
  AND start_date <= as_of::DATE
  AND (len(categories::VARCHAR[]) = 0 OR list_contains(categories::VARCHAR[], category));

-- ... and its districts' path alone (not whole_totals and not issue_detail: districts chosen or a
-- figure by district, no township, unit type or poverty filter, SET VARIABLE issues_detail off): its
-- first two branches over the districts' groups of a_issues and a_issue_days.
CREATE OR REPLACE MACRO issue_counts_districts(districts, rounds, year_from, year_to, levels, modes, as_of, categories,
                                               year_before := false) AS TABLE
WITH rows AS (
    SELECT district, round, round_ord, year, level, mode, category,
           subcategory, status, start_date, rectified_date, due_date, has_feedback, in_month, n, day
    FROM (SELECT *, issue_day(start_date, as_of, year_before) AS day FROM a_issues)
    WHERE district <> '*' AND issue_unit_ok(districts, [], [], false, district, NULL, NULL, NULL)
      AND coalesce(start_date <> date_trunc('month', day)::DATE, true)
      AND coalesce(rectified_date <> date_trunc('month', day)::DATE, true)
      AND coalesce(due_date <> date_trunc('month', day)::DATE, true)
    UNION ALL
    SELECT district, round, round_ord, year, level, mode, category,
           subcategory, status, start_date, rectified_date, due_date, has_feedback, in_month, n, day
    FROM (SELECT *, issue_day(start_date, as_of, year_before) AS day FROM a_issue_days)
    WHERE district <> '*' AND issue_unit_ok(districts, [], [], false, district, NULL, NULL, NULL)
      AND touch = date_trunc('month', day)::DATE
      AND (touch = date_trunc('month', as_of::DATE)::DATE
           OR year_before AND touch = date_trunc('month', as_of::DATE - INTERVAL 1 YEAR)::DATE)
)
SELECT district, NULL::VARCHAR AS township, NULL::INTEGER AS unit_id, round, round_ord, level, category, subcategory,
    start_date,
    issue_rectified(status, rectified_date, day) AS is_rectified,
    (status = 'long_term') AS is_long_term,
    issue_overdue(status, rectified_date, due_date, day) AS is_overdue,
    has_feedback,
    issue_rectified(status, rectified_date, day) AND in_month AS rectified_in_month,
    n
FROM rows
WHERE inspection_ok(rounds, year_from, year_to, levels, modes, day, round, year, level, mode, start_date)
  AND start_date <= as_of::DATE
  AND (len(categories::VARCHAR[]) = 0 OR list_contains(categories::VARCHAR[], category));

-- The listed issues of f_issues by area and category, counted (n) for the figures that count listed
-- issues alone (issues_by_district_category, overdue_by_district_category by area and category;
-- issues_by_round_category by round and category): issue_counts without the status and dates, read
-- from a_listed (inspection/store.py AGGREGATES: the issues by district, round, level, mode and
-- category, the start date to the month; ~4x fewer rows than a_issues) for the months before the
-- day's, or, for the whole area (whole_area: grain NULL and no district chosen; a_listed keeps no
-- whole-area groups), from a_issue_totals (a_issues' whole-area groups; their start dates are months
-- too: an issue started before the day's month is listed whatever its other dates), and from a_issue_days for the
-- day's month (its groups of the issues started in that month keep their start day; each issue is
-- there once per month). Columns: district, township and unit_id (NULL but on the detail path),
-- round, round_ord, category, n. The detail path as in issue_counts (a township, unit type or
-- poverty filter, a grain finer than the district, SET VARIABLE issues_detail).
CREATE OR REPLACE MACRO issue_listed(districts, townships, unit_types, poverty_only,
                                     rounds, year_from, year_to, levels, modes, as_of, categories, grain) AS TABLE
WITH rows AS (
    SELECT district, NULL::VARCHAR AS township, NULL::VARCHAR AS unit_type, NULL::BOOLEAN AS is_poverty_village,
           NULL::INTEGER AS unit_id, round, round_ord, year, level, mode, category, start_date, n
    FROM a_listed
    WHERE NOT issue_detail(districts, townships, unit_types, poverty_only, grain) AND NOT whole_area(districts, grain)
      AND start_date < date_trunc('month', as_of::DATE)::DATE
    UNION ALL
    SELECT district, NULL, NULL, NULL, NULL, round, round_ord, year, level, mode, category, start_date, n
    FROM a_issue_totals
    WHERE NOT issue_detail(districts, townships, unit_types, poverty_only, grain) AND whole_area(districts, grain)
      AND start_date < date_trunc('month', as_of::DATE)::DATE
    UNION ALL
    SELECT district, NULL, NULL, NULL, NULL, round, round_ord, year, level, mode, category, start_date, n
    FROM a_issue_days
    WHERE NOT issue_detail(districts, townships, unit_types, poverty_only, grain) AND area_rows(districts, grain, district)
      AND touch = date_trunc('month', as_of::DATE)::DATE AND start_date >= touch
    UNION ALL
    SELECT district, township, unit_type, is_poverty_village, unit_id, round, round_ord, year, level, mode, category,
           start_date, 1
    FROM v_issues
    WHERE issue_detail(districts, townships, unit_types, poverty_only, grain)
)
SELECT district, township, unit_id, round, round_ord, category, n
FROM rows
WHERE issue_unit_ok(districts, townships, unit_types, poverty_only, district, township, unit_type, is_poverty_village)
  AND inspection_ok(rounds, year_from, year_to, levels, modes, as_of, round, year, level, mode, start_date)
  AND (len(categories::VARCHAR[]) = 0 OR list_contains(categories::VARCHAR[], category));

-- issue_listed's districts' path alone (a figure by district and category: not whole_area, not
-- issue_detail), for statements chosen for those parameters (queries/paths/): a_listed and the
-- districts' a_issue_days groups, with the same rules.
CREATE OR REPLACE MACRO issue_listed_districts(districts, rounds, year_from, year_to, levels, modes, as_of,
                                               categories) AS TABLE
WITH rows AS (
    SELECT district, round, round_ord, year, level, mode, category, start_date, n
    FROM a_listed
    WHERE start_date < date_trunc('month', as_of::DATE)::DATE
    UNION ALL
    SELECT district, round, round_ord, year, level, mode, category, start_date, n
    FROM a_issue_days
    WHERE district <> '*' AND touch = date_trunc('month', as_of::DATE)::DATE AND start_date >= touch
)
SELECT district, NULL::VARCHAR AS township, NULL::INTEGER AS unit_id, round, round_ord, category, n
FROM rows
WHERE issue_unit_ok(districts, [], [], false, district, NULL, NULL, NULL)
  AND inspection_ok(rounds, year_from, year_to, levels, modes, as_of, round, year, level, mode, start_date)
  AND (len(categories::VARCHAR[]) = 0 OR list_contains(categories::VARCHAR[], category));

-- issues_by_district_category.sql's figures from the listed counts by area key and category of the
-- calling statement's CTE listed_table (query_table: k, category, issues) and the filtered inspections
-- per area; queries/paths/ reads it over issue_listed_districts. Unordered.
CREATE OR REPLACE MACRO category_issue_figures(listed_table, districts, townships, unit_types, poverty_only,
                                               rounds, year_from, year_to, levels, modes, as_of, grain) AS TABLE
WITH n AS (
    SELECT area(grain, district, township, unit_id::VARCHAR) AS k,
           any_value(area(grain, district, township, unit_name)) AS district, count(*) AS inspections
    FROM f_inspections(districts, townships, unit_types, poverty_only,
                       rounds, year_from, year_to, levels, modes, as_of)
    GROUP BY k
)
SELECT coalesce(n.district, s.k) AS district, s.category, s.issues, n.inspections,
       s.issues / nullif(n.inspections, 0) AS issues_per_inspection
FROM query_table(listed_table) s LEFT JOIN n USING (k);

-- ... and its whole area's path alone (whole_area and not issue_detail): a_issue_totals and the '*'
-- groups of a_issue_days, with the same rules.
CREATE OR REPLACE MACRO issue_listed_whole(rounds, year_from, year_to, levels, modes, as_of, categories) AS TABLE
WITH rows AS (
    SELECT district, round, round_ord, year, level, mode, category, start_date, n
    FROM a_issue_totals
    WHERE start_date < date_trunc('month', as_of::DATE)::DATE
    UNION ALL
    SELECT district, round, round_ord, year, level, mode, category, start_date, n
    FROM a_issue_days
    WHERE district = '*' AND touch = date_trunc('month', as_of::DATE)::DATE AND start_date >= touch
)
SELECT district, NULL::VARCHAR AS township, NULL::INTEGER AS unit_id, round, round_ord, category, n
FROM rows
WHERE inspection_ok(rounds, year_from, year_to, levels, modes, as_of, round, year, level, mode, start_date)
  AND (len(categories::VARCHAR[]) = 0 OR list_contains(categories::VARCHAR[], category));

-- How many issues a group of issue_counts rows holds (count(*) over f_issues), and how many of them
-- meet a condition (count(*) FILTER (WHERE condition)); 0 for none, as count.
CREATE OR REPLACE MACRO tally(n) AS CAST(coalesce(sum(n), 0) AS BIGINT);
CREATE OR REPLACE MACRO tally_if(n, condition) AS CAST(coalesce(sum(CASE WHEN condition THEN n END), 0) AS BIGINT);

-- The reference day of the year-to-date figures: as_of, or 31 December of year_to when the year
-- range ends earlier. An expression of the parameters only, so DuckDB folds it to a constant and the
-- date bounds derived from it reach the scans.
CREATE OR REPLACE MACRO reference_day(as_of, year_to) AS
    least(as_of::DATE, make_date(coalesce(year_to::INTEGER, 9999), 12, 31));

-- A per-inspection average: the sum of a figure over the inspections that reported it (a figure
-- left empty is not a zero); issues + clues over those that reported both.
CREATE OR REPLACE MACRO per_inspection(figure) AS sum(figure) / nullif(count(figure), 0);

-- Per-level results over a set of filtered inspections. Averages are per inspection: the level's
-- sum over the inspections that reported that figure; issues+clues over those that reported both.
-- Two macros, so that a figure binds only its own (a macro's folded branches are bound too: the
-- like-for-like parts cost results_by_level ~4-8 ms of planning at province): level_stats over
-- every filtered inspection, level_stats_like over the (district, year) cells where both levels
-- inspected, so municipal and county figures cover the same places and period (cells: how many
-- such cells). Like for like, the inspections of each (district, year, level) are summed first (~35k
-- groups at national instead of 1.35M rows to join to the cells) and units are not counted (NULL: no
-- figure shows them; a distinct count cannot be summed).
-- (in two branches, so that a statement chosen for its parameters (queries/paths/) reads one: the rows ...)
CREATE OR REPLACE MACRO level_stats_rows(districts, townships, unit_types, poverty_only,
                                         rounds, year_from, year_to, levels, modes, as_of) AS TABLE
SELECT
    level,
    count(*) AS inspections,
    -- count(DISTINCT unit_id), exactly, ~2.5x cheaper at national: one bit per integer unit key between
    -- the scan's min and max (its statistics) for each of the two or three levels
    bit_count(bitstring_agg(unit_id)) AS units,
    sum(issues_found) AS issues_found,
    sum(clues) AS clues,
    sum(disciplined) AS disciplined,
    sum(immediate_fixes) AS immediate_fixes,
    per_inspection(issues_found + clues) AS avg_issues_and_clues,
    per_inspection(issues_found) AS avg_issues,
    per_inspection(clues) AS avg_clues,
    per_inspection(disciplined) AS avg_disciplined,
    per_inspection(immediate_fixes) AS avg_immediate_fixes
FROM f_inspections(districts, townships, unit_types, poverty_only, rounds, year_from, year_to, levels, modes, as_of)
GROUP BY level;
-- with no place filter and no round, year or mode filter, the same from the whole area's totals
-- (a_inspection_days, inspection_days_apply above) and each level's units from a_unit_days
CREATE OR REPLACE MACRO level_stats_days(rounds, year_from, year_to, levels, modes, as_of) AS TABLE
SELECT
    d.level,
    CAST(sum(d.inspections) AS BIGINT) AS inspections,
    any_value(u.units) AS units,
    sum(d.issues_found) AS issues_found,
    sum(d.clues) AS clues,
    sum(d.disciplined) AS disciplined,
    sum(d.immediate_fixes) AS immediate_fixes,
    sum(d.issues_and_clues) / nullif(sum(d.n_issues_and_clues), 0) AS avg_issues_and_clues,
    sum(d.issues_found) / nullif(sum(d.n_issues_found), 0) AS avg_issues,
    sum(d.clues) / nullif(sum(d.n_clues), 0) AS avg_clues,
    sum(d.disciplined) / nullif(sum(d.n_disciplined), 0) AS avg_disciplined,
    sum(d.immediate_fixes) / nullif(sum(d.n_immediate_fixes), 0) AS avg_immediate_fixes
FROM a_inspection_days d
LEFT JOIN (SELECT level, CAST(sum(n) AS BIGINT) AS units FROM a_unit_days
           WHERE district = '*' AND NOT every_level AND first_date <= as_of::DATE GROUP BY level) u ON u.level = d.level
WHERE inspection_ok(rounds, year_from, year_to, levels, modes, as_of, d.round, d.year, d.level, d.mode, d.start_date)
GROUP BY d.level;
CREATE OR REPLACE MACRO level_stats(districts, townships, unit_types, poverty_only,
                                    rounds, year_from, year_to, levels, modes, as_of) AS TABLE
SELECT * FROM level_stats_rows(districts, townships, unit_types, poverty_only,
                               rounds, year_from, year_to, levels, modes, as_of)
WHERE NOT unit_days_apply(districts, townships, unit_types, poverty_only, rounds, year_from, year_to, levels, modes)
UNION ALL
SELECT * FROM level_stats_days(rounds, year_from, year_to, levels, modes, as_of)
WHERE unit_days_apply(districts, townships, unit_types, poverty_only, rounds, year_from, year_to, levels, modes);

CREATE OR REPLACE MACRO level_stats_like(districts, townships, unit_types, poverty_only,
                                         rounds, year_from, year_to, levels, modes, as_of) AS TABLE
WITH i AS (
    SELECT * FROM f_inspections(districts, townships, unit_types, poverty_only,
                                rounds, year_from, year_to, levels, modes, as_of)
), g AS (
    SELECT district, year, level, count(*) AS inspections,
           sum(issues_found) AS issues_found, sum(clues) AS clues, sum(disciplined) AS disciplined,
           sum(immediate_fixes) AS immediate_fixes,
           -- per_inspection's parts, summed again below
           sum(issues_found + clues) AS sum_ic, count(issues_found + clues) AS n_ic,
           count(issues_found) AS n_issues, count(clues) AS n_clues, count(disciplined) AS n_disciplined,
           count(immediate_fixes) AS n_fixes
    FROM i WHERE NOT month_sums_apply(townships, unit_types, poverty_only)
    GROUP BY district, year, level
    UNION ALL
    -- with no township, unit type or poverty filter, the same groups from a_inspection_months (the
    -- months before the as-of day's) and the rows of that month
    SELECT district, year, level, CAST(sum(inspections) AS BIGINT), sum(issues_found), sum(clues),
           sum(disciplined), sum(immediate_fixes), sum(issues_and_clues), CAST(sum(n_issues_and_clues) AS BIGINT),
           CAST(sum(n_issues_found) AS BIGINT), CAST(sum(n_clues) AS BIGINT), CAST(sum(n_disciplined) AS BIGINT),
           CAST(sum(n_immediate_fixes) AS BIGINT)
    FROM (
        SELECT district, year, level, inspections, issues_found, clues, disciplined, immediate_fixes,
               issues_and_clues, n_issues_and_clues, n_issues_found, n_clues, n_disciplined, n_immediate_fixes
        FROM a_inspection_months
        WHERE month_sums_apply(townships, unit_types, poverty_only)
          AND unit_ok(districts, [], [], false, district, NULL, NULL, NULL)
          AND inspection_ok(rounds, year_from, year_to, levels, modes, as_of, round, year, level, mode, month)
          AND month < date_trunc('month', as_of::DATE)::DATE
        UNION ALL
        SELECT district, year, level, 1, issues_found, clues, disciplined, immediate_fixes,
               issues_found + clues, CAST(issues_found + clues IS NOT NULL AS INTEGER),
               CAST(issues_found IS NOT NULL AS INTEGER), CAST(clues IS NOT NULL AS INTEGER),
               CAST(disciplined IS NOT NULL AS INTEGER), CAST(immediate_fixes IS NOT NULL AS INTEGER)
        FROM i
        WHERE month_sums_apply(townships, unit_types, poverty_only)
          AND start_date >= date_trunc('month', as_of::DATE)::DATE)
    GROUP BY district, year, level
), cells AS (
    SELECT district, year FROM g
    GROUP BY district, year HAVING count(DISTINCT level) = 2
)
SELECT
    level,
    CAST(sum(inspections) AS BIGINT) AS inspections,
    NULL::BIGINT AS units,
    sum(issues_found) AS issues_found,
    sum(clues) AS clues,
    sum(disciplined) AS disciplined,
    sum(immediate_fixes) AS immediate_fixes,
    sum(sum_ic) / nullif(sum(n_ic), 0) AS avg_issues_and_clues,
    sum(issues_found) / nullif(sum(n_issues), 0) AS avg_issues,
    sum(clues) / nullif(sum(n_clues), 0) AS avg_clues,
    sum(disciplined) / nullif(sum(n_disciplined), 0) AS avg_disciplined,
    sum(immediate_fixes) / nullif(sum(n_fixes), 0) AS avg_immediate_fixes,
    (SELECT count(*) FROM cells) AS cells
FROM g
WHERE EXISTS (SELECT 1 FROM cells c WHERE c.district = g.district AND c.year = g.year)
GROUP BY level;

-- The municipal/county ratio of a level average over the rows of level_stats (NULL when a level is
-- missing), as an aggregate.
CREATE OR REPLACE MACRO level_ratio(average, level) AS
    max(average) FILTER (WHERE level = 'municipal') / nullif(max(average) FILTER (WHERE level = 'county'), 0);

-- level_stats (level_stats_like) with the municipal/county ratio of each average (ratio_* is the same
-- on both rows), municipal first. (The stats read once through a CTE, bound once; the ratios from its
-- rows in one aggregate row joined to each: DuckDB 1.5.5's window operator fails now and then
-- ("INTERNAL Error: Attempted to access index 0 within vector of size 0", which invalidates the
-- database) on these few rows.)
-- (level_figures: the rows and ratios from the level_stats rows of the calling statement's CTE
-- stats_table, query_table; queries/paths/ reads it over one branch)
CREATE OR REPLACE MACRO level_figures(stats_table) AS TABLE
WITH l AS (
    FROM query_table(stats_table)
), r AS (
    SELECT level_ratio(avg_issues_and_clues, level) AS ratio_issues_and_clues, level_ratio(avg_clues, level) AS ratio_clues,
           level_ratio(avg_disciplined, level) AS ratio_disciplined,
           level_ratio(avg_immediate_fixes, level) AS ratio_immediate_fixes
    FROM l
)
SELECT l.*, r.* FROM l CROSS JOIN r;
CREATE OR REPLACE MACRO level_results(districts, townships, unit_types, poverty_only,
                                      rounds, year_from, year_to, levels, modes, as_of) AS TABLE
WITH s AS (
    SELECT * FROM level_stats(districts, townships, unit_types, poverty_only,
                              rounds, year_from, year_to, levels, modes, as_of)
)
SELECT * FROM level_figures('s') ORDER BY CASE level WHEN 'municipal' THEN 0 ELSE 1 END;

CREATE OR REPLACE MACRO level_results_like(districts, townships, unit_types, poverty_only,
                                           rounds, year_from, year_to, levels, modes, as_of) AS TABLE
WITH l AS (
    SELECT * FROM level_stats_like(districts, townships, unit_types, poverty_only,
                                   rounds, year_from, year_to, levels, modes, as_of)
), r AS (
    SELECT level_ratio(avg_issues_and_clues, level) AS ratio_issues_and_clues, level_ratio(avg_clues, level) AS ratio_clues,
           level_ratio(avg_disciplined, level) AS ratio_disciplined,
           level_ratio(avg_immediate_fixes, level) AS ratio_immediate_fixes
    FROM l
)
SELECT l.*, r.* FROM l CROSS JOIN r ORDER BY CASE level WHEN 'municipal' THEN 0 ELSE 1 END;

-- The plan per district: its own row in plan_settings, else the default row '*'. Every plan
-- figure joins it on the district of a roster unit (first_covers' plan_district), so it lists the
-- roster's districts (a unit inspected but not in the roster counts against no plan).
CREATE OR REPLACE VIEW v_plan AS
WITH districts AS (
    SELECT DISTINCT district FROM v_units
)
SELECT d.district,
       coalesce(p.plan_start, dflt.plan_start) AS plan_start,
       coalesce(p.plan_end, dflt.plan_end) AS plan_end,
       coalesce(p.target, dflt.target) AS target   -- share of the roster, 0..1
FROM districts d
LEFT JOIN plan_settings p ON p.district = d.district
CROSS JOIN (SELECT * FROM plan_settings WHERE district = '*') dflt;

-- The coverage plan's rules, written once: plan_by_district.sql, coverage_projection_by_month.sql
-- and coverage_curve (the plan line of coverage_by_month / coverage_by_district_month) read them.
-- A unit is newly covered on the start_date of its first inspection that passes the filters:
-- one row per unit of the filtered roster, its area at the grain (district), the district whose
-- plan it counts against (plan_district), that day (first_date, NULL while not covered), its unit_type
-- and is_poverty_village.
--
-- Without a round, year or mode filter (roster_applies) that is the unit's first inspection of all,
-- or of the levels filtered, read with the roster unit itself from m_roster_first (kept by the import
-- and undo, inspection/store.py UNIT_SUMMARIES) in one scan: a roster unit's inspections carry its
-- roster district, township, type and poverty mark (_live.sql), so they pass the unit filters whenever
-- the unit does, and the earliest of them passes "on or before as_of" exactly when any does. Under
-- the other inspection filters, the detail path (the roster joined to its filtered inspections). The
-- branch not taken folds away (its condition is a constant).
-- first_covers_roster is the first branch alone (a statement chosen for parameters where
-- roster_applies holds reads it directly: queries/paths/, inspection/store.py statement).
-- the first inspection of the levels filtered (every level when none is)
CREATE OR REPLACE MACRO level_first(levels, first_date, first_municipal, first_county) AS
    CASE WHEN len(levels::VARCHAR[]) = 0 THEN first_date
         ELSE least(CASE WHEN list_contains(levels::VARCHAR[], 'municipal') THEN first_municipal END,
                    CASE WHEN list_contains(levels::VARCHAR[], 'county') THEN first_county END) END;
CREATE OR REPLACE MACRO first_covers_roster(districts, townships, unit_types, poverty_only, levels, as_of, grain) AS TABLE
SELECT unit_id, district, plan_district,
       CASE WHEN first_date <= as_of::DATE THEN first_date END AS first_date, unit_type, is_poverty_village
FROM (SELECT unit_id, area(grain, district, township, unit_name) AS district, district AS plan_district,
             level_first(levels, first_date, first_municipal, first_county) AS first_date,
             unit_type, is_poverty_village
      FROM m_roster_first
      WHERE unit_ok(districts, townships, unit_types, poverty_only, district, township, unit_type, is_poverty_village));
-- Each roster unit's first filtered inspection, from the inspections alone (a roster unit's
-- inspections carry its roster district, township, name, type and poverty mark, _live.sql: they pass
-- the unit filters and fall in its area exactly when it does): its area as district, unit_id,
-- first_date. first_covers' detail branch joins the roster to it; the curves under a round, year or
-- mode filter read it without the roster (queries/paths/*.3_rows).
CREATE OR REPLACE MACRO first_inspected(districts, townships, unit_types, poverty_only,
                                        rounds, year_from, year_to, levels, modes, as_of, grain) AS TABLE
SELECT area(grain, district, township, unit_name) AS district, unit_id, min(start_date) AS first_date
FROM f_inspections(districts, townships, unit_types, poverty_only, rounds, year_from, year_to, levels, modes, as_of)
WHERE in_roster
GROUP BY ALL;
CREATE OR REPLACE MACRO first_covers(districts, townships, unit_types, poverty_only,
                                     rounds, year_from, year_to, levels, modes, as_of, grain) AS TABLE
SELECT * FROM first_covers_roster(districts, townships, unit_types, poverty_only, levels, as_of, grain)
WHERE roster_applies(rounds, year_from, year_to, modes)
UNION ALL
SELECT u.unit_id, u.district, u.plan_district, f.first_date, u.unit_type, u.is_poverty_village
FROM (SELECT unit_id, district AS plan_district, area(grain, district, township, unit_name) AS district,
             unit_type, is_poverty_village
      FROM f_units(districts, townships, unit_types, poverty_only)) u
LEFT JOIN (SELECT unit_id, first_date
           FROM first_inspected(districts, townships, unit_types, poverty_only,
                                rounds, year_from, year_to, levels, modes, as_of, grain)) f USING (unit_id)
WHERE NOT roster_applies(rounds, year_from, year_to, modes);

-- The plan line: the share of the roster the plan calls for on a day, linear from plan_start (0)
-- to plan_end (target), clamped to 0..target (a plan of no length calls for its target).
CREATE OR REPLACE MACRO plan_share(target, plan_start, plan_end, day) AS
    target * greatest(0.0, least(1.0,
        datediff('day', plan_start, day::DATE) / nullif(datediff('day', plan_start, plan_end), 0)));

-- The pace: units newly covered in the 6 months up to as_of (an aggregate over first_date) ...
CREATE OR REPLACE MACRO is_recent_cover(first_date, as_of) AS first_date > as_of::DATE - INTERVAL 6 MONTH;
CREATE OR REPLACE MACRO covered_recently(first_date, as_of) AS
    count(first_date) FILTER (WHERE is_recent_cover(first_date, as_of));
-- ... the same over rows of n units each (a pre-aggregate's) ...
CREATE OR REPLACE MACRO covered_recently_n(first_date, n, as_of) AS
    CAST(coalesce(sum(n) FILTER (WHERE is_recent_cover(first_date, as_of)), 0) AS BIGINT);
-- ... per month.
CREATE OR REPLACE MACRO pace_per_month(covered_recently) AS covered_recently / 6.0;

-- Days in a month where a span of days is turned into months (and back): 365.25 / 12.
CREATE OR REPLACE MACRO days_per_month() AS 30.4375;

-- rectification_by_category.sql's figures (its header says each) from the issue groups in the calling
-- statement's CTE counts_table (query_table: issue_counts' rows, or a path's issue_counts_whole or
-- _districts rows). Unordered: the caller orders.
CREATE OR REPLACE MACRO category_rectification(counts_table) AS TABLE
SELECT
    category,
    tally(n) AS issues,
    tally_if(n, is_rectified) AS rectified,
    tally_if(n, is_long_term) AS long_term,
    tally_if(n, NOT is_rectified AND NOT is_long_term AND NOT coalesce(is_overdue, false)) AS open_in_time,
    tally_if(n, is_overdue) AS overdue,
    tally_if(n, is_rectified) / tally(n) AS rectification_rate
FROM query_table(counts_table)
GROUP BY category;

-- Rectification of the filtered issue list (one row). rectification_rate: rectified / listed issues;
-- with no listed issue: sum of rectified / sum of issues_found over the inspections that reported
-- both. One-month rate: listed issues rectified at most 30 days after their inspection's end_date,
-- over listed issues whose inspection has an end_date. overdue: not rectified, due before as_of;
-- long_term: long-term issues (in the rate's denominator, never overdue); open_in_time: the others
-- not rectified (listed_rectified + long_term + open_in_time + overdue = listed_issues).
-- undated: of open_in_time, those with no due date (整改时限 left blank): never overdue because nothing
-- says when they are due, so an overdue count of 0 is said beside them (an office that writes no due
-- dates has no overdue issue it could know of).
-- Rates are fractions 0..1. In three parts, so that a query that already sums the filtered
-- inspections (headline_totals) adds the counts basis to that pass instead of a second one:
-- issue_list_stats, the listed issues' figures (one row) ...
CREATE OR REPLACE MACRO issue_list_stats(districts, townships, unit_types, poverty_only,
                                         rounds, year_from, year_to, levels, modes, as_of, categories) AS TABLE
SELECT
    tally(n) AS listed_issues,
    tally_if(n, is_rectified) AS listed_rectified,
    tally_if(n, is_overdue) AS overdue,
    tally_if(n, is_long_term) AS long_term,
    tally_if(n, NOT is_rectified AND NOT is_long_term AND NOT coalesce(is_overdue, false)) AS open_in_time,
    tally_if(n, NOT is_rectified AND NOT is_long_term AND is_overdue IS NULL) AS undated,
    tally_if(n, has_feedback) AS listed_with_feedback,
    tally_if(n, rectified_in_month) AS rectified_in_month
FROM issue_counts(districts, townships, unit_types, poverty_only,
                  rounds, year_from, year_to, levels, modes, as_of, categories, NULL);
-- (the same over issue_counts_whole and issue_counts_districts, for statements chosen for those paths:
-- queries/paths/)
CREATE OR REPLACE MACRO issue_list_stats_whole(rounds, year_from, year_to, levels, modes, as_of, categories) AS TABLE
SELECT
    tally(n) AS listed_issues,
    tally_if(n, is_rectified) AS listed_rectified,
    tally_if(n, is_overdue) AS overdue,
    tally_if(n, is_long_term) AS long_term,
    tally_if(n, NOT is_rectified AND NOT is_long_term AND NOT coalesce(is_overdue, false)) AS open_in_time,
    tally_if(n, NOT is_rectified AND NOT is_long_term AND is_overdue IS NULL) AS undated,
    tally_if(n, has_feedback) AS listed_with_feedback,
    tally_if(n, rectified_in_month) AS rectified_in_month
FROM issue_counts_whole(rounds, year_from, year_to, levels, modes, as_of, categories);
CREATE OR REPLACE MACRO issue_list_stats_districts(districts, rounds, year_from, year_to, levels, modes, as_of,
                                                   categories) AS TABLE
SELECT
    tally(n) AS listed_issues,
    tally_if(n, is_rectified) AS listed_rectified,
    tally_if(n, is_overdue) AS overdue,
    tally_if(n, is_long_term) AS long_term,
    tally_if(n, NOT is_rectified AND NOT is_long_term AND NOT coalesce(is_overdue, false)) AS open_in_time,
    tally_if(n, NOT is_rectified AND NOT is_long_term AND is_overdue IS NULL) AS undated,
    tally_if(n, has_feedback) AS listed_with_feedback,
    tally_if(n, rectified_in_month) AS rectified_in_month
FROM issue_counts_districts(districts, rounds, year_from, year_to, levels, modes, as_of, categories);
-- ... the counts basis, an aggregate over f_inspections rows ...
CREATE OR REPLACE MACRO counts_rectification_rate(rectified, issues_found) AS
    sum(rectified) FILTER (WHERE issues_found IS NOT NULL) / nullif(sum(issues_found) FILTER (WHERE rectified IS NOT NULL), 0);
-- ... and the rates from the two: the list when it has an issue, else the counts; the one-month rate.
CREATE OR REPLACE MACRO rectification_rate(listed_issues, listed_rectified, counts_rate) AS
    CASE WHEN listed_issues > 0 THEN listed_rectified / listed_issues ELSE counts_rate END;
CREATE OR REPLACE MACRO rectification_basis(listed_issues) AS
    CASE WHEN listed_issues > 0 THEN 'list' ELSE 'counts' END;
CREATE OR REPLACE MACRO one_month_rate(rectified_in_month, listed_with_feedback) AS
    rectified_in_month / nullif(listed_with_feedback, 0);

-- The counts basis of the rate from the filtered inspections (one row, rate) ...
CREATE OR REPLACE MACRO counts_rate_rows(districts, townships, unit_types, poverty_only,
                                         rounds, year_from, year_to, levels, modes, as_of) AS TABLE
SELECT counts_rectification_rate(rectified, issues_found) AS rate
FROM f_inspections(districts, townships, unit_types, poverty_only, rounds, year_from, year_to, levels, modes, as_of);
-- ... or, with no place filter (inspection_days_apply), the same sums from the whole area's day groups
-- (a_inspection_days' rect_num and rect_den: the same integers summed) ...
CREATE OR REPLACE MACRO counts_rate_days(rounds, year_from, year_to, levels, modes, as_of) AS TABLE
SELECT sum(rect_num) / nullif(sum(rect_den), 0) AS rate
FROM a_inspection_days
WHERE inspection_ok(rounds, year_from, year_to, levels, modes, as_of, round, year, level, mode, start_date);
-- ... and the rectification row from the calling statement's CTEs (query_table): the list's figures
-- (listed_table: issue_list_stats' row) and the counts basis (counts_table: a counts_rate_* row).
-- Under a category filter the rate is the list's alone (README "The issue-category filter"): the
-- inspections' reported counts (the counts basis when no issue is listed) have no category, so with no
-- listed issue of the chosen categories there is no rate (NULL, basis 'list').
CREATE OR REPLACE MACRO rectification_figures(listed_table, counts_table, categories) AS TABLE
SELECT
    listed.*,
    CASE WHEN len(categories::VARCHAR[]) > 0 AND listed.listed_issues = 0 THEN NULL
         ELSE rectification_rate(listed.listed_issues, listed.listed_rectified, counts.rate) END AS rectification_rate,
    CASE WHEN len(categories::VARCHAR[]) > 0 THEN 'list'
         ELSE rectification_basis(listed.listed_issues) END AS rectification_basis,
    one_month_rate(listed.rectified_in_month, listed.listed_with_feedback) AS one_month_rectification_rate
FROM query_table(listed_table) listed, query_table(counts_table) counts;

CREATE OR REPLACE MACRO rectification_stats(districts, townships, unit_types, poverty_only,
                                            rounds, year_from, year_to, levels, modes, as_of, categories) AS TABLE
WITH listed AS (
    SELECT * FROM issue_list_stats(districts, townships, unit_types, poverty_only,
                                   rounds, year_from, year_to, levels, modes, as_of, categories)
), counts AS (
    SELECT * FROM counts_rate_rows(districts, townships, unit_types, poverty_only,
                                   rounds, year_from, year_to, levels, modes, as_of)
)
SELECT * FROM rectification_figures('listed', 'counts', categories);

-- rectification_by_days.sql in parts, so that a statement chosen for its parameters (queries/paths/)
-- states only which it reads: per level, the issues with a feedback date (bucket NULL: the base) and
-- those rectified as of as_of by 5-day step from feedback to rectification (bucket), as (level, bucket,
-- c). With no place chosen, from the whole area's pre-aggregates (inspection/store.py): a_rect_months'
-- months before as_of's (every day of them is on or before as_of) and a_rect_days' days of as_of's
-- month up to as_of (an issue counts from its start day in the base, from the later of start and
-- rectification in its step) ...
CREATE OR REPLACE MACRO rect_steps_whole(rounds, year_from, year_to, levels, modes, as_of, categories) AS TABLE
SELECT level, bucket, CAST(sum(n) AS BIGINT) AS c
FROM (
    SELECT level, bucket, n FROM a_rect_months
    WHERE month < date_trunc('month', as_of::DATE)::DATE
      AND inspection_ok(rounds, year_from, year_to, levels, modes, as_of, round, year, level, mode, month)
      AND (len(categories::VARCHAR[]) = 0 OR list_contains(categories::VARCHAR[], category))
    UNION ALL
    SELECT level, bucket, n FROM a_rect_days
    WHERE day >= date_trunc('month', as_of::DATE)::DATE
      AND inspection_ok(rounds, year_from, year_to, levels, modes, as_of, round, year, level, mode, day)
      AND (len(categories::VARCHAR[]) = 0 OR list_contains(categories::VARCHAR[], category)))
GROUP BY ALL;
-- ... or from the issue rows in one pass (both groupings at once): rectified within d days (d a
-- multiple of 5) <=> bucket <= d, rounded up, before the feedback day 0 ...
CREATE OR REPLACE MACRO rect_steps_rows(districts, townships, unit_types, poverty_only,
                                        rounds, year_from, year_to, levels, modes, as_of, categories) AS TABLE
SELECT level, bucket, c FROM (
    SELECT level, bucket, GROUPING(bucket) AS whole_level, count(*) AS c
    FROM (SELECT level,
                 CASE WHEN is_rectified AND rectified_date IS NOT NULL
                      THEN greatest(0, (rectified_date - end_date + 4) // 5 * 5) END AS bucket
          FROM f_issues(districts, townships, unit_types, poverty_only,
                        rounds, year_from, year_to, levels, modes, as_of, categories)
          WHERE end_date IS NOT NULL)
    GROUP BY GROUPING SETS ((level), (level, bucket)))
-- the (level) set is the base; of the (level, bucket) set, the rectified steps
WHERE whole_level = 1 OR bucket IS NOT NULL;
-- ... and the shares by day (rectification_by_days.sql's header says each) from those rows (steps_table,
-- a CTE of the calling statement). Unordered: the caller orders.
CREATE OR REPLACE MACRO rect_days_figures(steps_table) AS TABLE
WITH base AS (
    SELECT level, CAST(sum(c) AS BIGINT) AS n FROM query_table(steps_table) WHERE bucket IS NULL GROUP BY level
), hist AS (
    SELECT level, bucket, c FROM query_table(steps_table) WHERE bucket IS NOT NULL
), days AS (
    SELECT CAST(d AS INTEGER) AS days FROM range(0, 181, 5) t(d)
), within AS (
    SELECT b.level, days.days, b.n,
           CAST(coalesce((SELECT sum(h.c) FROM hist h WHERE h.level = b.level AND h.bucket <= days.days), 0)
                AS BIGINT) AS rectified_within
    FROM base b CROSS JOIN days
)
SELECT
    level,
    days,
    n AS listed_with_feedback,
    rectified_within,
    rectified_within / n AS rectified_share
FROM within;

-- headline_totals.sql in parts, so that a statement chosen for its parameters (queries/paths/) states
-- only which it reads: the filtered inspections' sums from the rows (one row; counts_rate: the counts
-- basis of the rectification rate, summed in the same pass, not shown itself) ...
CREATE OR REPLACE MACRO inspection_sums_rows(districts, townships, unit_types, poverty_only,
                                             rounds, year_from, year_to, levels, modes, as_of) AS TABLE
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
    counts_rectification_rate(rectified, issues_found) AS counts_rate,
    -- the roster units among them, the ones covered (roster_cover_counts; not shown itself)
    coalesce(bit_count(bitstring_agg(unit_id) FILTER (WHERE in_roster)), 0) AS roster_covered
FROM f_inspections(districts, townships, unit_types, poverty_only,
                   rounds, year_from, year_to, levels, modes, as_of);
-- ... or, with no place, round, year or mode filter (unit_days_apply), the same sums of the same
-- inspections from the whole area's day groups and the units' first days ...
CREATE OR REPLACE MACRO inspection_sums_days(levels, as_of) AS TABLE
SELECT
    CAST(coalesce(sum(inspections), 0) AS BIGINT) AS inspections,
    (SELECT CAST(coalesce(sum(n), 0) AS BIGINT) FROM a_unit_days
     WHERE district = '*' AND unit_days_ok(levels, as_of, every_level, level, first_date)) AS units_inspected,
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
    sum(rect_num) / nullif(sum(rect_den), 0) AS counts_rate,
    NULL::BIGINT AS roster_covered  -- (the roster's first covers give it on this path)
FROM a_inspection_days
WHERE inspection_ok([], NULL, NULL, levels, [], as_of, round, year, level, mode, start_date);
-- ... the one or the other (the branch not taken folds away) ...
CREATE OR REPLACE MACRO inspection_sums(districts, townships, unit_types, poverty_only,
                                        rounds, year_from, year_to, levels, modes, as_of) AS TABLE
SELECT * FROM inspection_sums_rows(districts, townships, unit_types, poverty_only,
                                   rounds, year_from, year_to, levels, modes, as_of)
WHERE NOT unit_days_apply(districts, townships, unit_types, poverty_only, rounds, year_from, year_to, levels, modes)
UNION ALL
SELECT * FROM inspection_sums_days(levels, as_of)
WHERE unit_days_apply(districts, townships, unit_types, poverty_only, rounds, year_from, year_to, levels, modes);
-- ... the roster's units and those covered (first_covers' two counts, without its rows) from the
-- inspection rows' sums (sums_table: inspection_sums_rows' row, a CTE of the calling statement): under
-- any inspection filter the covered units are the distinct roster units among the filtered
-- inspections (a roster unit's inspections carry its roster district, township, type and poverty
-- mark, _live.sql, so they pass the unit filters exactly when it does); no roster joined to them
-- (national, one round: the roster's 611k units left out) ...
CREATE OR REPLACE MACRO roster_cover_counts(districts, townships, unit_types, poverty_only, sums_table) AS TABLE
SELECT (SELECT count(*) FROM f_units(districts, townships, unit_types, poverty_only)) AS units_total,
       roster_covered AS units_covered
FROM query_table(sums_table);
-- ... and the headline row from the calling statement's CTEs (query_table): the roster's units and
-- those covered (cover_table: units_total, units_covered), the issue list's figures (listed_table:
-- issue_list_stats' row) and the inspections' sums (sums_table: inspection_sums' row).
CREATE OR REPLACE MACRO headline_figures(cover_table, listed_table, sums_table) AS TABLE
WITH roster AS (
    SELECT count(*) > 0 AS present FROM (SELECT 1 FROM v_units LIMIT 1)
), rect AS (
    -- rectification_stats' row: the list's figures, then the rate and its basis, the one-month rate
    SELECT
        listed.*,
        rectification_rate(listed.listed_issues, listed.listed_rectified, sums.counts_rate) AS rectification_rate,
        rectification_basis(listed.listed_issues) AS rectification_basis,
        one_month_rate(listed.rectified_in_month, listed.listed_with_feedback) AS one_month_rectification_rate
    FROM query_table(listed_table) listed, query_table(sums_table) sums
)
SELECT
    CASE WHEN roster.present THEN cover.units_total END AS units_total,
    CASE WHEN roster.present THEN cover.units_covered ELSE sums.units_inspected END AS units_covered,
    CASE WHEN roster.present THEN cover.units_covered / nullif(cover.units_total, 0) END AS coverage_rate,
    roster.present AS has_roster,
    sums.* EXCLUDE (counts_rate, roster_covered),
    rect.*,
    -- the two issue totals (issue 25 item 4): issues_found sums the inspections' reported counts
    -- (发现问题数), listed_issues counts the rows of their issue lists; NULL without an issue list
    CASE WHEN rect.listed_issues > 0 THEN sums.issues_found - rect.listed_issues END AS issues_found_minus_listed
FROM query_table(sums_table) sums, rect, roster, query_table(cover_table) cover;

-- results_by_period.sql in parts, so that a statement chosen for its parameters (queries/paths/) states
-- only which it reads: the filtered inspections (each of weight 1) with what period_figures sums ...
CREATE OR REPLACE MACRO period_inspections_rows(districts, townships, unit_types, poverty_only,
                                                rounds, year_to, levels, modes, ref_day) AS TABLE
SELECT start_date, 1 AS inspections, issues_found, clues, disciplined, immediate_fixes,
       CASE WHEN issues_found IS NOT NULL THEN rectified END AS rect_num,
       CASE WHEN rectified IS NOT NULL THEN issues_found END AS rect_den
FROM f_inspections(districts, townships, unit_types, poverty_only, rounds, NULL, year_to, levels, modes, ref_day);
-- ... or, with no place filter, the whole area's day groups of them (a_inspection_days:
-- inspection_days_apply) ...
CREATE OR REPLACE MACRO period_inspections_days(rounds, year_to, levels, modes, ref_day) AS TABLE
SELECT start_date, inspections, issues_found, clues, disciplined, immediate_fixes, rect_num, rect_den
FROM a_inspection_days
WHERE inspection_ok(rounds, NULL, year_to, levels, modes, ref_day, round, year, level, mode, start_date);
-- ... and the two periods' rows (results_by_period.sql's header says each figure) from the calling
-- statement's CTEs (query_table): the roster units with the day each was first covered (units_table:
-- first_covers' rows), the inspections (inspections_table: period_inspections_*' rows) and the listed
-- issues of both periods (issues_table: issue_counts' rows with year_before := true). Unordered.
CREATE OR REPLACE MACRO period_figures(units_table, inspections_table, issues_table, as_of, year_to) AS TABLE
WITH ref AS (
    SELECT reference_day(as_of, year_to) AS day
), periods AS (
    SELECT 'current' AS period, year(day) AS year, date_trunc('year', day)::DATE AS period_start, day AS period_end
    FROM ref
    UNION ALL
    SELECT 'previous', year(day) - 1, (date_trunc('year', day) - INTERVAL 1 YEAR)::DATE,
           (day - INTERVAL 1 YEAR)::DATE
    FROM ref
), listed AS (
    -- the listed issues of both periods, read as year_before := true gives them (issue_counts in
    -- _views.sql): those started in the reference day's year as of that day, the earlier ones as of
    -- the same day a year before; each period stops at its own day. Each period's own issues (its first
    -- day is a month's first day, that the aggregates' start months compare with exactly); a period with
    -- none has no row (its rate comes from the counts)
    SELECT CASE WHEN start_date >= date_trunc('year', reference_day(as_of, year_to))::DATE
                THEN 'current' ELSE 'previous' END AS period,
           tally(n) AS listed_issues, tally_if(n, is_rectified) AS listed_rectified
    FROM query_table(issues_table)
    WHERE start_date >= (date_trunc('year', reference_day(as_of, year_to)) - INTERVAL 1 YEAR)::DATE
    GROUP BY period
), sums AS (
    SELECT p.period,
           CAST(coalesce(sum(i.inspections), 0) AS BIGINT) AS inspections,
           sum(i.issues_found) AS issues_found, sum(i.clues) AS clues, sum(i.disciplined) AS disciplined,
           sum(i.immediate_fixes) AS immediate_fixes,
           sum(i.rect_num) AS rect_num, sum(i.rect_den) AS rect_den
    FROM periods p
    LEFT JOIN query_table(inspections_table) i ON i.start_date BETWEEN p.period_start AND p.period_end
    GROUP BY p.period
), gained AS (
    -- one pass over the roster (first_covers bound once): its size, and the units first covered in
    -- each period (the bounds of periods above)
    SELECT
        count(*) AS units_total,
        count(*) FILTER (WHERE first_date BETWEEN date_trunc('year', reference_day(as_of, year_to))::DATE
                                               AND reference_day(as_of, year_to)) AS current_new,
        count(*) FILTER (WHERE first_date BETWEEN (date_trunc('year', reference_day(as_of, year_to)) - INTERVAL 1 YEAR)::DATE
                                               AND (reference_day(as_of, year_to) - INTERVAL 1 YEAR)::DATE) AS previous_new
    FROM query_table(units_table)
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
LEFT JOIN listed l USING (period);

-- Cumulative coverage per district at each month end (capped at as_of), against the district's
-- plan (linear from plan_start to plan_end, reaching target). Rates are fractions 0..1. The city
-- curve (coverage_by_month) is the sum of these rows.
-- At a finer grain (area()) the rows are the townships or units, each against its district's plan.
-- Read from a_cover_months (inspection/store.py COVER_MONTHS: the units by district and month of
-- their first inspection, with the running count) when the districts' curves of every inspection
-- are asked for (cover_months_apply); else from the units (coverage_curve_units). The branch
-- not taken folds away (its condition is a constant). coverage_curve is at the end of this file.
-- district_rows_apply: a figure by district that no township, unit type or poverty filter narrows
-- (the pre-aggregates by district keep none of them), unless SET VARIABLE coverage_detail = true
-- (the tests compare the two paths).
CREATE OR REPLACE MACRO district_rows_apply(townships, unit_types, poverty_only, grain) AS
    len(townships::VARCHAR[]) = 0 AND len(unit_types::VARCHAR[]) = 0
    AND NOT coalesce(poverty_only::BOOLEAN, false) AND coalesce(grain::VARCHAR, 'district') = 'district'
    AND NOT coalesce(getvariable('coverage_detail')::BOOLEAN, false);
-- no unit filter at all (every unit of the whole area, the undrilled view), unless SET VARIABLE
-- coverage_detail = true: results_by_team reads its pre-aggregates then
CREATE OR REPLACE MACRO whole_area_rows_apply(districts, townships, unit_types, poverty_only) AS
    len(districts::VARCHAR[]) = 0 AND district_rows_apply(townships, unit_types, poverty_only, NULL);
CREATE OR REPLACE MACRO cover_months_apply(townships, unit_types, poverty_only,
                                           rounds, year_from, year_to, levels, modes, grain) AS
    plan_applies(rounds, year_from, year_to, levels, modes)
    AND district_rows_apply(townships, unit_types, poverty_only, grain);

-- The units of the plan figures (plan_by_district.sql, coverage_projection_by_month.sql), with the
-- plan each counts against: (area at the grain, plan district, first day as of as_of (NULL while not
-- covered), n units, plan_start, plan_end, target). By district from a_cover_days
-- (inspection/store.py COVER_DAYS: the units by district and day of their first inspection, with the
-- district's running count) when no township, unit type or poverty filter applies
-- (district_rows_apply), else one by one (first_covers, n = 1). The branch not taken folds away.
-- Each district's plan: its own row of plan_settings, else the default '*' (as v_plan), for the
-- plan districts of these units alone.
-- plan_units_rows and plan_units_days are the two branches, with_plans adds each unit's plan to the rows
-- of the calling statement's CTE units_table (query_table), so that a statement chosen for its
-- parameters (queries/paths/) binds one branch.
CREATE OR REPLACE MACRO plan_units_rows(districts, townships, unit_types, poverty_only,
                                        rounds, year_from, year_to, levels, modes, as_of, grain) AS TABLE
SELECT district, plan_district, first_date, 1 AS n
FROM first_covers(districts, townships, unit_types, poverty_only, rounds, year_from, year_to, levels, modes, as_of, grain);
CREATE OR REPLACE MACRO plan_units_days(districts, as_of) AS TABLE
SELECT district, district AS plan_district, CASE WHEN first_date <= as_of::DATE THEN first_date END AS first_date, n
FROM a_cover_days
WHERE unit_ok(districts, [], [], false, district, NULL, NULL, NULL);
CREATE OR REPLACE MACRO with_plans(units_table) AS TABLE
WITH plans AS (
    SELECT u.district, coalesce(s.plan_start, dflt.plan_start) AS plan_start,
           coalesce(s.plan_end, dflt.plan_end) AS plan_end, coalesce(s.target, dflt.target) AS target
    FROM (SELECT DISTINCT plan_district AS district FROM query_table(units_table)) u
    LEFT JOIN plan_settings s ON s.district = u.district
    CROSS JOIN (SELECT * FROM plan_settings WHERE district = '*') dflt
)
SELECT n.district, n.plan_district, n.first_date, n.n, p.plan_start, p.plan_end, p.target
FROM query_table(units_table) n JOIN plans p ON p.district = n.plan_district;
CREATE OR REPLACE MACRO plan_units(districts, townships, unit_types, poverty_only,
                                   rounds, year_from, year_to, levels, modes, as_of, grain) AS TABLE
WITH units AS (
    SELECT * FROM plan_units_rows(districts, townships, unit_types, poverty_only,
                                  rounds, year_from, year_to, levels, modes, as_of, grain)
    WHERE NOT district_rows_apply(townships, unit_types, poverty_only, grain)
    UNION ALL
    SELECT * FROM plan_units_days(districts, as_of)
    WHERE district_rows_apply(townships, unit_types, poverty_only, grain)
)
SELECT * FROM with_plans('units');

-- plan_by_district.sql in three parts, so that a statement chosen for its parameters (queries/paths/)
-- states only its source of units: the districts' plan rows (one per district and plan: its units,
-- those covered as of as_of and in the 6 months before, the units its target calls for, the plan's
-- share at as_of, and the units' first days one by one where they are read one by one) from the units
-- one by one (plan_units_rows with their plans) ...
CREATE OR REPLACE MACRO plan_counted_units(districts, townships, unit_types, poverty_only,
                                           rounds, year_from, year_to, levels, modes, as_of, grain) AS TABLE
WITH plan_unit_rows AS (
    -- (plan_units' branch that holds wherever this macro is read: not district_rows_apply)
    SELECT * FROM plan_units_rows(districts, townships, unit_types, poverty_only,
                                  rounds, year_from, year_to, levels, modes, as_of, grain)
)
SELECT district, plan_start, plan_end, target, units_total, units_covered, covered_last_6m, target_units,
       plan_share(target, plan_start, plan_end, as_of) AS planned_share, first_dates
FROM (
    SELECT
        n.district,
        n.plan_start, n.plan_end, n.target,
        CAST(sum(n.n) AS BIGINT) AS units_total,
        CAST(coalesce(sum(n.n) FILTER (WHERE n.first_date IS NOT NULL), 0) AS BIGINT) AS units_covered,
        covered_recently_n(n.first_date, n.n, as_of) AS covered_last_6m,
        -- units needed to meet the target (rounded up; a small tolerance absorbs float noise)
        CAST(ceil(n.target * sum(n.n) - 1e-9) AS BIGINT) AS target_units,
        -- the units' first days one by one (the rows of first_covers; a_cover_days' are read by plan_figures)
        list_sort(list(n.first_date) FILTER (WHERE n.first_date IS NOT NULL)) AS first_dates
    FROM with_plans('plan_unit_rows') n
    GROUP BY n.district, n.plan_start, n.plan_end, n.target);
-- ... or by district from a_cover_days (district_rows_apply), summed by district before the plan is
-- looked up (one row per district instead of one per first day: at national 2,946 rows instead of
-- 192k joined to the plans); each district's plan: its own row of plan_settings, else the default '*'
-- (as plan_units) ...
CREATE OR REPLACE MACRO plan_counted_days(districts, as_of) AS TABLE
WITH by_district AS (
    SELECT district, CAST(sum(n) AS BIGINT) AS units_total,
           CAST(coalesce(sum(n) FILTER (WHERE first_date <= as_of::DATE), 0) AS BIGINT) AS units_covered,
           covered_recently_n(CASE WHEN first_date <= as_of::DATE THEN first_date END, n, as_of) AS covered_last_6m
    FROM a_cover_days
    WHERE unit_ok(districts, [], [], false, district, NULL, NULL, NULL)
    GROUP BY district
)
SELECT district, plan_start, plan_end, target, units_total, units_covered, covered_last_6m,
       CAST(ceil(target * units_total - 1e-9) AS BIGINT) AS target_units,
       plan_share(target, plan_start, plan_end, as_of) AS planned_share, NULL::DATE[] AS first_dates
FROM (SELECT b.*, coalesce(s.plan_start, dflt.plan_start) AS plan_start,
             coalesce(s.plan_end, dflt.plan_end) AS plan_end, coalesce(s.target, dflt.target) AS target
      FROM by_district b LEFT JOIN plan_settings s ON s.district = b.district
      CROSS JOIN (SELECT * FROM plan_settings WHERE district = '*') dflt);
-- ... and the figures of plan_by_district.sql (its header says each) from those rows, the table (a CTE
-- of the calling statement) named counted_table; by_days: its rows came from a_cover_days, whose
-- running counts then give the day a district reached its target (plan_counted_units gives that day
-- from its first_dates). Unordered: the caller orders.
CREATE OR REPLACE MACRO plan_figures(counted_table, by_days, as_of, rounds, year_from, year_to, levels, modes) AS TABLE
WITH counted AS (
    FROM query_table(counted_table)
), reached AS (
    -- by district: the first day on or before as_of by which the district's running count reaches
    -- target_units (a_cover_days.covered); none while fewer units than that are covered
    SELECT c.district, min(a.first_date) AS reached_on
    FROM counted c JOIN a_cover_days a ON a.district = c.district
    WHERE by_days
      AND c.target_units > 0 AND c.units_covered >= c.target_units
      AND a.covered >= c.target_units AND a.first_date <= as_of::DATE
    GROUP BY c.district
), base AS (
    -- reached_on: the day the target_units-th unit was first covered (NULL while fewer are)
    SELECT c.* EXCLUDE (first_dates),
           CASE WHEN c.target_units > 0 THEN coalesce(c.first_dates[c.target_units], r.reached_on) END AS reached_on
    FROM counted c LEFT JOIN reached r USING (district)
), rows AS (
    SELECT false AS is_total, b.district, b.plan_start, b.plan_end, b.target, b.units_total, b.units_covered,
           b.covered_last_6m, b.target_units, b.planned_share, b.planned_share * b.units_total AS planned_units,
           b.reached_on
    FROM base b
    UNION ALL
    -- the total: sums of the districts; its plan runs from the earliest start to the latest end
    SELECT true, NULL, min(plan_start), max(plan_end), sum(target_units) / nullif(sum(units_total), 0),
           sum(units_total)::BIGINT, sum(units_covered)::BIGINT, sum(covered_last_6m)::BIGINT,
           sum(target_units)::BIGINT,
           sum(planned_share * units_total) / nullif(sum(units_total), 0), sum(planned_share * units_total),
           max(reached_on)
    FROM base
    HAVING count(*) > 0
), calc AS (
    SELECT *,
        units_covered / nullif(units_total, 0) AS covered_share,
        greatest(target_units - units_covered, 0) AS own_remaining,
        pace_per_month(covered_last_6m) AS pace_per_month,
        CASE WHEN plan_end >= as_of::DATE
             THEN greatest(1.0, datediff('day', as_of::DATE, plan_end) / days_per_month()) END AS months_left
    FROM rows
), summed AS (
    -- the total's remaining units: the sum of its rows' (a district past its target makes up for none)
    SELECT *,
        CAST(CASE WHEN is_total THEN sum(own_remaining) FILTER (WHERE NOT is_total) OVER ()
                  ELSE own_remaining END AS BIGINT) AS remaining_units
    FROM calc
), proj AS (
    SELECT *,
        CASE
            WHEN remaining_units = 0 THEN coalesce(reached_on, as_of::DATE)
            WHEN pace_per_month > 0 THEN CAST(
                as_of::DATE + to_months(CAST(floor(remaining_units / pace_per_month) AS INTEGER))
                + to_days(CAST(ceil((remaining_units / pace_per_month - floor(remaining_units / pace_per_month))
                                    * days_per_month()) AS INTEGER)) AS DATE)
        END AS projected_full_coverage,
        CASE WHEN remaining_units = 0 THEN 0.0
             WHEN months_left IS NOT NULL THEN remaining_units / months_left END AS row_needed
    FROM summed
), judged AS (
    SELECT *,
        -- as of the plan's first day or before, no plan to be late for (units covered before it count)
        remaining_units > 0 AND as_of::DATE > plan_start
            AND (projected_full_coverage IS NULL OR projected_full_coverage > plan_end) AS late,
        CAST(round(planned_units) AS BIGINT) AS planned_whole
    FROM proj
), lacking AS (
    SELECT *,
        CASE WHEN late AND row_needed IS NOT NULL THEN greatest(row_needed - pace_per_month, 0.0) END AS row_lacking
    FROM judged
)
SELECT
    is_total, district, plan_start, plan_end, target,
    units_total, units_covered, covered_share,
    planned_share, planned_whole AS planned_units,
    planned_whole - units_covered AS gap_units,
    greatest(planned_whole - units_covered, 0) AS behind_plan_units,
    greatest(units_covered - planned_whole, 0) AS ahead_of_plan_units,
    target_units, remaining_units,
    covered_last_6m, pace_per_month,
    projected_full_coverage,
    remaining_units > 0 AND pace_per_month = 0 AS no_progress,
    months_left,
    CASE WHEN is_total THEN sum(row_needed) FILTER (WHERE NOT is_total) OVER () ELSE row_needed END
        AS needed_per_month,
    CASE WHEN is_total THEN bool_or(late) FILTER (WHERE NOT is_total) OVER () ELSE late END AS behind,
    CASE WHEN NOT is_total THEN row_lacking
         ELSE sum(row_lacking) FILTER (WHERE NOT is_total) OVER () END AS lacking_per_month
FROM lacking
WHERE plan_applies(rounds, year_from, year_to, levels, modes);  -- no plan under inspection filters

-- coverage_by_month.sql in parts, so that a statement chosen for its parameters (queries/paths/)
-- states only which it reads: the districts' units (district, units_total) and the month of first
-- cover (month, n) from a_cover_months, as_of's month from m_roster_first to the day ...
CREATE OR REPLACE MACRO cover_months_units(districts) AS TABLE
SELECT district, CAST(sum(n) AS BIGINT) AS units_total FROM a_cover_months
WHERE district <> '*' AND unit_ok(districts, [], [], false, district, NULL, NULL, NULL)
GROUP BY district;
CREATE OR REPLACE MACRO cover_months_monthly(districts, as_of) AS TABLE
SELECT month, CAST(sum(n) AS BIGINT) AS n FROM a_cover_months
WHERE district <> '*' AND unit_ok(districts, [], [], false, district, NULL, NULL, NULL)
  AND month < date_trunc('month', as_of::DATE)
GROUP BY month
UNION ALL
-- as_of's month to the day
SELECT date_trunc('month', as_of::DATE)::DATE, n
FROM (SELECT count(*) AS n FROM m_roster_first
      WHERE unit_ok(districts, [], [], false, district, NULL, NULL, NULL)
        AND first_date >= date_trunc('month', as_of::DATE)::DATE AND first_date <= as_of::DATE)
WHERE n > 0;
-- ... and the city's curve against the plan (coverage_by_month.sql's header says each figure) from the
-- calling statement's CTEs (query_table): the roster units per plan district (counts_table: district,
-- units_total, the plan's weights) and the units first covered per month (monthly_table: month, n).
-- Unordered: the caller orders.
CREATE OR REPLACE MACRO month_coverage(counts_table, monthly_table, as_of,
                                       rounds, year_from, year_to, levels, modes) AS TABLE
WITH dist AS (
    -- each district's plan: its own row of plan_settings, else the default '*' (as v_plan)
    SELECT d.units_total, coalesce(p.plan_start, dflt.plan_start) AS plan_start,
           coalesce(p.plan_end, dflt.plan_end) AS plan_end, coalesce(p.target, dflt.target) AS target
    FROM query_table(counts_table) d
    LEFT JOIN plan_settings p ON p.district = d.district
    CROSS JOIN (SELECT * FROM plan_settings WHERE district = '*') dflt
), months AS (
    SELECT unnest(generate_series(
        least((SELECT min(month) FROM query_table(monthly_table)),
              date_trunc('month', (SELECT min(plan_start) FROM dist))),
        date_trunc('month', as_of::DATE), INTERVAL 1 MONTH))::DATE AS month
), points AS (
    SELECT month, least(last_day(month), as_of::DATE) AS day FROM months WHERE month IS NOT NULL
), total AS (
    SELECT CAST(sum(units_total) AS BIGINT) AS units_total FROM dist
), planned AS (
    SELECT p.month, sum(d.units_total * CASE WHEN plan_applies(rounds, year_from, year_to, levels, modes)
                                            THEN plan_share(d.target, d.plan_start, d.plan_end, p.day) END) AS planned
    FROM points p CROSS JOIN dist d GROUP BY p.month
)
SELECT
    p.month,
    p.day,
    t.units_total,
    CAST(sum(coalesce(m.n, 0)) OVER (ORDER BY p.month) AS BIGINT) AS units_covered,
    units_covered / nullif(units_total, 0) AS coverage_rate,
    l.planned / nullif(units_total, 0) AS plan_rate
FROM points p
LEFT JOIN query_table(monthly_table) m USING (month)
JOIN planned l USING (month)
CROSS JOIN total t;

-- units_by_district_round.sql in two branches, so that a statement chosen for its parameters
-- (queries/paths/) reads one: by district from a_round_units (district_rows_apply) ...
CREATE OR REPLACE MACRO round_units_days(districts, rounds, year_from, year_to, levels, modes, as_of) AS TABLE
WITH rows AS (
    SELECT district, round, round_ord, units, inspections
    FROM a_round_units
    WHERE unit_ok(districts, [], [], false, district, NULL, NULL, NULL)
      AND inspection_ok(rounds, year_from, year_to, levels, modes, as_of, round, year, level, mode, month)
      AND month < date_trunc('month', as_of::DATE)
    UNION ALL
    SELECT district, round, min(round_ord), count(DISTINCT unit_id), count(*)
    FROM f_inspections(districts, [], [], false, rounds, year_from, year_to, levels, modes, as_of)
    WHERE start_date >= date_trunc('month', as_of::DATE)
    GROUP BY district, round
)
SELECT district, round, min(round_ord) AS round_ord, CAST(sum(units) AS BIGINT) AS units,
       CAST(sum(inspections) AS BIGINT) AS inspections
FROM rows
GROUP BY ALL;
-- ... or from the inspections at the filters' grain.
CREATE OR REPLACE MACRO round_units_rows(districts, townships, unit_types, poverty_only,
                                         rounds, year_from, year_to, levels, modes, as_of, grain) AS TABLE
SELECT area(grain, district, township, unit_name) AS district, round, min(round_ord) AS round_ord,
       count(DISTINCT unit_id) AS units, count(*) AS inspections
FROM f_inspections(districts, townships, unit_types, poverty_only,
                   rounds, year_from, year_to, levels, modes, as_of)
GROUP BY ALL;

-- coverage_projection_by_month.sql in parts, so that a statement chosen for its parameters
-- (queries/paths/) binds one source: per district, the units first covered up to the end of each month
-- with a first cover (a running count), valid until the next such month, from the units one by one
-- (the calling statement's CTE units_table: plan_units' rows) ...
CREATE OR REPLACE MACRO cum_rows(units_table) AS TABLE
SELECT district, month, CAST(sum(n) OVER w AS BIGINT) AS covered,
       lead(month, 1, DATE '9999-12-01') OVER w AS next_month
FROM (SELECT district, date_trunc('month', first_date)::DATE AS month, sum(n) AS n
      FROM query_table(units_table) WHERE first_date IS NOT NULL GROUP BY ALL)
WINDOW w AS (PARTITION BY district ORDER BY month);
-- ... or by district from a_cover_months (store.COVER_MONTHS), read before as_of's month alone (a point
-- in that month or later is not read from it) ...
CREATE OR REPLACE MACRO cum_months(districts, as_of) AS TABLE
SELECT district, month, covered, coalesce(next_month, DATE '9999-12-01') AS next_month
FROM a_cover_months
WHERE district <> '*' AND unit_ok(districts, [], [], false, district, NULL, NULL, NULL)
  AND month < date_trunc('month', as_of::DATE);
-- ... and the points of the curves (coverage_projection_by_month.sql's header says each figure) from
-- the units with their plans (units_table: plan_units' rows) and those counts (cum_table). Unordered.
CREATE OR REPLACE MACRO projection_figures(units_table, cum_table, as_of,
                                           rounds, year_from, year_to, levels, modes) AS TABLE
WITH d AS (
    SELECT *, greatest(plan_end, as_of::DATE) AS last_day
    FROM (SELECT
              n.district, n.plan_start, n.plan_end, n.target,
              CAST(sum(n.n) AS BIGINT) AS units_total,
              CAST(coalesce(sum(n.n) FILTER (WHERE n.first_date IS NOT NULL), 0) AS BIGINT) AS covered_now,
              CAST(coalesce(sum(n.n) FILTER (WHERE n.first_date <= n.plan_end), 0) AS BIGINT) AS covered_by_plan_end,
              pace_per_month(covered_recently_n(n.first_date, n.n, as_of)) AS pace_per_month,
              least(n.plan_start, min(n.first_date)) AS first_day
          FROM query_table(units_table) n
          GROUP BY n.district, n.plan_start, n.plan_end, n.target)
), months AS (
    SELECT d.*, CAST(m AS DATE) AS month
    FROM d, generate_series(date_trunc('month', d.first_day), date_trunc('month', d.last_day), INTERVAL 1 MONTH) t(m)
), points AS (
    SELECT *,
        CASE WHEN month = date_trunc('month', as_of::DATE) THEN as_of::DATE
             WHEN month = date_trunc('month', plan_end) THEN plan_end
             ELSE last_day(month) END AS point_date
    FROM months
)
SELECT
    p.district, p.month, p.point_date, p.units_total, p.plan_start, p.plan_end, p.target,
    -- units first covered on or before the point: at as_of all of them (first_covers stops
    -- there), at plan_end those by then, at a month's end those up to its month
    CASE WHEN p.point_date <= as_of::DATE THEN
        CASE WHEN p.point_date = as_of::DATE THEN p.covered_now
             WHEN p.point_date = p.plan_end THEN p.covered_by_plan_end
             ELSE coalesce(c.covered, 0) END / p.units_total END AS covered_share,
    plan_share(p.target, p.plan_start, p.plan_end, p.point_date) AS planned_share,
    CASE WHEN p.point_date >= as_of::DATE AND p.point_date <= p.plan_end THEN
        least(1.0, (p.covered_now + p.pace_per_month * datediff('day', as_of::DATE, p.point_date) / days_per_month())
                   / p.units_total) END AS projected_share
FROM points p
-- the running count of the latest month with a first cover up to the point's month
LEFT JOIN query_table(cum_table) c ON c.district = p.district AND p.month >= c.month AND p.month < c.next_month
WHERE plan_applies(rounds, year_from, year_to, levels, modes);  -- no plan under inspection filters

-- results_by_district.sql in two branches, so that a statement chosen for its parameters (queries/paths/)
-- reads one: the filtered inspections at the filters' grain ...
CREATE OR REPLACE MACRO district_results_rows(districts, townships, unit_types, poverty_only,
                                              rounds, year_from, year_to, levels, modes, as_of, grain) AS TABLE
SELECT area(grain, district, township, unit_name) AS district, count(*) AS inspections,
       count(DISTINCT unit_id) AS units_inspected,
       sum(issues_found) AS issues_found, sum(clues) AS clues, sum(disciplined) AS disciplined,
       sum(immediate_fixes) AS immediate_fixes
FROM f_inspections(districts, townships, unit_types, poverty_only,
                   rounds, year_from, year_to, levels, modes, as_of)
GROUP BY ALL;
-- ... or, by district under no round, year, mode, township, unit type or poverty filter
-- (district_days_apply), a_inspection_months' months before as_of's, that month from the rows and the
-- units from a_unit_days (the sums grouped by district before the join to the units: at national the
-- ~197k month rows are summed first, not joined one by one to the ~3k districts' units).
CREATE OR REPLACE MACRO district_results_days(districts, levels, as_of) AS TABLE
SELECT s.district, s.inspections, u.units AS units_inspected,
       s.issues_found, s.clues, s.disciplined, s.immediate_fixes
FROM (
    SELECT district, CAST(sum(inspections) AS BIGINT) AS inspections, sum(issues_found) AS issues_found,
           sum(clues) AS clues, sum(disciplined) AS disciplined, sum(immediate_fixes) AS immediate_fixes
    FROM (
        SELECT district, inspections, issues_found, clues, disciplined, immediate_fixes
        FROM a_inspection_months
        WHERE unit_ok(districts, [], [], false, district, NULL, NULL, NULL)
          AND inspection_ok([], NULL, NULL, levels, [], as_of, round, year, level, mode, month)
          AND month < date_trunc('month', as_of::DATE)::DATE
        UNION ALL
        SELECT district, 1, issues_found, clues, disciplined, immediate_fixes
        FROM f_inspections(districts, [], [], false, [], NULL, NULL, levels, [], as_of)
        WHERE start_date >= date_trunc('month', as_of::DATE)::DATE)
    GROUP BY district
) s
JOIN (SELECT district, CAST(sum(n) AS BIGINT) AS units FROM a_unit_days
      WHERE district <> '*' AND unit_ok(districts, [], [], false, district, NULL, NULL, NULL)
        AND unit_days_ok(levels, as_of, every_level, level, first_date)
      GROUP BY district) u USING (district);

-- The districts' curves from a_cover_months: a point before as_of's month is the `covered` of the
-- district's latest row up to its month (each row stands for the months up to its next_month), 0
-- before the first; as_of's month adds to that the units first covered in it up to as_of, read
-- from m_roster_first (a month of first dates, not the aggregate's whole month).
CREATE OR REPLACE MACRO coverage_curve_months(districts, as_of) AS TABLE
WITH c AS (
    SELECT * FROM a_cover_months
    WHERE district <> '*' AND unit_ok(districts, [], [], false, district, NULL, NULL, NULL)
), part AS (
    SELECT district, count(*) AS n FROM m_roster_first
    WHERE unit_ok(districts, [], [], false, district, NULL, NULL, NULL)
      AND first_date >= date_trunc('month', as_of::DATE)::DATE AND first_date <= as_of::DATE
    GROUP BY district
), dist AS (
    -- each district's units, those covered before as_of's month, its first month with a cover
    -- before it, and its plan (its own row of plan_settings, else the default '*', as v_plan)
    SELECT c.district, CAST(sum(c.n) AS BIGINT) AS units_total,
           coalesce(max(c.covered) FILTER (WHERE c.month < date_trunc('month', as_of::DATE)), 0) AS before,
           min(c.month) FILTER (WHERE c.month < date_trunc('month', as_of::DATE)) AS first_month,
           any_value(coalesce(p.plan_start, dflt.plan_start)) AS plan_start,
           any_value(coalesce(p.plan_end, dflt.plan_end)) AS plan_end,
           any_value(coalesce(p.target, dflt.target)) AS target
    FROM c
    LEFT JOIN plan_settings p ON p.district = c.district
    CROSS JOIN (SELECT * FROM plan_settings WHERE district = '*') dflt
    GROUP BY c.district
), d AS (
    SELECT dist.*, coalesce(part.n, 0) AS partial FROM dist LEFT JOIN part USING (district)
), bounds AS (
    -- the months of every curve: from the earliest first cover or plan start to as_of's
    SELECT date_trunc('month', least(first_month, CASE WHEN partial > 0 THEN as_of::DATE END, plan_start))::DATE
               AS first,
           date_trunc('month', as_of::DATE)::DATE AS last
    FROM (SELECT min(first_month) AS first_month, max(partial) AS partial, min(plan_start) AS plan_start FROM d)
), curve AS (
    -- a row's months up to the next row's (or as_of's month)
    SELECT c.district, c.covered AS units_covered,
           unnest(generate_series(c.month, least(coalesce(c.next_month, b.last), b.last) - INTERVAL 1 MONTH,
                                  INTERVAL 1 MONTH))::DATE AS month
    FROM c, bounds b WHERE c.month < b.last
    UNION ALL
    -- the months before a district's first cover
    SELECT d.district, 0, unnest(generate_series(b.first, coalesce(d.first_month, b.last) - INTERVAL 1 MONTH,
                                                 INTERVAL 1 MONTH))::DATE
    FROM d, bounds b
    UNION ALL
    -- as_of's month
    SELECT d.district, d.before + d.partial, b.last FROM d, bounds b WHERE b.first <= b.last
)
SELECT d.district, c.month, least(last_day(c.month), as_of::DATE) AS day, d.units_total,
       CAST(c.units_covered AS BIGINT) AS units_covered, units_covered / d.units_total AS coverage_rate,
       plan_share(d.target, d.plan_start, d.plan_end, day) AS plan_rate
FROM curve c JOIN d USING (district);

-- The curves from the units: under a township, unit type or poverty filter, at a finer grain, or
-- under inspection filters (no plan line then), from the areas' roster units (areas_table: district
-- as the area, units_total, plan_district) and their units first covered by month (monthly_table:
-- district, month, n), CTEs of the calling statement (query_table) ...
CREATE OR REPLACE MACRO coverage_curve_from(areas_table, monthly_table, as_of,
                                            rounds, year_from, year_to, levels, modes) AS TABLE
WITH dist AS (
    -- each area's plan (its district's), and an integer key for the running sums
    SELECT a.district, a.units_total, p.plan_start, p.plan_end, p.target,
           CAST(row_number() OVER (ORDER BY a.district) AS INTEGER) AS k
    FROM query_table(areas_table) a
    LEFT JOIN v_plan p ON p.district = a.plan_district
), months AS (
    SELECT unnest(generate_series(
        date_trunc('month', least((SELECT min(month) FROM query_table(monthly_table)),
                                  (SELECT min(plan_start) FROM dist))),
        date_trunc('month', as_of::DATE), INTERVAL 1 MONTH))::DATE AS month
), points AS (
    SELECT month, least(last_day(month), as_of::DATE) AS day FROM months WHERE month IS NOT NULL
),
-- Every first cover is on or before as_of (f_inspections), so "first covered on or before the
-- point's day" is "first covered in the point's month or earlier": a running sum over months.
counted AS (
    SELECT d.district, p.month, p.day, d.units_total, d.target, d.plan_start, d.plan_end,
           CAST(sum(coalesce(m.n, 0)) OVER (PARTITION BY d.k ORDER BY p.month) AS BIGINT) AS units_covered
    FROM dist d
    CROSS JOIN points p
    LEFT JOIN query_table(monthly_table) m ON m.district = d.district AND m.month = p.month
)
SELECT
    district,
    month,
    day,
    units_total,
    units_covered,
    units_covered / units_total AS coverage_rate,
    -- no plan line under inspection filters (plan_applies)
    CASE WHEN plan_applies(rounds, year_from, year_to, levels, modes) THEN
        plan_share(target, plan_start, plan_end, day) END AS plan_rate
FROM counted;
-- ... the areas and months of first_covers' rows (units_table, a CTE of the calling statement) ...
CREATE OR REPLACE MACRO cover_areas(units_table) AS TABLE
SELECT district, count(*) AS units_total, any_value(plan_district) AS plan_district
FROM query_table(units_table) GROUP BY district;
CREATE OR REPLACE MACRO cover_area_months(units_table) AS TABLE
SELECT district, date_trunc('month', first_date)::DATE AS month, count(*) AS n
FROM query_table(units_table) WHERE first_date IS NOT NULL
GROUP BY ALL;
-- ... and the curves of first_covers' rows (queries/paths/ reads them through coverage_curve_from
-- from the roster's first covers alone, or from the inspections alone under a round, year or mode filter).
CREATE OR REPLACE MACRO coverage_curve_units(districts, townships, unit_types, poverty_only,
                                             rounds, year_from, year_to, levels, modes, as_of, grain) AS TABLE
WITH u AS (
    SELECT * FROM first_covers(districts, townships, unit_types, poverty_only,
                               rounds, year_from, year_to, levels, modes, as_of, grain)
), areas AS (
    SELECT * FROM cover_areas('u')
), monthly AS (
    SELECT * FROM cover_area_months('u')
)
SELECT * FROM coverage_curve_from('areas', 'monthly', as_of, rounds, year_from, year_to, levels, modes);

CREATE OR REPLACE MACRO coverage_curve(districts, townships, unit_types, poverty_only,
                                       rounds, year_from, year_to, levels, modes, as_of, grain) AS TABLE
SELECT * FROM coverage_curve_months(districts, as_of)
WHERE cover_months_apply(townships, unit_types, poverty_only, rounds, year_from, year_to, levels, modes, grain)
UNION ALL
SELECT * FROM coverage_curve_units(districts, townships, unit_types, poverty_only,
                                   rounds, year_from, year_to, levels, modes, as_of, grain)
WHERE NOT cover_months_apply(townships, unit_types, poverty_only, rounds, year_from, year_to, levels, modes, grain);
