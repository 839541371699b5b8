-- coverage_by_unit_type (queries/coverage_by_unit_type.sql) under a round, year or mode filter (the
-- others: .roster): each type's roster units, and its covered ones counted as the distinct roster
-- units among the filtered inspections (they carry the roster unit's type, _live.sql; as
-- coverage_by_district.rows), instead of first_covers' roster joined to the inspections grouped by
-- unit (inspection/store.py query_paths); the same frame.
-- when: NOT roster_applies($rounds, $year_from, $year_to, $modes)
SELECT
    u.unit_type,
    u.units_total,
    coalesce(c.units_covered, 0) AS units_covered,
    coalesce(c.units_covered, 0) / u.units_total AS coverage_rate
FROM (SELECT unit_type, count(*) AS units_total
      FROM f_units($districts, $townships, $unit_types, $poverty_only)
      GROUP BY ALL) u
LEFT JOIN (SELECT unit_type, count(DISTINCT unit_id) AS units_covered
           FROM f_inspections($districts, $townships, $unit_types, $poverty_only,
                              $rounds, $year_from, $year_to, $levels, $modes, $as_of)
           WHERE in_roster
           GROUP BY ALL) c USING (unit_type)
ORDER BY units_total DESC, unit_type
