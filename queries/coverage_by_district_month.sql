-- Cumulative coverage per district at each month end (capped at the as-of date), against the
-- district's plan; per area at the filters' grain (area() in _views.sql) (linear from plan_start to plan_end, reaching target). Rates are fractions 0..1.
SELECT * FROM coverage_curve($districts, $townships, $unit_types, $poverty_only,
                             $rounds, $year_from, $year_to, $levels, $modes, $as_of, $grain)
ORDER BY district, month
