-- One unit's inspections, round by round, started on or before $as_of (the unit page): dates,
-- team, level, mode and the figures as reported (blank = not reported). funds_recovered in 万元.
SELECT round, start_date, end_date, team, level, mode,
       issues_found, clues, immediate_fixes, disciplined, org_handled, judicial, rectified,
       funds_recovered  -- 万元
FROM v_inspections
WHERE district = $unit_district AND township = $unit_township AND unit_name = $unit_name
  AND start_date <= $as_of::DATE
ORDER BY round_ord, start_date
