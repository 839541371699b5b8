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
--   behind            the projected date is after plan_end (or no progress); the total is behind when
--                     any of its rows is
--   lacking_per_month needed_per_month - pace_per_month for a behind row, at least 0 (NULL when on
--                     plan or the plan has ended); the total's is the sum of its rows': a district
--                     ahead never makes up for one behind
WITH units AS (
    SELECT district, plan_district, first_date,
           row_number() OVER (PARTITION BY district ORDER BY first_date NULLS LAST, unit_id) AS nth
    FROM first_covers($districts, $townships, $unit_types, $poverty_only,
                      $rounds, $year_from, $year_to, $levels, $modes, $as_of, $grain)
), base AS (
    SELECT
        n.district,
        p.plan_start, p.plan_end, p.target,
        count(*) AS units_total,
        count(n.first_date) AS units_covered,
        covered_recently(n.first_date, $as_of) AS covered_last_6m,
        -- units needed to meet the target (rounded up; a small tolerance absorbs float noise)
        CAST(ceil(p.target * count(*) - 1e-9) AS BIGINT) AS target_units,
        plan_share(p.target, p.plan_start, p.plan_end, $as_of) AS planned_share
    FROM units n
    JOIN v_plan p ON p.district = n.plan_district
    GROUP BY n.district, p.plan_start, p.plan_end, p.target
), reached AS (
    -- the day the target_units-th unit was first covered
    SELECT b.district, n.first_date AS reached_on
    FROM base b JOIN units n ON n.district = b.district AND n.nth = b.target_units
), rows AS (
    SELECT false AS is_total, b.district, b.plan_start, b.plan_end, b.target, b.units_total, b.units_covered,
           b.covered_last_6m, b.target_units, b.planned_share, b.planned_share * b.units_total AS planned_units,
           r.reached_on
    FROM base b LEFT JOIN reached r USING (district)
    UNION ALL
    -- the total: sums of the districts; its plan runs from the earliest start to the latest end
    SELECT true, NULL, min(plan_start), max(plan_end), sum(target_units) / nullif(sum(units_total), 0),
           sum(units_total)::BIGINT, sum(units_covered)::BIGINT, sum(covered_last_6m)::BIGINT,
           sum(target_units)::BIGINT,
           sum(planned_share * units_total) / nullif(sum(units_total), 0), sum(planned_share * units_total),
           (SELECT max(reached_on) FROM reached)
    FROM base
    HAVING count(*) > 0
), calc AS (
    SELECT *,
        units_covered / nullif(units_total, 0) AS covered_share,
        greatest(target_units - units_covered, 0) AS own_remaining,
        pace_per_month(covered_last_6m) AS pace_per_month,
        CASE WHEN plan_end >= $as_of::DATE
             THEN greatest(1.0, datediff('day', $as_of::DATE, plan_end) / days_per_month()) END AS months_left
    FROM rows
), summed AS (
    -- the total's remaining units: the sum of its rows' (a district past its target makes up for none)
    SELECT *,
        CAST(CASE WHEN is_total THEN sum(own_remaining) FILTER (WHERE NOT is_total) OVER ()
                  ELSE own_remaining END AS BIGINT) AS remaining_units
    FROM calc
), proj AS (
    SELECT *,
        CASE
            WHEN remaining_units = 0 THEN coalesce(reached_on, $as_of::DATE)
            WHEN pace_per_month > 0 THEN CAST(
                $as_of::DATE + to_months(CAST(floor(remaining_units / pace_per_month) AS INTEGER))
                + to_days(CAST(ceil((remaining_units / pace_per_month - floor(remaining_units / pace_per_month))
                                    * days_per_month()) AS INTEGER)) AS DATE)
        END AS projected_full_coverage,
        CASE WHEN remaining_units = 0 THEN 0.0
             WHEN months_left IS NOT NULL THEN remaining_units / months_left END AS row_needed
    FROM summed
), judged AS (
    SELECT *,
        remaining_units > 0 AND $as_of::DATE > plan_start
            AND (projected_full_coverage IS NULL OR projected_full_coverage > plan_end) AS late,
        CAST(round(planned_units) AS BIGINT) AS planned_whole
    FROM proj
), lacking AS (
    SELECT *,
        CASE WHEN late AND row_needed IS NOT NULL THEN greatest(row_needed - pace_per_month, 0.0) END AS row_lacking
    FROM judged
)
SELECT
    is_total, district, plan_start, plan_end, target,
    units_total, units_covered, covered_share,
    planned_share, planned_whole AS planned_units,
    planned_whole - units_covered AS gap_units,
    greatest(planned_whole - units_covered, 0) AS behind_plan_units,
    greatest(units_covered - planned_whole, 0) AS ahead_of_plan_units,
    target_units, remaining_units,
    covered_last_6m, pace_per_month,
    projected_full_coverage,
    remaining_units > 0 AND pace_per_month = 0 AS no_progress,
    months_left,
    CASE WHEN is_total THEN sum(row_needed) FILTER (WHERE NOT is_total) OVER () ELSE row_needed END
        AS needed_per_month,
    CASE WHEN is_total THEN bool_or(late) FILTER (WHERE NOT is_total) OVER () ELSE late END AS behind,
    CASE WHEN NOT is_total THEN row_lacking
         ELSE sum(row_lacking) FILTER (WHERE NOT is_total) OVER () END AS lacking_per_month
FROM lacking
WHERE plan_applies($rounds, $year_from, $year_to, $levels, $modes)   -- no plan under inspection filters
ORDER BY is_total, behind DESC, covered_share, district
