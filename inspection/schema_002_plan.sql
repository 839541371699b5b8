-- Migration 2: the coverage plan (全覆盖计划). One row per district that has its own plan, and
-- the row with district = '*' for every other district. target is a share of the roster (0..1).
CREATE TABLE IF NOT EXISTS plan_settings (
    district    VARCHAR PRIMARY KEY,
    plan_start  DATE NOT NULL,
    plan_end    DATE NOT NULL,
    target      DOUBLE NOT NULL,
    updated_at  TIMESTAMP,
    updated_by  VARCHAR
);
