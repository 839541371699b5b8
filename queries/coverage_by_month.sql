-- Cumulative coverage of the filtered roster at each month end (capped at the as-of date),
-- against the plan. coverage_rate and plan_rate are fractions 0..1. The city plan line is the
-- roster-weighted sum of the district plans. The same figures as the sum of coverage_curve's
-- district rows (_views.sql), counted for the city at once instead of per district.
-- The units by district and month of first cover come from a_cover_months (inspection/store.py
-- COVER_MONTHS) and $as_of's month from m_roster_first to the day (cover_months_units and
-- cover_months_monthly in _views.sql) when cover_months_apply (every inspection, no township, unit
-- type or poverty filter); else from the units (first_covers). The branch not taken folds away;
-- month_coverage counts the curve from either, and queries/paths/ states each alone.
WITH u AS (
    SELECT plan_district, first_date
    FROM first_covers($districts, $townships, $unit_types, $poverty_only,
                      $rounds, $year_from, $year_to, $levels, $modes, $as_of, 'district')
    WHERE NOT cover_months_apply($townships, $unit_types, $poverty_only,
                                 $rounds, $year_from, $year_to, $levels, $modes, 'district')
), counts AS (
    -- roster units per district (the plan's weights)
    SELECT plan_district AS district, count(*) AS units_total FROM u GROUP BY plan_district
    UNION ALL
    SELECT * FROM cover_months_units($districts)
    WHERE cover_months_apply($townships, $unit_types, $poverty_only,
                             $rounds, $year_from, $year_to, $levels, $modes, 'district')
), monthly AS (
    SELECT date_trunc('month', first_date)::DATE AS month, count(*) AS n
    FROM u WHERE first_date IS NOT NULL GROUP BY ALL
    UNION ALL
    SELECT * FROM cover_months_monthly($districts, $as_of)
    WHERE cover_months_apply($townships, $unit_types, $poverty_only,
                             $rounds, $year_from, $year_to, $levels, $modes, 'district')
)
SELECT * FROM month_coverage('counts', 'monthly', $as_of, $rounds, $year_from, $year_to, $levels, $modes)
ORDER BY month
