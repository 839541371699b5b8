-- coverage_by_poverty (queries/coverage_by_poverty.sql) under a round, year or mode filter (the
-- others: .roster): poverty villages and the others, their roster units and the covered ones counted
-- as the distinct roster units among the filtered inspections (they carry the roster unit's mark,
-- blank as not, _live.sql; as coverage_by_district.rows), instead of first_covers' roster joined to
-- the inspections grouped by unit (inspection/store.py query_paths); the same frame.
-- when: NOT roster_applies($rounds, $year_from, $year_to, $modes)
SELECT
    u.is_poverty_village,
    u.units_total,
    coalesce(c.units_covered, 0) AS units_covered,
    coalesce(c.units_covered, 0) / u.units_total AS coverage_rate
FROM (SELECT coalesce(is_poverty_village, false) AS is_poverty_village, count(*) AS units_total
      FROM f_units($districts, $townships, $unit_types, $poverty_only)
      GROUP BY ALL) u
LEFT JOIN (SELECT is_poverty_village, count(DISTINCT unit_id) AS units_covered
           FROM f_inspections($districts, $townships, $unit_types, $poverty_only,
                              $rounds, $year_from, $year_to, $levels, $modes, $as_of)
           WHERE in_roster
           GROUP BY ALL) c USING (is_poverty_village)
ORDER BY is_poverty_village DESC
