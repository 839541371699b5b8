-- plan_by_district (queries/plan_by_district.sql) when its units come one by one from plan_units (not
-- district_rows_apply): that branch alone (inspection/store.py query_paths); the same frame.
-- when: NOT district_rows_apply($townships, $unit_types, $poverty_only, $grain)
WITH units AS (
    SELECT * FROM plan_units($districts, $townships, $unit_types, $poverty_only,
                             $rounds, $year_from, $year_to, $levels, $modes, $as_of, $grain)
), counted AS (
    SELECT
        n.district,
        n.plan_start, n.plan_end, n.target,
        CAST(sum(n.n) AS BIGINT) AS units_total,
        CAST(coalesce(sum(n.n) FILTER (WHERE n.first_date IS NOT NULL), 0) AS BIGINT) AS units_covered,
        covered_recently_n(n.first_date, n.n, $as_of) AS covered_last_6m,
        -- units needed to meet the target (rounded up; a small tolerance absorbs float noise)
        CAST(ceil(n.target * sum(n.n) - 1e-9) AS BIGINT) AS target_units,
        plan_share(n.target, n.plan_start, n.plan_end, $as_of) AS planned_share,
        -- the units' first days one by one (the rows of first_covers; a_cover_days' are read below)
        list_sort(list(n.first_date) FILTER (WHERE n.first_date IS NOT NULL)) AS first_dates
    FROM units n
    GROUP BY n.district, n.plan_start, n.plan_end, n.target
), reached AS (
    -- by district: the first day on or before $as_of by which the district's running count reaches
    -- target_units (a_cover_days.covered); none while fewer units than that are covered
    SELECT c.district, min(a.first_date) AS reached_on
    FROM counted c JOIN a_cover_days a ON a.district = c.district
    WHERE district_rows_apply($townships, $unit_types, $poverty_only, $grain)
      AND c.target_units > 0 AND c.units_covered >= c.target_units
      AND a.covered >= c.target_units AND a.first_date <= $as_of::DATE
    GROUP BY c.district
), base AS (
    -- reached_on: the day the target_units-th unit was first covered (NULL while fewer are)
    SELECT c.* EXCLUDE (first_dates),
           CASE WHEN c.target_units > 0 THEN coalesce(c.first_dates[c.target_units], r.reached_on) END AS reached_on
    FROM counted c LEFT JOIN reached r USING (district)
), rows AS (
    SELECT false AS is_total, b.district, b.plan_start, b.plan_end, b.target, b.units_total, b.units_covered,
           b.covered_last_6m, b.target_units, b.planned_share, b.planned_share * b.units_total AS planned_units,
           b.reached_on
    FROM base b
    UNION ALL
    -- the total: sums of the districts; its plan runs from the earliest start to the latest end
    SELECT true, NULL, min(plan_start), max(plan_end), sum(target_units) / nullif(sum(units_total), 0),
           sum(units_total)::BIGINT, sum(units_covered)::BIGINT, sum(covered_last_6m)::BIGINT,
           sum(target_units)::BIGINT,
           sum(planned_share * units_total) / nullif(sum(units_total), 0), sum(planned_share * units_total),
           max(reached_on)
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
        remaining_units > 0 AND (projected_full_coverage IS NULL OR projected_full_coverage > plan_end) AS late,
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
