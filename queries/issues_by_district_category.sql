-- Listed issues per district and category, and per inspection of the district
-- (issues_per_inspection = listed issues / filtered inspections of the district).
WITH s AS (
    SELECT district, category, count(*) AS issues
    FROM f_issues($districts, $townships, $unit_types, $poverty_only,
                  $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories)
    GROUP BY district, category
), n AS (
    SELECT district, count(*) AS inspections
    FROM f_inspections($districts, $townships, $unit_types, $poverty_only,
                       $rounds, $year_from, $year_to, $levels, $modes, $as_of)
    GROUP BY district
)
SELECT s.district, s.category, s.issues, n.inspections, s.issues / nullif(n.inspections, 0) AS issues_per_inspection
FROM s LEFT JOIN n USING (district)
ORDER BY s.district, s.issues DESC, s.category
