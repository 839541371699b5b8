-- 数据截至: the latest day the data covers, the default of the as-of filter. The newest of the
-- active inspections' start and end dates, the issues' rectification dates and the 统计截至 dates
-- the imported files state in their title rows (imports.files[].stated_as_of, inspection/layout.py
-- stated_as_of). A date after today (a typing slip, a planned feedback) does not count. NULL when
-- the store holds no dated row.
WITH days AS (
    SELECT start_date AS day FROM v_inspections
    UNION ALL
    SELECT end_date FROM v_inspections
    UNION ALL
    SELECT rectified_date FROM v_issues
    UNION ALL
    SELECT TRY_CAST(unnest(json_extract_string(files, '$[*].stated_as_of')) AS DATE)
    FROM imports WHERE status = 'active'
)
SELECT max(day) FILTER (WHERE day <= current_date) AS data_as_of FROM days
