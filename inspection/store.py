"""The DuckDB store: open, migrate, apply the views, run named queries.

Every reader goes through `run_query(con, name, params)`, which loads `queries/<name>.sql` (or a
statement of queries/paths/ written for the parameters: `statement`) and binds named `$parameters`
only; no SQL is ever built from a value a user chose.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import functools
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from . import lake, settings
from .errors import InspectionError, StoreError

PACKAGE_DIR = Path(__file__).resolve().parent
QUERIES_DIR = PACKAGE_DIR.parent / "queries"
VIEWS_FILE = QUERIES_DIR / "_views.sql"
LIVE_FILE = QUERIES_DIR / "_live.sql"
# The live views materialised by refresh_derived, with the order that keeps a district's rows together.
DERIVED = (("m_units", "live_units", "district, township, unit_id"),
           ("m_inspections", "live_inspections", "district, round_ord, unit_id"),
           ("m_issues", "live_issues", "district, round_ord, unit_id, seq"),
           # the issues that can be overdue on some day, with what the overdue list shows of them
           ("m_overdue", "live_overdue", "district, unit_id, round, seq"))
# the tables of issue rows: an issue list alone rewrites their rows of its units
ISSUE_TABLES = ("m_issues", "m_overdue")

# An import appends its rows at the end of the m_* tables and the issue pre-aggregates (AGGREGATES),
# out of their order: a district (or month) filter then reads those row groups too. Once the rows
# appended since a table was last sorted pass this share of it (and at least one row group), the
# import rewrites the table sorted.
RESORT_SHARE = 0.25
RESORT_MIN_ROWS = 122_880  # DuckDB's row group
_APPENDS_TABLE = "CREATE TABLE IF NOT EXISTS derived_appends (table_name VARCHAR, appended BIGINT)"

# Per-unit summaries of m_inspections that the coverage figures read instead of scanning the
# inspections (first_covers in _views.sql), each (sort order, query that builds it from m_units and
# m_inspections by the integer unit key, for the units {units} selects). refresh_derived rewrites the
# touched units' rows; a store written before a release that added one is brought up to date by its
# first writable open (apply_views) or read through an upgraded copy (connect).
#   m_roster_first: each roster unit with what the unit filters and the grains read of it, and the
#   start_date of its first inspection (NULL while never inspected), of any level and of each level
#   (first_municipal, first_county): the coverage figures read the filtered roster and its first
#   covers in one scan, without joining the roster to the inspections, also under a level filter
UNIT_SUMMARIES = {
    "m_roster_first": ("district, township, unit_id",
                       "SELECT u.unit_id, u.district, u.township, u.unit_type, u.is_poverty_village, u.unit_name, "
                       "f.first_date, f.first_municipal, f.first_county FROM (SELECT * FROM m_units WHERE {units}) u "
                       "LEFT JOIN (SELECT unit_id, min(start_date) AS first_date, "
                       "min(start_date) FILTER (WHERE level = 'municipal') AS first_municipal, "
                       "min(start_date) FILTER (WHERE level = 'county') AS first_county FROM m_inspections "
                       "WHERE {units} GROUP BY unit_id) f USING (unit_id)"),
    # the inspections of each (team, team_district, level) and unit that team inspected more than once
    # (in several rounds): what results_by_team reads to count a team's units without a distinct
    # count over every inspection (units = inspections - the repeats' count(*) - count(DISTINCT unit);
    # 325k of 1.35M inspections at national). A unit's pairs depend on its own inspections alone.
    "m_team_repeats": ("district, round",
                       "SELECT district, township, unit_type, is_poverty_village, round, year, level, mode, "
                       "start_date, team, team_district, unit_id FROM (SELECT *, "
                       "team_district(level, team, district) AS team_district, count(*) OVER (PARTITION BY "
                       "team, team_district(level, team, district), level, unit_id) AS k "
                       "FROM m_inspections WHERE {units}) WHERE k > 1"),
}
# tables of an earlier release that nothing reads any more, dropped when a store is rebuilt whole
RETIRED_TABLES = ("m_unit_first",)

# The coverage curves' pre-aggregate (coverage_curve in queries/_views.sql reads it): m_roster_first's
# units by district and the month of their first inspection (n; month NULL: never inspected), with
# the district's units first covered up to the end of that month (covered) and its next month with a
# first cover (next_month, NULL for the last), and the same over every district (district
# WHOLE_AREA). A curve point before the as-of day's month is then one row's `covered`, without a
# running sum over the units or the points. Written whole from m_roster_first after every refresh
# of it (national: 611k units, ~39k rows, ~0.13 s CPU), so it always holds what m_roster_first says.
COVER_MONTHS = ("a_cover_months", """
WITH m AS (
    SELECT district, date_trunc('month', first_date)::DATE AS month, CAST(count(*) AS INTEGER) AS n
    FROM m_roster_first GROUP BY ALL
    UNION ALL
    SELECT '{whole}', date_trunc('month', first_date)::DATE, CAST(count(*) AS INTEGER) FROM m_roster_first GROUP BY ALL
)
SELECT district, month, n,
       CASE WHEN month IS NOT NULL THEN CAST(sum(n) OVER w AS INTEGER) END AS covered,
       CASE WHEN month IS NOT NULL THEN lead(month) OVER w END AS next_month
FROM m WINDOW w AS (PARTITION BY district, month IS NULL ORDER BY month)
ORDER BY district, month""")
# ... and by the day of the first inspection, with the district's running count through that day
# (coverage_projection_by_month and plan_by_district read it: the pace, the plan's end and the day
# the target is reached are counted to the day): ~192k rows for 611k units at national.
COVER_DAYS = ("a_cover_days", "SELECT district, first_date, n, CASE WHEN first_date IS NOT NULL THEN CAST(sum(n) OVER "
                              "(PARTITION BY district, first_date IS NULL ORDER BY first_date) AS INTEGER) END AS covered "
                              "FROM (SELECT district, first_date, CAST(count(*) AS INTEGER) AS n FROM m_roster_first "
                              "GROUP BY ALL) ORDER BY district, first_date")

# The heatmap's pre-aggregate (queries/units_by_district_round.sql reads it): m_inspections by
# district, round and what the inspection filters read (year, level, mode, the month of start_date),
# with the units and inspections of each group. A unit has at most one active inspection per round
# (an import supersedes the rows of the same (round, unit)), so the units of a (district, round) are
# the sum of its groups'. refresh_derived rewrites the groups of the (district, round) pairs whose
# inspection rows it rewrote, before and after, in the same transaction.
ROUND_UNITS = ("a_round_units", "district, round_ord",
               "SELECT district, round, round_ord, year, level, mode, date_trunc('month', start_date)::DATE AS month, "
               "CAST(count(DISTINCT unit_id) AS INTEGER) AS units, CAST(count(*) AS INTEGER) AS inspections "
               "FROM m_inspections {where} GROUP BY ALL")
# The team table's pre-aggregate (queries/results_by_team.sql reads it): m_inspections by district,
# round and what the inspection filters read (year, level, mode, the month of start_date), and the
# team (its name and team_district, _live.sql), with the inspections and the sums of the figures
# (BIGINT: summing HUGEINT partial sums costs ~6x more). Rewritten like ROUND_UNITS: the groups of
# the (district, round) pairs whose inspection rows the import or undo rewrote.
TEAMS = ("a_teams", "district, round",
         "SELECT district, round, year, level, mode, date_trunc('month', start_date)::DATE AS month, team, "
         "team_district(level, team, district) AS team_district, CAST(count(*) AS INTEGER) AS inspections, "
         "CAST(sum(issues_found) AS BIGINT) AS issues_found, CAST(sum(clues) AS BIGINT) AS clues, "
         "CAST(sum(disciplined) AS BIGINT) AS disciplined, CAST(sum(immediate_fixes) AS BIGINT) AS immediate_fixes, "
         "CAST(sum(issues_found + clues) AS BIGINT) AS sum_ic, CAST(count(issues_found + clues) AS INTEGER) AS n_ic "
         "FROM m_inspections {where} GROUP BY ALL")
# the tables grouped within a (district, round), rewritten for the pairs an import or undo touched
# ... and by district, month of start and what the inspection filters read, with the sums that
# results_by_district shows (its districts' figures read the months before the as-of day's from it,
# that month from the rows, and the units from a_unit_days below) and the per-inspection averages'
# parts of the like-for-like level comparison (level_stats): ~197k rows at national.
INSPECTION_MONTHS = ("a_inspection_months", "district, round",
                     "SELECT district, round, year, level, mode, date_trunc('month', start_date)::DATE AS month, "
                     "CAST(count(*) AS BIGINT) AS inspections, CAST(sum(issues_found) AS BIGINT) AS issues_found, "
                     "CAST(sum(clues) AS BIGINT) AS clues, CAST(sum(disciplined) AS BIGINT) AS disciplined, "
                     "CAST(sum(immediate_fixes) AS BIGINT) AS immediate_fixes, "
                     "CAST(sum(issues_found + clues) AS BIGINT) AS issues_and_clues, "
                     "CAST(count(issues_found + clues) AS BIGINT) AS n_issues_and_clues, "
                     "CAST(count(issues_found) AS BIGINT) AS n_issues_found, CAST(count(clues) AS BIGINT) AS n_clues, "
                     "CAST(count(disciplined) AS BIGINT) AS n_disciplined, "
                     "CAST(count(immediate_fixes) AS BIGINT) AS n_immediate_fixes FROM m_inspections {where} GROUP BY ALL")
ROUND_TABLES = (ROUND_UNITS, TEAMS, INSPECTION_MONTHS)

# The inspection figures' pre-aggregates for the whole area (queries/_views.sql inspection_days_apply,
# unit_days_apply): with no place filter, the figures not grouped by area sum a_inspection_days, the
# inspections by round, year, level, mode and start day with each figure's sum and the number of
# inspections that reported it (~3.5k rows for 1.35M inspections at national), and count the distinct
# units from a_unit_days, the units by the day of their first inspection of any level (every_level)
# and of each level, in the whole area (district WHOLE_AREA) and in each district (a unit inspected in
# two districts counts in each, as count(DISTINCT unit_id) by district does). Both are rewritten whole from m_inspections after every refresh of it (national:
# ~1.2 s CPU, 3.5k and 519k rows), so they always hold what m_inspections says. The sums are BIGINT (summing a HUGEINT
# column costs ~1.5 ms per 3k rows; sum() of either gives the HUGEINT a sum of the INTEGER rows gives).
INSPECTION_TOTALS = {
    "a_inspection_days": """
SELECT round, year, level, mode, start_date, CAST(count(*) AS BIGINT) AS inspections,
       CAST(sum(issues_found) AS BIGINT) AS issues_found, CAST(count(issues_found) AS BIGINT) AS n_issues_found,
       CAST(sum(clues) AS BIGINT) AS clues, CAST(count(clues) AS BIGINT) AS n_clues,
       CAST(sum(immediate_fixes) AS BIGINT) AS immediate_fixes, CAST(count(immediate_fixes) AS BIGINT) AS n_immediate_fixes,
       CAST(sum(disciplined) AS BIGINT) AS disciplined, CAST(count(disciplined) AS BIGINT) AS n_disciplined,
       CAST(sum(org_handled) AS BIGINT) AS org_handled, CAST(count(org_handled) AS BIGINT) AS n_org_handled,
       CAST(sum(judicial) AS BIGINT) AS judicial, CAST(count(judicial) AS BIGINT) AS n_judicial,
       CAST(sum(rectified) AS BIGINT) AS rectified, CAST(count(rectified) AS BIGINT) AS n_rectified,
       sum(funds_recovered) AS funds_recovered, CAST(count(funds_recovered) AS BIGINT) AS n_funds_recovered,
       CAST(sum(issues_found + clues) AS BIGINT) AS issues_and_clues, CAST(count(issues_found + clues) AS BIGINT) AS n_issues_and_clues,
       CAST(sum(rectified) FILTER (WHERE issues_found IS NOT NULL) AS BIGINT) AS rect_num,
       CAST(sum(issues_found) FILTER (WHERE rectified IS NOT NULL) AS BIGINT) AS rect_den
FROM m_inspections GROUP BY ALL ORDER BY start_date, round, level, mode""",
    "a_unit_days": """
WITH f AS MATERIALIZED (
    SELECT unit_id, district, level, min(start_date) AS first_date FROM m_inspections GROUP BY ALL
)
SELECT district, every_level, level, first_date, CAST(count(*) AS BIGINT) AS n FROM (
    SELECT unit_id, '{whole}' AS district, true AS every_level, NULL::VARCHAR AS level, min(first_date) AS first_date
    FROM f GROUP BY unit_id
    UNION ALL
    SELECT unit_id, '{whole}', false, level, min(first_date) FROM f GROUP BY unit_id, level
    UNION ALL
    SELECT unit_id, district, true, NULL::VARCHAR, min(first_date) FROM f GROUP BY unit_id, district
    UNION ALL
    SELECT unit_id, district, false, level, first_date FROM f)
GROUP BY ALL ORDER BY district, every_level, level, first_date""",
}


# the tables built from m_units and m_inspections alone (an import of issue lists alone leaves them)
_INSPECTION_TABLES = (*UNIT_SUMMARIES, COVER_MONTHS[0], COVER_DAYS[0], *(t for t, _, _ in ROUND_TABLES),
                      *INSPECTION_TOTALS)


# The pre-aggregates of the issue figures (queries/_views.sql issue_counts reads them): m_issues
# grouped by what the figures filter by at the district grain and what the as-of rules read of an
# issue (the issue_* macros of queries/_live.sql), the dates to the month; a_issue_days holds, for
# each month (touch), the issues with a date in it, those dates to the day. Every group lies in one
# (district, round): refresh_derived rewrites the groups of the (district, round) pairs whose issue
# rows it rewrote, in the same transaction.
# Beside each district's groups, the whole area's (district WHOLE_AREA, '*' as in plan_settings): the
# same groups over every district, which the figures that do not group by district read when no
# district is chosen (the undrilled view: ~27k rows at national instead of 4.4M). They are rewritten
# for every round whose groups were. They alone keep the subcategory (NULL in a district's groups):
# issues by subcategory (issues_by_category) read them for the whole area, the rows for a district.
# Each AGGREGATES entry is (table, sort order, select(where, whole=False, rows="m_issues")): the groups
# of the rows of table `rows` that `where` selects, each district's or (whole) the whole area's.
WHOLE_AREA = "*"
_ISSUE_GROUP = ("district, round, round_ord, year, level, mode, category, NULL::VARCHAR AS subcategory, "
                "issue_status_class(status) AS status, "
                "start_date, issue_rectified_day(status, rectified_date) AS rectified_date, due_date, "
                "issue_never_overdue(status, rectified_date, due_date) AS never_overdue, "
                "end_date IS NOT NULL AS has_feedback, issue_in_month(status, rectified_date, end_date) AS in_month")
_ISSUE_KEYS = "district, round, round_ord, year, level, mode, category, subcategory, status"
# refresh_derived's changed issue rows of the rounds it rewrites (a TEMP VIEW): those before the write
# with weight w = -1, those after it with w = 1; an aggregate read from it counts sum(w) (_count)
DELTA_ROWS = "refresh_delta"


def _count(rows: str) -> str:
    """How an aggregate counts the rows of table `rows`: once each, or by their weight in DELTA_ROWS."""
    return f"CAST({'sum(w)' if rows == DELTA_ROWS else 'count(*)'} AS INTEGER)"


def _issue_tail(rows: str) -> str:
    return f"has_feedback, in_month, {_count(rows)} AS n"


def _month(column: str, keep: str | None = None) -> str:
    """A date to its month's first day; kept to the day when in the month `keep`."""
    month = f"date_trunc('month', {column})::DATE"
    return f"CASE WHEN {month} = {keep} THEN {column} ELSE {month} END" if keep else month


def _due(keep: str | None = None) -> str:
    """The due date as issue_due_day says, to the month (to the day in the month `keep`)."""
    return f"CASE WHEN never_overdue THEN 'infinity'::DATE ELSE {_month('due_date', keep)} END AS due_date"


def _issue_rows(where: str, whole: bool, rows: str = "m_issues") -> str:
    """The issue rows `where` selects (of m_issues, or of `rows`: DELTA_ROWS, with their weight w) as
    the aggregates group them; under `whole` every district is the whole area."""
    weight = ", w" if rows == DELTA_ROWS else ""
    if not whole:
        return f"SELECT {_ISSUE_GROUP}{weight} FROM {rows} {where}"
    group = _ISSUE_GROUP.replace("district,", f"'{WHOLE_AREA}' AS district,", 1).replace(
        "NULL::VARCHAR AS subcategory", "subcategory", 1)
    return f"SELECT {group}{weight} FROM {rows} {where}"


def _rect_days(where: str, whole: bool = False, rows: str = "m_issues") -> str:
    """a_rect_days, kept for the whole area only (a district's figure reads the rows; its district
    part selects nothing): the issues with a feedback date (end_date) by the day of their start, bucket
    NULL, and those rectified with a date by the 5-day step from feedback to rectification (rounded
    up, before the feedback 0: rectification_by_days.sql) and the day they count as rectified from
    (the later of start and rectification). `rows` as _issue_rows'."""
    n = _count(rows)
    rows = (f"SELECT * FROM {rows} {where if whole else 'WHERE false'}) "
            f"WHERE end_date IS NOT NULL AND start_date IS NOT NULL")
    keys = f"'{WHOLE_AREA}' AS district, round, round_ord, year, level, mode, category"
    return (f"SELECT {keys}, NULL::INTEGER AS bucket, start_date AS day, {n} AS n "
            f"FROM ({rows} GROUP BY ALL "
            f"UNION ALL SELECT {keys}, CAST(greatest(0, (rectified_date - end_date + 4) // 5 * 5) AS INTEGER), "
            f"greatest(start_date, rectified_date), {n} "
            f"FROM ({rows} AND status = 'rectified' AND rectified_date IS NOT NULL GROUP BY ALL")


def _rect_months(where: str, whole: bool = False, rows: str = "") -> str:
    """a_rect_months, kept for the whole area only (its district part selects nothing): a_rect_days by
    the month of its day instead of the day (province 234k -> 34k rows), which rectification_by_days
    reads for the months before the as-of day's (rect_steps_whole in queries/_views.sql: a_rect_days for
    that month). Grouped from a_rect_days (written before it in AGGREGATES order): the rounds `where`
    ("WHERE round IN ...") selects, their rows already rewritten."""
    rounds = f"AND {where.removeprefix('WHERE ')}" if whole and where.startswith("WHERE ") else ""
    return ("SELECT district, round, round_ord, year, level, mode, category, bucket, "
            "date_trunc('month', day)::DATE AS month, CAST(sum(n) AS INTEGER) AS n FROM a_rect_days "
            f"WHERE {'true' if whole else 'false'} {rounds} GROUP BY ALL")


def _listed(where: str, whole: bool = False, rows: str = "") -> str:
    """a_listed, kept for each district only (its whole-area part selects nothing): the issues by what
    the figures grouped by district and category filter by, the start date to the month, without the
    status and dates a_issues keeps (1.1M rows at national against a_issues' 4.4M): the listed
    counts of issues_by_district_category and overdue_by_district_category (issue_listed in
    queries/_views.sql, with the day's month from a_issue_days). Grouped from a_issues' district groups
    (written before it in AGGREGATES order; the same start month, every issue in one group): the
    (district, round) pairs `where` selects, their groups already rewritten (~3x fewer rows than the
    issues at national)."""
    groups = f"SELECT * FROM a_issues {'WHERE false' if whole else where}"
    return ("SELECT district, round, round_ord, year, level, mode, category, start_date, CAST(sum(n) AS INTEGER) AS n "
            f"FROM ({groups}) WHERE district <> '{WHOLE_AREA}' GROUP BY ALL")


def _issue_totals(where: str, whole: bool = False, rows: str = "") -> str:
    """a_issue_totals, kept for the whole area only (its district part selects nothing): a_issues'
    whole-area groups without the subcategory, summed (~3.5x fewer rows: 27k at national against
    97k), which the figures not grouped by subcategory read for the whole area (issue_counts with
    grain NULL, issue_listed in queries/_views.sql). Grouped from a_issues (written before it in
    AGGREGATES order): the rounds `where` ("WHERE round IN ...") selects, their rows already rewritten."""
    rounds = f"AND {where.removeprefix('WHERE ')}" if whole and where.startswith("WHERE ") else ""
    return (f"SELECT * REPLACE (NULL::VARCHAR AS subcategory, CAST(sum(n) AS INTEGER) AS n) FROM a_issues "
            f"WHERE {'true' if whole else 'false'} AND district = '{WHOLE_AREA}' {rounds} GROUP BY ALL")


AGGREGATES = (
    ("a_issues", "district, round_ord", lambda where, whole=False, rows="m_issues": (
        f"SELECT {_ISSUE_KEYS}, {_month('start_date')} AS start_date, {_month('rectified_date')} AS rectified_date, "
        f"{_due()}, {_issue_tail(rows)} FROM ({_issue_rows(where, whole, rows)}) GROUP BY ALL")),
    ("a_issue_days", "touch, district, round_ord",
     lambda where, whole=False, rows="m_issues": _issue_days(where, whole, rows=rows)),
    ("a_rect_days", "day, round_ord", _rect_days),
    ("a_rect_months", "month, round_ord", _rect_months),
    ("a_listed", "district, round_ord", _listed),
    ("a_issue_totals", "district, round_ord", _issue_totals),
)


def aggregate_query(table: str, touch: tuple[str | None, str | None] | None = None) -> str:
    """An issue pre-aggregate written whole from m_issues: every district's groups and the whole
    area's, sorted. `touch` (a_issue_days only): its groups of the months from the first (a month's
    first day, 'YYYY-MM-DD'; None: from the first) up to the second (excluded; None: to the last)."""
    order, select = next((order, select) for name, order, select in AGGREGATES if name == table)
    if touch is not None:
        select = functools.partial(_issue_days, touch=touch)
    return (f"SELECT * FROM ({select('')}) UNION ALL SELECT * FROM ({select('', whole=True)}) "
            f"ORDER BY {order}")


def _issue_days(where: str, whole: bool = False, touch: tuple[str | None, str | None] | None = None,
                rows: str = "m_issues") -> str:
    """a_issue_days: each issue once per distinct month among its start, rectified and (unless never
    overdue) due months, as three branches of a UNION ALL over the rows read once (cheaper than
    unnesting a list per row: ~25% of the build at national). `touch` as aggregate_query's: only the
    groups of those months, from the rows with a date in them."""
    start, rectified, due = _month("start_date"), _month("rectified_date"), _month("due_date")
    tail = _issue_tail(rows)
    rows, months = _issue_rows(where, whole, rows), ""
    if touch is not None:
        bounds = [f"{{0}} {op} DATE '{day}'" for op, day in ((">=", touch[0]), ("<", touch[1])) if day]
        within = " AND ".join(bounds) or "true"
        dated = " OR ".join(f"({within.format(column)})" for column in ("start_date", "rectified_date", "due_date"))
        rows, months = f"SELECT * FROM ({rows}) WHERE {dated}", f"WHERE {within.format('touch')} "
    return (f"WITH g AS MATERIALIZED ({rows}) "
            f"SELECT touch, {_ISSUE_KEYS}, {_month('start_date', 'touch')} AS start_date, "
            f"{_month('rectified_date', 'touch')} AS rectified_date, {_due('touch')}, {tail} FROM ("
            f"SELECT *, {start} AS touch FROM g WHERE start_date IS NOT NULL "
            f"UNION ALL SELECT *, {rectified} FROM g WHERE rectified_date IS NOT NULL "
            f"AND {rectified} IS DISTINCT FROM {start} "
            f"UNION ALL SELECT *, {due} FROM g WHERE NOT never_overdue AND due_date IS NOT NULL "
            f"AND {due} IS DISTINCT FROM {start} AND {due} IS DISTINCT FROM {rectified}) {months}GROUP BY ALL")


# The whole rebuild of a_issue_days groups the issue dates of a run of months at a time, each run
# about this many (_touch_runs): at national (15.3M issues, 37M dates, 23M groups) grouping them all
# in one statement spills to disk for minutes at the 3 GB memory limit and nearly exhausts it.
ISSUE_DAYS_RUN = 4_000_000

# ... and the whole rebuild of m_issues sorts the issues of a run of districts at a time, about this
# many (_district_runs): sorting all 15.3M at national in one statement fills the memory limit.
M_ISSUES_RUN = 4_000_000

# what of an m_issues row the aggregates read (round_ord aside: a renumbering updates it in place)
_ISSUE_ROW = ("district, round, year, level, mode, category, subcategory, status, start_date, end_date, "
              "rectified_date, due_date")

# (version, file or SQL): append, never edit a released migration
MIGRATIONS: tuple[tuple[int, str], ...] = ((1, "schema.sql"), (2, "schema_002_plan.sql"),
                                          (3, "schema_003_exports.sql"), (4, "schema_004_mappings.sql"),
                                          (5, "schema_005_unchanged.sql"), (6, "schema_006_restated.sql"),
                                          (7, "schema_007_due_text.sql"))

_PARAM = re.compile(r"(?<![$\w])\$([A-Za-z_]\w*)")


class QueryError(StoreError):
    pass


class StoreLocked(StoreError):
    """The store file is held by another process (a running dashboard)."""


def store_path(path: str | Path | None = None) -> Path:
    return Path(path) if path else settings.get("INSPECTION_DB")


def originals_dir(path: str | Path | None = None) -> Path:
    """The folder where imports keep the files they read (importer, `originals_dir`): beside the store
    file; on a DuckLake beside the INSPECTION_DB path, never inside the lake's data folder (maintain
    deletes strangers there)."""
    return (store_path() if lake_target(path) else store_path(path)).parent / "originals"


def _strip_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)


@functools.cache
def load_sql(name: str) -> str:
    path = QUERIES_DIR / f"{name}.sql"
    if not re.fullmatch(r"[a-z0-9_]+", name) or not path.is_file():
        raise QueryError(f"unknown query: {name}")
    return path.read_text(encoding="utf-8")


def query_params(name: str) -> set[str]:
    """The $names a query file binds."""
    return set(_PARAM.findall(_strip_comments(load_sql(name))))


# A query's statements chosen before binding (issue 22): DuckDB binds every branch of every macro a
# statement calls before it folds the branches the parameters make dead, so a query whose planning
# is most of its time may have, beside queries/<name>.sql (the general statement, every path), one or
# more statements written for the parameters that make branches dead: queries/paths/<name>.<path>.sql,
# each headed by its condition, `-- when: <SQL of the $parameters>` lines (all must hold; written with
# the macros that choose the branches in the general statement, so the getvariable switches of the
# tests turn them off too). run_query runs the first path whose condition holds on the cursor that
# runs it (one small statement), else the general one. A path binds only parameters the general
# statement binds and gives its frame exactly (tests/queries/test_issue_aggregates.py).
PATHS_DIR = QUERIES_DIR / "paths"
_WHEN = re.compile(r"^--\s*when:(.*)$", re.M)


@functools.cache
def query_paths(name: str) -> tuple[tuple[str, str, str, frozenset[str], frozenset[str]], ...]:
    """The paths of a query (see PATHS_DIR), in name order: (path, condition, SQL, $names of the
    condition, $names of the SQL)."""
    out = []
    for path in sorted(PATHS_DIR.glob(f"{name}.*.sql")):
        sql = path.read_text(encoding="utf-8")
        conditions = [c.strip() for c in _WHEN.findall(sql)]
        if not conditions:
            raise QueryError(f"query path {path.name} has no condition")
        condition = " AND ".join(f"coalesce(({c}), false)" for c in conditions)
        out.append((path.stem.split(".", 1)[1], condition, sql, frozenset(_PARAM.findall(condition)),
                    frozenset(_PARAM.findall(_strip_comments(sql)))))
    return tuple(out)


def statement(cur: duckdb.DuckDBPyConnection, name: str, bound: dict,
              fresh: bool = False) -> tuple[str, dict, str | None]:
    """The SQL to run for query `name` with its bound parameters on cursor `cur`, the parameters that
    SQL binds, and its path (None: the general statement): the first of query_paths whose condition
    holds there. `fresh`: `cur` is a new cursor (no variable set on it: the tests' switches are off),
    so the conditions' answer for these parameters is the same on every such cursor and is kept."""
    paths = query_paths(name)
    if not paths:
        return load_sql(name), bound, None
    names = sorted(set().union(*(p[3] for p in paths)))
    key = (name, tuple((k, _hashable(bound[k])) for k in names)) if fresh else None
    holds = _path_holds.get(key) if fresh else None
    if holds is None:
        holds = cur.execute("SELECT " + ", ".join(p[1] for p in paths), {k: bound[k] for k in names}).fetchone()
        if fresh:
            if len(_path_holds) > 4096:
                _path_holds.clear()
            _path_holds[key] = holds
    for (path, _, sql, _, wanted), chosen in zip(paths, holds, strict=True):
        if chosen:
            return sql, {k: bound[k] for k in wanted}, path
    return load_sql(name), bound, None


# statement's answers on fresh cursors: (query, its conditions' parameters) -> each path's condition
_path_holds: dict[tuple, tuple] = {}


def _hashable(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value


def query_names() -> list[str]:
    return sorted(p.stem for p in QUERIES_DIR.glob("*.sql") if not p.stem.startswith("_"))


def lake_target(path: str | Path | None = None) -> str | None:
    """The DuckLake the store is ('ducklake:postgres:...'), or None for the embedded file: `path`
    when it names a lake, else the INSPECTION_STORE setting when `path` is unset or the INSPECTION_DB path."""
    if lake.spec(path):
        return lake.spec(path)
    if path is None or Path(path) == store_path():
        return lake.spec(settings.get("INSPECTION_STORE"))
    return None


def _connect_lake(target: str, read_only: bool, alongside: bool = False) -> duckdb.DuckDBPyConnection:
    shown = target.split(":", 2)[0] + ":postgres"
    try:
        limit = settings.get("INSPECTION_MEMORY_LIMIT")  # checked: it goes into a SET statement
        con = lake.connect(target, settings.get("INSPECTION_LAKE_DATA"), read_only, migrate=migrate,
                           alongside=alongside)
        if read_only and not _is_current(con):
            # a lake written by an earlier release: its readers (the dashboards) would call macros and
            # read tables it lacks, so the first reader brings it up to date as a writer would
            con.close()
            _upgrade_lake(target, shown)
            con = lake.connect(target, settings.get("INSPECTION_LAKE_DATA"), True, alongside=alongside)
        con.execute(f"SET memory_limit = '{limit}'")
        return con
    except lake.LakeError as exc:
        raise StoreError(str(exc)) from None
    except duckdb.Error as exc:
        raise StoreError(f"无法打开 DuckLake 存储（{shown}）：{str(exc).splitlines()[0]}") from None


def _upgrade_lake(target: str, shown: str) -> None:
    """Migrate a lake of an earlier release through a writer of its own (under the writers' lock)."""
    data = settings.get("INSPECTION_LAKE_DATA")
    if not data:
        raise StoreError(f"DuckLake 存储（{shown}）由较早的版本写入，需要升级后才能查看：请在设置了 "
                         "INSPECTION_LAKE_DATA 的机器上运行一次 python -m inspection maintain 或一次导入。")
    lake.connect(target, data, False, migrate=migrate, alongside=True).close()


def connect(path: str | Path | None = None, read_only: bool = False,
            alongside: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating and migrating when writable) the store; StoreError on any failure.
    The store is the lake when INSPECTION_STORE names one (see lake_target), else the DuckDB file.
    `alongside`: a lake writer in a process that already holds the lake read-only (a dashboard's
    import, undo or plan change) gets a DuckDB instance of its own (see lake.connect)."""
    if lake_target(path):
        return _connect_lake(lake_target(path), read_only, alongside)
    limit = settings.get("INSPECTION_MEMORY_LIMIT")
    target = store_path(path)
    if read_only and not target.exists():
        raise StoreError(f"数据库文件不存在：{target}")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(target), read_only=read_only)
    except duckdb.IOException as exc:
        message = str(exc)
        if _is_lock_error(message):
            raise _locked(target) from None
        if _is_corrupt_error(message):
            raise _corrupt(target, message) from None
        raise StoreError(f"无法打开数据库 {target}：{message.splitlines()[0]}") from None
    except duckdb.Error as exc:
        raise _corrupt(target, str(exc)) from None
    con.execute(f"SET memory_limit = '{limit}'")
    if not read_only:
        try:
            migrate(con)
        except duckdb.Error as exc:
            con.close()
            if _is_corrupt_error(str(exc)):
                raise _corrupt(target, str(exc)) from None
            raise StoreError(f"数据库 {target} 无法升级：{str(exc).splitlines()[0]}") from None
    elif not _is_current(con):
        con.close()
        return _upgraded_copy(target)
    return con


def _is_current(con: duckdb.DuckDBPyConnection) -> bool:
    """The store has this release's migrations, views and the tables they read (the issue
    pre-aggregates among them)."""
    live, views = LIVE_FILE.read_text(encoding="utf-8"), VIEWS_FILE.read_text(encoding="utf-8")
    digest = hashlib.sha256((live + views).encode()).hexdigest()
    try:
        return bool(con.execute("SELECT count(*) FROM views_applied WHERE sha256 = ?", [digest]).fetchone()[0]) and \
            con.execute("SELECT max(version) FROM schema_version").fetchone()[0] == MIGRATIONS[-1][0]
    except duckdb.Error:
        return False


def _upgraded_copy(path: Path) -> duckdb.DuckDBPyConnection:
    """A store written by an older release, opened read-only: its queries need this release's views
    and tables, which a read-only store cannot be given, so a temporary copy is brought up to date
    (the file itself untouched; the copy is removed at exit)."""
    import atexit
    import tempfile

    folder = tempfile.mkdtemp(prefix="inspection-store-")
    atexit.register(shutil.rmtree, folder, True)
    copy = Path(folder) / path.name
    shutil.copyfile(path, copy)
    return connect(copy)


# ---------------------------------------------------------------- integrity and backups

BACKUPS_KEPT = 5


def _is_lock_error(message: str) -> bool:
    low = message.lower()
    return "could not set lock" in low or "conflicting lock" in low


def _is_corrupt_error(message: str) -> bool:
    low = message.lower()
    return any(s in low for s in ("corrupt", "not a valid duckdb", "could not read enough bytes", "checksum",
                                  "serializ", "invalid block", "failed to read"))


def _locked(target: Path) -> StoreError:
    return StoreLocked(f"数据库 {target} 正被另一个程序（例如正在运行的看板）占用。"
                      "请关闭看板后再执行，或在看板的「数据导入」页面操作。")


def _corrupt(target: Path, message: str) -> StoreError:
    newest = latest_backup(target)
    restore = (f"最近一次完好的备份是 {newest}：关闭看板后运行 python -m inspection restore 即可恢复"
               if newest else f"没有找到备份（{backup_dir(target)}）：请删除该文件后重新导入原始台账")
    detail = message.splitlines()[0] if message else "无法读取"
    return StoreError(f"数据库文件 {target} 已损坏或不完整（{detail}）。{restore}。")


def backup_dir(target: Path) -> Path:
    return Path(target).parent / "backups"


def backups(target: str | Path) -> list[Path]:
    """The backups of a store file, newest first."""
    target = Path(target)
    folder = backup_dir(target)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{target.stem}.*.duckdb"), key=lambda p: p.name, reverse=True)


def latest_backup(target: str | Path) -> Path | None:
    found = backups(target)
    return found[0] if found else None


def backup(path: str | Path | None = None, con: duckdb.DuckDBPyConnection | None = None,
           keep: int = BACKUPS_KEPT) -> Path | None:
    """Copy the store to backups/<name>.<timestamp>.duckdb after a successful import or undo.

    Call it with the store closed (the file is copied), or pass the open connection `con`: DuckDB
    then writes a consistent copy of every committed change (COPY FROM DATABASE) while dashboard
    sessions go on reading (a CHECKPOINT before a file copy would be refused while any of them has
    a query running). Keeps the newest `keep`. None for in-memory stores.
    """
    target = store_path(path)
    if str(target) == ":memory:" or not target.is_file() or lake_target(path):
        return None  # a lake keeps its own history (snapshots)
    folder = backup_dir(target)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    final = folder / f"{target.stem}.{stamp}.duckdb"
    tmp = folder / f".{final.name}.tmp"
    try:
        if con is None:
            shutil.copyfile(target, tmp)
        else:
            name = con.execute("SELECT current_database()").fetchone()[0].replace('"', '""')
            con.execute("ATTACH '{}' AS inspection_backup".format(str(tmp).replace("'", "''")))
            try:
                con.execute(f'COPY FROM DATABASE "{name}" TO inspection_backup')
                con.execute("CHECKPOINT inspection_backup")
            finally:
                con.execute("DETACH inspection_backup")
        os.replace(tmp, final)  # a kill during the copy never leaves a half backup under a backup's name
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)
    for old in backups(target)[keep:]:
        old.unlink(missing_ok=True)
    return final


def restore(path: str | Path | None = None, source: str | Path | None = None) -> tuple[Path, Path | None]:
    """Put a backup (the newest by default) in place of the store file; the file it replaces is kept
    beside it as <name>.damaged-<timestamp>.duckdb. Refused (StoreError) while another program holds
    the store, when there is no backup, or when the backup itself does not read whole.
    Returns (the backup restored, where the replaced file was kept or None)."""
    if lake_target(path):
        raise StoreError("DuckLake 存储保留自己的快照，不用备份恢复：请联系管理员按快照恢复")
    target = store_path(path)
    chosen = Path(source) if source else latest_backup(target)
    if chosen is None:
        raise StoreError(f"没有找到备份（{backup_dir(target)}）：请删除该文件后重新导入原始台账")
    if not chosen.is_file():
        raise StoreError(f"备份文件不存在：{chosen}")
    check_file(chosen)  # never put a damaged backup in place
    held = None
    if target.exists():
        held = os.open(target, os.O_RDWR)
        try:
            fcntl.lockf(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # DuckDB locks its file the same way
        except OSError:
            os.close(held)
            raise _locked(target) from None
    try:
        kept = None
        if target.exists():
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            kept = target.with_name(f"{target.stem}.damaged-{stamp}{target.suffix}")
            os.replace(target, kept)
            wal = target.with_name(target.name + ".wal")
            if wal.exists():
                os.replace(wal, kept.with_name(kept.name + ".wal"))
        tmp = target.with_name(f".{target.name}.restoring")
        shutil.copyfile(chosen, tmp)
        os.replace(tmp, target)
    finally:
        if held is not None:
            os.close(held)
    return chosen, kept


_PROBE = """
import sys, duckdb
try:
    con = duckdb.connect(sys.argv[1], read_only=True)
    names = [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'").fetchall()]
    for name in names:  # read every block: checksums are verified when a block is read
        con.execute('SELECT bit_xor(hash(t)) FROM "' + name.replace('"', '""') + '" t').fetchall()
    con.close()
except Exception as exc:
    print(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    sys.exit(3)
"""


def query_threads(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Give each query on `con`'s database instance INSPECTION_QUERY_THREADS threads (the setting
    belongs to the instance, not the connection). A page's figures already run side by side, one
    per cursor (submit_query), and each takes a few milliseconds to scan after ~10 to plan: more
    threads per figure only add their start-up and hand-over (province, the four slowest pages side
    by side: CPU -12..15%, docs/planning.md session 14). Writes take every core back (all_threads)."""
    threads = settings.get("INSPECTION_QUERY_THREADS")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    return con


@contextmanager
def all_threads(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """An import, undo or rebuild on a connection set up by query_threads: DuckDB's own number of
    threads (one per core) for the block, then the queries' again, also when the block fails.
    Figures computed meanwhile on other cursors of the instance run with every core too, which
    changes their speed, never their result."""
    con.execute("RESET threads")
    try:
        yield con
    finally:
        query_threads(con)


def connect_reader(path: str | Path | None = None) -> tuple[duckdb.DuckDBPyConnection, str | None]:
    """A read-only connection for a command that only reads (metrics, briefing, exports-log), and a
    note for the user when it is not the live store (None when it is).

    A running dashboard holds the store file for writing, and DuckDB then refuses every other
    process, readers included. The command reads the newest backup instead: every import and undo
    writes one once it has committed (the dashboard's by COPY FROM DATABASE, the command line's by
    copying the closed file), so it holds the data as of the last committed import. The note names
    that import, and says when the live file changed after the backup was written (a plan change, an
    export log entry, or an import whose backup failed), which this copy then lacks."""
    try:
        return query_threads(connect(path, read_only=True)), None
    except StoreLocked as exc:
        target = store_path(path)
        newest = latest_backup(target)
        if newest is None:
            raise StoreLocked(f"{exc} 也没有可读的备份（{backup_dir(target)}）。") from None
        written = newest.stat().st_mtime
    con = query_threads(_open_backup(newest))
    last = con.execute("SELECT max(import_id), CAST(max(imported_at) AS VARCHAR)[:16] FROM imports").fetchone()
    when = dt.datetime.fromtimestamp(written).strftime("%Y-%m-%d %H:%M")
    note = (f"数据库 {target} 正被看板占用：以下为最近一次提交的导入（#{last[0]}，{last[1]}）之后的备份 "
            f"{newest.name}（{when}）中的数据。" if last[0] is not None
            else f"数据库 {target} 正被看板占用：以下为备份 {newest.name}（{when}）中的数据。")
    changed = max((p.stat().st_mtime for p in (target, Path(str(target) + ".wal")) if p.exists()), default=0)
    if changed > written + BACKUP_SLACK_S:
        note += ("注意：备份之后数据库又有改动（如计划设置、导出记录，或备份失败的导入），"
                 "这些改动不在本结果中。")
    return con, note


BACKUP_SLACK_S = 2.0  # the live file's own checkpoint right after a backup is no change


def _open_backup(path: Path) -> duckdb.DuckDBPyConnection:
    """A backup opened read-only; one written by an older release (other views or migrations) is
    copied to a temporary file and brought up to date there, the backup itself untouched (connect)."""
    return connect(path, read_only=True)


def _die_with_parent(parent: int) -> Callable[[], None] | None:
    """A child's pre-exec step (Linux): killed with its parent, so a command killed while its probe
    runs leaves no orphan holding the store open (the next command would find it locked)."""
    if not sys.platform.startswith("linux"):
        return None

    import ctypes

    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up here: the child only calls it

    def arm() -> None:
        prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before the line above
            os._exit(1)
    return arm


def check_file(path: str | Path | None = None, timeout: float = 120) -> None:
    """Open the store in a separate process and read every table; StoreError naming the newest backup
    when the file is corrupt or truncated. Run it before opening the store (at start): a damaged file
    can crash the DuckDB library itself, which a child process survives. Missing file: nothing to check.
    """
    target = store_path(path)
    if str(target) == ":memory:" or not target.exists() or lake_target(path):
        return
    try:
        result = subprocess.run([sys.executable, "-c", _PROBE, str(target)], capture_output=True, text=True,
                                timeout=timeout, preexec_fn=_die_with_parent(os.getpid()))
    except subprocess.TimeoutExpired:
        raise StoreError(f"检查数据库 {target} 超时（{timeout:.0f} 秒）") from None
    if result.returncode == 0:
        return
    message = result.stdout.strip() or f"检查进程异常退出（{result.returncode}）"
    if _is_lock_error(message):
        raise _locked(target)
    raise _corrupt(target, message)


def migrate(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER, applied_at TIMESTAMP)")
    current = con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]
    on_lake = lake.conninfo(con) is not None
    for version, source in MIGRATIONS:
        if version <= current:
            continue
        sql = (PACKAGE_DIR / source).read_text(encoding="utf-8")
        if on_lake:
            sql = lake.adapt_schema(sql)
        with transaction(con):
            con.execute(sql)
            con.execute("INSERT INTO schema_version VALUES (?, now())", [version])
    seed_plan(con)
    apply_views(con)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection,
                failed: Callable[[str], InspectionError] | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """One write: BEGIN, the block, COMMIT; ROLLBACK on any exception, which goes on. `failed`, when
    given, turns a duckdb.Error (its first line, the reason) into the caller's kind of error."""
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            yield con
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    except duckdb.Error as exc:
        if failed is None:
            raise
        raise failed((str(exc).splitlines() or [type(exc).__name__])[0]) from None


def seed_plan(con: duckdb.DuckDBPyConnection) -> None:
    """The default plan row ('*') comes from the settings until an administrator changes it."""
    con.execute(
        "INSERT INTO plan_settings SELECT '*', ?::DATE, ?::DATE, ?::DOUBLE, now()::TIMESTAMP, 'settings' "
        "WHERE NOT EXISTS (SELECT 1 FROM plan_settings WHERE district = '*')",
        [settings.get("INSPECTION_PLAN_START"), settings.get("INSPECTION_PLAN_END"),
         settings.get("INSPECTION_PLAN_TARGET")])


def apply_views(con: duckdb.DuckDBPyConnection) -> None:
    """Define the live views, materialise them and define the views and macros the queries read.

    Only when the SQL text changed since the last time (a new release), recorded in the table
    views_applied: on a DuckLake each redefinition is a snapshot, and at national scale the
    materialisation takes seconds. Imports and undo refresh the materialised tables themselves."""
    live, views = LIVE_FILE.read_text(encoding="utf-8"), VIEWS_FILE.read_text(encoding="utf-8")
    digest = hashlib.sha256((live + views).encode()).hexdigest()
    con.execute("CREATE TABLE IF NOT EXISTS views_applied (sha256 VARCHAR, applied_at TIMESTAMP)")
    if con.execute("SELECT count(*) FROM views_applied WHERE sha256 = ?", [digest]).fetchone()[0]:
        return
    with transaction(con):
        con.execute(live)
        refresh_derived(con)
        con.execute(views)
        con.execute("DELETE FROM views_applied")
        con.execute("INSERT INTO views_applied VALUES (?, now()::TIMESTAMP)", [digest])


def refresh_derived(con: duckdb.DuckDBPyConnection, touched: str | None = None,
                    issues_touched: str | None = None, renumbered: bool = True) -> None:
    """Bring the materialised tables (m_units, m_inspections, m_issues, m_overdue) up to date with the
    live views.

    Called inside the transaction of every write that changes rows (import, undo), so readers see
    the tables and the rows they come from change together. `touched` names a table with a column
    unit_id: the written unit ids whose rows the write may have changed (added, replaced, revived,
    deleted or relinked); only their rows are rewritten. `issues_touched` (optional, columns round
    and unit_id): the (round, unit) pairs whose issue lists alone changed, so only their m_issues and
    m_overdue rows are rewritten. Without
    `touched`, or before the first full build, everything is rebuilt. `renumbered`: whether a round
    kept by the write moved in the order of rounds (refresh_rounds); when not, the rows not rewritten
    keep their round_ord, and nothing renumbers them.

    The issue pre-aggregates (AGGREGATES) follow m_issues: the groups of every (district, round) whose
    issue rows were rewritten are rewritten (the whole area's of their rounds, when the changed rows
    are few of those rounds', from their groups and the changed rows: _whole_by_delta), and they are
    written whole when m_issues is. Like the
    m_* tables, each is written whole and sorted again once its appended rows pass RESORT_SHARE.

    In these tables unit_id is a compact integer (joins and distinct counts of units are several
    times faster than on the written ids, which stay in unit_ref); no figure shows a unit_id. The
    keys live in unit_keys and never change once given.

    An import of a few rows runs this in tens of small statements: the tables there are looked up
    once, the appended rows counted and recorded in one statement each, and a table none of whose
    rows can change is not written."""
    have = _tables(con)
    # a store without a unit key has no derived row to keep (each is keyed by one): its first import
    # writes every table whole, in fewer and simpler statements than rewriting the touched units
    if (touched is None or "unit_keys" not in have or not all(t in have for t, _, _ in DERIVED)
            or not con.execute("SELECT EXISTS (SELECT 1 FROM unit_keys)").fetchone()[0]):
        con.execute("""
            CREATE OR REPLACE TABLE unit_keys AS
            SELECT unit_id AS unit_ref, CAST(row_number() OVER (ORDER BY unit_id) AS INTEGER) AS unit_key
            FROM (SELECT unit_id FROM live_units UNION SELECT unit_id FROM live_inspections)
        """)
        for table, view, order in DERIVED:
            _rebuild(con, table, view, order)
        _refresh_unit_summaries(con, None, have)
        _refresh_round_units(con, False, have)
        _refresh_inspection_totals(con)
        _rebuild_aggregates(con)
        for table in RETIRED_TABLES:
            if table in have:
                con.execute(f"DROP TABLE {table}")
        _write_appended(con, dict.fromkeys([t for t, _, _ in DERIVED] + [t for t, _, _ in AGGREGATES], 0), have)
        return
    # an issue list can only name units the store has (the importer checks), so new keys come
    # from `touched` alone
    con.execute(f"""
        INSERT INTO unit_keys
        SELECT unit_ref, CAST((SELECT coalesce(max(unit_key), 0) FROM unit_keys)
                              + row_number() OVER (ORDER BY unit_ref) AS INTEGER)
        FROM (SELECT DISTINCT unit_id AS unit_ref FROM {touched})
        WHERE unit_ref NOT IN (SELECT unit_ref FROM unit_keys)
    """)
    # (an issue list alone touches no unit: its import skips the statements that would select none)
    units = touched if con.execute(f"SELECT EXISTS (SELECT 1 FROM {touched})").fetchone()[0] else None
    # the issue rows about to be rewritten, as the aggregates read them (their groups are rewritten
    # where the rows differ afterwards)
    con.execute("CREATE OR REPLACE TEMP TABLE refresh_issues AS "
                + _touched_rows(f"SELECT {_ISSUE_ROW} FROM m_issues", "m_issues", "unit_ref", units, issues_touched))
    # the (district, round) pairs of the inspection rows about to be rewritten (ROUND_UNITS)
    con.execute(f"CREATE OR REPLACE TEMP TABLE refresh_rounds AS SELECT DISTINCT district, round FROM m_inspections "
                f"WHERE unit_ref IN (SELECT unit_id FROM {touched})")
    added = {}
    for table, view, order in DERIVED:
        pairs = issues_touched if table in ISSUE_TABLES else None
        if units is None and pairs is None:
            added[table] = 0
            continue
        delete = [f"unit_ref IN (SELECT unit_id FROM {units})"] if units else []
        if pairs:  # (on a table, unlike the view, the OR costs nothing more than two statements)
            delete.append(f"EXISTS (SELECT 1 FROM {pairs} p WHERE p.round = {table}.round "
                          f"AND p.unit_id = {table}.unit_ref)")
        con.execute(f"DELETE FROM {table} WHERE {' OR '.join(delete)}")
        added[table] = con.execute(f"INSERT INTO {table} SELECT * FROM ("
                                   f"{_touched_rows(_derived_select(view), 'v', 'unit_id', units, pairs)}) "
                                   f"ORDER BY {order}").fetchone()[0]
    # (a store written before the count existed has none: its tables are sorted at this import)
    appended = _count_appended(con, added, have)
    rebuilt = set()
    for table, view, order in DERIVED:
        if appended[table] is None:
            _rebuild(con, table, view, order)
            appended[table] = 0
            rebuilt.add(table)
    # a round added or removed elsewhere in the order renumbers every row's round_ord
    if renumbered:
        for table in ("m_inspections", "m_issues"):
            con.execute(f"UPDATE {table} SET round_ord = r.ord FROM rounds r "
                        f"WHERE {table}.round = r.round AND {table}.round_ord <> r.ord")
    if units is None and not renumbered and all(t in have for t in _INSPECTION_TABLES):
        # m_units and m_inspections as they were (an issue list alone): so is every table built from them
        con.execute("DROP TABLE refresh_rounds")
    else:
        _refresh_unit_summaries(con, touched, have)
        con.execute(f"INSERT INTO refresh_rounds SELECT DISTINCT district, round FROM m_inspections "
                    f"WHERE unit_ref IN (SELECT unit_id FROM {touched})")
        _refresh_round_units(con, True, have, renumbered)
        _refresh_inspection_totals(con)
    if "m_issues" in rebuilt or not all(t in have for t, _, _ in AGGREGATES):
        _rebuild_aggregates(con)  # sorted again with m_issues, or built for a store of an earlier release
        appended.update((t, 0) for t, _, _ in AGGREGATES)
    else:
        # the (district, round) pairs where the rewritten rows differ (district and round are never
        # NULL: both are required in every table they come from); a pair with rows on one side only
        # differs without comparing them (an import of new lists compares no rows)
        con.execute("CREATE OR REPLACE TEMP TABLE refresh_after AS " + _touched_rows(
            f"SELECT {_ISSUE_ROW} FROM m_issues", "m_issues", "unit_ref", units, issues_touched))
        differ = con.execute("""
            CREATE OR REPLACE TEMP TABLE refresh_places AS
            WITH before AS (SELECT DISTINCT district, round FROM refresh_issues),
                 after AS (SELECT DISTINCT district, round FROM refresh_after),
                 both_sides AS (SELECT * FROM before INTERSECT SELECT * FROM after)
            (SELECT * FROM before EXCEPT SELECT * FROM after)
            UNION (SELECT * FROM after EXCEPT SELECT * FROM before)
            UNION SELECT DISTINCT district, round FROM (
                (SELECT * FROM refresh_issues SEMI JOIN both_sides USING (district, round)
                 EXCEPT ALL SELECT * FROM refresh_after SEMI JOIN both_sides USING (district, round))
                UNION ALL
                (SELECT * FROM refresh_after SEMI JOIN both_sides USING (district, round)
                 EXCEPT ALL SELECT * FROM refresh_issues SEMI JOIN both_sides USING (district, round)))
        """).fetchone()[0]
        places = "SEMI JOIN (SELECT DISTINCT district, round FROM refresh_places) p USING (district, round)"
        rounds = "WHERE round IN (SELECT DISTINCT round FROM refresh_places)"
        delta = differ and _whole_by_delta(con)
        added = dict.fromkeys((t for t, _, _ in AGGREGATES), 0)
        for table, order, select in AGGREGATES:
            if differ:  # (no pair differs: no group changes)
                # the whole area's groups of the pairs' rounds: grouped again from the rounds' issue
                # rows, or (delta) their groups as they are plus the changed rows' (_whole_by_delta)
                whole = select(rounds, whole=True)
                if delta and table in WHOLE_DELTA:
                    con.execute(f"CREATE OR REPLACE TEMP TABLE refresh_whole AS {_whole_merged(table, select)}")
                    whole = "SELECT * FROM refresh_whole"
                # the pairs' groups, and the whole area's groups of their rounds ...
                con.execute(f"DELETE FROM {table} USING (SELECT district, round FROM refresh_places UNION "
                            f"SELECT '{WHOLE_AREA}', round FROM refresh_places) p "
                            f"WHERE {table}.district = p.district AND {table}.round = p.round")
                # ... grouped again from their issue rows
                added[table] = con.execute(f"INSERT INTO {table} SELECT * FROM ({select(places)}) "
                                           f"UNION ALL SELECT * FROM ({whole}) "
                                           f"ORDER BY {order}").fetchone()[0]
            if renumbered:
                con.execute(f"UPDATE {table} SET round_ord = r.ord FROM rounds r "
                            f"WHERE {table}.round = r.round AND {table}.round_ord <> r.ord")
        counted = _count_appended(con, added, have)
        for table, count in counted.items():
            if count is None:
                _rebuild_aggregates(con, table)
        appended.update((t, 0 if c is None else c) for t, c in counted.items())
        con.execute("DROP TABLE refresh_places; DROP TABLE refresh_after; DROP TABLE IF EXISTS refresh_whole; "
                    f"DROP VIEW IF EXISTS {DELTA_ROWS}")
    con.execute("DROP TABLE refresh_issues")
    _write_appended(con, appended, have)


# The aggregates whose whole-area groups refresh_derived may rewrite from the changed rows alone
# (_whole_by_delta): their counts add up over any split of the rows.
WHOLE_DELTA = ("a_issues", "a_issue_days", "a_rect_days")
# ... when the changed rows of the rewritten rounds are at most this share of those rounds' rows
# (the groups merged are far fewer than the rows: a_issue_days' whole-area groups of a national
# round ~150k, its rows ~1.1M); None: always, or never (the tests force either way)
WHOLE_DELTA_SHARE: float | None = 0.5
WHOLE_DELTA_FORCE: bool | None = None


def _whole_by_delta(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether refresh_derived rewrites the whole area's groups (WHOLE_DELTA) of the rounds in TEMP
    table refresh_places from their groups as they are and the changed rows, counted +1 after the
    write (refresh_after) and -1 before it (refresh_issues): cheaper than grouping every issue row of
    those rounds again when the changed rows are few of them (an issue list of a third of a round's
    districts at national: a_issue_days' whole area from 2.4M dates instead of 8M). Makes the TEMP
    view DELTA_ROWS of the changed rows of those rounds, with the round_ord of table rounds."""
    rounds = "round IN (SELECT DISTINCT round FROM refresh_places)"
    if WHOLE_DELTA_FORCE is None:
        changed, total = con.execute(
            f"SELECT (SELECT count(*) FROM refresh_after WHERE {rounds}) + "
            f"(SELECT count(*) FROM refresh_issues WHERE {rounds}), "
            f"(SELECT count(*) FROM m_issues WHERE {rounds})").fetchone()
        if changed > WHOLE_DELTA_SHARE * total:
            return False
    elif not WHOLE_DELTA_FORCE:
        return False
    # (a live issue's round is always in rounds; coalesce as live_inspections' round_ord)
    con.execute(f"CREATE OR REPLACE TEMP VIEW {DELTA_ROWS} AS SELECT d.*, coalesce(r.ord, 0) AS round_ord FROM ("
                f"SELECT {_ISSUE_ROW}, 1 AS w FROM refresh_after WHERE {rounds} "
                f"UNION ALL SELECT {_ISSUE_ROW}, -1 FROM refresh_issues WHERE {rounds}) d "
                f"LEFT JOIN rounds r USING (round)")
    return True


def _whole_merged(table: str, select: Callable[..., str]) -> str:
    """The whole area's groups of `table` (WHOLE_DELTA) of the rounds in refresh_places, merged from
    its groups as they are (the round_ord of table rounds: a renumbered round's rows take it later)
    and the changed rows' (DELTA_ROWS, counted by weight); a group whose rows are all gone is left out."""
    return (f"SELECT * REPLACE (CAST(sum(n) AS INTEGER) AS n) FROM ("
            f"SELECT t.* REPLACE (coalesce(r.ord, 0) AS round_ord) FROM {table} t LEFT JOIN rounds r USING (round) "
            f"WHERE t.district = '{WHOLE_AREA}' AND t.round IN (SELECT DISTINCT round FROM refresh_places) "
            f"UNION ALL SELECT * FROM ({select('', whole=True, rows=DELTA_ROWS)})) "
            f"GROUP BY ALL HAVING sum(n) <> 0")


def _touched_rows(select: str, alias: str, unit: str, touched: str | None, pairs: str | None) -> str:
    """`select` (a SELECT ... FROM, joins and all, no WHERE; `alias` the table or view with columns
    round and `unit`, the written unit id) of the rows refresh_derived rewrites: every row of the units
    in table `touched`, and the rows of the (round, unit_id) pairs in table `pairs` (an issue list
    replaces the rows of its own round and unit: the unit's lists of other rounds are not read or
    written again). A semi join each: an OR of both is evaluated after the view's joins (14 s of CPU
    for 1M issues at national instead of 1.4 s), and a branch of no unit costs a scan of the view."""
    parts = [f"{select} WHERE {alias}.{unit} IN (SELECT unit_id FROM {touched})"] if touched else []
    if pairs:
        others = f" WHERE unit_id NOT IN (SELECT unit_id FROM {touched})" if touched else ""
        parts.append(f"{select} SEMI JOIN (SELECT round, unit_id FROM {pairs}{others}) p "
                     f"ON p.round = {alias}.round AND p.unit_id = {alias}.{unit}")
    return " UNION ALL ".join(parts) or f"{select} WHERE false"


def _refresh_unit_summaries(con: duckdb.DuckDBPyConnection, touched: str | None, have: set[str]) -> None:
    """Rewrite the UNIT_SUMMARIES rows of the touched units from m_units and m_inspections (already
    refreshed), or every row, sorted (touched None, or a store written before the table existed);
    then COVER_MONTHS and COVER_DAYS whole from m_roster_first. `have`: the store's tables (_tables)."""
    for table, (order, query) in UNIT_SUMMARIES.items():
        if touched is None or table not in have:
            con.execute(f"CREATE OR REPLACE TABLE {table} AS {query.format(units='true')} ORDER BY {order}")
            continue
        keys = f"unit_id IN (SELECT unit_key FROM unit_keys WHERE unit_ref IN (SELECT unit_id FROM {touched}))"
        con.execute(f"DELETE FROM {table} WHERE {keys}")
        con.execute(f"INSERT INTO {table} {query.format(units=keys)} ORDER BY {order}")
    for name, query in (COVER_MONTHS, COVER_DAYS):
        con.execute(f"CREATE OR REPLACE TABLE {name} AS {query.format(whole=WHOLE_AREA)}")


def _refresh_inspection_totals(con: duckdb.DuckDBPyConnection) -> None:
    """Rewrite INSPECTION_TOTALS whole from m_inspections (already refreshed)."""
    for name, query in INSPECTION_TOTALS.items():
        con.execute(f"CREATE OR REPLACE TABLE {name} AS {query.format(whole=WHOLE_AREA)}")


def _refresh_round_units(con: duckdb.DuckDBPyConnection, touched: bool, have: set[str],
                         renumbered: bool = True) -> None:
    """Rewrite the ROUND_TABLES groups of the (district, round) pairs in TEMP table refresh_rounds
    (touched), or every group, sorted (not touched, or a store written before the table existed).
    `have`: the store's tables (_tables); `renumbered` as refresh_derived's."""
    for table, order, query in ROUND_TABLES:
        if not touched or table not in have:
            con.execute(f"CREATE OR REPLACE TABLE {table} AS {query.format(where='')} ORDER BY {order}")
            continue
        places = "SEMI JOIN (SELECT DISTINCT district, round FROM refresh_rounds) p USING (district, round)"
        con.execute(f"DELETE FROM {table} USING refresh_rounds p WHERE {table}.district = p.district "
                    f"AND {table}.round = p.round")
        con.execute(f"INSERT INTO {table} {query.format(where=places)} ORDER BY {order}")
        # a round added or removed elsewhere in the order renumbers every row's round_ord
        if renumbered and "round_ord" in query:
            con.execute(f"UPDATE {table} SET round_ord = r.ord FROM rounds r "
                        f"WHERE {table}.round = r.round AND {table}.round_ord <> r.ord")
    con.execute("DROP TABLE IF EXISTS refresh_rounds")


def _count_appended(con: duckdb.DuckDBPyConnection, added: dict[str, int], have: set[str]) -> dict[str, int | None]:
    """Count the rows just appended to each table of `added` (table: rows; each insert sorted, but
    after the rows already there), in one statement. For each table, the rows appended since it was
    last written sorted, or None when the caller must write it whole and sorted instead: they pass
    RESORT_SHARE of it (and RESORT_MIN_ROWS), or it has no count yet (_write_appended records them)."""
    totals = " UNION ALL ".join(f"SELECT '{table}' AS table_name, count(*) AS total FROM {table}" for table in added)
    before = ("(SELECT max(appended) FROM derived_appends d WHERE d.table_name = t.table_name)"
              if "derived_appends" in have else "NULL::BIGINT")
    out: dict[str, int | None] = {}
    for table, total, was in con.execute(f"SELECT table_name, total, {before} FROM ({totals}) t").fetchall():
        # rows inserted into an empty table are the whole table, in order: nothing out of place
        count = 0 if added[table] == total else None if was is None else was + added[table]
        out[table] = None if count is None or count >= max(RESORT_MIN_ROWS, RESORT_SHARE * total) else count
    return out


def _rebuild_aggregates(con: duckdb.DuckDBPyConnection, only: str | None = None) -> None:
    """Write the issue pre-aggregates (or the one named `only`) whole from m_issues, sorted (the
    caller records no appended rows for them). a_issue_days is written a run of months at a time
    (_touch_runs), each run's groups sorted after the previous run's: the table is as sorted."""
    for table, _, _ in AGGREGATES:
        if only is not None and table != only:
            continue
        runs = _touch_runs(con) if table == "a_issue_days" else [None]
        for i, run in enumerate(runs):
            con.execute(f"CREATE OR REPLACE TABLE {table} AS {aggregate_query(table, run)}" if i == 0
                        else f"INSERT INTO {table} {aggregate_query(table, run)}")


def _touch_runs(con: duckdb.DuckDBPyConnection) -> list[tuple[str | None, str | None]]:
    """The months of a_issue_days' touch cut into runs of about ISSUE_DAYS_RUN issue dates (an issue
    counts once per date it has: start, rectified, due), each (first month, month after the last) as
    aggregate_query reads them (None: open), in order; one run when m_issues is small."""
    months = con.execute(
        "SELECT month, count(*) FROM (SELECT date_trunc('month', start_date)::DATE AS month FROM m_issues "
        "UNION ALL SELECT date_trunc('month', rectified_date)::DATE FROM m_issues WHERE status = 'rectified' "
        "UNION ALL SELECT date_trunc('month', due_date)::DATE FROM m_issues) "
        "WHERE month IS NOT NULL GROUP BY month ORDER BY month").fetchall()
    cuts, run = [], 0
    for month, n in months:
        if run and run + n > ISSUE_DAYS_RUN:
            cuts.append(month.isoformat())
            run = 0
        run += n
    return list(zip([None] + cuts, cuts + [None], strict=True))


def _rebuild(con: duckdb.DuckDBPyConnection, table: str, view: str, order: str) -> None:
    """Write a materialised table whole, sorted (the caller records no appended rows for it). m_issues
    is written a run of districts at a time (_district_runs), each run sorted after the previous
    one's: the table is as sorted."""
    runs = _district_runs(con) if table == "m_issues" else [(None, None)]
    for i, (first, after) in enumerate(runs):
        # a run's districts: from `first` (None: from the first) up to `after` (excluded; None: to the
        # last, NULL among them); bound, never written into the SQL (a district is a ledger's text)
        within = ("true" if first is None and after is None else "coalesce(v.district >= $first, true)"
                  if after is None else "coalesce(v.district < $after, false)" if first is None
                  else "v.district >= $first AND v.district < $after")
        params = {k: v for k, v in (("first", first), ("after", after)) if v is not None}
        select = f"{_derived_select(view)} WHERE {within} ORDER BY {order}"
        con.execute(f"CREATE OR REPLACE TABLE {table} AS {select}" if i == 0 else f"INSERT INTO {table} {select}",
                    params or None)


def _district_runs(con: duckdb.DuckDBPyConnection) -> list[tuple[str | None, str | None]]:
    """live_issues' districts cut into runs of about M_ISSUES_RUN issues, each (its first district,
    the next run's first) in DuckDB's order of districts (None: open), in order; one run when the
    issues are fewer."""
    districts = con.execute(
        "SELECT i.district, sum(c.n) FROM (SELECT round, unit_id, count(*) AS n FROM issues "
        "WHERE superseded_by IS NULL GROUP BY ALL) c JOIN live_inspections i USING (round, unit_id) "
        "GROUP BY i.district ORDER BY i.district").fetchall()
    cuts, run = [], 0
    for district, n in districts:
        if run and run + n > M_ISSUES_RUN and district is not None:
            cuts.append(district)
            run = 0
        run += n
    return list(zip([None] + cuts, cuts + [None], strict=True))


def _write_appended(con: duckdb.DuckDBPyConnection, counts: dict[str, int], have: set[str] | None = None) -> None:
    """Record the rows appended to each table of `counts` since it was last written sorted, in one
    round trip (the names are the module's own tables, the counts integers). `have`: the store's
    tables (_tables), when the caller has them."""
    create = "" if have is not None and "derived_appends" in have else _APPENDS_TABLE + "; "
    names = ", ".join(f"'{table}'" for table in counts)
    values = ", ".join(f"('{table}', {int(rows)})" for table, rows in counts.items())
    con.execute(f"{create}DELETE FROM derived_appends WHERE table_name IN ({names}); "
                f"INSERT INTO derived_appends VALUES {values}")


def _set_appended(con: duckdb.DuckDBPyConnection, table: str, rows: int) -> None:
    """Rows appended to `table` since it was last written sorted."""
    _write_appended(con, {table: rows})


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The names of the store's tables (not the temporary ones), in one statement."""
    return {name for (name,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT temporary AND database_name = current_database() "
        "AND schema_name = current_schema()").fetchall()}


def _derived_select(view: str) -> str:
    return (f"SELECT v.* REPLACE (k.unit_key AS unit_id), v.unit_id AS unit_ref "
            f"FROM {view} v JOIN unit_keys k ON k.unit_ref = v.unit_id")


def run_query(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> pd.DataFrame:
    """Run queries/<name>.sql with the $parameters it names, taken from `params`.

    `params` may hold more keys than the query uses (the dashboard passes its whole filter
    state); every $name the file uses must be there.
    """
    params = params or {}
    wanted = query_params(name)
    missing = wanted - params.keys()
    if missing:
        raise QueryError(f"query {name} needs parameters {sorted(missing)}")
    bound = {key: _bindable(params[key]) for key in wanted}
    try:
        cur = con.cursor()
        sql, bound, _ = statement(cur, name, bound, fresh=True)
        return cur.execute(sql, bound).df()
    except duckdb.Error as exc:
        raise QueryError(f"查询 {name} 失败：{str(exc).splitlines()[0]}") from None


# A page's figures run side by side, each on a cursor of its own: DuckDB plans a query on one core
# and scans with all of them, so two to four figures at once fill a small machine's cores
# (bench/benchmark.py measures both ways).
QUERY_WORKERS = min(8, 2 * (os.cpu_count() or 1))
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def submit_query(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> Future:
    """Start run_query in the process's query pool, on a cursor of its own; the future's result is
    the frame (or the QueryError)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=QUERY_WORKERS, thread_name_prefix="query")
    return _pool.submit(run_query, con.cursor(), name, params)


def run_queries(con: duckdb.DuckDBPyConnection, requests: list[tuple[str, dict]]) -> list[pd.DataFrame]:
    """Several queries at once (see submit_query), the frames in the order asked."""
    futures = [submit_query(con, name, params) for name, params in requests]
    return [future.result() for future in futures]


def _bindable(value: object) -> object:
    if isinstance(value, (tuple, set, frozenset)):
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    if isinstance(value, dt.datetime):
        return value.date()
    return value

