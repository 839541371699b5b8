"""Issue 25, figures a leader can trust: what coverage means under a round, year, level or mode
filter (covered by those inspections; no plan, pace or projection), through the queries and the
pages (AppTest)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from support.apptest import assert_clean

from inspection import briefing, store
from inspection.filters import Filters
from inspection.i18n import subset_note

ROOT = Path(__file__).resolve().parents[2]





def _titles(at: AppTest) -> list[str]:
    return [json.loads(c.proto.spec)["layout"].get("title", {}).get("text", "") for c in at.get("plotly_chart")]


def _trace_names(at: AppTest) -> list[str]:
    return [tr.get("name") or "" for c in at.get("plotly_chart") for tr in json.loads(c.proto.spec)["data"]]


# ---- item 5: coverage under inspection filters ----------------------------------------------------

def test_inspection_filters_drop_the_plan_in_sql(demo_db):
    con = store.connect(demo_db, read_only=True)
    try:
        whole = Filters().params()
        assert not store.run_query(con, "plan_by_district", whole).empty
        assert store.run_query(con, "coverage_by_month", whole)["plan_rate"].notna().any()
        for narrowed in (Filters(levels=("municipal",)), Filters(modes=("专项",)), Filters(year_to=2025),
                         Filters(rounds=("2026年第一轮",))):
            params = narrowed.params()
            assert store.run_query(con, "plan_by_district", params).empty
            assert store.run_query(con, "coverage_projection_by_month", params).empty
            assert store.run_query(con, "coverage_by_month", params)["plan_rate"].isna().all()
            assert store.run_query(con, "coverage_by_district_month", params)["plan_rate"].isna().all()
        # unit filters narrow the roster, not the inspections: the plan stays
        assert not store.run_query(con, "plan_by_district", Filters(poverty_only=True).params()).empty
    finally:
        con.close()


def test_the_note_names_the_inspection_filters():
    assert subset_note(Filters(districts=("沙澧区",))) is None
    note = subset_note(Filters(districts=("沙澧区",), levels=("municipal",), rounds=("2026年第一轮",)))
    assert "市级" in note and "2026年第一轮" in note and "沙澧区" not in note
    assert "计划" in note
    assert "selected inspections" in subset_note(Filters(modes=("专项",)), "en")


def test_coverage_page_under_a_level_filter_says_what_it_counts(make_app, demo_copy):
    at = make_app(demo_copy, {"level": "市级"}, page="pages/coverage.py")
    assert_clean(at)
    assert not at.warning, [w.value for w in at.warning]  # no behind-plan alarm
    assert any("只计所选巡察" in i.value for i in at.info)
    titles = _titles(at)
    assert any(x.startswith("各县区覆盖率（仅计所选巡察）") for x in titles), titles
    assert not any("计划" in x for x in titles), titles
    assert not any("计划" in n for n in _trace_names(at))
    assert [h.value for h in at.subheader if "巡察" in h.value] == ["未被所选巡察覆盖的对象"]
    assert not at.get("page_link"), "no link to the plan from a view without a plan"


def test_coverage_page_without_inspection_filters_keeps_the_plan(make_app, demo_copy):
    at = make_app(demo_copy, page="pages/coverage.py")
    assert_clean(at)
    assert not any("只计所选巡察" in i.value for i in at.info)
    assert _titles(at)[0].startswith("各县区覆盖率与计划进度")
    assert any(h.value.startswith("尚未巡察的对象") for h in at.subheader)


def test_overview_and_followup_under_a_round_filter(make_app, demo_copy):
    at = make_app(demo_copy, {"round": "2026年第一轮"})
    assert_clean(at)
    labels = [m.label for m in at.metric]
    assert "覆盖率（所选巡察）" in labels and "覆盖率" not in labels
    assert "累计覆盖率（仅计所选巡察）" in _titles(at)
    assert not any("计划" in n for n in _trace_names(at))
    at.switch_page("pages/followup.py").run()
    assert_clean(at)
    assert any("取消轮次、年度、层级和方式筛选后显示" in i.value for i in at.info)
    assert not any("无法按期" in w.value or "滞后" in w.value for w in at.warning)
    assert not any("计划" in x for x in _titles(at))


def test_briefing_under_a_mode_filter_has_no_plan(demo_db):
    con = store.connect(demo_db, read_only=True)
    try:
        brief = briefing.build(lambda name, params: store.run_query(con, name, params), Filters(modes=("专项",)))
    finally:
        con.close()
    assert brief.tiles[0].label == "覆盖率（所选巡察）"
    for slide in brief.slides + brief.extra:
        assert "计划" not in slide.title
        assert "计划进度" not in list(slide.table.columns)
    assert all("计划" not in (tr.name or "") for s in brief.slides + brief.extra for tr in s.figure.data)


# ---- item 4: the two issue totals, named, with their difference -----------------------------------

def test_the_two_issue_totals_are_named_with_their_difference(demo_db):
    from inspection.i18n import issues_two_totals

    con = store.connect(demo_db, read_only=True)
    try:
        head = store.run_query(con, "headline_totals", Filters().params()).iloc[0].to_dict()
        listed = int(store.run_query(con, "issues_by_category", Filters().params())["issues"].sum())
    finally:
        con.close()
    found = int(head["issues_found"])
    assert listed == head["listed_issues"] and head["issues_found_minus_listed"] == found - listed
    note = issues_two_totals(head)
    assert f"问题清单 {listed:,} 条" in note and f"汇总数 {found:,} 个" in note
    diff = found - listed
    assert (f"汇总数多 {diff:,} 个" if diff > 0 else f"汇总数少 {-diff:,} 个" if diff < 0 else "两者相同") in note
    assert "reported total" in issues_two_totals(head, "en")
    assert issues_two_totals({**head, "issues_found_minus_listed": None}) is None  # no issue list


def test_overview_categories_and_briefing_say_which_issue_total_is_which(make_app, demo_copy):
    at = make_app(demo_copy)
    assert_clean(at)
    tile = next(m for m in at.metric if m.label == "发现问题")
    assert "问题清单" in tile.proto.help and "汇总数" in tile.proto.help
    at.switch_page("pages/categories.py").run()
    assert_clean(at)
    assert any(c.value.startswith("问题清单 ") and "汇总数" in c.value for c in at.caption)
    at.switch_page("pages/briefing.py").run()
    assert_clean(at)
    assert any(c.value.startswith("问题清单 ") for c in at.caption)


# ---- item 11: each empty state says what is empty and why -----------------------------------------

def test_no_inspections_is_not_called_a_missing_issue_list(make_app, demo_copy):
    at = make_app(demo_copy, {"as_of": "2020-01-01"}, page="pages/categories.py")
    assert_clean(at)
    assert any("没有巡察记录" in i.value for i in at.info)
    assert not any("没有问题清单" in i.value for i in at.info)
    at.switch_page("pages/followup.py").run()
    assert_clean(at)
    assert any("没有巡察记录" in i.value for i in at.info)


# ---- item 12: the briefing's district chart carries the plan --------------------------------------

def test_briefing_district_chart_marks_the_plan_and_colours_behind_and_on_plan(demo_db):
    from inspection import charts

    con = store.connect(demo_db, read_only=True)
    try:
        plan = store.run_query(con, "plan_by_district", Filters().params())
        brief = briefing.build(lambda name, params: store.run_query(con, name, params), Filters())
    finally:
        con.close()
    slide = brief.slides[1]
    assert slide.title.startswith("各县区覆盖率与计划进度")
    marks = [tr for tr in slide.figure.data if tr.type == "scatter"]
    assert len(marks) == 1 and marks[0].name == "计划进度"
    colours = {tr.name: tr.marker.color for tr in slide.figure.data if tr.type == "bar"}
    rows = plan[~plan["is_total"].astype(bool)]
    if rows["behind"].any():
        assert colours["按当前进度无法按期完成"] == charts.ACTUAL_COLOR
    if (~rows["behind"].astype(bool)).any():
        assert colours["可按期完成"] == charts.ON_TRACK_COLOR
    assert list(slide.table.columns) == ["县区", "应巡对象", "已覆盖", "覆盖率", "计划进度"]
    assert len(slide.table) == len(rows)


# ---- item 9: one rounding for every rate -------------------------------------------------------------

@pytest.mark.parametrize(("fraction", "shown"), [(0.8125, "81.3%"), (0.81249, "81.2%"), (0.5, "50.0%"),
                                                 (0.00125, "0.1%"), (1.0, "100.0%"), (0.9996, "100.0%")])
def test_percent_rounds_a_tie_as_the_charts_do(fraction, shown):
    """ECMAScript's toFixed (a chart's '%{y:.1f}') takes the larger of two equally near results on
    the exact value; so does fmt.percent (Python's format would give 81.2% beside a chart's 81.3%)."""
    from decimal import ROUND_HALF_UP, Decimal

    from inspection import fmt

    assert fmt.percent(fraction) == shown
    exact = Decimal(fraction * 100)
    assert shown == f"{exact.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"
