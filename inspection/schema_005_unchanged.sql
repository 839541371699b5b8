-- Migration 5: the import log counts the rows identical to what the store held (unchanged) apart
-- from the rows that were no records at all (skipped: 合计/小计 and 说明/备注 rows). Before this
-- migration `skipped` held both; those imports keep their figure there and unchanged stays NULL.
ALTER TABLE imports ADD COLUMN unchanged INTEGER;
