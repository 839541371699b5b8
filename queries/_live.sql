-- Live layer: the rows of the figures, read from the versioned tables (DATA_CONTRACT.md, "What
-- the figures mean"). inspection/store.py materialises each view into a table (live_units ->
-- m_units, ...) inside every import and undo transaction, and the views of _views.sql read those
-- tables: a figure scans one pre-joined table instead of re-joining issues -> inspections -> roster.
-- Only writers read these views (the import's unit matching, the refresh).

-- Active rows only: a row superseded by a later import, or written by an undone import, is gone.
CREATE OR REPLACE VIEW live_units AS
SELECT unit_id, district, township, unit_name, unit_code, unit_type, is_poverty_village, is_weak_org
FROM roster
WHERE superseded_by IS NULL;

CREATE OR REPLACE VIEW live_inspections AS
SELECT
    i.round,
    coalesce(r.ord, 0) AS round_ord,
    i.unit_id,
    coalesce(u.district, i.district) AS district,
    coalesce(u.township, i.township) AS township,
    coalesce(u.unit_name, i.unit_name) AS unit_name,
    coalesce(u.unit_type, CASE WHEN i.unit_name LIKE '%社区' THEN '社区'
                               WHEN i.unit_name LIKE '%村' THEN '村' ELSE '其他' END) AS unit_type,
    coalesce(u.is_poverty_village, false) AS is_poverty_village,
    u.unit_id IS NOT NULL AS in_roster,
    i.level, i.team, i.mode, i.start_date, i.end_date,
    year(i.start_date) AS year,
    i.issues_found, i.clues, i.immediate_fixes, i.disciplined, i.org_handled, i.judicial,
    i.rectified,
    i.funds_recovered  -- 万元
FROM inspections i
LEFT JOIN live_units u ON u.unit_id = i.unit_id
LEFT JOIN rounds r ON r.round = i.round
WHERE i.superseded_by IS NULL;

-- A due date written relative to the feedback (cells.DueText, kept as written in the issues table's
-- due_kind, due_month, due_day) against the inspection's end_date as it stands, so that an end date
-- added or corrected by a later import moves it: 立行立改 (immediate) the end date itself; 3个月内
-- (months) the same day that many months later, or that month's last day; 30天内 (days) that many
-- days later; 6月底前 / 6月30日前 with no year (no_year) that day in the end date's year, or the next
-- year's when that month ended before the end date's month began (a day past the month's end: its
-- last day); 明年6月底前 (next_year) that day in the year after the end date's; 长期坚持 (long_term)
-- none. NULL without an end date. A written date (due_kind NULL) is itself.
-- Written with date_trunc, intervals and last_day, not year(), month() or day(): each of those builds
-- a lookup table of 29,585 days for every thread of every statement that names it (DuckDB's
-- DateLookupCache), and the refresh of an import reads this macro several times over (live_overdue's
-- filter repeats it): ~30 ms of fixed cost in an import of a few rows.
CREATE OR REPLACE MACRO feedback_month(month, end_date) AS
    CAST(date_trunc('year', end_date) + to_months(CAST(month AS INTEGER) - 1 + 12 * CAST(
        date_trunc('year', end_date) + to_months(CAST(month AS INTEGER) - 1) < date_trunc('month', end_date)
        AS INTEGER)) AS DATE);
CREATE OR REPLACE MACRO feedback_due(due_date, kind, month, day, end_date) AS
    CASE kind
        WHEN 'immediate' THEN end_date
        WHEN 'days' THEN end_date + CAST(day AS INTEGER)
        WHEN 'months' THEN CAST(end_date + to_months(CAST(month AS INTEGER)) AS DATE)
        WHEN 'no_year' THEN CASE WHEN day IS NULL
            THEN last_day(feedback_month(month, end_date))
            ELSE least(feedback_month(month, end_date) + (CAST(day AS INTEGER) - 1),
                       last_day(feedback_month(month, end_date))) END
        WHEN 'next_year' THEN CASE WHEN day IS NULL
            THEN last_day(CAST(date_trunc('year', end_date) + to_months(CAST(month AS INTEGER) + 11) AS DATE))
            ELSE least(CAST(date_trunc('year', end_date) + to_months(CAST(month AS INTEGER) + 11) AS DATE)
                       + (CAST(day AS INTEGER) - 1),
                       last_day(CAST(date_trunc('year', end_date) + to_months(CAST(month AS INTEGER) + 11) AS DATE))) END
        WHEN 'long_term' THEN NULL
        ELSE due_date
    END;

-- Issues with the attributes of their inspection that filters and groupings use (not its counts,
-- team or unit name), without the free-text description (the overdue list reads those from the
-- inspection and the issues table): the table every issue figure scans stays narrow.
CREATE OR REPLACE VIEW live_issues AS
SELECT
    s.seq, s.category, s.subcategory, s.status,
    feedback_due(s.due_date, s.due_kind, s.due_month, s.due_day, i.end_date) AS due_date, s.rectified_date,
    i.round, i.round_ord, i.unit_id, i.district, i.township, i.unit_type,
    i.is_poverty_village, i.level, i.mode, i.start_date, i.end_date, i.year
FROM issues s
JOIN live_inspections i ON i.round = s.round AND i.unit_id = s.unit_id
WHERE s.superseded_by IS NULL;

-- What an issue's as-of figures can read of its status and dates (queries/_views.sql, f_issues):
-- the pre-aggregates of inspection/store.py (a_issues, a_issue_days) keep these instead of the
-- status and dates themselves, so that issues alike in them fall into one row. Each gives every
-- as-of rule of _views.sql (issue_rectified, issue_overdue) the same answer as the written values,
-- for every as-of day:
-- the statuses other than rectified and long-term behave alike;
CREATE OR REPLACE MACRO issue_status_class(status) AS
    CASE WHEN status IN ('rectified', 'long_term') THEN status ELSE 'open' END;
-- a rectified_date is read only when the status is rectified;
CREATE OR REPLACE MACRO issue_rectified_day(status, rectified_date) AS
    CASE WHEN status = 'rectified' THEN rectified_date END;
-- an issue that can never be overdue (long-term, rectified without a date, or rectified on or
-- before its due date) is due at infinity (never before the as-of day); a NULL due date stays NULL
-- (store.py never takes the month of infinity: DuckDB's statistics of date_trunc reject it);
CREATE OR REPLACE MACRO issue_never_overdue(status, rectified_date, due_date) AS
    coalesce(status = 'long_term' OR (status = 'rectified' AND (rectified_date IS NULL OR rectified_date <= due_date)),
             false);
CREATE OR REPLACE MACRO issue_due_day(status, rectified_date, due_date) AS
    CASE WHEN issue_never_overdue(status, rectified_date, due_date) THEN 'infinity'::DATE ELSE due_date END;
-- rectified at most 30 days after the inspection's feedback (end_date), once rectified as of the day.
CREATE OR REPLACE MACRO issue_in_month(status, rectified_date, end_date) AS
    coalesce(status = 'rectified' AND rectified_date <= end_date + 30, false);

-- The district a team belongs to (the team table's rows: results_by_team.sql; the team
-- pre-aggregates of inspection/store.py, TEAMS and m_team_repeats, keep it). A county team is its
-- county office's: the county its name begins with (文水县委第三巡察组, 中共东城区委第一巡察组: the place
-- before 县委 / 区委 / 旗委 / 市委, so its cross inspections, 交叉, in other counties stay its own), else,
-- for a name that says no place (第一巡察组: each county office numbers its own), the county of the
-- units it inspected. A municipal team spans districts: NULL.
CREATE OR REPLACE MACRO team_district(level, team, district) AS
    CASE WHEN level = 'county' THEN
        coalesce(nullif(regexp_extract(team, '^(?:中共)?(.+?[县区旗市])委', 1), ''), district) END;

-- The issues that can be overdue on some day (not never_overdue, with a due date: f_issues'
-- is_overdue is false or NULL for every other), with what the overdue list shows of their
-- inspection and the description: the list (queries/overdue_issues.sql, f_overdue in _views.sql)
-- scans these few rows (~3.5% of the issues at national) instead of every issue row.
CREATE OR REPLACE VIEW live_overdue AS
SELECT * FROM (
    SELECT
        s.seq, s.category, s.subcategory, s.description, s.status,
        feedback_due(s.due_date, s.due_kind, s.due_month, s.due_day, i.end_date) AS due_date, s.rectified_date,
        i.round, i.unit_id, i.district, i.township, i.unit_name, i.unit_type, i.is_poverty_village,
        i.level, i.team, i.mode, i.start_date, i.year
    FROM issues s
    JOIN live_inspections i ON i.round = s.round AND i.unit_id = s.unit_id
    WHERE s.superseded_by IS NULL
)
WHERE due_date IS NOT NULL AND NOT issue_never_overdue(status, rectified_date, due_date);
