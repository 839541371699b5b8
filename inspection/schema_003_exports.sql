-- Migration 3: the export log. One row per download generated (PNG, PPTX, PDF, DOCX, XLSX, CSV):
-- who, when, what (the kind, the page and the file name handed to the browser) and with which
-- filters (the active filters as JSON). Aggregates only: never a description or another person's name.
CREATE TABLE IF NOT EXISTS export_log (
    exported_at  TIMESTAMP,
    exported_by  VARCHAR,
    kind         VARCHAR,
    page         VARCHAR,
    file_name    VARCHAR,
    filters      VARCHAR
);
