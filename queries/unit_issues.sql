-- One unit's listed issues one by one as of $as_of, with their descriptions: for administrators on
-- screen only (village-level detail is internal, DOMAIN.md), never exported.
SELECT f.round, f.category, f.subcategory, t.description, f.status, f.due_date, f.rectified_date,
       f.is_rectified, f.is_overdue
FROM f_issues([$unit_district], [$unit_district || '/' || $unit_township], [], false,
              [], NULL, NULL, [], [], $as_of, []) f
LEFT JOIN issues t ON t.round = f.round AND t.unit_id = f.unit_ref AND t.seq = f.seq AND t.superseded_by IS NULL
WHERE f.unit_id IN (SELECT unit_id FROM v_inspections
                    WHERE district = $unit_district AND township = $unit_township AND unit_name = $unit_name)
ORDER BY f.round_ord, f.category, f.seq
