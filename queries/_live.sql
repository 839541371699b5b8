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

-- Issues with the attributes of their inspection that filters and groupings use (not its counts,
-- team or unit name), without the free-text description (the overdue list reads those from the
-- inspection and the issues table): the table every issue figure scans stays narrow.
CREATE OR REPLACE VIEW live_issues AS
SELECT
    s.seq, s.category, s.subcategory, s.status, s.due_date, s.rectified_date,
    i.round, i.round_ord, i.unit_id, i.district, i.township, i.unit_type,
    i.is_poverty_village, i.level, i.mode, i.start_date, i.end_date, i.year
FROM issues s
JOIN live_inspections i ON i.round = s.round AND i.unit_id = s.unit_id
WHERE s.superseded_by IS NULL;
