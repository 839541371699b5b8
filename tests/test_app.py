"""The dashboard through Streamlit's AppTest: every page on the demo and on an empty store, the
figures under a district filter equal `metrics.compute`, URL parameters reproduce the filters,
cascading township options, unknown URL values, the problem workbook of a rejected import."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from inspection import fmt, metrics, problem_report, store
from inspection.filters import Filters
from inspection.importer import InputFile, Problem

ROOT = Path(__file__).resolve().parent.parent

PAGES = ["pages/overview.py", "pages/coverage.py", "pages/categories.py", "pages/compare.py", "pages/imports.py"]


@pytest.fixture
def make_app(env_db):
    def make(db, query: dict | None = None, page: str | None = None) -> AppTest:
        env_db(db)
        st.cache_resource.clear()
        st.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        for key, value in (query or {}).items():
            at.query_params[key] = value
        at.run()
        if page:
            at.switch_page(page).run()
        return at

    yield make
    st.cache_resource.clear()
    st.cache_data.clear()


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def array(value) -> list:
    """A Plotly JSON array, plain or typed ({'dtype', 'bdata'})."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return list(value)


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_the_demo_store(make_app, demo_copy, page):
    at = make_app(demo_copy, page=page)
    assert_clean(at)
    if page != "pages/imports.py":
        assert at.get("plotly_chart"), "a page with data shows charts"
        for chart in at.get("plotly_chart"):
            spec = json.loads(chart.proto.spec)
            assert spec["layout"]["title"]["text"], "every chart has a title"
            config = json.loads(chart.proto.config)
            assert config["toImageButtonOptions"]["scale"] == 3
            assert any("\u4e00" <= c <= "\u9fff" for c in config["toImageButtonOptions"]["filename"])
        assert any("数据截至" in c.value for c in at.caption), "captions carry the as-of date"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_an_empty_store(make_app, empty_db, page):
    at = make_app(empty_db, page=page)
    assert_clean(at)
    assert not at.get("plotly_chart"), "no empty axes"
    assert at.info, "an empty store explains itself"


def test_no_roster_says_coverage_cannot_be_computed(make_app, demo_copy):
    con = store.connect(demo_copy)
    con.execute("UPDATE roster SET superseded_by = -1")
    con.close()
    at = make_app(demo_copy)
    assert_clean(at)
    assert any("无法计算覆盖率" in i.value for i in at.info)
    assert tiles(at)["巡察次数"] != "—"
    at.switch_page("pages/coverage.py").run()
    assert_clean(at)


def test_district_filter_gives_the_figures_metrics_reports(make_app, demo_copy):
    con = store.connect(demo_copy, read_only=True)
    district = store.run_query(con, "coverage_by_district", Filters().params())["district"].iloc[-1]
    expected = metrics.compute(con, Filters(districts=(district,)))
    everything = metrics.compute(con, Filters())
    con.close()
    at = make_app(demo_copy)
    assert tiles(at)["巡察次数"] == fmt.count(everything["inspections"])
    at.multiselect(key="district").set_value([district]).run()
    assert_clean(at)
    shown = tiles(at)
    assert shown["巡察次数"] == fmt.count(expected["inspections"])
    assert shown["发现问题"] == fmt.count(expected["issues_found"])
    assert shown["移交问题线索"] == fmt.count(expected["clues"])
    assert shown["党纪政务处分（人）"] == fmt.count(expected["disciplined"])
    assert shown["立行立改"] == fmt.count(expected["immediate_fixes"])
    assert shown["覆盖率"] == fmt.percent(expected["coverage_rate"])
    assert shown["整改完成率"] == fmt.percent(expected["rectification_rate"])
    assert shown["逾期未整改"] == fmt.count(expected["overdue"])
    assert expected["inspections"] != everything["inspections"]
    bars = json.loads(at.get("plotly_chart")[1].proto.spec)["data"][0]
    assert list(bars["x"]) == [district]
    assert array(bars["y"])[0] == pytest.approx(expected["coverage_rate"] * 100)

    at.switch_page("pages/compare.py").run()
    assert_clean(at)
    ratio = fmt.ratio(expected["ratio_issues_and_clues"])
    assert any(ratio in m.value for m in at.metric)


def test_url_parameters_reproduce_the_filter_state(make_app, demo_copy):
    con = store.connect(demo_copy, read_only=True)
    opts = store.run_query(con, "filter_options_by_kind", {})
    con.close()
    district = opts[opts.kind == "district"]["value"].iloc[0]
    round_ = opts[opts.kind == "round"]["value"].iloc[1]
    years = opts[opts.kind == "year"]["value"].tolist()
    at = make_app(demo_copy, {"district": district, "round": round_, "level": "市级", "poverty": "true",
                              "as_of": "2025-06-30", "years": [years[1], years[-1]]})
    assert_clean(at)
    filters = at.session_state["_filters"]
    assert filters.districts == (district,)
    assert filters.rounds == (round_,)
    assert filters.levels == ("municipal",)
    assert filters.poverty_only is True
    assert filters.as_of == dt.date(2025, 6, 30)
    assert filters.year_from == int(years[1]) and filters.year_to is None
    assert "县区" in at.caption[-1].value or any(district in c.value for c in at.caption)


def test_unknown_url_values_never_crash(make_app, demo_copy):
    at = make_app(demo_copy, {"district": "不存在的县", "township": "x/y", "level": "省级", "as_of": "garbage",
                              "years": "abc", "poverty": "maybe", "lang": "fr", "category": "<script>"})
    assert_clean(at)
    assert at.session_state["_filters"] == Filters(as_of=dt.date.today())


def test_townships_follow_the_chosen_districts(make_app, demo_copy):
    con = store.connect(demo_copy, read_only=True)
    opts = store.run_query(con, "filter_options_by_kind", {})
    con.close()
    towns = opts[opts.kind == "township"]
    first, second = towns["parent"].drop_duplicates().iloc[:2]
    at = make_app(demo_copy)
    assert len(at.multiselect(key="township").options) == len(towns)
    at.multiselect(key="district").set_value([first]).run()
    offered = at.multiselect(key="township").options
    assert len(offered) == (towns["parent"] == first).sum()
    assert all(f"（{first}）" in o for o in offered)
    town = towns[towns.parent == first]["value"].iloc[0]
    at.multiselect(key="township").set_value([town]).run()
    assert at.session_state["_filters"].townships == (town,)
    at.multiselect(key="district").set_value([second]).run()
    assert_clean(at)
    assert at.session_state["_filters"].townships == (), "a township outside the districts drops out"


def test_category_cross_filter_is_shown_and_clearable(make_app, demo_copy):
    at = make_app(demo_copy, page="pages/categories.py")
    categories = at.multiselect(key="category").options
    at.multiselect(key="category").set_value([categories[0]]).run()
    assert_clean(at)
    assert any(categories[0] in i.value for i in at.info)
    treemap = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    assert [i for i in treemap["ids"] if "/" not in i] == [categories[0]]
    at.button[0].click().run()  # reset
    assert at.session_state["_filters"].categories == ()


def test_english_switch(make_app, demo_copy):
    at = make_app(demo_copy, {"lang": "English"})
    assert_clean(at)
    assert "Inspections" in tiles(at)


def test_problem_workbook_mirrors_the_input_with_an_error_column():
    data = "县区,乡镇,村(社区),巡察轮次\n临颍县,城关镇,=cmd|calc,第一轮\n临颍县,城关镇,东村,第一轮\n".encode()
    files = [InputFile("台账.csv", data)]
    problems = [Problem("台账.csv", None, 2, "村(社区)", "=cmd|calc", "不认识的对象", "检查名称"),
                Problem("台账.csv", None, None, None, None, "缺少巡察层级列")]
    book = load_workbook(io.BytesIO(problem_report.build(files, problems)))
    summary = book["问题汇总"]
    assert summary.max_row == 3
    sheet = book[book.sheetnames[1]]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-1] == "错误说明"
    assert "不认识的对象" in rows[1][-1]
    assert rows[1][2] == "'=cmd|calc", "formula-looking text is neutralised"
    assert rows[2][-1] is None
