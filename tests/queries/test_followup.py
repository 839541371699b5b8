"""Plan tracking and rectification follow-up (issue 9): the plan query on a hand-made city, the
rectification definitions on hand-made issues, the metrics `plan` key, the plan settings, and the
page in AppTest on the demo store and on an empty one."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest

from inspection import charts_followup, metrics, plan, store
from inspection.filters import Filters
from inspection.importer import InputFile, import_files

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2023, 6, 30)


def _csv(rows: list[list[object]]) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def _city() -> list[InputFile]:
    """甲区: 100 villages, 10 first inspected on the 10th of each month Jan-Jun 2023 (60 covered).
    乙区: 20 villages, 5 inspected in January 2022 and nothing since.
    Issues (all on 甲区 units) fed back on 2023-02-01 (municipal) and 2023-02-15 (county)."""
    roster = [["县区", "乡镇街道", "村(社区)"]]
    roster += [["甲区", "甲镇", f"甲{i:03d}村"] for i in range(100)]
    roster += [["乙区", "乙镇", f"乙{i:03d}村"] for i in range(20)]
    insp = [["轮次", "巡察层级", "巡察组", "开始日期", "结束日期", "县区", "乡镇街道", "村(社区)", "发现问题数"]]
    for month in range(1, 7):
        for k in range(10):
            i = (month - 1) * 10 + k
            level = "县级" if i == 1 else "市级"
            end = "2023-02-15" if i == 1 else f"2023-{month + 1:02d}-01"
            insp.append([f"2023年第{month}批", level, "第一巡察组", f"2023-{month:02d}-10", end,
                         "甲区", "甲镇", f"甲{i:03d}村", 0])
    for i in range(5):
        insp.append(["2022年第一批", "县级", "第二巡察组", "2022-01-10", "2022-02-10", "乙区", "乙镇", f"乙{i:03d}村", 0])
    issues = [["轮次", "县区", "乡镇街道", "村(社区)", "问题类别", "整改状态", "整改时限", "整改完成时间"]]
    m = ["2023年第1批", "甲区", "甲镇", "甲000村"]
    issues += [
        m + ["群众身边腐败", "已整改", "2023-04-01", "2023-03-03"],   # day 30 after 2023-02-01: in the month
        m + ["群众身边腐败", "已整改", "2023-04-01", "2023-03-04"],   # day 31: not
        m + ["基层组织建设", "整改中", "2023-04-01", ""],             # overdue from 2023-04-02
        m + ["基层组织建设", "已整改", "2023-04-01", "2023-05-01"],   # late: overdue as of April, rectified by May
        m + ["基层组织建设", "已整改", "2023-04-01", ""],             # rectified, no date: not "in the month"
        ["2023年第1批", "甲区", "甲镇", "甲001村", "群众身边腐败", "已整改", "2023-04-01", "2023-02-25"],  # county, day 10
    ]
    return [InputFile("roster.csv", _csv(roster)), InputFile("inspections.csv", _csv(insp)),
            InputFile("issues.csv", _csv(issues))]


def _planned_store(db: Path, files: list[InputFile]) -> Path:
    """A store of these ledgers with the default plan: all of 2023, full coverage."""
    con = store.connect(db)
    result = import_files(con, files, "test")
    assert result.status == "imported", result.problems[:3]
    plan.save(con, plan.Plan("*", dt.date(2023, 1, 1), dt.date(2023, 12, 31), 1.0), "test")
    con.close()
    return db


@pytest.fixture(scope="module")
def city_db(tmp_path_factory) -> Path:
    return _planned_store(tmp_path_factory.mktemp("city") / "city.duckdb", _city())


@pytest.fixture
def con(city_db, tmp_path):
    target = tmp_path / "city.duckdb"
    target.write_bytes(city_db.read_bytes())
    connection = store.connect(target)
    yield connection
    connection.close()


def _plan(con, **filters) -> dict:
    frame = store.run_query(con, "plan_by_district", Filters(as_of=filters.pop("as_of", AS_OF), **filters).params())
    return {("total" if r["is_total"] else r["district"]): r for r in frame.to_dict("records")}


# ---- plan --------------------------------------------------------------------------------------

def test_projection_at_ten_units_a_month(con):
    a = _plan(con)["甲区"]
    assert (a["units_total"], a["units_covered"], a["covered_last_6m"]) == (100, 60, 60)
    assert a["pace_per_month"] == pytest.approx(10.0)
    # 40 units left at 10 a month: 4 months after 2023-06-30
    assert a["projected_full_coverage"].date() == dt.date(2023, 10, 30)
    assert not a["no_progress"] and not a["behind"]
    # plan line: 180 of 364 days elapsed
    assert a["planned_share"] == pytest.approx(180 / 364)
    # whole units (issue 25 item 7): 49 planned by now (49.45 rounded), 60 covered: 11 ahead
    assert (a["planned_units"], a["gap_units"]) == (round(100 * 180 / 364), round(100 * 180 / 364) - 60)
    assert (a["behind_plan_units"], a["ahead_of_plan_units"]) == (0, 11)
    # 40 units over the 184 days to 2023-12-31 (30.4375-day months)
    assert a["needed_per_month"] == pytest.approx(40 / (184 / 30.4375))
    assert a["lacking_per_month"] is None or a["lacking_per_month"] != a["lacking_per_month"]


@pytest.mark.parametrize("start, behind", [(dt.date(2023, 7, 1), False), (AS_OF, False), (dt.date(2023, 6, 29), True)])
def test_a_plan_not_started_by_the_as_of_day_has_no_district_behind_it(con, start, behind):
    # 乙区: nothing covered since January 2022, behind any plan that has begun; before its plan
    # begins (or on its first day) there is no plan to be behind, whatever the pace
    plan.save(con, plan.Plan("乙区", start, dt.date(2023, 12, 31), 1.0), "test")
    rows = _plan(con)
    assert rows["乙区"]["behind"] == behind and rows["total"]["behind"] == behind
    assert (rows["乙区"]["planned_share"] == 0) == (not behind)
    assert rows["乙区"]["no_progress"]  # the pace is still said
    if not behind:
        assert rows["乙区"]["lacking_per_month"] is None or rows["乙区"]["lacking_per_month"] != rows["乙区"]["lacking_per_month"]


def test_before_the_plan_starts_the_pages_say_so_instead_of_behind_or_on_track(city_db, tmp_path, make_app):
    db = tmp_path / "city.duckdb"
    db.write_bytes(city_db.read_bytes())
    con = store.connect(db)
    plan.save(con, plan.Plan("*", dt.date(2023, 7, 1), dt.date(2024, 12, 31), 1.0), "test")
    con.close()
    at = make_app(db, {"as_of": AS_OF.isoformat()}, "pages/followup.py")
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    table = (table.data if hasattr(table, "data") else table).set_index("县区")
    assert set(table["状态"]) == {"计划未开始"}
    assert any("全覆盖计划尚未开始" in i.value for i in at.info)
    assert not [w for w in at.warning if "无法按计划完成" in w.value]
    assert not [s for s in at.success if "均可按计划完成" in s.value]
    at = make_app(db, {"as_of": AS_OF.isoformat()}, "pages/coverage.py")
    assert not at.exception, [e.value for e in at.exception]
    assert any("全覆盖计划尚未开始" in i.value for i in at.info)
    assert not [w for w in at.warning if "无法按期完成" in w.value]


def test_projection_with_a_fractional_month(con):
    plan.save(con, plan.Plan("甲区", dt.date(2023, 1, 1), dt.date(2023, 9, 30), 0.95), "test")
    a = _plan(con)["甲区"]
    # 95 - 60 = 35 units at 10 a month: 3 months, then ceil(0.5 * 30.4375) = 16 days
    assert a["target_units"] == 95
    assert a["projected_full_coverage"].date() == dt.date(2023, 10, 16)
    assert a["behind"]  # after the district's own plan end
    assert a["lacking_per_month"] == pytest.approx(35 / (92 / 30.4375) - 10)


def test_no_progress_in_six_months(con):
    b = _plan(con)["乙区"]
    assert b["units_covered"] == 5 and b["covered_last_6m"] == 0
    assert b["no_progress"] and b["behind"]
    assert b["projected_full_coverage"] != b["projected_full_coverage"] or b["projected_full_coverage"] is None
    row = {r["district"]: r for r in metrics.compute(con, Filters(as_of=AS_OF))["plan"]}["乙区"]
    assert row["projected_full_coverage"] is None and row["no_progress"] is True


def test_total_row_and_as_of(con):
    total = _plan(con)["total"]
    assert (total["units_total"], total["units_covered"], total["pace_per_month"]) == (120, 65, 10.0)
    early = _plan(con, as_of=dt.date(2023, 3, 31))["甲区"]
    assert early["units_covered"] == 30 and early["pace_per_month"] == pytest.approx(5.0)


def test_reached_target_gives_the_day_it_was_reached(con):
    plan.save(con, plan.Plan("甲区", dt.date(2023, 1, 1), dt.date(2023, 12, 31), 0.5), "test")
    a = _plan(con)["甲区"]
    assert a["remaining_units"] == 0 and not a["behind"]
    assert a["projected_full_coverage"].date() == dt.date(2023, 5, 10)  # the 50th unit


def test_filters_narrow_the_plan(con):
    # an inspection filter (issue 25 item 5): coverage by those inspections, and no plan figures
    covered = store.run_query(con, "coverage_by_district", Filters(as_of=AS_OF, levels=("county",)).params())
    covered = dict(zip(covered["district"], covered["units_covered"], strict=True))
    assert covered["甲区"] == 1 and covered["乙区"] == 5
    for narrowed in ({"levels": ("county",)}, {"rounds": ("r",)}, {"modes": ("专项",)}, {"year_from": 2023}):
        assert _plan(con, **narrowed) == {}
        frame = store.run_query(con, "coverage_projection_by_month", Filters(as_of=AS_OF, **narrowed).params())
        assert frame.empty
        assert Filters(**narrowed).narrows_inspections()
    assert not Filters(districts=("甲区",), unit_types=("村",), poverty_only=True).narrows_inspections()
    # several districts: one row each; one district: its townships (issue 19), its plan their total
    assert set(_plan(con, districts=("甲区", "乙区"))) == {"甲区", "乙区", "total"}
    one = _plan(con, districts=("乙区",))
    whole = _plan(con)["乙区"]
    assert "乙区" not in one and len(one) >= 2
    assert (one["total"]["units_total"], one["total"]["units_covered"]) == (whole["units_total"], whole["units_covered"])
    assert one["total"]["plan_end"] == whole["plan_end"]


def test_projection_chart_meets_the_plan_query(con):
    params = Filters(as_of=AS_OF).params()
    frame = store.run_query(con, "coverage_projection_by_month", params)
    a = frame[frame["district"] == "甲区"].set_index("point_date")
    at = a.loc[dt.datetime(2023, 6, 30)]
    assert at["covered_share"] == pytest.approx(0.6) and at["projected_share"] == pytest.approx(0.6)
    end = a.loc[dt.datetime(2023, 12, 31)]
    assert end["projected_share"] == pytest.approx(min(1.0, (60 + 10 * 184 / 30.4375) / 100))
    assert end["planned_share"] == pytest.approx(1.0) and end["covered_share"] != end["covered_share"]
    fig = charts_followup.projection_small_multiples(frame, store.run_query(con, "plan_by_district", params))
    dashes = {tr.line.dash for tr in fig.data}
    assert "dash" in dashes and "dot" in dashes


def test_metrics_plan_equals_the_page_query(con):
    filters = Filters(as_of=AS_OF)
    rows = metrics.records(store.run_query(con, "plan_by_district", filters.params()))
    expected = [{k: r[k] for k in metrics.PLAN_KEYS} for r in rows]
    assert metrics.compute(con, filters)["plan"] == expected
    assert expected[-1]["is_total"] and expected[-1]["district"] is None


# ---- plan settings -----------------------------------------------------------------------------

def test_plan_validation_and_storage(con):
    good = plan.Plan("甲区", dt.date(2023, 1, 1), dt.date(2025, 12, 31), 0.9)
    assert plan.problems(good) == []
    assert plan.problems(plan.Plan("甲区", dt.date(2024, 1, 1), dt.date(2024, 1, 1), 0.9))
    assert plan.problems(plan.Plan("甲区", dt.date(2023, 1, 1), dt.date(2024, 1, 1), 0))
    assert plan.problems(plan.Plan("甲区", dt.date(2023, 1, 1), dt.date(2024, 1, 1), 1.2))
    with pytest.raises(plan.PlanError):
        plan.save(con, plan.Plan("甲区", dt.date(2024, 1, 1), dt.date(2023, 1, 1), 1.0), "test")
    plan.save(con, good, "tester")
    assert plan.get(con, "甲区") == good
    assert _plan(con)["甲区"]["plan_end"].date() == dt.date(2025, 12, 31)
    assert _plan(con)["乙区"]["plan_end"].date() == dt.date(2023, 12, 31)
    plan.remove(con, "甲区")
    assert plan.get(con, "甲区") is None
    with pytest.raises(plan.PlanError):
        plan.remove(con, plan.DEFAULT)


# ---- rectification -----------------------------------------------------------------------------

def _totals(con, as_of, **filters) -> dict:
    params = Filters(as_of=as_of, **filters).params()
    return store.run_query(con, "rectification_totals", params).iloc[0].to_dict()


def test_one_month_rate_counts_day_30_not_day_31(con):
    row = _totals(con, AS_OF)
    assert row["listed_issues"] == 6 and row["listed_with_feedback"] == 6
    assert row["rectified_in_month"] == 2  # day 30 (municipal) and day 10 (county)
    assert row["one_month_rectification_rate"] == pytest.approx(2 / 6)
    assert row["rectification_rate"] == pytest.approx(5 / 6)
    assert row["overdue"] == 1
    head = store.run_query(con, "headline_totals", Filters(as_of=AS_OF).params()).iloc[0]
    for name in ("one_month_rectification_rate", "rectification_rate", "overdue", "listed_issues"):
        assert row[name] == pytest.approx(head[name])


def test_as_of_changes_rectification(con):
    april = _totals(con, dt.date(2023, 4, 15))
    assert april["listed_rectified"] == 4  # the one rectified on 2023-05-01 is not yet
    assert april["overdue"] == 2
    day30 = _totals(con, dt.date(2023, 3, 3))
    assert day30["listed_rectified"] == 3 and day30["overdue"] == 0  # day-30 one, the dateless one, county one
    assert day30["rectified_in_month"] == 2


def test_days_curve_per_level(con):
    frame = store.run_query(con, "rectification_by_days", Filters(as_of=AS_OF).params())
    curve = {(r["level"], r["days"]): r["rectified_share"] for r in frame.to_dict("records")}
    assert curve[("municipal", 30)] == pytest.approx(1 / 5)
    assert curve[("municipal", 35)] == pytest.approx(2 / 5)
    assert curve[("municipal", 180)] == pytest.approx(3 / 5)
    assert curve[("county", 5)] == 0 and curve[("county", 10)] == 1
    assert sorted({d for _, d in curve}) == list(range(0, 181, 5))


def test_overdue_queries_respect_categories(con):
    params = Filters(as_of=AS_OF).params()
    by = store.run_query(con, "overdue_by_district_category", params)
    assert by[["district", "category", "overdue"]].values.tolist() == [["甲区", "基层组织建设", 1]]
    listing = store.run_query(con, "overdue_issues", {**params, "limit": None})
    assert len(listing) == 1 and listing.iloc[0]["days_overdue"] == (AS_OF - dt.date(2023, 4, 1)).days
    other = Filters(as_of=AS_OF, categories=("群众身边腐败",)).params()
    assert store.run_query(con, "overdue_issues", {**other, "limit": 10}).empty
    assert _totals(con, AS_OF, categories=("群众身边腐败",))["listed_issues"] == 3


# ---- the page ----------------------------------------------------------------------------------

def _app_test(db: Path, env_db):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    env_db(db)
    st.cache_resource.clear()
    st.cache_data.clear()
    if (ROOT / "dashboard.py").is_file():
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
        at.run()
        at.switch_page("pages/followup.py")
    else:
        at = AppTest.from_file(str(ROOT / "pages" / "followup.py"), default_timeout=90)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_page_renders_on_the_demo_store(demo_copy, env_db):
    at = _app_test(demo_copy, env_db)
    assert len(at.get("plotly_chart")) >= 4
    assert not at.error


def test_page_renders_on_the_hand_made_city(city_db, tmp_path, env_db):
    db = tmp_path / "c.duckdb"
    db.write_bytes(city_db.read_bytes())
    at = _app_test(db, env_db)
    assert not at.error


def test_page_renders_on_an_empty_store(empty_db, env_db):
    at = _app_test(empty_db, env_db)
    assert not at.error


def test_pace_and_gap_can_be_checked_by_hand(con):
    """Issue 25 item 7: units left / months left, never more than the units left; a total that sums
    its rows' shortfalls; ahead of the plan as ahead."""
    late = _plan(con, as_of=dt.date(2023, 12, 5))  # 26 days left
    a, b, total = late["甲区"], late["乙区"], late["total"]
    assert a["months_left"] == 1.0 and b["months_left"] == 1.0  # 26 days count as one month
    for row in (a, b):
        assert row["needed_per_month"] == pytest.approx(row["remaining_units"] / row["months_left"])
        assert row["needed_per_month"] <= row["remaining_units"]
    assert b["remaining_units"] == 15 and b["lacking_per_month"] == pytest.approx(15.0)  # no pace at all
    assert total["remaining_units"] == a["remaining_units"] + b["remaining_units"]
    assert total["needed_per_month"] == pytest.approx(a["needed_per_month"] + b["needed_per_month"])
    rows = [r for r in late.values() if not r["is_total"] and r["lacking_per_month"] == r["lacking_per_month"]]
    assert total["lacking_per_month"] == pytest.approx(sum(r["lacking_per_month"] for r in rows))
    assert all(total["lacking_per_month"] >= r["lacking_per_month"] for r in rows)
    assert total["behind"]
    # June: 甲区 ahead of its plan line, 乙区 behind; the total is behind because 乙区 is
    now = _plan(con)
    assert now["甲区"]["gap_units"] < 0 and now["乙区"]["gap_units"] > 0 and now["total"]["behind"]
    assert now["乙区"]["behind_plan_units"] == now["乙区"]["gap_units"]
    assert now["total"]["gap_units"] == now["total"]["planned_units"] - now["total"]["units_covered"]
    # after the plan's end: no months left, nothing needed per month
    over = _plan(con, as_of=dt.date(2024, 1, 2))["乙区"]
    assert over["months_left"] is None or over["months_left"] != over["months_left"]


def test_the_plan_table_says_ahead_and_behind_in_words(city_db, tmp_path, make_app):
    db = tmp_path / "city.duckdb"
    db.write_bytes(city_db.read_bytes())
    at = make_app(db, {"as_of": AS_OF.isoformat()}, "pages/followup.py")
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    table = (table.data if hasattr(table, "data") else table).set_index("县区")
    assert table.loc["甲区", "与计划相比"] == "超前 11 个" and table.loc["乙区", "与计划相比"].startswith("落后 ")
    # the status is by the pace, in the legend's words: '滞后' beside '超前 11 个' read as a contradiction
    assert set(table["状态"]) <= {"⚠ 无法按期完成", "正常", "已完成"} and table.loc["乙区", "状态"] == "⚠ 无法按期完成"
    assert (table.loc["甲区", "计划应覆盖（个）"], table.loc["甲区", "尚需覆盖（个）"]) == (49, 40)
    assert table.loc["甲区", "剩余月数"] == "6.0"
    assert any("核对方法" in c.value for c in at.caption)

# ---- the plan on the coverage page, like-for-like periods, labels ----------------------------------

def test_plan_vs_actual_marks_behind_districts_with_the_units_they_lack(con):
    from inspection import charts

    frame = store.run_query(con, "plan_by_district", Filters(as_of=AS_OF).params())
    fig = charts.plan_vs_actual(frame, "各县区覆盖率与计划进度", "zh")
    bars = {d: (x, y) for trace in fig.data if trace.type == "bar"
            for d, x, y in zip(trace.customdata, trace.x, trace.y, strict=True)}
    assert set(bars) == {"甲区", "乙区"}
    behind = _plan(con)["乙区"]
    assert behind["behind"] and bars["乙区"][0].startswith("⚠ 乙区")
    assert f"每月缺<br>{behind['lacking_per_month']:.1f} 个" in bars["乙区"][0]  # in short lines under the bar
    assert fig.layout.xaxis.tickangle == 0
    assert bars["乙区"][1] == pytest.approx(25.0)  # 5 of 20, drawn in %
    marks = next(trace for trace in fig.data if trace.type == "scatter")
    assert list(marks.y) == pytest.approx([r * 100 for r in frame.loc[~frame["is_total"], "planned_share"]])
    assert "short" in charts.plan_vs_actual(frame, "t", "en").data[0].x[0]


def test_a_district_behind_by_less_than_a_tenth_a_month_is_not_shown_lacking_0_0(con):
    """One unit left over years of plan (a township's last village, a store read as of a day long
    before the plan's end): the bar, the warning and the table say 不足0.1, never 每月缺 0.0 beside ⚠."""
    from inspection import charts, fmt

    frame = store.run_query(con, "plan_by_district", Filters(as_of=AS_OF).params())
    late = frame["behind"].astype(bool) & ~frame["is_total"].astype(bool)
    frame.loc[late, ["lacking_per_month", "needed_per_month"]] = 0.02
    labels = [x for trace in charts.plan_vs_actual(frame, "t", "zh").data if trace.type == "bar" for x in trace.x]
    assert any("每月缺<br>不足0.1 个" in x for x in labels) and not any("0.0 个" in x for x in labels), labels
    assert any("under 0.1" in x for trace in charts.plan_vs_actual(frame, "t", "en").data if trace.type == "bar"
               for x in trace.x)
    # the plan table (pages/followup.py) and the coverage page's warning print with the same formatter
    assert [fmt.per_month(v) for v in (0.02, 0, 0.05, 12.34, None)] == ["不足0.1", "0.0", "0.1", "12.3", "—"]


def test_plan_vs_actual_across_puts_a_district_a_row_its_shortfall_on_one_line(con):
    """As the briefing draws it, half a screen wide: bars across, the districts top down in the frame's
    order, each name with what it lacks on one line; the legend under the title, not beside it."""
    from inspection import charts

    frame = store.run_query(con, "plan_by_district", Filters(as_of=AS_OF).params())
    fig = charts.plan_vs_actual(frame, "各县区覆盖率与计划进度", "zh", across=True)
    bars = {d: (y, x) for trace in fig.data if trace.type == "bar"
            for d, y, x in zip(trace.customdata, trace.y, trace.x, strict=True)}
    behind = _plan(con)["乙区"]
    assert bars["乙区"][0] == f"⚠ 乙区 每月缺 {behind['lacking_per_month']:.1f} 个" and bars["甲区"][0] == "甲区"
    assert bars["乙区"][1] == pytest.approx(25.0)
    assert all(trace.orientation == "h" for trace in fig.data if trace.type == "bar")
    assert fig.layout.yaxis.autorange == "reversed" and list(fig.layout.yaxis.categoryarray) == [
        bars[d][0] for d in frame.loc[~frame["is_total"], "district"]]
    marks = next(trace for trace in fig.data if trace.type == "scatter")
    assert list(marks.x) == pytest.approx([r * 100 for r in frame.loc[~frame["is_total"], "planned_share"]])
    assert fig.layout.legend.xanchor == "left" and fig.layout.margin.t >= 100


def test_rectification_bars_leave_room_for_the_overdue_count_after_the_longest():
    """The overdue count is written after each bar: the axis reaches past the longest bar, or half a
    screen wide (the briefing) cut its count to the first digits."""
    import pandas as pd

    from inspection import charts

    frame = pd.DataFrame({"category": ["甲", "乙"], "rectified": [900, 100], "long_term": [10, 0],
                          "open_in_time": [40, 5], "overdue": [50, 3]})
    fig = charts.rectification_status(frame, "t")
    assert fig.layout.xaxis.range[1] >= 1000 * 1.1


def _periods(con, **filters) -> dict:
    frame = store.run_query(con, "results_by_period", Filters(**filters).params())
    return frame.set_index("period").to_dict("index")


def test_results_by_period_compares_the_same_days_of_the_previous_year(con):
    # 甲区: 10 inspections on the 10th of each month Jan-Jun 2023; 乙区: 5 on 2022-01-10
    p = _periods(con, as_of=dt.date(2023, 3, 31))
    assert (p["current"]["year"], p["current"]["inspections"], p["previous"]["inspections"]) == (2023, 30, 5)
    assert p["previous"]["period_start"].date() == dt.date(2022, 1, 1)
    assert p["previous"]["period_end"].date() == dt.date(2022, 3, 31)
    assert p["current"]["units_newly_covered"] == 30 and p["current"]["coverage_gain"] == pytest.approx(30 / 120)
    assert _periods(con, as_of=dt.date(2023, 1, 9))["current"]["inspections"] == 0
    # a year range ending earlier: whole years, 2022 against 2021
    p = _periods(con, as_of=AS_OF, year_to=2022)
    assert (p["current"]["year"], p["current"]["inspections"], p["previous"]["inspections"]) == (2022, 5, 0)
    assert p["current"]["period_end"].date() == dt.date(2022, 12, 31)
    # the filters narrow both periods
    assert _periods(con, as_of=AS_OF, districts=("乙区",))["current"]["inspections"] == 0


def test_page_labels_live_in_i18n():
    from inspection import briefing, i18n, report

    for key in ("fu_plan", "col_lacking", "fu_chart_projection", "n_days"):
        assert key in i18n.LABELS
    assert charts_followup.t is i18n.t and briefing.t is i18n.t  # no wrapper of their own
    assert i18n.t("brief_pptx", "zh") == "一键生成 PPT"
    assert not hasattr(charts_followup, "LABELS") and not hasattr(briefing, "BRIEFING_LABELS")
    assert not hasattr(briefing, "label") and not hasattr(report, "T") and not hasattr(report, "_t")


# ---- province scale: the per-district charts show one group of districts at a time ---------------

def _province() -> list[InputFile]:
    """30 districts of 4 villages each; district k had k % 4 of them inspected in January 2022 and
    nothing since (the ledger says 统计截至 the end of 2023, the data's as-of day), so against a 2023
    plan every district but the fully covered ones is behind."""
    roster = [["县区", "乡镇街道", "村(社区)"]]
    insp = [["巡察情况统计表（统计截至：2023年12月31日）"], ["轮次", "巡察层级", "巡察组", "开始日期", "结束日期", "县区", "乡镇街道", "村(社区)", "发现问题数"]]
    for k in range(30):
        district = f"测{k:02d}县"
        roster += [[district, f"{district}镇", f"{district}{i}村"] for i in range(4)]
        insp += [["2022年第一批", "县级", "第二巡察组", "2022-01-10", "2022-02-10", district, f"{district}镇",
                  f"{district}{i}村", 0] for i in range(k % 4)]
    return [InputFile("roster.csv", _csv(roster)), InputFile("inspections.csv", _csv(insp))]


@pytest.fixture(scope="module")
def province_db(tmp_path_factory) -> Path:
    return _planned_store(tmp_path_factory.mktemp("province") / "province.duckdb", _province())


def test_the_briefing_grid_breaks_a_long_title_and_leaves_room_for_the_legend_under_it(province_db, tmp_path,
                                                                                       make_app):
    """Half a screen wide the English plan chart's title ran past its right edge, and a legend under a
    title lost the room the chart kept for it (pages/briefing.py _screen_figure)."""
    import json

    db = tmp_path / "province.duckdb"
    db.write_bytes(province_db.read_bytes())
    at = make_app(db, {"lang": "en", "as_of": "2023-06-30"}, "pages/briefing.py")
    assert not at.exception, [e.value for e in at.exception]
    specs = [json.loads(c.proto.spec)["layout"] for c in at.get("plotly_chart")]
    plan = next(s for s in specs if s["title"]["text"].startswith("Coverage by district against the plan"))
    assert plan["title"]["text"].endswith("<br>(the 8 lowest of 30 districts)")
    assert plan["margin"]["t"] >= 105 + 22 and plan["height"] == 360
    curve = next(s for s in specs if s["title"]["text"] == "Cumulative coverage against the plan")
    assert curve["margin"]["t"] == 75  # one line, its legend beside it


def test_district_groups_labels_and_names():
    from inspection import charts

    names = [f"县{i}" for i in range(30)]
    groups = charts.district_groups(names)
    assert [len(g) for g in groups] == [12, 12, 6] and sum(groups, []) == names
    assert charts.district_groups(names[:12]) == [names[:12]]
    assert charts.group_label(0, groups, "zh") == "落后最多的 12 个"
    assert charts.group_label(2, groups, "en") == "Nos. 25–30 most behind"
    assert charts.group_note(0, groups, "zh").startswith("显示落后最多的 12 个县区（共 30 个）")
    assert charts.group_label(0, groups, "en", by="coverage") == "The 12 lowest"  # no plan to be behind
    assert charts.group_label(1, groups, "zh", by="coverage") == "覆盖率由低到高第 13–24 名"
    assert charts.group_note(2, groups, "en", by="coverage").startswith("Showing the districts ranked 25–30 by coverage")
    assert charts.group_label(0, groups, "zh", by="issues") == "问题最多的 12 个"
    assert charts.district_names(names[:3], "zh") == "县0、县1、县2"
    assert charts.district_names(names, "zh", most=2) == "县0、县1 等（另有 28 个）"
    assert charts.district_names(names, "en", most=2) == "县0, 县1 and 28 more"


def test_overdue_chart_keeps_the_districts_with_the_most_overdue():
    import pandas as pd

    frame = pd.DataFrame({"district": [f"县{i:02d}" for i in range(30)], "category": "群众身边腐败",
                          "overdue": range(1, 31)})
    fig = charts_followup.overdue_by_district_category(frame, "zh", most=24)
    assert list(fig.data[0].y) == [f"县{i:02d}" for i in range(6, 30)]
    assert "逾期最多的 24 个县区（共 30 个）" in fig.layout.title.text
    city = charts_followup.overdue_by_district_category(frame.head(5), "zh")
    assert len(city.data[0].y) == 5 and city.layout.title.text == "各县区逾期未整改问题（按类别）"


def test_one_category_or_level_still_has_its_legend_and_whole_counts():
    """Under narrow filters: one overdue issue of one category, one level's curve. The legend says
    which category or level (it was hidden with one trace) and the axis counts whole issues."""
    import pandas as pd

    frame = pd.DataFrame({"district": ["源汇区"], "category": ["惠民富民政策"], "overdue": [1]})
    fig = charts_followup.overdue_by_district_category(frame, "zh")
    assert fig.layout.showlegend and fig.data[0].name == "惠民富民政策"
    assert (fig.layout.xaxis.dtick, fig.layout.xaxis.tickformat) == (1, ",d")
    days = pd.DataFrame({"level": ["county"] * 2, "days": [0, 30], "rectified_share": [0.3, 0.7],
                         "rectified_within": [3, 7], "listed_with_feedback": [10, 10]})
    fig = charts_followup.rectification_days_curve(days, "en")
    assert fig.layout.showlegend and fig.data[0].name == "County"


def test_level_charts_name_their_level_and_tell_missing_from_zero():
    import pandas as pd

    from inspection import charts

    one = pd.DataFrame({"level": ["county"], "avg_issues_and_clues": [11.55]})
    fig = charts.level_bars(one, ["avg_issues_and_clues"], "t", "y", "zh")
    assert fig.layout.showlegend and fig.data[0].name == "县级"
    modes = pd.DataFrame({"mode": ["专项", "专项", "交叉"], "level": ["municipal", "county", "county"],
                          "avg_issues_and_clues": [12.0, 0.0, 10.0], "inspections": [3, 2, 4]})
    fig = charts.level_by_group(modes, "mode", "avg_issues_and_clues", "t", "y", "zh")
    texts = {trace.name: list(trace.text) for trace in fig.data}
    assert texts == {"市级": ["12.00", ""], "县级": ["0.00", "10.00"]}  # 交叉 has no municipal bar: no figure


def test_one_round_says_there_is_no_trend(demo_copy, make_app):
    at = make_app(demo_copy, {"round": "2024年第一轮"}, "pages/categories.py")
    assert not at.exception, [e.value for e in at.exception]
    assert any("只有一个轮次" in c.value for c in at.caption)


def test_overview_says_why_nothing_was_inspected(demo_copy, make_app):
    """A level and mode never combined: no inspection passes. The page says why, and the tiles count
    0 issues found (nothing inspected found nothing), not — (not reported)."""
    at = make_app(demo_copy, {"level": "市级", "mode": "巡乡带村"}, "pages/overview.py")
    assert not at.exception, [e.value for e in at.exception]
    assert any("没有巡察记录" in i.value for i in at.info)
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["巡察次数"] == "0" and tiles["发现问题"] == "0" and tiles["立行立改"] == "0"
    assert tiles["整改完成率"] == "—"
    at.switch_page("pages/briefing.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("没有巡察记录" in i.value for i in at.info)


def test_briefing_tiles_count_zero_when_nothing_was_inspected(demo_copy):
    from inspection import briefing

    con = store.connect(demo_copy, read_only=True)
    brief = briefing.build(con, Filters(levels=("municipal",), modes=("巡乡带村",)))
    con.close()
    tiles = {tile.label: tile for tile in brief.tiles}
    assert not brief.has_inspections and tiles["发现问题"].shown == "0" and tiles["发现问题"].detail == "立行立改 0 个"


def test_many_districts_show_the_most_behind_first(province_db, tmp_path, env_db):
    import json

    db = tmp_path / "p.duckdb"
    db.write_bytes(province_db.read_bytes())
    con = store.connect(db, read_only=True)
    order = store.run_query(con, "plan_by_district", Filters().params())
    con.close()
    order = order.loc[~order["is_total"].astype(bool), "district"].tolist()
    at = _app_test(db, env_db)
    assert not at.error
    assert any("另有" in w.value for w in at.warning), "the behind districts are named, not all 30"
    choice = at.selectbox(key="followup_districts_shown")
    assert len(choice.options) == 3
    assert any("显示落后最多的 12 个县区（共 30 个）" in c.value for c in at.caption)

    def panels() -> list[str]:
        spec = json.loads(at.get("plotly_chart")[0].proto.spec)
        # the district names over the panels, without the red "⚠" markup of behind districts
        return [re.sub(r"<[^>]*>", "", a["text"]).replace("⚠ ", "") for a in spec["layout"]["annotations"]]

    assert panels() == order[:12]
    choice.set_value(2).run()
    assert not at.exception
    assert panels() == order[24:]

    at.switch_page("pages/coverage.py").run()
    assert not at.exception
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    bars = {d for trace in specs[0]["data"] if trace["type"] == "bar" for d in trace["customdata"]}
    assert bars == set(order[:12])
    lines = [trace["name"] for trace in specs[1]["data"]]
    assert "全部县区合计" in lines and len([n for n in lines if n in order]) == 12
    at.selectbox(key="coverage_districts_shown").set_value(2).run()  # the section reruns alone
    assert not at.exception
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert {d for trace in specs[0]["data"] if trace["type"] == "bar" for d in trace["customdata"]} == set(order[24:])
    assert {trace["name"] for trace in specs[1]["data"]} & set(order) == set(order[24:])
    at.multiselect(key="district").set_value(order[20:23]).run()  # a few districts: every one drawn
    assert not at.exception
    assert not [s for s in at.selectbox if s.key == "coverage_districts_shown"]
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert {d for trace in spec["data"] if trace["type"] == "bar" for d in trace["customdata"]} == set(order[20:23])


def test_a_round_filter_shows_the_lowest_districts_not_every_one(province_db, tmp_path, env_db):
    """Under a round filter there is no plan (plan_applies): the coverage page still draws one group
    of districts, the lowest coverage under the filter first, in its bars, lines and heatmap (it drew
    every district: 2,946 lines at national scale)."""
    import json

    db = tmp_path / "p.duckdb"
    db.write_bytes(province_db.read_bytes())
    filtered = Filters(rounds=("2022年第一批",))
    con = store.connect(db, read_only=True)
    coverage = store.run_query(con, "coverage_by_district", filtered.params())
    con.close()
    order = coverage.sort_values(["coverage_rate", "district"])["district"].tolist()
    assert len(order) == 30
    at = _app_test(db, env_db)
    at.switch_page("pages/coverage.py").run()
    at.multiselect(key="round").set_value(["2022年第一批"]).run()
    assert not at.exception, [e.value for e in at.exception]
    choice = at.selectbox(key="coverage_districts_shown")
    assert len(choice.options) == 3 and choice.options[0] == "覆盖率最低的 12 个"
    assert any("显示覆盖率最低的 12 个县区（共 30 个）" in c.value for c in at.caption)

    def drawn() -> tuple[set, set, set]:
        specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
        bars = {d for trace in specs[0]["data"] if trace["type"] == "bar" for d in trace["customdata"]}
        lines = {trace["name"] for trace in specs[1]["data"]}
        heat = set(specs[2]["data"][0]["y"]) if specs[2]["data"][0]["type"] == "heatmap" else set()
        return bars, lines, heat

    bars, lines, heat = drawn()
    assert bars == set(order[:12]) and lines & set(order) == set(order[:12]) and "全部县区合计" in lines
    assert heat <= set(order[:12])  # the heatmap rows: the shown districts with an inspection
    choice.set_value(2).run()
    assert not at.exception
    bars, lines, _ = drawn()
    assert bars == set(order[24:]) and lines & set(order) == set(order[24:])


@pytest.fixture(scope="module")
def province_issues_db(tmp_path_factory) -> Path:
    """_province with an issue list: district k (k % 4 > 0, so inspected) has k issues."""
    issues = [["轮次", "县区", "乡镇街道", "村(社区)", "问题类别", "整改状态"]]
    for k in range(30):
        if k % 4:
            issues += [["2022年第一批", f"测{k:02d}县", f"测{k:02d}县镇", f"测{k:02d}县0村", "群众身边腐败", "已整改"]] * k
    files = [*_province(), InputFile("issues.csv", _csv(issues))]
    return _planned_store(tmp_path_factory.mktemp("province-issues") / "p.duckdb", files)


def test_overview_and_categories_show_one_group_of_districts_at_a_time(province_issues_db, tmp_path, env_db):
    """The overview's coverage bars (lowest coverage first) and the categories' stacks by district
    (most issues first) draw 12 districts at a time, not every one (2,946 at national scale)."""
    import json

    db = tmp_path / "p.duckdb"
    db.write_bytes(province_issues_db.read_bytes())
    con = store.connect(db, read_only=True)
    coverage = store.run_query(con, "coverage_by_district", Filters().params())
    con.close()
    lowest = coverage.sort_values(["coverage_rate", "district"])["district"].tolist()
    most = [f"测{k:02d}县" for k in range(29, 0, -1) if k % 4]
    at = _app_test(db, env_db)
    at.switch_page("pages/overview.py").run()
    assert not at.exception, [e.value for e in at.exception]
    choice = at.selectbox(key="overview_districts_shown")
    assert len(choice.options) == 3 and choice.options[0] == "覆盖率最低的 12 个"
    spec = json.loads(at.get("plotly_chart")[1].proto.spec)
    assert set(spec["data"][0]["customdata"]) == set(lowest[:12])
    assert len(at.dataframe[0].value) == 30  # the table keeps every district
    choice.set_value(1).run()
    spec = json.loads(at.get("plotly_chart")[1].proto.spec)
    assert set(spec["data"][0]["customdata"]) == set(lowest[12:24])

    at.switch_page("pages/categories.py").run()
    assert not at.exception, [e.value for e in at.exception]
    choice = at.selectbox(key="cat_districts_shown")
    assert len(choice.options) == 2 and choice.options[0] == "问题最多的 12 个"
    assert any("显示发现问题最多的 12 个县区（共 22 个）" in c.value for c in at.caption)

    def stacks() -> list[str]:
        spec = next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                    if "各县区" in json.dumps(json.loads(c.proto.spec)["layout"].get("title", {}), ensure_ascii=False))
        return list(spec["data"][0]["x"])

    assert stacks() == most[:12]
    choice.set_value(1).run()
    assert not at.exception
    assert stacks() == most[12:]


def test_overview_table_says_zero_for_a_district_without_inspections(city_db, tmp_path, make_app):
    """Under a round filter 乙区 has no inspection: its counts are 0, not None (they were blank)."""
    db = tmp_path / "city.duckdb"
    db.write_bytes(city_db.read_bytes())
    at = make_app(db, {"round": "2023年第1批"}, "pages/overview.py")
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value.set_index("县区")
    assert table.loc["乙区", "巡察次数"] == 0 and table.loc["乙区", "发现问题"] == 0
    assert table.loc["甲区", "巡察次数"] == 10
    assert not table.astype(str).isin(["None", "nan", "<NA>"]).any().any()


def test_heatmap_colour_bar_counts_whole_units():
    import pandas as pd

    from inspection import charts

    frame = pd.DataFrame({"district": ["甲区", "乙区"], "round": ["第一轮"] * 2, "round_ord": [1, 1], "units": [9, 11]})
    bar = charts.round_heatmap(frame, "t", "zh").data[0]
    assert (bar.zmin, bar.colorbar.tickformat) == (0, ",d")  # from 0, whole numbers (it read 9, 9.5, ... 11)
    bar = charts.round_heatmap(frame.assign(units=1), "t", "zh").data[0]
    assert (bar.zmin, bar.colorbar.dtick) == (0, 1)  # one unit a cell: ticks 0 and 1 (it read 0.6 ... 1.4)


def test_units_none_behind_are_chosen_as_the_lowest_coverage(demo_copy, make_app):
    """A township of 28 units, every one on plan: the group is not called 'the most behind'."""
    at = make_app(demo_copy, {"district": "临颍县", "township": "北港镇（临颍县）"}, "pages/coverage.py")
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="coverage_districts_shown").options[0] == "覆盖率最低的 12 个"
    assert any("显示覆盖率最低的 12 个对象（共 28 个）" in c.value for c in at.caption)


def test_heatmap_names_the_districts_without_a_row(city_db, tmp_path, make_app):
    """Under a round only 甲区 had: 乙区 has no row in the heatmap, and the caption says why."""
    import json

    db = tmp_path / "city.duckdb"
    db.write_bytes(city_db.read_bytes())
    at = make_app(db, {"round": "2023年第1批"}, "pages/coverage.py")
    assert not at.exception, [e.value for e in at.exception]
    heat = next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                if json.loads(c.proto.spec)["data"][0]["type"] == "heatmap")
    assert heat["data"][0]["y"] == ["甲区"]
    assert any(c.value == "未列出的县区在所选范围内没有巡察：乙区。" for c in at.caption)
    assert heat["data"][0]["zmin"] == 0


def test_briefing_at_province_scale_draws_the_lowest_districts_and_exports_them_all(province_db):
    """A briefing slide of 30 districts is unreadable: it draws the 12 lowest, says so in its title,
    and its table (the spreadsheet and CSV exports) keeps every district."""
    from inspection import briefing

    con = store.connect(province_db, read_only=True)
    asked = []

    def query(name, params):
        asked.append((name, params))
        return store.run_query(con, name, params)

    try:
        brief = briefing.build(query, Filters(as_of=dt.date(2023, 6, 30)))
        coverage = store.run_query(con, "coverage_by_district", Filters(as_of=dt.date(2023, 6, 30)).params())
        every = store.run_query(con, "coverage_by_district_month", Filters(as_of=dt.date(2023, 6, 30)).params())
    finally:
        con.close()
    slide = next(s for s in brief.slides if s.title.startswith("各县区覆盖率"))
    # with the plan (issue 25 item 12), its 8 lowest, one a row across half the screen
    assert slide.title == f"各县区覆盖率与计划进度（最低的 {briefing.PLAN_ROWS} 个，共 30 个县区）"
    ranked = coverage.sort_values(["coverage_rate", "district"])["district"]
    marks = next(trace for trace in slide.figure.data if trace.type == "scatter")
    assert list(marks.customdata) == ranked.head(briefing.PLAN_ROWS).tolist()
    assert all(trace.orientation == "h" for trace in slide.figure.data if trace.type == "bar")
    assert len(slide.table) == 30
    lowest = ranked.head(12).tolist()
    progress = next(s for s in brief.extra if s.title.startswith("各县区累计覆盖率"))
    assert progress.title.endswith("（最低的 12 个，共 30 个县区）")
    # the curves are asked for the 12 drawn districts only, not the 30 (2,946 at national scale) ...
    months = [params for name, params in asked if name == "coverage_by_district_month"]
    assert [sorted(p["districts"]) for p in months] == [sorted(lowest)]
    # ... and are the same as those of every district's query
    names = {trace.name for trace in progress.figure.data}
    assert "全部县区合计" in names and len(names & set(coverage["district"])) == 12
    for trace in progress.figure.data:
        if trace.name in lowest:
            assert list(trace.y) == list(every.loc[every["district"] == trace.name, "coverage_rate"] * 100)
    # the table as the chart reads it: a row per month, a column per drawn district and the whole area
    rates = [str(c) for c in progress.table.columns if str(c).endswith("覆盖率")]
    assert rates == [f"{d}覆盖率" for d in sorted(lowest)] + ["全部县区合计覆盖率"]
    assert progress.table["全部县区合计覆盖率"].notna().all()


def test_inspections_without_an_issue_list_say_so(city_db, tmp_path, make_app):
    """Issue 25 item 11: 乙区 has 5 inspections and no issue list."""
    db = tmp_path / "city.duckdb"
    db.write_bytes(city_db.read_bytes())
    at = make_app(db, {"as_of": AS_OF.isoformat(), "district": "乙区"})
    for page in ("pages/categories.py", "pages/followup.py"):
        at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        assert any("这些巡察（5 次）没有导入问题清单" in i.value for i in at.info), page
