-- overdue_by_district_category (queries/overdue_by_district_category.sql) at the district grain with no
-- township, unit type or poverty filter: the overdue issues of m_overdue (f_overdue_list) and the
-- districts' listed counts (issue_listed_districts) alone, no unit names (inspection/store.py
-- query_paths); the same frame.
-- when: overdue_list_apply()
-- when: NOT issue_detail($districts, $townships, $unit_types, $poverty_only, coalesce($grain, 'district')) AND coalesce($grain, 'district') = 'district'
WITH overdue AS (
    SELECT area($grain, district, township, unit_id::VARCHAR) AS k, category, count(*) AS overdue
    FROM f_overdue_list($districts, $townships, $unit_types, $poverty_only,
                        $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories)
    GROUP BY ALL
), listed AS (
    SELECT area($grain, district, township, unit_id::VARCHAR) AS k, category, tally(n) AS listed_issues
    FROM issue_listed_districts($districts, $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories)
    GROUP BY ALL
), s AS (
    -- every overdue issue is a listed one: each group with one has its listed count
    SELECT k, category, listed.listed_issues, overdue.overdue, overdue.overdue / listed.listed_issues AS overdue_share
    FROM overdue JOIN listed USING (k, category)
)
SELECT s.k AS district, s.category, s.listed_issues, s.overdue, s.overdue_share
FROM s
ORDER BY district, s.overdue DESC, s.category
