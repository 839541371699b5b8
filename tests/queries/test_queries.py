"""Every queries/*.sql runs against a fixture store with the parameters its callers pass, and the
metric definitions give the figures computed by hand on a tiny city."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest
from support.ledgers import (
    INSPECTION_HEADER,
    ISSUE_HEADER,
    ROSTER_HEADER,
    InputFile,
    csv_bytes,
    fresh_store,
    inspection_row,
    inspections_csv,
    memory_store,
    roster_csv,
    run,
    table,
)

from inspection import metrics, store
from inspection.filters import LIST_ROWS, Filters, listing

FILTER_PARAMS = set(Filters().params())
# queries a caller runs with no parameters at all (option lists, settings tables)
NO_PARAMS = {"filter_options_by_kind", "plan_settings_by_district", "data_as_of"}
# parameters beyond the filter state that some caller passes: {query: {name: sample value}}
EXTRA_PARAMS: dict[str, dict] = {name: {"limit": rows} for name, rows in LIST_ROWS.items()}
# the unit page (pages/unit.py): the type-ahead's rows, and one unit (a demo unit by its place and name)
EXTRA_PARAMS["units_by_name"] = {"limit": 5001}
for _name in ("unit_inspections_by_round", "unit_issues_by_category", "unit_issues"):
    EXTRA_PARAMS[_name] = {"unit_district": "临颍县", "unit_township": "北港镇", "unit_name": "下何村"}


def caller_params(name: str) -> set[str]:
    if name in NO_PARAMS:
        return set()
    return FILTER_PARAMS | set(EXTRA_PARAMS.get(name, {}))


@pytest.fixture(scope="module")
def demo(demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    yield con
    con.close()


def demo_dates(con) -> tuple[dt.date, dt.date]:
    """(the end of the demo data, a date in its middle): the generator decides the years."""
    first, last = con.execute("SELECT min(first_start), max(last_end) FROM rounds").fetchone()
    return last, first + (last - first) / 2


def samples(con) -> list[Filters]:
    last, middle = demo_dates(con)
    district, township = con.execute("SELECT district, township FROM v_units ORDER BY 1, 2 LIMIT 1").fetchone()
    round_, year = con.execute("SELECT round, year FROM rounds ORDER BY ord LIMIT 1").fetchone()
    mode = con.execute("SELECT mode FROM v_inspections GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    category = con.execute("SELECT category FROM v_issues LIMIT 1").fetchone()[0]
    return [
        Filters(as_of=last),
        Filters(as_of=middle, districts=(district,), levels=("county",)),
        Filters(as_of=last, townships=(f"{district}/{township}",), rounds=(round_,),
                poverty_only=True, unit_types=("村",)),
        Filters(as_of=last, year_from=year, year_to=year + 1, modes=(mode,),
                categories=(category,), levels=("municipal",)),
        Filters(as_of=dt.date(2000, 1, 1)),  # before anything happened: empty results, no errors
    ]


def test_there_are_queries():
    assert {"headline_totals", "results_by_level", "coverage_by_district", "issues_by_category",
            "uncovered_units"} <= set(store.query_names())


@pytest.mark.parametrize("name", store.query_names())
def test_query_params_are_what_callers_pass(name):
    used = store.query_params(name)
    unknown = used - caller_params(name)
    assert not unknown, f"{name}.sql binds {sorted(unknown)}, which no caller passes (add to EXTRA_PARAMS?)"


@pytest.mark.parametrize("name", store.query_names())
def test_query_runs_on_demo_store(demo, name):
    for filters in samples(demo):
        params = {} if name in NO_PARAMS else {**filters.params(), **EXTRA_PARAMS.get(name, {})}
        frame = store.run_query(demo, name, params)
        assert frame is not None
        assert len(frame.columns) > 0


@pytest.mark.parametrize("name", store.query_names())
def test_query_file_is_bound_parameters_only(name):
    sql = store.load_sql(name)
    assert "{" not in sql.replace("{}", ""), "looks like a format template"
    assert "%s" not in sql


# The coverage plan's rules, each written once in _views.sql (first_covers, plan_share,
# covered_recently, pace_per_month, days_per_month): no query file spells one out again.
PLAN_RULES = ("INTERVAL 6 MONTH", "30.4375", "/ 6.0", "datediff('day', p.plan_start", "plan_end - plan_start",
              "min(start_date)")


@pytest.mark.parametrize("name", store.query_names())
def test_plan_rules_are_written_once_in_the_views(name):
    sql = store._strip_comments(store.load_sql(name))
    assert not [rule for rule in PLAN_RULES if rule in sql], f"{name}.sql repeats a rule of _views.sql"


def test_plan_rules_stand_once_in_the_views():
    views = store._strip_comments(store.VIEWS_FILE.read_text(encoding="utf-8"))
    assert [views.count(rule) for rule in PLAN_RULES] == [1, 1, 1, 0, 0, 1]


def test_lists_are_the_first_rows_of_the_whole_list_and_the_totals_count_them(demo):
    """A page shows the first rows of a list (filters.LIST_ROWS) and says how many there are from
    its totals: the whole list has exactly that many rows, and the first rows are its head."""
    end, middle = demo_dates(demo)
    for filters in (Filters(as_of=end), Filters(as_of=middle), Filters(as_of=middle, levels=("county",))):
        params = filters.params()
        head = store.run_query(demo, "headline_totals", params).iloc[0]
        rect = store.run_query(demo, "rectification_totals", params).iloc[0]
        for name, total in (("uncovered_units", head["units_total"] - head["units_covered"]),
                            ("overdue_issues", rect["overdue"])):
            whole = store.run_query(demo, name, listing(name, params, whole=True))
            assert len(whole) == total, name
            first = store.run_query(demo, name, {**params, "limit": 3})
            pd.testing.assert_frame_equal(first, whole.head(3), obj=name)
            assert len(store.run_query(demo, name, listing(name, params))) == min(total, LIST_ROWS[name])


def test_missing_parameter_is_a_query_error(demo):
    with pytest.raises(store.QueryError):
        store.run_query(demo, "headline_totals", {"districts": []})


def test_unknown_query_refused(demo):
    for bad in ("nope", "../schema", "_views", "headline_totals; DROP TABLE roster"):
        with pytest.raises(store.QueryError):
            store.run_query(demo, bad, {})


def test_demo_headline_is_sane(demo):
    figures = metrics.compute(demo, Filters(as_of=demo_dates(demo)[0]))
    assert 1000 <= figures["units_total"] <= 1600
    assert 0 < figures["coverage_rate"] <= 1
    assert figures["by_level"]["municipal"]["avg_issues_and_clues"] > figures["by_level"]["county"][
        "avg_issues_and_clues"]
    assert sum(d["units_total"] for d in figures["by_district"]) == figures["units_total"]
    assert len(figures["uncovered"]) == figures["units_total"] - figures["units_covered"]


# ---------------------------------------------------------------- hand-computed metrics on a tiny city
#
# Roster: 东城区 张家村 (poverty), 李家村, 张家墩社区; 西城区 王庄村 (poverty), 赵庄村  -> 5 units
# Inspections:
#   1 R1 张家村  municipal 2021-03-15..2021-05-20 issues 10 clues 2  disc 3  org -  rect 8  funds 1.5
#   2 R1 王庄村  county    2021-03-15..2021-05-20 issues 4  clues 0  disc 1  org 2  rect 4
#   3 R2 张家村  county    2022-03-14..2022-05-10 issues 6  clues -  disc -  org 1  rect -
#   4 R2 李家村  county    2022-03-14..(none)     issues 2  clues 1  disc 0  org 0  rect 1
# Issues of R1 张家村 (feedback 2021-05-20) and R2 李家村 (no end_date):
#   a rectified 2021-06-19 (day 30)   b rectified 2021-06-20 (day 31), due 2021-06-01
#   c in progress, due 2021-07-01      d rectified, no date
#   e (李家村) rectified 2022-04-01     f (李家村) not started, no due date

R1, R2 = "2021年第一轮", "2022年第一轮"
LATER = dt.date(2030, 1, 1)


def tiny_files() -> list[InputFile]:
    roster = [["东城区", "城关镇", "张家村", "村", "是", "否"], ["东城区", "城关镇", "李家村", "村", "否", "否"],
              ["东城区", "城关镇", "张家墩社区", "社区", "否", "否"], ["西城区", "河口镇", "王庄村", "村", "是", "否"],
              ["西城区", "河口镇", "赵庄村", "村", "否", "否"]]
    header = INSPECTION_HEADER + ["组织处理人数", "追回资金"]
    inspections = [
        [R1, "市级", "市一组", "常规", "2021-03-15", "2021-05-20", "东城区", "城关镇", "张家村", 10, 2, 3, 8, "", "1.5"],
        [R1, "县级", "县一组", "常规", "2021-03-15", "2021-05-20", "西城区", "河口镇", "王庄村", 4, 0, 1, 4, 2, ""],
        [R2, "县级", "县二组", "专项", "2022-03-14", "2022-05-10", "东城区", "城关镇", "张家村", 6, "", "", "", 1, ""],
        [R2, "县级", "县二组", "常规", "2022-03-14", "", "东城区", "城关镇", "李家村", 2, 1, 0, 1, 0, ""],
    ]
    corrupt, party = "群众身边腐败问题", "基层党组织建设"
    issues = [
        [R1, "东城区", "城关镇", "张家村", corrupt, "集体三资", "已整改", "2021-08-01", "2021-06-19"],
        [R1, "东城区", "城关镇", "张家村", corrupt, "集体三资", "已整改", "2021-06-01", "2021-06-20"],
        [R1, "东城区", "城关镇", "张家村", party, "组织生活", "整改中", "2021-07-01", ""],
        [R1, "东城区", "城关镇", "张家村", party, "组织生活", "已销号", "", ""],
        [R2, "东城区", "城关镇", "李家村", party, "组织生活", "已完成", "", "2022-04-01"],
        [R2, "东城区", "城关镇", "李家村", "落实决策部署", "乡村振兴", "未整改", "", ""],
    ]
    return [InputFile("roster.csv", csv_bytes(table(ROSTER_HEADER, roster))),
            InputFile("inspections.csv", csv_bytes(table(header, inspections))),
            InputFile("issues.csv", csv_bytes(table(ISSUE_HEADER, issues)))]


@pytest.fixture(scope="module")
def tiny():
    gen = fresh_store()
    con = next(gen)
    result = run(con, *tiny_files())
    assert result.status == "imported", result.to_json()
    yield con
    con.close()


def compute(con, **kwargs):
    return metrics.compute(con, Filters(**{"as_of": LATER, **kwargs}))


def test_tiny_coverage_and_sums(tiny):
    m = compute(tiny)
    assert (m["units_total"], m["units_covered"], m["coverage_rate"]) == (5, 3, pytest.approx(0.6))
    assert m["inspections"] == 4
    assert (m["issues_found"], m["clues"], m["disciplined"], m["org_handled"], m["rectified"]) == (22, 3, 4, 3, 13)
    assert m["funds_recovered"] == pytest.approx(1.5)
    assert m["not_reported"] == {"issues_found": 0, "clues": 1, "immediate_fixes": 4, "disciplined": 1,
                                 "org_handled": 1, "judicial": 4, "rectified": 1, "funds_recovered": 3}
    assert m["immediate_fixes"] is None and m["judicial"] is None  # nothing reported: NULL, not 0


def test_tiny_coverage_by_district_and_uncovered(tiny):
    m = compute(tiny)
    by_district = {d["district"]: d for d in m["by_district"]}
    assert by_district["东城区"]["units_total"] == 3 and by_district["东城区"]["units_covered"] == 2
    assert by_district["东城区"]["coverage_rate"] == pytest.approx(2 / 3)
    assert by_district["西城区"]["coverage_rate"] == pytest.approx(0.5)
    assert {u["unit_name"] for u in m["uncovered"]} == {"张家墩社区", "赵庄村"}


def test_tiny_averages_by_level_over_reporting_inspections(tiny):
    m = compute(tiny)
    municipal, county = m["by_level"]["municipal"], m["by_level"]["county"]
    assert (municipal["inspections"], municipal["units"], municipal["issues_found"]) == (1, 1, 10)
    assert municipal["avg_issues_and_clues"] == pytest.approx(12.0)
    assert municipal["avg_disciplined"] == pytest.approx(3.0)
    assert (county["inspections"], county["units"], county["issues_found"], county["clues"]) == (3, 3, 12, 1)
    # issues+clues over the county inspections that reported both: (4+0) + (2+1) over 2
    assert county["avg_issues_and_clues"] == pytest.approx(3.5)
    # disciplined over the 2 county inspections that reported it: (1+0) / 2
    assert county["avg_disciplined"] == pytest.approx(0.5)
    assert m["ratio_issues_and_clues"] == pytest.approx(12 / 3.5)
    assert m["ratio_disciplined"] == pytest.approx(6.0)


def test_tiny_rectification_rate_from_the_list(tiny):
    m = compute(tiny)
    assert m["rectification_basis"] == "list"
    assert m["listed_issues"] == 6
    assert m["rectification_rate"] == pytest.approx(4 / 6)  # a, b, d, e
    assert m["overdue"] == 1  # c


def test_tiny_one_month_rate_day_30_in_day_31_out(tiny):
    m = compute(tiny)
    # over issues whose inspection has an end_date (a, b, c, d); only a is within 30 days
    assert m["one_month_rectification_rate"] == pytest.approx(1 / 4)


def test_tiny_rectification_rate_from_counts_without_a_list(tiny):
    # the same city without its issue list: the rate falls back to the reported counts
    gen = fresh_store()
    con = next(gen)
    files = tiny_files()[:2]
    assert run(con, *files).status == "imported"
    m = compute(con)
    assert m["rectification_basis"] == "counts"
    # inspections that reported both: 8/10, 4/4, 1/2 -> 13/16
    assert m["rectification_rate"] == pytest.approx(13 / 16)
    assert m["one_month_rectification_rate"] is None and m["listed_issues"] == 0
    con.close()


def test_tiny_by_category(tiny):
    rows = {(c["category"], c["subcategory"]): (c["issues"], c["rectified"]) for c in compute(tiny)["by_category"]}
    assert rows == {("群众身边腐败问题", "集体三资"): (2, 2), ("基层党组织建设", "组织生活"): (3, 2),
                    ("落实决策部署", "乡村振兴"): (1, 0)}


def test_tiny_as_of_date(tiny):
    m = compute(tiny, as_of=dt.date(2021, 6, 19))
    assert (m["inspections"], m["units_covered"], m["coverage_rate"]) == (2, 2, pytest.approx(0.4))
    assert m["listed_issues"] == 4
    assert m["rectification_rate"] == pytest.approx(2 / 4)  # a (on the day) and d (no date); b not yet
    assert m["overdue"] == 1  # b: due 2021-06-01, not rectified as of 2021-06-19
    assert m["one_month_rectification_rate"] == pytest.approx(1 / 4)
    m = compute(tiny, as_of=dt.date(2021, 6, 20))
    assert m["rectification_rate"] == pytest.approx(3 / 4) and m["overdue"] == 0
    m = compute(tiny, as_of=dt.date(2021, 3, 14))
    assert (m["inspections"], m["units_covered"], m["coverage_rate"]) == (0, 0, 0)
    assert m["rectification_rate"] is None


def test_tiny_filters(tiny):
    m = compute(tiny, districts=("东城区",))
    assert (m["units_total"], m["units_covered"], m["inspections"], m["issues_found"]) == (3, 2, 3, 18)
    m = compute(tiny, levels=("county",))
    assert (m["units_total"], m["units_covered"], m["inspections"]) == (5, 3, 3)
    m = compute(tiny, rounds=(R1,))
    assert (m["units_covered"], m["inspections"], m["listed_issues"]) == (2, 2, 4)
    m = compute(tiny, poverty_only=True)
    assert (m["units_total"], m["units_covered"], m["inspections"]) == (2, 2, 3)
    m = compute(tiny, year_from=2022)
    assert (m["inspections"], m["issues_found"]) == (2, 8)
    m = compute(tiny, modes=("专项",))
    assert (m["inspections"], m["units_covered"]) == (1, 1)
    m = compute(tiny, unit_types=("社区",))
    assert (m["units_total"], m["units_covered"], m["coverage_rate"]) == (1, 0, 0)
    m = compute(tiny, districts=("没有的区",))
    assert (m["units_total"], m["coverage_rate"], m["inspections"]) == (0, None, 0)


def test_tiny_level_ratio_null_when_a_level_is_missing(tiny):
    m = compute(tiny, levels=("county",))
    assert m["ratio_issues_and_clues"] is None and m["by_level"]["municipal"]["inspections"] == 0


def test_team_table_keeps_a_team_name_at_each_level_apart():
    """A municipal and a county team of the same name (each office numbers its own 第一巡察组): two
    rows of the team table, each with its level and its own sums, never one row with either level."""
    gen = fresh_store()
    con = next(gen)
    try:
        rows = [inspection_row(巡察组="第一巡察组"),
                inspection_row(巡察组="第一巡察组", 巡察层级="县级", **{"村(社区)": "李家村", "发现问题数": 5})]
        assert run(con, roster_csv(), inspections_csv(rows)).status == "imported"
        teams = store.run_query(con, "results_by_team", Filters().params())
        assert sorted(zip(teams["team"], teams["level"], teams["issues_found"], strict=True)) == [
            ("第一巡察组", "county", 5), ("第一巡察组", "municipal", 2)]
    finally:
        con.close()


def test_team_table_keeps_each_county_team_to_its_county():
    """Each county office numbers its own 第一巡察组: the two counties' teams are two rows, each with its
    county and its own sums. A county team named after its county (西城区委第二巡察组) stays one row of that
    county when it inspects another (交叉); a municipal team spans districts: one row, no district."""
    gen = fresh_store()
    con = next(gen)
    try:
        county = {"巡察层级": "县级", "轮次": "2022年第一轮"}
        rows = [inspection_row(巡察组="市委第一巡察组"),
                inspection_row(巡察组="市委第一巡察组", 县区="西城区", 乡镇街道="河口镇", **{"村(社区)": "王庄村"},
                               发现问题数=4),
                inspection_row(巡察组="第一巡察组", **county, **{"村(社区)": "李家村", "发现问题数": 5}),
                inspection_row(巡察组="第一巡察组", 县区="西城区", 乡镇街道="河口镇", **county,
                               **{"村(社区)": "王庄村", "发现问题数": 7}),
                inspection_row(巡察组="西城区委第二巡察组", 巡察方式="交叉", **county,
                               **{"村(社区)": "张家村", "发现问题数": 3}),
                inspection_row(巡察组="西城区委第二巡察组", 巡察层级="县级", 轮次="2023年第一轮", 县区="西城区",
                               乡镇街道="河口镇", **{"村(社区)": "王庄村", "发现问题数": 1})]
        assert run(con, roster_csv(), inspections_csv(rows)).status == "imported"
        teams = store.run_query(con, "results_by_team", Filters().params())
        got = sorted(zip(teams["team"], teams["team_district"].fillna(""), teams["level"], teams["inspections"],
                         teams["units"], teams["issues_found"], strict=True))
        assert got == [("市委第一巡察组", "", "municipal", 2, 2, 6),
                       ("第一巡察组", "东城区", "county", 1, 1, 5),
                       ("第一巡察组", "西城区", "county", 1, 1, 7),
                       ("西城区委第二巡察组", "西城区", "county", 2, 2, 4)]
        # one county chosen: its own team and the inspections other teams made there, each as its own row
        teams = store.run_query(con, "results_by_team", Filters(districts=("东城区",)).params())
        assert sorted(zip(teams["team"], teams["team_district"].fillna(""), teams["issues_found"], strict=True)) == [
            ("市委第一巡察组", "", 2), ("第一巡察组", "东城区", 5), ("西城区委第二巡察组", "西城区", 3)]
    finally:
        con.close()


TEAM_DISTRICTS = [
    ("county", "文水县委第三巡察组", "文水县"),   # the county its name begins with, wherever it inspected
    ("county", "中共东城区委第一巡察组", "东城区"),
    ("county", "万坡市委第二巡察组", "万坡市"),   # a county-level city's office
    ("county", "第一巡察组", "西城区"),          # no place in the name: the county of its units
    ("county", "县（区）委第二巡察组", "西城区"),
    ("county", "区委巡察组", "西城区"),
    ("municipal", "市委第一巡察组", None),        # a municipal team spans districts
    ("municipal", "永峰市委第四巡察组", None),
]


def test_a_team_belongs_to_the_county_its_name_says():
    con = memory_store()
    try:
        for level, team, district in TEAM_DISTRICTS:
            got = con.execute("SELECT team_district(?, ?, '西城区')", [level, team]).fetchone()[0]
            assert got == district, team
    finally:
        con.close()
