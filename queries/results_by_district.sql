-- Results per district over the filtered inspections (sums, blanks skipped); district is the area
-- at the filters' grain (area() in _views.sql). At the district grain with no township, unit type,
-- poverty, round, year or mode filter (district_days_apply in _views.sql) the sums come from
-- a_inspection_months for the months before the as-of day's and from the rows for that month, the
-- units (count(DISTINCT unit_id)) from each district's first days in a_unit_days.
SELECT * FROM (
    SELECT area($grain, district, township, unit_name) AS district, count(*) AS inspections,
           count(DISTINCT unit_id) AS units_inspected,
           sum(issues_found) AS issues_found, sum(clues) AS clues, sum(disciplined) AS disciplined,
           sum(immediate_fixes) AS immediate_fixes
    FROM f_inspections($districts, $townships, $unit_types, $poverty_only,
                       $rounds, $year_from, $year_to, $levels, $modes, $as_of)
    WHERE NOT district_days_apply($townships, $unit_types, $poverty_only,
                                  $rounds, $year_from, $year_to, $levels, $modes, $grain)
    GROUP BY ALL
    UNION ALL
    SELECT s.district, CAST(sum(s.inspections) AS BIGINT) AS inspections, any_value(u.units) AS units_inspected,
           sum(s.issues_found) AS issues_found, sum(s.clues) AS clues, sum(s.disciplined) AS disciplined,
           sum(s.immediate_fixes) AS immediate_fixes
    FROM (
        SELECT district, inspections, issues_found, clues, disciplined, immediate_fixes
        FROM a_inspection_months
        WHERE district_days_apply($townships, $unit_types, $poverty_only,
                                  $rounds, $year_from, $year_to, $levels, $modes, $grain)
          AND unit_ok($districts, [], [], false, district, NULL, NULL, NULL)
          AND inspection_ok([], NULL, NULL, $levels, [], $as_of, round, year, level, mode, month)
          AND month < date_trunc('month', $as_of::DATE)::DATE
        UNION ALL
        SELECT district, 1, issues_found, clues, disciplined, immediate_fixes
        FROM f_inspections($districts, [], [], false, [], NULL, NULL, $levels, [], $as_of)
        WHERE district_days_apply($townships, $unit_types, $poverty_only,
                                  $rounds, $year_from, $year_to, $levels, $modes, $grain)
          AND start_date >= date_trunc('month', $as_of::DATE)::DATE
    ) s
    JOIN (SELECT district, CAST(sum(n) AS BIGINT) AS units FROM a_unit_days
          WHERE district <> '*' AND unit_ok($districts, [], [], false, district, NULL, NULL, NULL)
            AND unit_days_ok($levels, $as_of, every_level, level, first_date)
          GROUP BY district) u USING (district)
    GROUP BY s.district)
ORDER BY district
