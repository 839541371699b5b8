-- The coverage plan per district, and a total row (is_total, district NULL), as of $as_of; no rows
-- under a round, year, level or mode filter (plan_applies in _views.sql). At a finer
-- grain (area() in _views.sql) the rows are the townships or units, each against its district's plan.
-- A unit is newly covered on the start_date of its first inspection that passes the filters.
-- Shares are fractions 0..1; paces are units per month; a month here is 30.4375 days when a
-- span of days is turned into months (needed pace), and a calendar month when the projected
-- date is counted forward from $as_of.
-- Every figure can be checked by hand from the others in the same row (issue 25 item 7):
--   planned_share     plan value at $as_of: target * (as_of - plan_start) / (plan_end - plan_start), clamped
--   planned_units     units the plan calls for by $as_of: round(planned_share * units_total), whole units
--   gap_units         planned_units - units_covered: > 0 behind the plan line today by that many units,
--                     < 0 ahead of it; behind_plan_units / ahead_of_plan_units say the same as counts >= 0
--   remaining_units   target_units - units_covered, at least 0 (total: the districts' sum)
--   pace_per_month    units newly covered in the 6 months up to $as_of, / 6
--   projected_full_coverage  the date the target is reached at that pace (the day it was reached
--                     when it already is); NULL with no_progress when nothing was covered in 6 months
--   months_left       days from $as_of to plan_end / 30.4375, at least 1 (the current month counts
--                     whole), so needed_per_month is never more than remaining_units; NULL once the
--                     plan has ended
--   needed_per_month  remaining_units / months_left (NULL once the plan has ended; total: the sum)
--   behind            the projected date is after plan_end (or no progress), once the plan has
--                     started (as_of after plan_start); the total is behind when any of its rows is
--   lacking_per_month needed_per_month - pace_per_month for a behind row, at least 0 (NULL when on
--                     plan or the plan has ended); the total's is the sum of its rows': a district
--                     ahead never makes up for one behind
-- The districts' plan rows come from the units one by one (plan_counted_units in _views.sql) when a
-- township, unit type or poverty filter applies (or at a finer grain); else by district from
-- a_cover_days (plan_counted_days); plan_figures counts the rest from them. The branch not taken
-- folds away; queries/paths/ states each alone.
WITH counted AS (
    SELECT * FROM plan_counted_units($districts, $townships, $unit_types, $poverty_only,
                                     $rounds, $year_from, $year_to, $levels, $modes, $as_of, $grain)
    WHERE NOT district_rows_apply($townships, $unit_types, $poverty_only, $grain)
    UNION ALL
    SELECT * FROM plan_counted_days($districts, $as_of)
    WHERE district_rows_apply($townships, $unit_types, $poverty_only, $grain)
)
SELECT * FROM plan_figures('counted', district_rows_apply($townships, $unit_types, $poverty_only, $grain),
                           $as_of, $rounds, $year_from, $year_to, $levels, $modes)
ORDER BY is_total, behind DESC, covered_share, district
