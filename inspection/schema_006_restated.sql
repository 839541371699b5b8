-- Migration 6: the groups (a roster unit, the rows of one (round, unit)) an import stated again
-- unchanged. Such rows are not written again (the import counts them unchanged), so they keep the
-- import that first wrote them; undoing that import hands them to the earliest later import still
-- standing that stated them again, instead of deleting them (or reviving what they replaced): undo
-- leaves the store as if that one import had never been made, whichever import it is.
CREATE TABLE IF NOT EXISTS restated (
    import_id  INTEGER NOT NULL,
    tbl        VARCHAR NOT NULL,   -- roster | inspections | issues
    round      VARCHAR,            -- NULL for the roster
    unit_id    VARCHAR NOT NULL
);
