"""The dashboard through Streamlit's AppTest: every page on the demo and on an empty store, the
figures under a district filter equal `metrics.compute`, URL parameters reproduce the filters,
cascading township options, unknown URL values, the problem workbook of a rejected import."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook
from streamlit.proto.Metric_pb2 import Metric
from streamlit.testing.v1 import AppTest
from support.apptest import assert_clean

from inspection import demo, fmt, metrics, problem_report, store
from inspection.filters import Filters, default_as_of
from inspection.importer import InputFile, Problem
from ui import registry

ROOT = Path(__file__).resolve().parents[2]

PAGES = [page.path for page in registry.PAGES]  # every page of the app (ui/registry.py)




def array(value) -> list:
    """A Plotly JSON array, plain or typed ({'dtype', 'bdata'})."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return list(value)


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def stamps(at: AppTest) -> list[str]:
    """The captions and the as-of lines under the charts' titles (ui.components.stamp)."""
    under = [((json.loads(c.proto.spec)["layout"].get("title") or {}).get("subtitle") or {}).get("text") or ""
             for c in at.get("plotly_chart")]
    return [c.value for c in at.caption] + under


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_the_demo_store(make_app, demo_copy, page):
    at = make_app(demo_copy, page=page)
    assert_clean(at)
    if registry.BY_SLUG[Path(page).stem].queries:  # not the import page, nor the unit page before a unit is chosen
        assert at.get("plotly_chart"), "a page with data shows charts"
        for chart in at.get("plotly_chart"):
            spec = json.loads(chart.proto.spec)
            titles = [(spec["layout"].get("title") or {}).get("text")]
            if not titles[0]:  # a row of indicators (the one-month rate's bullets) titles each one
                titles = [(trace.get("title") or {}).get("text") for trace in spec["data"]]
            assert titles and all(titles), "every chart has a title"
            config = json.loads(chart.proto.config)
            assert config["toImageButtonOptions"]["scale"] == 3
            assert any("\u4e00" <= c <= "\u9fff" for c in config["toImageButtonOptions"]["filename"])
        shown = stamps(at)
        if not registry.BY_SLUG[Path(page).stem].title_shown:  # the briefing: its own header's subtitle
            shown += [m.value for m in at.markdown]
        assert any("数据截至" in v for v in shown), "captions (or the charts under their titles) carry the as-of date"


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_an_empty_store(make_app, empty_db, page):
    at = make_app(empty_db, page=page)
    assert_clean(at)
    assert not at.get("plotly_chart"), "no empty axes"
    assert at.info, "an empty store explains itself"


def test_no_roster_says_coverage_cannot_be_computed(make_app, demo_copy):
    con = store.connect(demo_copy)
    con.execute("UPDATE roster SET superseded_by = -1")
    store.refresh_derived(con)  # a hand edit of the rows: rebuild what the views read
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
    towns = store.run_query(con, "coverage_by_district", Filters(districts=(district,)).params())
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
    # one district chosen: the bars are its townships (issue 19), which add up to the district
    assert towns["units_covered"].sum() / towns["units_total"].sum() == pytest.approx(expected["coverage_rate"])
    bars = json.loads(at.get("plotly_chart")[1].proto.spec)["data"][0]
    assert list(bars["x"]) == towns["district"].tolist()
    assert array(bars["y"]) == pytest.approx((towns["coverage_rate"] * 100).tolist())

    at.switch_page("pages/compare.py").run()
    assert_clean(at)
    ratio = fmt.ratio(expected["ratio_issues_and_clues"])
    assert any(ratio in m.value for m in at.metric)
    # the team table names each team's district: a county team its county, a municipal team none
    teams = next(d.value for d in at.dataframe if "所属县区" in d.value.columns)
    assert set(teams.loc[teams["层级"] == "市级", "所属县区"]) == {"跨县区（市级）"}
    assert district in set(teams.loc[teams["层级"] == "县级", "所属县区"])


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
    assert any(district in c for c in stamps(at))


def test_unknown_url_values_never_crash(make_app, demo_copy):
    at = make_app(demo_copy, {"district": "不存在的县", "township": "x/y", "level": "省级", "as_of": "garbage",
                              "years": "abc", "poverty": "maybe", "lang": "fr", "category": "<script>"})
    assert_clean(at)
    assert at.session_state["_filters"] == Filters(as_of=demo.AS_OF)  # the day the data covers (数据截至)


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


@pytest.mark.parametrize(("shown", "lang"), [("en", "en"), ("English", "en"), ("zh", "zh"), ("中文", "zh")])
def test_language_in_the_link_is_its_code(make_app, demo_copy, shown, lang):
    """?lang= holds zh/en; the labels an earlier release wrote into links open the same language."""
    at = make_app(demo_copy, {"lang": shown})
    assert_clean(at)
    assert at.session_state["lang"] == lang
    assert at.query_params["lang"] in (lang, [lang])
    assert ("Inspections" in tiles(at)) == (lang == "en")


def test_language_switch_writes_the_code(make_app, demo_copy):
    at = make_app(demo_copy)
    assert "lang" not in at.query_params  # the default language leaves the link alone
    at.button_group(key="lang").set_value("en").run()
    assert_clean(at)
    assert at.query_params["lang"] in ("en", ["en"])
    assert "Inspections" in tiles(at)
    at.button_group(key="lang").set_value("zh").run()
    assert at.query_params["lang"] in ("zh", ["zh"])


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


# ---- English: every page, no Chinese left in the labels ------------------------------------------

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


@pytest.fixture(scope="module")
def data_values(demo_db) -> list[str]:
    """Names that are data, not labels (districts, townships, rounds, categories ...): allowed in
    Chinese on the English screen. Unit types and modes are vocabularies, translated (issue 25 item 16). Longest first, so a township goes before its district."""
    con = store.connect(demo_db, read_only=True)
    found = set()
    for column, view in (("district", "v_units"), ("township", "v_units"), ("unit_name", "v_units"),
                         ("round", "v_inspections"),
                         ("team", "v_inspections"), ("category", "v_issues"), ("subcategory", "v_issues")):
        found |= {v for (v,) in con.execute(f"SELECT DISTINCT {column} FROM {view}").fetchall() if v}
    con.close()
    return sorted(found, key=len, reverse=True)


def _figure_texts(spec: dict) -> list[str]:
    """The user-visible strings of a figure: titles, axis and colour-bar titles, annotations, trace
    names, indicator titles, hover templates, tick labels of category axes."""
    out = []
    layout = spec.get("layout", {})
    out.append((layout.get("title") or {}).get("text") or "")
    out.append(((layout.get("title") or {}).get("subtitle") or {}).get("text") or "")
    for key, axis in layout.items():
        if key.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            out.append((axis.get("title") or {}).get("text") or "")
    out += [a.get("text") or "" for a in layout.get("annotations", [])]
    for trace in spec.get("data", []):
        out += [str(trace.get("name") or ""), str(trace.get("hovertemplate") or "")]
        out.append(((trace.get("title") or {}).get("text")) or "")
        out.append((((trace.get("colorbar") or {}).get("title") or {}).get("text")) or "")
        if trace.get("type") in ("bar", "scatter") and isinstance(trace.get("x"), list):
            out += [str(x) for x in trace["x"]]
    return out


# Chinese punctuation in English text on pages other engineers own, reported to the lead:
# pages/followup.py joins behind districts with "、" (use i18n.join), pages/imports.py writes "导入人：".
KNOWN: dict[str, str] = {}


def _leftover_chinese(texts: list[str], values: list[str], known: str = "") -> list[str]:
    bad = []
    for text in texts:
        stripped = text.replace(known, "") if known else text
        for v in values:
            stripped = stripped.replace(v, "")
        if CJK.search(stripped):
            bad.append(text)
    return bad


@pytest.mark.parametrize("page", PAGES)
def test_english_page_has_no_chinese_labels(make_app, demo_copy, data_values, page):
    at = make_app(demo_copy, {"lang": "English"}, page=page)
    assert_clean(at)
    texts = [e.value for kind in ("title", "header", "subheader", "caption", "info", "warning", "success")
             for e in getattr(at, kind)]
    texts += [str(m.label) for m in at.metric] + [str(m.delta or "") for m in at.metric]
    texts += [str(m.value) for m in at.markdown if "<style>" not in str(m.value)]
    texts += [b.label for b in at.button] + [t.label for t in at.toggle]
    for chart in at.get("plotly_chart"):
        texts += _figure_texts(json.loads(chart.proto.spec))
    assert texts
    assert not _leftover_chinese(texts, data_values, KNOWN.get(page, "")), page


def test_every_label_has_chinese_and_english_with_the_same_placeholders():
    from string import Formatter

    from inspection.i18n import LABELS

    for key, pair in LABELS.items():
        assert len(pair) == 2 and all(isinstance(s, str) and s.strip() for s in pair), key
        zh_names, en_names = ({name for _, name, _, _ in Formatter().parse(s) if name} for s in pair)
        assert zh_names == en_names, key
        assert not CJK.search(pair[1].replace("语言 / Language", "")), key


def test_every_label_key_used_in_the_code_exists():
    from inspection.i18n import LABELS

    pattern = re.compile(r"(?<![.\w])(?:t|label)\(\s*\"([a-z_][a-z0-9_]*)\"")  # not ui_auth.label(
    files = [*(ROOT / "pages").glob("*.py"), *(ROOT / "inspection").rglob("*.py"), ROOT / "ui" / "components.py",
             ROOT / "ui" / "sidebar.py", ROOT / "dashboard.py"]
    used = {(f.name, key) for f in files for key in pattern.findall(f.read_text(encoding="utf-8"))}
    assert used
    missing = sorted((name, key) for name, key in used if key not in LABELS)
    assert not missing


def test_month_axis_labels_each_month_once():
    import pandas as pd

    from inspection import charts

    def axis(start: str, periods: int):
        days = pd.date_range(start, periods=periods, freq="ME")
        frame = pd.DataFrame({"day": days, "coverage_rate": 0.5, "plan_rate": 0.5, "units_covered": 1})
        return charts.coverage_over_time(frame, "t").layout.xaxis

    short = axis("2026-08-01", 4)
    assert (short.dtick, short.tickformat) == ("M1", "%Y-%m")
    assert short.range is None
    assert axis("2025-01-01", 20).dtick == "M3"
    assert axis("2024-01-01", 35).dtick == "M6"
    assert axis("2015-01-01", 120).dtick == "M12"
    single = axis("2026-11-01", 1)
    assert single.dtick == "M1" and single.range is not None, "one point: a month either side, not hours"


def test_overview_deltas_compare_the_same_period_of_last_year(make_app, demo_copy):
    con = store.connect(demo_copy, read_only=True)
    as_of = con.execute("SELECT max(start_date) FROM v_inspections").fetchone()[0]
    periods = store.run_query(con, "results_by_period", Filters(as_of=as_of).params()).set_index("period")
    con.close()
    now, before = periods.loc["current"], periods.loc["previous"]
    assert now["period_start"].date() == dt.date(as_of.year, 1, 1) and now["period_end"].date() == as_of
    assert before["period_end"].date() == dt.date(as_of.year - 1, as_of.month, as_of.day)
    at = make_app(demo_copy, {"as_of": as_of.isoformat()})
    assert_clean(at)
    deltas = {m.label: m.delta for m in at.metric}
    period = f"{as_of.year}年至今"  # the tile says which period (issue 25 item 6)
    assert deltas["巡察次数"] == fmt.change(now["inspections"], before["inspections"])
    assert deltas["发现问题"] == fmt.change(now["issues_found"], before["issues_found"])
    described = {m.label: m.proto.delta_description for m in at.metric}
    assert described["巡察次数"] == described["整改完成率"] == f"{period}同比"
    colours = {m.label: m.proto.color for m in at.metric}
    assert colours["巡察次数"] == colours["整改完成率"] == colours["发现问题"] == Metric.MetricColor.GRAY
    assert any("较上年同期" in c.value and as_of.isoformat() in c.value for c in at.caption)


def test_coverage_page_shows_the_plan(make_app, demo_copy):
    con = store.connect(demo_copy, read_only=True)
    # as the page opens: as of the latest day the data covers (the sidebar's default), not today
    as_of = default_as_of(store.run_query(con, "data_as_of", {}))
    plan = store.run_query(con, "plan_by_district", Filters(as_of=as_of).params())
    con.close()
    at = make_app(demo_copy, page="pages/coverage.py")
    assert_clean(at)
    late = plan[~plan["is_total"] & plan["behind"]]
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["title"]["text"].startswith("各县区覆盖率与计划进度")
    bars = [trace for trace in spec["data"] if trace["type"] == "bar"]
    shown = {d: x for trace in bars for d, x in zip(trace["customdata"], trace["x"], strict=True)}
    assert set(shown) == set(plan.loc[~plan["is_total"], "district"])
    for district in late["district"]:
        assert "每月缺" in shown[district] or "计划已到期" in shown[district]
    if not late.empty:
        assert any(late["district"].iloc[0] in w.value for w in at.warning)
    assert at.get("page_link"), "a link to the plan & follow-up page"


def test_ratio_tiles_say_how_many_inspections_they_rest_on_and_warn_when_few(make_app, demo_copy):
    """3 municipal inspections in one township gave 每次巡察处分人数 9.72 倍 with nothing to say that
    one inspection more or less would change it: the tiles now name both levels' inspections, and
    warn when a level has fewer than FEW_INSPECTIONS."""
    con = store.connect(demo_copy, read_only=True)
    towns = store.run_query(con, "filter_options_by_kind", {}).query("kind == 'township'")
    few = None
    for town, district in zip(towns["value"], towns["parent"], strict=True):
        levels = store.run_query(con, "results_by_level", Filters(districts=(district,), townships=(town,)).params())
        if set(levels["level"]) == {"municipal", "county"} and levels["inspections"].min() < 10:
            few = district, town, levels.set_index("level")["inspections"]
            break
    whole = store.run_query(con, "results_by_level", Filters().params()).set_index("level")["inspections"]
    con.close()
    assert few is not None and whole.min() >= 10
    at = make_app(demo_copy)
    at.switch_page("pages/compare.py").run()
    assert_clean(at)
    assert any(f"市级{whole['municipal']}次、县级{fmt.number(whole['county'])}次" in c.value for c in at.caption)
    assert not at.warning
    at.multiselect(key="district").set_value([few[0]]).run()
    at.multiselect(key="township").set_value([few[1]]).run()
    assert_clean(at)
    assert any(f"市级{few[2]['municipal']}次、县级{few[2]['county']}次" in c.value for c in at.caption)
    assert any("巡察只有" in w.value and "仅供参考" in w.value for w in at.warning)
