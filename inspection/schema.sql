-- Migration 1: the round-data tables and the import log.
-- Every data row carries the import that wrote it and, once a later import replaced it,
-- the import that superseded it: undo deletes an import's rows and revives what it replaced.

CREATE TABLE IF NOT EXISTS imports (
    import_id     INTEGER PRIMARY KEY,
    imported_at   TIMESTAMP NOT NULL,
    imported_by   VARCHAR NOT NULL,
    files         VARCHAR NOT NULL,      -- JSON list of {name, sha256, stored_as, tables}
    content_hash  VARCHAR NOT NULL,      -- sha256 over the files' hashes
    added         INTEGER NOT NULL,
    replaced      INTEGER NOT NULL,
    skipped       INTEGER NOT NULL,
    warnings      VARCHAR,               -- JSON list of strings
    status        VARCHAR NOT NULL,      -- active | undone
    undone_at     TIMESTAMP,
    undone_by     VARCHAR,
    snapshot      VARCHAR                -- lake snapshot id, when the store is a DuckLake
);

CREATE TABLE IF NOT EXISTS roster (
    unit_id             VARCHAR NOT NULL,  -- 'c:<code>' or 'n:<district>|<township>|<name>'
    district            VARCHAR NOT NULL,
    township            VARCHAR NOT NULL,
    unit_name           VARCHAR NOT NULL,
    unit_code           VARCHAR,
    unit_type           VARCHAR NOT NULL,
    is_poverty_village  BOOLEAN NOT NULL,
    is_weak_org         BOOLEAN NOT NULL,
    import_id           INTEGER NOT NULL,
    superseded_by       INTEGER
);

CREATE TABLE IF NOT EXISTS inspections (
    round            VARCHAR NOT NULL,
    unit_id          VARCHAR NOT NULL,
    district         VARCHAR NOT NULL,
    township         VARCHAR NOT NULL,
    unit_name        VARCHAR NOT NULL,
    unit_code        VARCHAR,
    level            VARCHAR NOT NULL,   -- municipal | county
    team             VARCHAR NOT NULL,
    mode             VARCHAR NOT NULL,
    start_date       DATE NOT NULL,
    end_date         DATE,
    issues_found     INTEGER,            -- NULL = not reported
    clues            INTEGER,
    immediate_fixes  INTEGER,
    disciplined      INTEGER,            -- people
    org_handled      INTEGER,            -- people
    judicial         INTEGER,            -- people
    rectified        INTEGER,
    funds_recovered  DOUBLE,             -- 万元 (10,000 yuan)
    import_id        INTEGER NOT NULL,
    superseded_by    INTEGER
);

CREATE TABLE IF NOT EXISTS issues (
    round           VARCHAR NOT NULL,
    unit_id         VARCHAR NOT NULL,
    seq             INTEGER NOT NULL,    -- order within its (round, unit) in the file
    category        VARCHAR NOT NULL,
    subcategory     VARCHAR,
    description     VARCHAR,             -- free text: administrators only, never exported
    status          VARCHAR NOT NULL,    -- rectified | in_progress | not_started | long_term
    due_date        DATE,
    rectified_date  DATE,
    import_id       INTEGER NOT NULL,
    superseded_by   INTEGER
);

CREATE TABLE IF NOT EXISTS rounds (
    round        VARCHAR,
    first_start  DATE,
    last_end     DATE,
    year         INTEGER,
    ord          INTEGER
);
