-- Per level (municipal | county), the share of listed issues rectified within d days of their
-- inspection's feedback (end_date), d = 0, 5, ..., 180. Shares are fractions 0..1.
-- Base: listed issues whose inspection has an end_date (as the one-month rate of headline_totals:
-- at d = 30 this is the one-month rectification rate of the level). As of $as_of, an issue counts
-- only once rectified on or before that date; one rectified before the feedback counts from day 0.
WITH s AS (
    -- per level, the issues with a feedback date (bucket NULL: the base) and those rectified as of
    -- $as_of by 5-day step from feedback to rectification, rounded up (before feedback = day 0):
    -- rectified within d days (d a multiple of 5) <=> bucket <= d.
    -- With no place chosen, from the whole area's pre-aggregate (inspection/store.py a_rect_days:
    -- an issue counts from its start day in the base, from the later of start and rectification in
    -- its step); else from the issue rows in one pass (both groupings at once).
    SELECT level, bucket, CAST(sum(n) AS BIGINT) AS c
    FROM a_rect_days
    WHERE whole_area($districts, NULL) AND NOT issue_detail($districts, $townships, $unit_types, $poverty_only, NULL)
      AND inspection_ok($rounds, $year_from, $year_to, $levels, $modes, $as_of, round, year, level, mode, day)
      AND (len($categories::VARCHAR[]) = 0 OR list_contains($categories::VARCHAR[], category))
    GROUP BY ALL
    UNION ALL
    SELECT level, bucket, c FROM (
        SELECT level, bucket, GROUPING(bucket) AS whole_level, count(*) AS c
        FROM (SELECT level,
                     CASE WHEN is_rectified AND rectified_date IS NOT NULL
                          THEN greatest(0, (rectified_date - end_date + 4) // 5 * 5) END AS bucket
              FROM f_issues($districts, $townships, $unit_types, $poverty_only,
                            $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories)
              WHERE end_date IS NOT NULL
                AND NOT (whole_area($districts, NULL)
                         AND NOT issue_detail($districts, $townships, $unit_types, $poverty_only, NULL)))
        GROUP BY GROUPING SETS ((level), (level, bucket)))
    -- the (level) set is the base; of the (level, bucket) set, the rectified steps
    WHERE whole_level = 1 OR bucket IS NOT NULL
), base AS (
    SELECT level, CAST(sum(c) AS BIGINT) AS n FROM s WHERE bucket IS NULL GROUP BY level
), hist AS (
    SELECT level, bucket, c FROM s WHERE bucket IS NOT NULL
), days AS (
    SELECT CAST(d AS INTEGER) AS days FROM range(0, 181, 5) t(d)
), within AS (
    SELECT b.level, days.days, b.n,
           CAST(coalesce((SELECT sum(h.c) FROM hist h WHERE h.level = b.level AND h.bucket <= days.days), 0)
                AS BIGINT) AS rectified_within
    FROM base b CROSS JOIN days
)
SELECT
    level,
    days,
    n AS listed_with_feedback,
    rectified_within,
    rectified_within / n AS rectified_share
FROM within
ORDER BY CASE level WHEN 'municipal' THEN 0 ELSE 1 END, days
