"""What a leader's screenshot or downloaded chart must say by itself: the district and the day it
shows (in the figure, not only in the page's caption under it)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from inspection import charts, charts_followup
from inspection.filters import Filters
from ui import components as ui

AS_OF = dt.date(2026, 11, 15)


def _bars() -> object:
    frame = pd.DataFrame({"district": ["下泉镇", "仁庄镇"], "coverage_rate": [0.5, 0.8],
                          "units_total": [10, 10], "units_covered": [5, 8]})
    return charts.coverage_bars(frame, "district", "各乡镇（街道）覆盖率", "zh")


def test_a_chart_carries_its_day_and_filters_under_its_title():
    fig = _bars()
    top = charts.TEMPLATE.layout.margin.t  # the chart's own top margin
    assert ui.stamp(fig, Filters(districts=("沙澧区",), as_of=AS_OF), "zh")
    assert fig.layout.title.text == "各乡镇（街道）覆盖率"
    under = fig.layout.title.subtitle.text
    assert "数据截至 2026-11-15" in under and "沙澧区" in under
    assert fig.layout.margin.t == top + 18  # one line, room made for it
    english = _bars()
    ui.stamp(english, Filters(as_of=AS_OF), "en")
    assert english.layout.title.subtitle.text == "Data as of 2026-11-15; filters: all data"


def test_many_filters_wrap_and_a_legend_under_the_title_moves_down():
    filters = Filters(districts=("沙澧区", "召陵区", "临颍县"), rounds=("2025年第一轮", "2025年第二轮"),
                      levels=("municipal",), modes=("常规", "专项"), as_of=AS_OF)
    fig = charts_followup._layout(charts_followup.go.Figure(), "问题清单整改状态", 300)
    legend = fig.layout.legend.y
    assert ui.stamp(fig, filters, "zh")
    lines = fig.layout.title.subtitle.text.split("<br>")
    assert len(lines) > 1 and all(len(line) <= ui.SUBTITLE_LINE["zh"] for line in lines)
    assert "".join(lines).count("；") == ui.caption(filters, "zh").count("；") - (len(lines) - 1)
    assert fig.layout.legend.y == legend - 18 * len(lines) / 300


def test_a_figure_without_a_title_keeps_its_caption():
    assert not ui.stamp(charts_followup.go.Figure(), Filters(as_of=AS_OF), "zh")


def _lab(colour: str) -> tuple[float, float, float]:
    """CIE L*a*b* of a #RRGGBB colour (D65), for the distance the eye sees between two colours."""
    def linear(c: float) -> float:
        return ((c + 0.055) / 1.055) ** 2.4 if c > 0.04045 else c / 12.92

    r, g, b = (linear(int(colour[i:i + 2], 16) / 255) for i in (1, 3, 5))
    x, y, z = ((r * 0.4124 + g * 0.3576 + b * 0.1805) / 0.95047, r * 0.2126 + g * 0.7152 + b * 0.0722,
               (r * 0.0193 + g * 0.1192 + b * 0.9505) / 1.08883)

    def f(v: float) -> float:
        return v ** (1 / 3) if v > 0.008856 else 7.787 * v + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def test_no_two_issue_categories_look_alike():
    """The six categories stack in one bar and share one legend (问题分类, 逾期未整改 by district): two
    mauves (作风与不正之风 #8E6C8A, 从严治党责任与整改 #B07AA1, ΔE 12) read as one category."""
    for (a, ca), (b, cb) in itertools.combinations(charts.CATEGORY_COLORS.items(), 2):
        assert math.dist(_lab(ca), _lab(cb)) > 25, (a, b)


def _table_app():
    import pandas as pd

    from ui import components as ui

    frame = pd.DataFrame({"import_id": [1201, 7], "added": [18694, 3],
                          "skipped": pd.array([12345, None], dtype="Int64"), "funds": [1234.5, None]})
    ui.table(frame, {"import_id": "log_id", "added": "log_added", "skipped": "log_skipped", "funds": "col_funds"})


def test_counts_in_tables_carry_thousands_separators_as_on_the_tiles():
    """A district table read 2682 beside a tile's 1,284; an import log 18694 beside 1,331 in its own
    next column (a column with a blank, printed as text)."""
    at = AppTest.from_function(_table_app).run()
    assert not at.exception
    shown = at.dataframe[0]
    config = json.loads(shown.proto.columns)
    assert config["新增"]["type_config"]["format"] == "localized"
    assert "编号" not in config  # an import's number names it: 1201, not 1,201
    assert shown.value["跳过"].tolist() == ["12,345", "—"] and shown.value["追回资金（万元）"].tolist() == ["1,234.5", "—"]


def test_the_plan_table_and_the_axes_group_thousands():
    shown = pd.DataFrame({"县区": ["沙澧区", "合计"], "应巡对象": [262, 1331], "覆盖率": ["80.9%", "95.6%"]})
    text = ui.marked(shown, [True, False]).to_string()
    assert "1,331" in text and "80.9%" in text
    axes = charts.TEMPLATE.layout
    assert axes.yaxis.separatethousands and axes.xaxis.separatethousands and axes.yaxis.exponentformat == "none"


def test_before_the_plan_starts_no_district_is_said_to_be_on_track():
    """As of a day before the plan starts the briefing's plan chart said 可按期完成 (green) of every
    district, with nothing yet planned: they are 计划未开始, grey; a started plan keeps its colours."""
    frame = pd.DataFrame({"district": ["甲区", "乙区", "合计"], "is_total": [False, False, True],
                          "behind": [False, False, False], "lacking_per_month": [0.0, 0.0, 0.0],
                          "covered_share": [0.0, 0.0, 0.0], "planned_share": [0.0, 0.0, 0.0],
                          "units_covered": [0, 0, 0], "units_total": [10, 12, 22]})
    bars = [d for d in charts.plan_vs_actual(frame, "各县区覆盖率与计划进度", "zh", across=True).data if d.type == "bar"]
    assert [(b.name, b.marker.color) for b in bars] == [("计划未开始", charts.PLAN_COLOR)]
    started = frame.assign(planned_share=0.3, behind=[True, False, True], covered_share=[0.1, 0.4, 0.25])
    bars = [d for d in charts.plan_vs_actual(started, "t", "zh").data if d.type == "bar"]
    assert [b.name for b in bars] == ["按当前进度无法按期完成", "可按期完成"]


def test_a_tile_value_is_never_cut():
    """At 800 px with the sidebar open the overview's tiles read "95…", "1,…" (Streamlit ends a long
    value in "…"); the value now shrinks with its tile (a container query) and is never clipped, on
    every page with tiles (the briefing's six in a row had their own size by the window's width)."""
    css = ui.METRIC_CSS
    assert '[data-testid="stMetric"] { container-type: inline-size; }' in css
    value = css[css.index('[data-testid="stMetricValue"], [data-testid="stMetricValue"] *'):]
    assert "text-overflow: clip !important" in value and "overflow: visible !important" in value
    assert "cqi" in value and "2.25rem" in value
    assert "stMetricValue" not in (Path(ui.__file__).parents[1] / "pages" / "briefing.py").read_text(encoding="utf-8")


def test_the_filters_line_uses_chinese_colons_in_chinese():
    """'筛选：县区: 沙澧区' mixed a full-width colon with half-width ones under every chart."""
    from inspection.i18n import describe_filters

    assert describe_filters({"districts": ("沙澧区",), "year_from": 2025}, "zh") == "县区：沙澧区；年度范围：2025–"
    assert describe_filters({"districts": ("沙澧区",)}, "en") == "District: 沙澧区"


def test_the_file_uploader_speaks_chinese_in_the_chinese_view(make_app, empty_db):
    """Streamlit's uploader said "Upload" and "50MB per file • XLSX, …" on the Chinese import page."""
    at = make_app(empty_db, page="pages/imports.py")
    assert not at.exception
    css = "".join(h.proto.body for h in at.get("html"))
    assert 'content: "选择文件"' in css and "每个文件不超过 50MB · XLSX、" in css


def test_the_briefing_png_carries_its_day_and_filters():
    """The briefing's 下载图片（PNG） drew the chart with its title alone (累计覆盖率与计划进度: which
    district? which day?); the copy it renders is stamped, the slide's own figure left as it was."""
    fig = _bars()
    copy = ui.stamped(fig, Filters(districts=("沙澧区",), as_of=AS_OF), "zh")
    assert "沙澧区" in copy.layout.title.subtitle.text and not fig.layout.title.subtitle.text
    source = (Path(ui.__file__).parents[1] / "pages" / "briefing.py").read_text(encoding="utf-8")
    assert "export.chart_png(ui.stamped(fig, filters, lang)" in source
