-- coverage_by_district (queries/coverage_by_district.sql) under a round, year or mode filter (the
-- others: .roster, 1_days): each area's roster units, and its covered ones counted as the distinct
-- roster units among the filtered inspections (a roster unit's inspections carry its roster district,
-- township, name, type and poverty mark, _live.sql: they pass the unit filters and fall in its area
-- exactly when it does; _views.sql roster_cover_counts), instead of first_covers' roster joined to the
-- inspections grouped by unit (inspection/store.py query_paths); the same frame.
-- when: NOT roster_applies($rounds, $year_from, $year_to, $modes)
SELECT
    u.district,
    u.units_total,
    coalesce(c.units_covered, 0) AS units_covered,
    coalesce(c.units_covered, 0) / u.units_total AS coverage_rate
FROM (SELECT area($grain, district, township, unit_name) AS district, count(*) AS units_total
      FROM f_units($districts, $townships, $unit_types, $poverty_only)
      GROUP BY ALL) u
LEFT JOIN (SELECT area($grain, district, township, unit_name) AS district, count(DISTINCT unit_id) AS units_covered
           FROM f_inspections($districts, $townships, $unit_types, $poverty_only,
                              $rounds, $year_from, $year_to, $levels, $modes, $as_of)
           WHERE in_roster
           GROUP BY ALL) c USING (district)
ORDER BY coverage_rate DESC, district
