-- The headline figures of the filtered view (one row). Definitions: DATA_CONTRACT.md, last section.
-- Counts are sums over the filtered inspections, blanks skipped; *_not_reported counts the blanks.
-- Rates are fractions 0..1 (NULL when the denominator is 0); funds_recovered is in 万元.
-- In parts (headline_figures and what it reads, in _views.sql); queries/paths/ states each case alone.
WITH cover AS (
    -- roster units under the filters, and those with an inspection passing them (first_covers in
    -- _views.sql: first_date is NULL while a unit is not covered)
    SELECT count(*) AS units_total, count(first_date) AS units_covered
    FROM first_covers($districts, $townships, $unit_types, $poverty_only,
                      $rounds, $year_from, $year_to, $levels, $modes, $as_of, 'district')
), listed AS (
    -- the issue list's figures (the first part of rectification_stats in _views.sql)
    SELECT * FROM issue_list_stats($districts, $townships, $unit_types, $poverty_only,
                                   $rounds, $year_from, $year_to, $levels, $modes, $as_of, []::VARCHAR[])
), sums AS (
    -- the filtered inspections' sums, from the rows or, with no place, round, year or mode filter, from
    -- the whole area's day groups and the units' first days (inspection_sums in _views.sql)
    SELECT * FROM inspection_sums($districts, $townships, $unit_types, $poverty_only,
                                  $rounds, $year_from, $year_to, $levels, $modes, $as_of)
)
SELECT * FROM headline_figures('cover', 'listed', 'sums')
