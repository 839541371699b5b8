-- Migration 7: a due date written relative to the feedback (立行立改, 3个月内, 30天内, 6月底前 with no
-- year, 长期坚持: cells.DueText) is kept as written — its kind, month and day — and resolved against
-- the inspection's current end_date by the live views (queries/_live.sql, feedback_due), so an end
-- date corrected by a later import moves it. due_date stays NULL for such a row. Rows written
-- before this migration keep the due_date resolved at their import.
ALTER TABLE issues ADD COLUMN IF NOT EXISTS due_kind VARCHAR;
ALTER TABLE issues ADD COLUMN IF NOT EXISTS due_month INTEGER;
ALTER TABLE issues ADD COLUMN IF NOT EXISTS due_day INTEGER;
