-- One unit's listed issues per category as of $as_of (the unit page): rectified, long-term,
-- overdue (f_issues), and the others still open; counts only.
SELECT category,
       count(*) AS issues,
       count(*) FILTER (WHERE is_rectified) AS rectified,
       count(*) FILTER (WHERE is_long_term AND NOT is_rectified) AS long_term,
       count(*) FILTER (WHERE is_overdue) AS overdue,
       count(*) FILTER (WHERE NOT is_rectified AND NOT is_overdue AND NOT (is_long_term AND NOT is_rectified))
           AS open_in_time
FROM f_issues([$unit_district], [$unit_district || '/' || $unit_township], [], false,
              [], NULL, NULL, [], [], $as_of, [])
WHERE unit_id IN (SELECT unit_id FROM v_inspections
                  WHERE district = $unit_district AND township = $unit_township AND unit_name = $unit_name)
GROUP BY category
ORDER BY issues DESC, category
