-- The values the filter panel offers, one row per (kind, value). parent is the district of a
-- township (townships are offered as 'district/township', which f_units accepts); ord orders rounds.
WITH units AS (
    SELECT district, township, unit_type FROM v_units
    UNION
    SELECT district, township, unit_type FROM v_inspections
)
SELECT 'district' AS kind, district AS value, NULL AS parent, 0 AS ord FROM units GROUP BY district
UNION ALL
SELECT 'township', district || '/' || township, district, 0 FROM units GROUP BY district, township
UNION ALL
SELECT 'unit_type', unit_type, NULL, 0 FROM units GROUP BY unit_type
UNION ALL
SELECT 'round', round, NULL, min(round_ord) FROM v_inspections GROUP BY round
UNION ALL
SELECT 'year', CAST(year AS VARCHAR), NULL, year FROM v_inspections GROUP BY year
UNION ALL
SELECT 'mode', mode, NULL, 0 FROM v_inspections GROUP BY mode
UNION ALL
-- the categories from the whole area's issue groups (a_issue_totals, inspection/store.py AGGREGATES: every
-- issue is in one of its groups; ~18k rows at province instead of 1.48M issue rows)
SELECT 'category', category, NULL, 0 FROM a_issue_totals GROUP BY category
ORDER BY kind, ord, value
