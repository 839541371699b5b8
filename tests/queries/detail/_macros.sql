-- The detail path of the coverage figures, as the release before the pre-aggregates wrote it
-- (queries/_views.sql then): first_covers scanned the filtered inspections, coverage_curve kept
-- no integer key, level_results bound level_stats once per ratio, v_plan listed the districts of
-- inspections outside the roster too. tests/queries/test_coverage_aggregates.py compares the
-- figures with these (and with the query files beside this one, the files of that release), and
-- writes them into a store to make it one of that release. Never applied by the application.

CREATE OR REPLACE MACRO first_covers(districts, townships, unit_types, poverty_only,
                                     rounds, year_from, year_to, levels, modes, as_of, grain) AS TABLE
WITH u AS (
    SELECT unit_id, district AS plan_district, area(grain, district, township, unit_name) AS district
    FROM f_units(districts, townships, unit_types, poverty_only)
), f AS (
    SELECT unit_id, min(start_date) AS first_date
    FROM f_inspections(districts, townships, unit_types, poverty_only,
                       rounds, year_from, year_to, levels, modes, as_of)
    GROUP BY unit_id
)
SELECT u.unit_id, u.district, u.plan_district, f.first_date FROM u LEFT JOIN f USING (unit_id);

CREATE OR REPLACE MACRO coverage_curve(districts, townships, unit_types, poverty_only,
                                       rounds, year_from, year_to, levels, modes, as_of, grain) AS TABLE
WITH u AS (
    SELECT * FROM first_covers(districts, townships, unit_types, poverty_only,
                               rounds, year_from, year_to, levels, modes, as_of, grain)
), monthly AS (
    -- roster units by district and the month of their first inspection
    SELECT district, date_trunc('month', first_date)::DATE AS month, count(*) AS n
    FROM u WHERE first_date IS NOT NULL
    GROUP BY ALL
), dist AS (
    SELECT u.district, count(*) AS units_total,
           any_value(p.plan_start) AS plan_start, any_value(p.plan_end) AS plan_end, any_value(p.target) AS target
    FROM u LEFT JOIN v_plan p ON p.district = u.plan_district
    GROUP BY u.district
), months AS (
    SELECT unnest(generate_series(
        date_trunc('month', least((SELECT min(first_date) FROM u), (SELECT min(plan_start) FROM dist))),
        date_trunc('month', as_of::DATE), INTERVAL 1 MONTH))::DATE AS month
), points AS (
    SELECT month, least(last_day(month), as_of::DATE) AS day FROM months WHERE month IS NOT NULL
),
-- Every first_date is on or before as_of (f_inspections), so "first covered on or before the
-- point's day" is "first covered in the point's month or earlier": a running sum over months.
counted AS (
    SELECT d.district, p.month, p.day, d.units_total, d.target, d.plan_start, d.plan_end,
           CAST(sum(coalesce(m.n, 0)) OVER (PARTITION BY d.district ORDER BY p.month) AS BIGINT) AS units_covered
    FROM dist d
    CROSS JOIN points p
    LEFT JOIN monthly m ON m.district = d.district AND m.month = p.month
)
SELECT
    district,
    month,
    day,
    units_total,
    units_covered,
    units_covered / units_total AS coverage_rate,
    -- no plan line under inspection filters (plan_applies)
    CASE WHEN plan_applies(rounds, year_from, year_to, levels, modes) THEN
        plan_share(target, plan_start, plan_end, day) END AS plan_rate
FROM counted;

-- level_stats as it was before like for like summed each (district, year, level) first
CREATE OR REPLACE MACRO level_stats(districts, townships, unit_types, poverty_only,
                                    rounds, year_from, year_to, levels, modes, as_of, like_for_like) AS TABLE
WITH i AS (
    SELECT * FROM f_inspections(districts, townships, unit_types, poverty_only,
                                rounds, year_from, year_to, levels, modes, as_of)
), cells AS (
    SELECT district, year FROM i WHERE like_for_like
    GROUP BY district, year HAVING count(DISTINCT level) = 2
)
SELECT
    level,
    count(*) AS inspections,
    count(DISTINCT unit_id) AS units,
    sum(issues_found) AS issues_found,
    sum(clues) AS clues,
    sum(disciplined) AS disciplined,
    sum(immediate_fixes) AS immediate_fixes,
    per_inspection(issues_found + clues) AS avg_issues_and_clues,
    per_inspection(issues_found) AS avg_issues,
    per_inspection(clues) AS avg_clues,
    per_inspection(disciplined) AS avg_disciplined,
    per_inspection(immediate_fixes) AS avg_immediate_fixes,
    (SELECT count(*) FROM cells) AS cells
FROM i
WHERE NOT like_for_like OR EXISTS (SELECT 1 FROM cells c WHERE c.district = i.district AND c.year = i.year)
GROUP BY level;

CREATE OR REPLACE MACRO level_results(districts, townships, unit_types, poverty_only,
                                      rounds, year_from, year_to, levels, modes, as_of, like_for_like) AS TABLE
WITH l AS (
    SELECT * FROM level_stats(districts, townships, unit_types, poverty_only,
                              rounds, year_from, year_to, levels, modes, as_of, like_for_like)
), m AS (
    SELECT * FROM l WHERE level = 'municipal'
), c AS (
    SELECT * FROM l WHERE level = 'county'
)
SELECT
    l.*,
    (SELECT avg_issues_and_clues FROM m) / nullif((SELECT avg_issues_and_clues FROM c), 0) AS ratio_issues_and_clues,
    (SELECT avg_clues FROM m) / nullif((SELECT avg_clues FROM c), 0) AS ratio_clues,
    (SELECT avg_disciplined FROM m) / nullif((SELECT avg_disciplined FROM c), 0) AS ratio_disciplined,
    (SELECT avg_immediate_fixes FROM m) / nullif((SELECT avg_immediate_fixes FROM c), 0) AS ratio_immediate_fixes
FROM l
ORDER BY CASE level WHEN 'municipal' THEN 0 ELSE 1 END;

CREATE OR REPLACE VIEW v_plan AS
WITH districts AS (
    SELECT district FROM v_units
    UNION
    SELECT district FROM inspections WHERE superseded_by IS NULL
)
SELECT d.district,
       coalesce(p.plan_start, dflt.plan_start) AS plan_start,
       coalesce(p.plan_end, dflt.plan_end) AS plan_end,
       coalesce(p.target, dflt.target) AS target   -- share of the roster, 0..1
FROM districts d
LEFT JOIN plan_settings p ON p.district = d.district
CROSS JOIN (SELECT * FROM plan_settings WHERE district = '*') dflt;
