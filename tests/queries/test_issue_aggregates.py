"""The issue figures read pre-aggregates the import keeps (a_issues, a_issue_days: issue 22 item 2)
instead of the issue rows, without changing one figure: every figure that reads issue_counts equals
its detail path (the issue rows themselves, SET VARIABLE issues_detail) over many filter sets and
as-of days at every grain of the drill-down, both paths equal the counts of f_issues (the rows with
the rules as written), after imports, a re-import that supersedes rows, an earlier round and an
undo; the aggregates then equal a whole rebuild. A store of an earlier release (no aggregates, its
old views) gives the same figures opened read-only, and is brought up to date opened writable."""

from __future__ import annotations

import datetime as dt
import random

import duckdb
import pandas as pd
import pytest
from support.ledgers import INSPECTION_HEADER, ISSUE_HEADER, ROSTER_HEADER, InputFile, csv_bytes, run, table

from inspection import importer, store
from inspection.filters import Filters

R1, R0 = "2021年第一轮", "2020年第一轮"
PARTY, FUNDS = "基层组织建设", "群众身边腐败"
QUERIES = [n for n in store.query_names()
           if any(f"{macro}(" in store.load_sql(n)
                  for macro in ("issue_counts", "issue_list_stats", "rectification_stats", "f_overdue", "issue_listed",
                                "inspection_days_apply", "district_days_apply", "level_results",
                                "level_results_like"))
           or "rect_steps_whole(" in store.load_sql(n)]
# the f_issues readers that stay on the issue rows: one unit's issues; and the one that reads them
# for a chosen place (rectification_by_days: a_rect_days is kept for the whole area only). The
# overdue list reads m_overdue (f_overdue), the rows on the detail path.
ROW_QUERIES = {"unit_issues", "unit_issues_by_category", "rectification_by_days"}

# the counts of every as-of rule, by district, round and category: from f_issues as the rules are
# written, and from issue_counts
REFERENCE = """
SELECT district, round, category, count(*) AS issues, count(*) FILTER (WHERE is_rectified) AS rectified,
       count(*) FILTER (WHERE is_long_term) AS long_term, count(*) FILTER (WHERE is_overdue) AS overdue,
       count(*) FILTER (WHERE NOT is_rectified AND NOT is_long_term AND NOT coalesce(is_overdue, false)) AS open,
       count(*) FILTER (WHERE end_date IS NOT NULL) AS with_feedback,
       count(*) FILTER (WHERE is_rectified AND end_date IS NOT NULL AND rectified_date IS NOT NULL
                        AND rectified_date <= end_date + 30) AS in_month,
       count(*) FILTER (WHERE start_date >= date_trunc('year', $as_of::DATE)) AS this_year
FROM f_issues($districts, $townships, $unit_types, $poverty_only,
              $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories)
GROUP BY ALL ORDER BY ALL
"""
COUNTED = """
SELECT district, round, category, tally(n) AS issues, tally_if(n, is_rectified) AS rectified,
       tally_if(n, is_long_term) AS long_term, tally_if(n, is_overdue) AS overdue,
       tally_if(n, NOT is_rectified AND NOT is_long_term AND NOT coalesce(is_overdue, false)) AS open,
       tally_if(n, has_feedback) AS with_feedback, tally_if(n, rectified_in_month) AS in_month,
       tally_if(n, start_date >= date_trunc('year', $as_of::DATE)) AS this_year
FROM issue_counts($districts, $townships, $unit_types, $poverty_only,
                  $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories, 'district')
GROUP BY ALL ORDER BY ALL
"""
# the same without the district: a figure not grouped by area (grain NULL) reads the whole area's
# groups when no district is chosen
REFERENCE_WHOLE = REFERENCE.replace("SELECT district, round", "SELECT round")
COUNTED_WHOLE = COUNTED.replace("SELECT district, round", "SELECT round").replace("'district')", "NULL)")
# and by subcategory (grain 'subcategory'): the whole area's groups alone keep it; a district's come
# from the rows
REFERENCE_SUB = REFERENCE.replace("SELECT district, round, category", "SELECT round, category, subcategory")
COUNTED_SUB = COUNTED.replace("SELECT district, round, category", "SELECT round, category, subcategory").replace(
    "'district')", "'subcategory')")
# and the listed issues alone by round and category (issue_listed, grain NULL: the whole area's groups of
# a_issues when no district is chosen, a_listed's districts' when one is), with each round's order
REFERENCE_LISTED = """
SELECT round, min(round_ord) AS round_ord, category, count(*) AS issues
FROM f_issues($districts, $townships, $unit_types, $poverty_only,
              $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories)
GROUP BY ALL ORDER BY ALL
"""
COUNTED_LISTED = """
SELECT round, min(round_ord) AS round_ord, category, tally(n) AS issues
FROM issue_listed($districts, $townships, $unit_types, $poverty_only,
                  $rounds, $year_from, $year_to, $levels, $modes, $as_of, $categories, NULL)
GROUP BY ALL ORDER BY ALL
"""


def run_sql(con, sql: str, params: dict, detail: bool) -> pd.DataFrame:
    cur = con.cursor()
    if detail:
        # the issue rows, and the inspection rows instead of the whole area's inspection totals
        # (store.INSPECTION_TOTALS)
        cur.execute("SET VARIABLE issues_detail = true")
        cur.execute("SET VARIABLE inspections_detail = true")
    names = set(store._PARAM.findall(store._strip_comments(sql)))
    return cur.execute(sql, {k: store._bindable(params[k]) for k in names}).df()


# the sums of a DOUBLE column (funds_recovered: 万元)
FLOAT_SUMS = ["funds_recovered"]

# the whole area's and the subcategory counts are compared on every EXTRA_EVERY-th filter set (the
# first of each call included), the counts by district and every figure on all of them
EXTRA_EVERY = 3


def assert_same_frame(ours: pd.DataFrame, theirs: pd.DataFrame, obj: str) -> None:
    """Equal frames: every column exactly but the DOUBLE ones (a sum of the DOUBLE funds or of the
    plan's weighted shares is in no fixed order in DuckDB's parallel aggregate), to the last bits."""
    floats = list(theirs.select_dtypes("floating").columns)
    pd.testing.assert_frame_equal(ours.drop(columns=floats), theirs.drop(columns=floats), check_exact=True, obj=obj)
    pd.testing.assert_frame_equal(ours.filter(floats), theirs.filter(floats), check_exact=False,
                                  rtol=1e-12, atol=1e-12, obj=obj)


def assert_same_figures(con, sets: list[dict], figures: bool = True) -> int:
    """Every issue figure, both paths, equal (unless not `figures`); and both equal the reference
    counts (by district on every set, the whole area's and by subcategory on every EXTRA_EVERY-th).
    The comparisons made."""
    made = 0
    for i, params in enumerate(sets):
        for name in QUERIES if figures else ():
            params = {"limit": None, **params}
            fast = run_sql(con, store.load_sql(name), params, detail=False)
            rows = run_sql(con, store.load_sql(name), params, detail=True)
            pd.testing.assert_frame_equal(fast.drop(columns=FLOAT_SUMS, errors="ignore"),
                                          rows.drop(columns=FLOAT_SUMS, errors="ignore"), check_exact=True,
                                          obj=f"{name} {params}")
            # a DOUBLE summed by groups first differs in the last bits at most (DuckDB's own parallel
            # sum of the rows is in no fixed order either)
            pd.testing.assert_frame_equal(fast.filter(FLOAT_SUMS), rows.filter(FLOAT_SUMS), check_exact=False,
                                          rtol=1e-12, atol=1e-12, obj=f"{name} {params}")
            if store.query_paths(name):  # the statement chosen for the parameters (queries/paths/)
                assert_same_frame(store.run_query(con, name, params), fast, f"{name} chosen {params}")
            made += 1
        pairs = ((REFERENCE, COUNTED), (REFERENCE_WHOLE, COUNTED_WHOLE), (REFERENCE_SUB, COUNTED_SUB),
                 (REFERENCE_LISTED, COUNTED_LISTED))
        for reference_sql, counted_sql in pairs if i % EXTRA_EVERY == 0 else pairs[:1]:
            reference = run_sql(con, reference_sql, params, detail=False)
            for detail in (False, True):
                counted = run_sql(con, counted_sql, params, detail=detail)
                pd.testing.assert_frame_equal(counted, reference, check_exact=True, obj=f"counts {detail} {params}")
                made += 1
    # the filter panel's categories (filter_options_by_kind reads them from a_issue_totals): the issue rows'
    options = store.run_query(con, "filter_options_by_kind", {})
    assert options.loc[options["kind"] == "category", "value"].tolist() == \
        [r[0] for r in con.execute("SELECT DISTINCT category FROM m_issues ORDER BY 1").fetchall()]
    return made


def assert_aggregates_rebuilt(con) -> None:
    """The aggregates as the imports and undos kept them hold the same groups as a whole rebuild."""
    for table_name, _, _ in store.AGGREGATES:
        kept = con.execute(f"SELECT * FROM {table_name} ORDER BY ALL").fetchall()
        whole = con.execute(f"SELECT * FROM ({store.aggregate_query(table_name)}) ORDER BY ALL").fetchall()
        assert kept == whole, table_name


def test_every_reader_of_the_issue_rows_is_known():
    readers = {n for n in store.query_names() if "f_issues(" in store.load_sql(n)}
    assert readers <= ROW_QUERIES, readers - ROW_QUERIES
    assert {"headline_totals", "rectification_totals", "issues_by_district_category", "issues_by_round_category",
            "rectification_by_category", "overdue_by_district_category", "results_by_period",
            "overdue_issues"} <= set(QUERIES)
    assert "f_issues(" not in _macro("rectification_stats")
    assert "f_issues(" not in _macro("issue_list_stats")


def _macro(name: str) -> str:
    text = store.VIEWS_FILE.read_text(encoding="utf-8")
    start = text.index(f"CREATE OR REPLACE MACRO {name}(")
    return text[start:text.index(";\n", start)]


# ------------------------------------------------------------------ a small city of edge cases

def edge_files(issue_rows: list[list[object]] | None = None) -> list[InputFile]:
    roster = [["东城区", "城关镇", "张家村", "村", "是", "否"], ["东城区", "城关镇", "李家村", "村", "否", "否"],
              ["西城区", "河口镇", "王庄村", "社区", "否", "否"]]
    inspections = [
        [R1, "市级", "市一组", "常规", "2021-03-15", "2021-05-20", "东城区", "城关镇", "张家村", 9, 0, 0, 1],
        [R1, "县级", "县一组", "专项", "2021-03-31", "", "西城区", "河口镇", "王庄村", 4, 0, 0, 1],
        [R1, "县级", "县二组", "常规", "2021-06-01", "2021-06-30", "东城区", "城关镇", "李家村", 2, 0, 0, 1],
    ]
    return [InputFile("roster.csv", csv_bytes(table(ROSTER_HEADER, roster))),
            InputFile("inspections.csv", csv_bytes(table(INSPECTION_HEADER, inspections))),
            InputFile("issues.csv", csv_bytes(table(ISSUE_HEADER, issue_rows or EDGE_ISSUES)))]


EDGE_ISSUES = [
    [R1, "东城区", "城关镇", "张家村", PARTY, "组织生活", "已整改", "2021-04-30", ""],            # rectified, no date
    [R1, "东城区", "城关镇", "张家村", PARTY, "组织生活", "已整改", "2021-06-30", "2021-05-01"],  # before feedback
    [R1, "东城区", "城关镇", "张家村", FUNDS, "村级财务", "已整改", "2021-07-31", "2021-06-19"],  # 30 days after
    [R1, "东城区", "城关镇", "张家村", FUNDS, "村级财务", "已整改", "2021-07-31", "2021-06-20"],  # 31 days after
    [R1, "东城区", "城关镇", "张家村", FUNDS, "村级财务", "已整改", "2021-06-01", "2021-07-15"],  # late: overdue a while
    [R1, "东城区", "城关镇", "张家村", PARTY, "组织生活", "已整改", "2021-06-30", "2021-06-15"],  # in time, same month
    [R1, "东城区", "城关镇", "张家村", PARTY, "组织生活", "已整改", "", "2021-08-02"],            # no due date
    [R1, "东城区", "城关镇", "张家村", FUNDS, "村级财务", "已整改", "2021-03-31", "2021-02-10"],  # before the start
    [R1, "东城区", "城关镇", "张家村", FUNDS, "村级财务", "整改中", "", ""],                      # open, no due date
    [R1, "西城区", "河口镇", "王庄村", PARTY, "组织生活", "整改中", "2021-05-31", "2021-05-10"],  # open with a date
    [R1, "西城区", "河口镇", "王庄村", PARTY, "组织生活", "长期坚持", "2021-04-01", ""],          # long-term, past due
    [R1, "西城区", "河口镇", "王庄村", FUNDS, "村级财务", "未整改", "2021-03-31", ""],            # due on its start month
    [R1, "西城区", "河口镇", "王庄村", FUNDS, "村级财务", "已整改", "2021-04-15", "2021-04-16"],  # no feedback, late
    [R1, "东城区", "城关镇", "李家村", PARTY, "组织生活", "已整改", "2021-06-30", "2021-06-30"],  # all in one month
    [R1, "东城区", "城关镇", "李家村", FUNDS, "村级财务", "整改中", "2021-07-01", ""],
]


def edge_days() -> list[dt.date]:
    days = {dt.date(2020, 1, 1), dt.date.today(), dt.date(2030, 1, 1), dt.date(2021, 12, 31), dt.date(2022, 1, 1)}
    for row in EDGE_ISSUES:
        for text in row[7:9]:
            if text:
                day = dt.date.fromisoformat(text)
                days |= {day - dt.timedelta(days=1), day, day + dt.timedelta(days=1)}
    for month in range(2, 10):  # month starts and ends
        first = dt.date(2021, month, 1)
        days |= {first, first - dt.timedelta(days=1)}
    return sorted(days)


def edge_sets(days: list[dt.date], per_filter: int) -> list[dict]:
    """The filter sets on `days`: every day without filters, `per_filter` of them under each filter."""
    place = [Filters(), Filters(districts=("东城区",)), Filters(districts=("东城区",), townships=("东城区/城关镇",)),
             Filters(townships=("河口镇",)), Filters(districts=("西城区", "东城区")), Filters(unit_types=("社区",)),
             Filters(poverty_only=True), Filters(levels=("county",)), Filters(modes=("专项",)),
             Filters(rounds=(R1,)), Filters(categories=(FUNDS,)), Filters(year_from=2022), Filters(year_to=2021),
             Filters(districts=("东城区",), levels=("municipal",), categories=(PARTY,))]
    some = random.Random(per_filter)
    return [Filters(**{**f.__dict__, "as_of": day}).params() for f in place
            for day in (days if f is place[0] else some.sample(days, per_filter))]


@pytest.fixture
def edge(tmp_path):
    db = tmp_path / "edge.duckdb"
    con = store.connect(db)
    result = run(con, *edge_files())
    assert result.status == "imported", result.to_json()
    yield con
    con.close()


def test_edge_cases_equal_the_detail_path_after_imports_and_undo(edge):
    con = edge
    days = edge_days()
    assert_aggregates_rebuilt(con)
    assert assert_same_figures(con, edge_sets(days, 3), figures=False) > 150  # every rule, every day
    assert assert_same_figures(con, edge_sets(days[::14], 1)) > 100  # every figure
    sample = random.Random(7).sample(edge_sets(days, 2), 5)
    changes = random.Random(8).sample(edge_sets(days, 2), 12)

    # a re-import that supersedes one unit's list (other statuses, one issue fewer)
    changed = [r[:6] + (["整改中", r[7], ""] if r[6] == "已整改" else r[6:]) for r in EDGE_ISSUES if r[3] == "王庄村"][1:]
    superseding = run(con, InputFile("issues_v2.csv", csv_bytes(table(ISSUE_HEADER, changed))))
    assert superseding.status == "imported" and superseding.replaced > 0
    assert_aggregates_rebuilt(con)
    assert_same_figures(con, sample)
    assert_same_figures(con, changes, figures=False)

    # a re-import that changes one issue's subcategory alone (the whole area's groups keep it)
    unit = next(r[3] for r in EDGE_ISSUES if r[3] != "王庄村")
    relabelled = [list(r) for r in EDGE_ISSUES if r[3] == unit]
    relabelled[0][5] = "另一个二级类别"
    assert run(con, InputFile("issues_v3.csv", csv_bytes(table(ISSUE_HEADER, relabelled)))).status == "imported"
    assert_aggregates_rebuilt(con)
    assert_same_figures(con, sample[:2])

    # an earlier round renumbers every round_ord the aggregates keep
    earlier = [[R0, "市级", "市一组", "常规", "2020-09-01", "2020-10-15", "西城区", "河口镇", "王庄村", 1, 0, 0, 0]]
    issue = [[R0, "西城区", "河口镇", "王庄村", FUNDS, "村级财务", "已整改", "2020-12-31", "2021-01-05"]]
    earlier_import = run(con, InputFile("inspections_2020.csv", csv_bytes(table(INSPECTION_HEADER, earlier))),
                         InputFile("issues_2020.csv", csv_bytes(table(ISSUE_HEADER, issue))))
    assert earlier_import.status == "imported", earlier_import.to_json()
    assert con.execute("SELECT min(round_ord) FROM a_issues WHERE round = ?", [R1]).fetchone()[0] == 2
    assert_aggregates_rebuilt(con)
    assert_same_figures(con, sample + [Filters(as_of=dt.date(2021, 1, 5)).params(),
                                       Filters(as_of=dt.date(2021, 1, 4), rounds=(R0,)).params()])
    assert_same_figures(con, changes, figures=False)

    importer.undo(con, superseding.import_id, "admin")
    assert_aggregates_rebuilt(con)
    assert_same_figures(con, sample)
    importer.undo(con, earlier_import.import_id, "admin")
    assert_aggregates_rebuilt(con)
    assert_same_figures(con, changes, figures=False)


def test_the_demo_city_at_every_grain(demo_db):
    con = store.connect(demo_db, read_only=True)
    units = con.execute("SELECT DISTINCT district, township FROM v_units ORDER BY ALL").fetchall()
    rounds = [r[0] for r in con.execute("SELECT round FROM rounds ORDER BY ord").fetchall()]
    categories = [r[0] for r in con.execute("SELECT DISTINCT category FROM v_issues ORDER BY 1").fetchall()]
    last = con.execute("SELECT max(start_date) FROM v_inspections").fetchone()[0]
    rng = random.Random(22)
    days = [dt.date(2026, 11, 15), dt.date.today(), dt.date(2019, 1, 1), last, dt.date(2025, 12, 31),
            dt.date(2026, 1, 1), dt.date(2024, 6, 30), dt.date(2024, 7, 1)]
    sets = []
    for i in range(16):
        district, township = units[rng.randrange(len(units))]
        place = ({}, {"districts": (district,)}, {"districts": (district,), "townships": (f"{district}/{township}",)},
                 {"districts": tuple(sorted({district, units[0][0]}))})[i % 4]
        extra = rng.choice([{}, {"rounds": tuple(rng.sample(rounds, 2))}, {"levels": ("county",)},
                            {"categories": (rng.choice(categories),)}, {"year_from": 2025}, {"year_to": 2025},
                            {"modes": ("常规",)}, {"unit_types": ("社区",)}, {"poverty_only": True}])
        sets.append(Filters(as_of=days[i % len(days)], **place, **extra).params())
    assert {p["grain"] for p in sets} == {"district", "township", "unit"}
    assert_same_figures(con, sets)
    con.close()


def test_a_store_of_an_earlier_release_opened_read_only(edge, tmp_path):
    con = edge
    params = [Filters(as_of=day).params() for day in (dt.date(2021, 6, 15), dt.date(2021, 7, 31), dt.date(2030, 1, 1))]
    expected = [[store.run_query(con, name, {"limit": None, **p}) for name in QUERIES] for p in params]
    db = tmp_path / "edge.duckdb"
    # what a store of the release before the aggregates looks like: no aggregates, views without them
    con.execute("DROP MACRO TABLE rectification_stats; DROP MACRO TABLE issue_counts; "
                "DROP TABLE a_issues; DROP TABLE a_issue_days; DELETE FROM views_applied")
    con.close()
    reader = store.connect(db, read_only=True)  # a temporary copy brought up to date
    for p, want in zip(params, expected, strict=True):
        for name, frame in zip(QUERIES, want, strict=True):
            pd.testing.assert_frame_equal(store.run_query(reader, name, {"limit": None, **p}), frame)
    reader.close()
    raw = duckdb.connect(str(db), read_only=True)  # the file itself untouched
    assert not raw.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'a_issues'").fetchone()[0]
    raw.close()
    writer = store.connect(db)  # a writable open builds them in the file
    assert_aggregates_rebuilt(writer)
    for p, want in zip(params, expected, strict=True):
        for name, frame in zip(QUERIES, want, strict=True):
            pd.testing.assert_frame_equal(store.run_query(writer, name, {"limit": None, **p}), frame)
    writer.close()


def test_the_whole_area_reads_the_inspection_totals(demo_db):
    """With no place filter the inspection sums come from a_inspection_days (and the units from
    a_unit_days), not the inspection rows; with a district chosen, from the rows (the comparisons above
    then compare two different reads). The districts' sums come from a_inspection_months at the district
    grain, also with districts chosen."""
    con = store.connect(demo_db, read_only=True)
    district = con.execute("SELECT min(district) FROM v_inspections").fetchone()[0]
    readers = ("headline_totals", "results_by_level", "results_by_level_mode", "results_by_period",
               "results_by_district")
    for params, fast in ((Filters().params(), True), (Filters(levels=("county",)).params(), True),
                         (Filters(districts=(district,)).params(), False),
                         (Filters(districts=(district, district + "x")).params(), False)):
        for name in readers:
            sql = store.load_sql(name)
            names = set(store._PARAM.findall(store._strip_comments(sql)))
            plan = str(con.execute("EXPLAIN (FORMAT json) " + sql, {k: store._bindable(params[k]) for k in names}).fetchall())
            if name == "results_by_district":
                assert ("a_inspection_months" in plan) == (params["grain"] == "district"), (name, params)
                continue
            assert ("a_inspection_days" in plan) == fast, (name, params)
            assert ("m_inspections" in plan) != fast or name in ("headline_totals", "results_by_period"), (name, params)
    con.close()


def test_several_districts_read_as_with_the_district_bounds(demo_db):
    """Every reader tests the district with `= ANY(list)` (unit_ok and issue_unit_ok, which prune the
    row groups district by district); every figure equals the one the min..max bounds and
    list_contains give (unit_ok before session 16), for districts far apart, side by side and alone,
    under the other filters, at the district and township grains."""
    con = store.connect(demo_db, read_only=True)
    districts = [r[0] for r in con.execute("SELECT DISTINCT district FROM v_units ORDER BY 1").fetchall()]
    assert len(districts) >= 3
    rounds = [r[0] for r in con.execute("SELECT round FROM rounds ORDER BY ord").fetchall()]
    rng = random.Random(23)
    sets = []
    for chosen in ([districts[0], districts[-1]], districts[:2], districts[::2], [districts[1]], ["无此区", districts[-1]]):
        for extra in ({}, {"levels": ("county",)}, {"rounds": (rng.choice(rounds),)}, {"unit_types": ("社区",)}):
            sets.append(Filters(districts=tuple(chosen), as_of=dt.date(2026, 11, 15), **extra).params())
    # every query with filters but one unit's (a temporary macro shadows the store's, also where
    # another macro calls it)
    names = [n for n in store.query_names() if store.query_params(n)
             and store.query_params(n) <= {"limit", *sets[0]} and "unit_name" not in store.query_params(n)]
    bounds = con.cursor()
    bounds.execute("CREATE TEMP MACRO unit_ok(districts, townships, unit_types, poverty_only, d, t, ut, pv) AS "
                   "(len(districts::VARCHAR[]) = 0 OR (d >= list_min(districts::VARCHAR[]) "
                   "AND d <= list_max(districts::VARCHAR[]) AND list_contains(districts::VARCHAR[], d))) "
                   "AND (len(townships::VARCHAR[]) = 0 OR list_contains(townships::VARCHAR[], t) "
                   "OR list_contains(townships::VARCHAR[], d || '/' || t)) "
                   "AND (len(unit_types::VARCHAR[]) = 0 OR list_contains(unit_types::VARCHAR[], ut)) "
                   "AND (NOT coalesce(poverty_only::BOOLEAN, false) OR coalesce(pv, false))")
    compared = 0
    for params in sets:
        params = {"limit": None, **params}
        for name in names:
            sql = store.load_sql(name)
            bound = {k: store._bindable(params[k]) for k in store.query_params(name)}
            ours = store.run_query(con, name, params)
            pd.testing.assert_frame_equal(ours, bounds.execute(sql, bound).df(), obj=f"{name} {params}")
            compared += len(ours)
    assert compared > 0
    plan = str(con.execute("EXPLAIN " + store.load_sql("rectification_by_days"),
                           {k: store._bindable(v) for k, v in sets[0].items()
                            if k in store.query_params("rectification_by_days")}).fetchall())
    assert "UNNEST" in plan  # the chosen districts as a join's build side
    con.close()


# ------------------------------------------------------------------ statements chosen before binding

PATH_QUERIES = [n for n in store.query_names() if store.query_paths(n)]


def test_every_query_path_binds_only_what_its_query_binds():
    assert "headline_totals" in PATH_QUERIES
    for path in store.PATHS_DIR.glob("*.sql"):
        assert path.stem.split(".")[0] in PATH_QUERIES, path.name  # no path of an unknown query
    for name in PATH_QUERIES:
        for path, _condition, sql, when_names, sql_names in store.query_paths(name):
            assert when_names <= store.query_params(name), (name, path)
            assert sql_names <= store.query_params(name), (name, path)
            assert "getvariable" not in sql, (name, path)  # the switches belong in the condition


def test_each_query_path_gives_the_general_statements_frame(demo_db):
    """Every statement of queries/paths/ equals its general statement (queries/<name>.sql, every
    branch) over many filter sets at every grain, each path taken on some of them; a
    cursor with a detail switch of the tests set runs the general statement."""
    con = store.connect(demo_db, read_only=True)
    units = con.execute("SELECT DISTINCT district, township FROM v_units ORDER BY ALL").fetchall()
    rounds = [r[0] for r in con.execute("SELECT round FROM rounds ORDER BY ord").fetchall()]
    categories = [r[0] for r in con.execute("SELECT DISTINCT category FROM v_issues ORDER BY 1").fetchall()]
    rng = random.Random(24)
    days = [dt.date(2026, 11, 15), dt.date(2019, 1, 1), dt.date(2025, 12, 31), dt.date(2026, 1, 1),
            dt.date(2024, 6, 30), dt.date(2024, 7, 1), dt.date(2030, 1, 1)]
    sets = [Filters(as_of=day).params() for day in days]
    # one or two districts and no place at all, alone and under inspection filters (each path's case)
    two = tuple(sorted({units[0][0], units[-1][0]}))
    for extra in ({}, {"levels": ("county",)}, {"rounds": (rounds[0],)}, {"categories": (categories[0],)}):
        sets += [Filters(as_of=days[0], districts=(units[1][0],), **extra).params(),
                 Filters(as_of=days[4], districts=two, **extra).params(), Filters(as_of=days[3], **extra).params()]
    for i in range(28):
        district, township = units[rng.randrange(len(units))]
        place = ({}, {}, {"districts": (district,)}, {"districts": (district,), "townships": (f"{district}/{township}",)},
                 {"districts": tuple(sorted({district, units[0][0]}))})[i % 5]
        extra = rng.choice([{}, {}, {"rounds": tuple(rng.sample(rounds, 2))}, {"levels": ("county",)},
                            {"levels": ("county", "municipal")}, {"categories": (rng.choice(categories),)},
                            {"year_from": 2025}, {"year_to": 2025}, {"modes": ("常规",)}, {"unit_types": ("社区",)},
                            {"poverty_only": True}, {"townships": (township,)}])
        sets.append(Filters(as_of=rng.choice(days), **place, **extra).params())
    taken: dict[tuple[str, str | None], int] = {}
    for params in sets:
        params = {"limit": None, **params}
        for name in PATH_QUERIES:
            bound = {k: store._bindable(params[k]) for k in store.query_params(name)}
            _, _, path = store.statement(con.cursor(), name, bound)
            taken[(name, path)] = taken.get((name, path), 0) + 1
            general = con.cursor().execute(store.load_sql(name), bound).df()
            assert_same_frame(store.run_query(con, name, params), general, f"{name} {path} {params}")
    for name in PATH_QUERIES:  # (paths whose conditions cover every case leave the general one untaken)
        for path, *_ in store.query_paths(name):
            assert taken.get((name, path)), (name, path)
    # a detail switch of the tests set on the cursor: the general statement's frame on that cursor (the
    # detail path), never a path that reads the aggregates the switch turns off
    default = {k: store._bindable(v) for k, v in {"limit": None, **Filters(as_of=days[0]).params()}.items()}
    for switch in ("issues_detail", "inspections_detail", "coverage_detail"):
        for name in PATH_QUERIES:
            cur = con.cursor()
            cur.execute(f"SET VARIABLE {switch} = true")
            bound = {k: default[k] for k in store.query_params(name)}
            sql, chosen_bound, path = store.statement(cur, name, bound)
            assert_same_frame(cur.execute(sql, chosen_bound).df(), cur.execute(store.load_sql(name), bound).df(),
                              f"{name} {switch}")
            reads = {"issues_detail": ("issue_counts_whole", "issue_counts_districts", "issue_list_stats_"),
                     "coverage_detail": ("coverage_curve_months", "a_cover_months")}.get(switch, ())
            assert not any(r in store._strip_comments(sql) for r in reads), (name, switch, path)
            if switch == "inspections_detail" and "a_inspection_days" in sql:  # read under their guard only
                assert "days_apply(" in store._strip_comments(sql), (name, switch, path)
    con.close()
