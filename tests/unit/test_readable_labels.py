"""Issue 25 item 15: treemap tiles readable (a category's small subcategories grouped as 其他（N类）,
a label that does not fit hidden, never cut) and tile labels that wrap instead of ending in "…"."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from inspection import charts
from ui.components import METRIC_CSS


def _frame() -> pd.DataFrame:
    rows = [("甲类", "大项", 900), ("甲类", "小项一", 10), ("甲类", "小项二", 12), ("乙类", "中项", 500),
            ("乙类", "独个小项", 8)]
    return pd.DataFrame(rows, columns=["category", "subcategory", "issues"])


def test_small_subcategories_are_one_tile_that_names_them():
    trace = charts.category_treemap(_frame(), "问题类别构成", "zh").data[0]
    tiles = dict(zip(trace.labels, trace.values, strict=True))
    assert tiles["其他（2类）"] == 22 and "小项一" not in tiles and "小项二" not in tiles
    assert tiles["独个小项"] == 8  # one small tile alone is not grouped
    assert tiles["甲类"] == 922 and sum(v for lab, v in tiles.items() if lab in ("大项", "其他（2类）")) == 922
    hover = trace.customdata[list(trace.labels).index("其他（2类）")]
    assert "小项一: 10" in hover and "小项二: 12" in hover
    assert trace.texttemplate == "%{text}<br>%{value:,}"  # the name (wrapped) and the number on every tile
    layout = charts.category_treemap(_frame(), "t", "en").layout
    assert layout.uniformtext.mode == "hide" and layout.uniformtext.minsize >= 9
    assert "Other (2 kinds)" in charts.category_treemap(_frame(), "t", "en").data[0].labels


def test_tile_labels_wrap_instead_of_ending_in_an_ellipsis():
    assert "stMetricLabel" in METRIC_CSS and "white-space: normal" in METRIC_CSS and "text-overflow: clip" in METRIC_CSS
    assert "stMetricDeltaDescription" in METRIC_CSS  # 2026年至今同比 beside the change (it read 2026年至…)
    # every page with tiles includes it (Immediate fixes per inspection read "Immediate fixes per inspec…")
    pages = Path(__file__).resolve().parents[2] / "pages"
    for page in pages.glob("*.py"):
        source = page.read_text(encoding="utf-8")
        assert "ui.kpi(" not in source or "ui.METRIC_CSS" in source, page.name


def test_a_subcategory_label_is_wrapped_to_fit_a_narrow_tile():
    """At 1366 px a tile of a few per cent is about 80 px wide: its name goes on short, even lines
    (<br>), so it is shown whole instead of hidden."""
    from inspection import charts

    assert charts.wrap_label("村级财务", 6) == "村级财务"
    assert charts.wrap_label("以往巡视巡察审计整改不到位", 6) == "以往巡视巡<br>察审计整改<br>不到位"
    frame = pd.DataFrame({"category": ["作风与不正之风"] * 2, "subcategory": ["违反中央八项规定精神", "形式主义"],
                          "issues": [500, 400]})
    trace = charts.category_treemap(frame, "t").data[0]
    leaves = [text for text, parent in zip(trace.text, trace.parents, strict=True) if parent]
    assert leaves == ["违反中央八<br>项规定精神", "形式主义"]
    assert all(len(line) <= charts.TREEMAP_LINE for text in leaves for line in text.split("<br>"))
    assert "%{text}" in trace.texttemplate and "%{label}" in trace.hovertemplate  # the hover keeps the name whole
