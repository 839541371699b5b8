"""Marks on every copy (classification line, traceable watermark) and the export log (issue 21,
items 4 and 5): the settings, each exporter's marks (PPTX text, PDF text via pdftotext, PNG and PDF
pages as pictures), the log table, `exports-log`, who sees the log in the app, and the running app
downloading every kind while the log records them."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest
from support.apprunner import running_app

from inspection import auth, briefing, cli, export, exportlog, marks, store
from inspection.filters import Filters

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "tests" / "screenshots"
CLASS = "内部资料 注意保存"
MARKS = marks.Marks(CLASS, "张三  2026-12-05")
needs_browser = pytest.mark.skipif(export.browser_path() is None, reason="no Chromium: PNG export unavailable")
needs_font = pytest.mark.skipif(export.cjk_font() is None, reason="no CJK font: PDF export unavailable")
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
                                   reason="poppler-utils not installed")


def _bar() -> go.Figure:
    return go.Figure(go.Bar(x=["源汇区", "郾城区", "召陵区"], y=[3, 5, 4], marker_color="#C0392B")) \
        .update_layout(title="各县区覆盖率")


def _pdf_pages(data: bytes, tmp_path: Path) -> tuple[list[str], list]:
    """The text and the picture (PIL, 50 dpi) of each page of a PDF."""
    from PIL import Image

    path = tmp_path / "deck.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(path), str(tmp_path / "page")], check=True)
    pictures = [Image.open(p).convert("RGB") for p in sorted(tmp_path.glob("page-*.png"))]
    return text.split("\f")[:len(pictures)], pictures


def _ink(picture, box=None) -> int:
    """Pixels of the watermark's faint grey (not white, not a figure's colour) in `box`."""
    region = picture.crop(box) if box else picture
    return sum(1 for r, g, b in region.getdata() if 200 <= r <= 248 and abs(r - g) < 6 and abs(g - b) < 6)


# ---------------------------------------------------------------------------- settings


def test_classification_setting_defaults_and_turns_off(monkeypatch):
    monkeypatch.delenv("INSPECTION_CLASSIFICATION", raising=False)
    assert marks.classification() == CLASS
    monkeypatch.setenv("INSPECTION_CLASSIFICATION", "机密★1年\n（第2份）")
    assert marks.classification() == "机密★1年 （第2份）", "one line"
    monkeypatch.setenv("INSPECTION_CLASSIFICATION", "0")
    assert marks.classification() == ""


def test_watermark_is_on_once_users_are_configured(monkeypatch, tmp_path):
    monkeypatch.delenv("INSPECTION_WATERMARK", raising=False)
    monkeypatch.setenv("INSPECTION_USERS_FILE", str(tmp_path / "users.toml"))
    assert not marks.watermark_enabled() and marks.current("张三").watermark == ""
    auth.add_user("张三", "watermark test 123", "viewer")
    assert marks.watermark_enabled()
    mark = marks.current("张三", dt.date(2026, 12, 5))
    assert mark == marks.Marks(CLASS, "张三  2026-12-05")
    assert marks.current(None, dt.date(2026, 12, 5)).watermark == "访客  2026-12-05"
    monkeypatch.setenv("INSPECTION_WATERMARK", "0")
    assert marks.current("张三").watermark == ""
    monkeypatch.setenv("INSPECTION_WATERMARK", "1")
    assert marks.watermark_enabled(users_configured=False)


# ---------------------------------------------------------------------------- the exports


def test_png_gets_a_classification_band_and_a_faint_watermark():
    from PIL import Image, ImageDraw

    plain = Image.new("RGB", (900, 500), "white")
    ImageDraw.Draw(plain).rectangle((100, 100, 800, 450), fill=(0xC0, 0x39, 0x2B))  # a bar
    raw = io.BytesIO()
    plain.save(raw, format="PNG")
    raw = raw.getvalue()
    assert marks.stamp_png(raw, marks.NONE) == raw

    only_class = Image.open(io.BytesIO(marks.stamp_png(raw, marks.Marks(CLASS, ""))))
    band = only_class.height - 500
    assert band >= 28, "the line is above the picture, it covers nothing"
    reds = [p for p in only_class.crop((0, 0, 900, band)).getdata() if p[0] > 150 and p[1] < 90]
    assert len(reds) > 100, "the red classification text"
    assert list(only_class.crop((0, band, 900, only_class.height)).getdata()) == list(plain.getdata())

    stamped = Image.open(io.BytesIO(marks.stamp_png(raw, MARKS))).convert("RGB")
    body = stamped.crop((0, band, 900, stamped.height))
    assert _ink(body) > 2000, "the watermark is there"
    bar = [p for p in body.crop((100, 100, 800, 450)).getdata()]
    darkest = min(sum(p) for p in bar)
    assert darkest > 0.8 * sum((0xC0, 0x39, 0x2B)) * 0.85, "translucent over the figure"
    changed = sum(1 for p in bar if p != (0xC0, 0x39, 0x2B))
    assert changed < 0.25 * len(bar), "most of the bar untouched: the figure stays readable"


def test_pptx_slides_carry_the_line_and_the_watermark():
    from pptx import Presentation

    slides = [export.Slide("主要指标", "数据截至", None, pd.DataFrame({"指标": ["覆盖率"], "数值": [0.9]}))]
    for mark, picture in ((MARKS, True), (marks.Marks(CLASS, ""), False)):
        prs = Presentation(io.BytesIO(export.deck_pptx("标题", "副标题", slides, [None], marks=mark)))
        assert len(prs.slides) == 2
        for slide in prs.slides:
            texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
            assert texts.count(CLASS) == 1
            top = next(s for s in slide.shapes if s.name == "classification")
            assert top.top < min(s.top for s in slide.shapes if s.name not in ("classification", "watermark"))
            marks_ = [s for s in slide.shapes if s.name == "watermark"]
            assert len(marks_) == (1 if picture else 0)
            if picture:
                assert (marks_[0].width, marks_[0].height) == (prs.slide_width, prs.slide_height)
    prs = Presentation(io.BytesIO(export.deck_pptx("标题", "副标题", slides, [None])))
    assert not any(s.name in ("classification", "watermark") for slide in prs.slides for s in slide.shapes)


@needs_font
@needs_poppler
def test_pdf_pages_carry_the_line_and_a_readable_watermark(demo_db, tmp_path):
    con = store.connect(demo_db, read_only=True)
    try:
        as_of = con.execute("SELECT max(start_date) FROM v_inspections").fetchone()[0]
        brief = briefing.build(con, Filters(as_of=as_of))
    finally:
        con.close()
    slides = brief.deck_slides(False)
    images, _ = export.render_images(slides, 800, 450, scale=1)
    texts, pages = _pdf_pages(export.deck_pdf(brief.title, brief.subtitle, slides, images, marks=MARKS), tmp_path)
    tables = sum(len(export.table_pages(s.table)) for s in slides if s.figure is not None
                 and not export.fits_beside(s.table))  # a table too large to sit beside its chart follows it
    assert len(pages) == 1 + len(slides) + tables
    for text in texts:
        assert text.lstrip().startswith(CLASS), "the classification line first on every page"
    SHOTS.mkdir(parents=True, exist_ok=True)
    pages[2].save(SHOTS / "marks_pdf_page.png")
    plain_dir = tmp_path / "plain"
    plain_dir.mkdir()
    plain_texts, plain = _pdf_pages(export.deck_pdf(brief.title, brief.subtitle, slides, images), plain_dir)
    assert CLASS not in plain_texts[0]
    for marked, bare in zip(pages, plain, strict=True):
        assert _ink(marked) > _ink(bare) + 500, "the watermark on every page"
    # over the chart, the marked page differs from the bare one only faintly
    box = (40, 120, 560, 380)
    diffs = [abs(a - b) for pa, pb in zip(pages[2].crop(box).getdata(), plain[2].crop(box).getdata(), strict=True)
             for a, b in zip(pa, pb, strict=True)]
    assert max(diffs) < 70 and sum(diffs) / len(diffs) < 6


def test_docx_gets_the_line_in_the_header_and_the_watermark_behind_the_text():
    from docx import Document

    document = Document()
    document.add_paragraph("正文")
    marks.mark_docx(document, MARKS)
    out = io.BytesIO()
    document.save(out)
    reopened = Document(io.BytesIO(out.getvalue()))
    header = reopened.sections[0].header
    assert CLASS in header.paragraphs[0].text
    xml = header._element.xml
    assert 'behindDoc="1"' in xml and "wp:anchor" in xml and "wp:inline" not in xml


@needs_browser
def test_chart_png_is_marked():
    from PIL import Image

    png = Image.open(io.BytesIO(export.chart_png(_bar(), MARKS, 600, 300, scale=1)))
    assert png.size == (600, 300 + max(28, round(300 * 0.05)))
    assert _ink(png.convert("RGB")) > 1000


# ---------------------------------------------------------------------------- the export log


def test_log_records_each_kind_with_user_and_filters(demo_copy, capsys):
    con = store.connect(demo_copy)
    try:
        filters = Filters(districts=("源汇区",), levels=("county",), as_of=dt.date(2025, 6, 30))
        for i, kind in enumerate(exportlog.KINDS):
            exportlog.record(con, "张三", kind, "briefing", f"巡察简报_2025-06-30_源汇区.{kind}", filters,
                             when=dt.datetime(2025, 7, 1, 9, i))
        with pytest.raises(ValueError):
            exportlog.record(con, "张三", "exe", "briefing", "x.exe")
        log = exportlog.list_exports(con)
    finally:
        con.close()
    assert log["kind"].tolist() == list(reversed(exportlog.KINDS)), "newest first"
    assert set(log["exported_by"]) == {"张三"}
    assert json.loads(log["filters"][0]) == {"as_of": "2025-06-30", "districts": ["源汇区"], "levels": ["county"]}

    assert cli.main(["exports-log", "--db", str(demo_copy)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 6 and out[0].startswith("2025-07-01 09:05:00  张三  csv  briefing  巡察简报_2025-06-30_源汇区.csv")
    assert cli.main(["exports-log", "--db", str(demo_copy), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["kind"] for r in rows] == list(reversed(exportlog.KINDS))
    assert rows[0]["filters"]["districts"] == ["源汇区"] and rows[0]["exported_by"] == "张三"


def test_exports_log_of_a_store_without_exports(empty_db, capsys):
    assert cli.main(["exports-log", "--db", str(empty_db)]) == 0
    assert "还没有导出记录" in capsys.readouterr().out
    assert cli.main(["exports-log", "--db", str(empty_db), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


# ---------------------------------------------------------------------------- in the app


@pytest.fixture
def app_with_users(env_db, tmp_path, monkeypatch, fast_hashes):
    monkeypatch.setenv("INSPECTION_USERS_FILE", str(tmp_path / "users" / "users.toml"))
    monkeypatch.setenv("INSPECTION_REQUIRE_LOGIN", "0")  # the sidebar's log-in (viewing open, warned about)
    auth._memory.clear()
    auth.add_user("管理员甲", "admin password 1", "admin")
    auth.add_user("viewer1", "viewer password 1", "viewer")

    def make(db: Path) -> AppTest:
        env_db(db)
        st.cache_resource.clear()
        st.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        at.run()
        return at

    yield make
    auth._memory.clear()
    st.cache_resource.clear()
    st.cache_data.clear()


def _log_in(at: AppTest, name: str, password: str) -> None:
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    next(b for b in at.button if b.label == "登录").click()
    at.run()


def test_only_administrators_see_the_export_log(app_with_users, demo_copy):
    con = store.connect(demo_copy)
    exportlog.record(con, "viewer1", "pdf", "briefing", "巡察简报_2025-06-30.pdf", Filters())
    con.close()
    at = app_with_users(demo_copy)
    _log_in(at, "viewer1", "viewer password 1")
    at.switch_page("pages/imports.py").run()
    assert not at.exception
    assert "导出记录" not in [s.value for s in at.subheader]
    assert not any("file_name" in str(f.value.columns) or "文件名" in str(f.value.columns) for f in at.dataframe)

    at = app_with_users(demo_copy)
    _log_in(at, "管理员甲", "admin password 1")
    at.switch_page("pages/imports.py").run()
    assert not at.exception
    assert "导出记录" in [s.value for s in at.subheader]
    shown = next(f.value for f in at.dataframe if "文件名" in f.value.columns)
    assert shown["文件名"].tolist() == ["巡察简报_2025-06-30.pdf"] and shown["导出人"].tolist() == ["viewer1"]
    assert shown["格式"].tolist() == ["PDF"] and shown["筛选条件"][0].startswith("数据截至 ")


def test_with_the_watermark_on_the_briefing_toolbar_has_no_unmarked_png(app_with_users, demo_copy):
    at = app_with_users(demo_copy)  # users configured: the watermark is on, an anonymous visitor
    at.switch_page("pages/briefing.py").run()
    assert not at.exception
    charts = at.get("plotly_chart")
    assert charts
    for chart in charts:
        config = json.loads(chart.proto.config)
        assert "toImage" in config["modeBarButtonsToRemove"] or export.browser_path() is None
        assert config["toImageButtonOptions"]["scale"] == 3


@needs_browser
@needs_poppler
@pytest.mark.slow
def test_every_download_of_the_running_app_is_marked_and_logged(demo_db, tmp_path):
    """Briefing PNG, PPTX, PDF, XLSX, CSV and the coverage page's uncovered units: each file as the
    browser receives it, the marks looked at, and one log row per download."""
    from PIL import Image
    from pptx import Presentation

    playwright = pytest.importorskip("playwright.sync_api")
    db = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, db)
    con = store.connect(db, read_only=True)
    as_of = con.execute("SELECT max(start_date) FROM v_inspections").fetchone()[0]
    con.close()
    # local mode (the local user exports) with the watermark forced on
    env = {**os.environ, "INSPECTION_DB": str(db), "INSPECTION_DEMO": "0", "INSPECTION_WATERMARK": "1",
           "INSPECTION_USERS_FILE": str(tmp_path / "none" / "users.toml")}
    got: dict[str, Path] = {}
    SHOTS.mkdir(parents=True, exist_ok=True)
    with running_app(env) as url, playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=export.browser_path(), args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1600, "height": 1000}, accept_downloads=True)
        page.goto(f"{url}/briefing?as_of={as_of.isoformat()}&district=源汇区&shot=1", wait_until="networkidle")
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 4", timeout=60_000)
        time.sleep(1.5)
        page.screenshot(path=str(SHOTS / "marks_briefing_shot.png"))
        assert page.get_by_text(CLASS).first.is_visible()
        watermark = page.evaluate("getComputedStyle(document.querySelector('.stApp'), '::after').backgroundImage")
        assert watermark.startswith('url("data:image/svg+xml;base64,')

        page.goto(f"{url}/briefing?as_of={as_of.isoformat()}&district=源汇区", wait_until="networkidle")
        page.wait_for_selector('[data-testid="stDownloadButton"]', timeout=60_000)
        buttons = {"png": "下载图片（PNG）", "pptx": "一键生成 PPT", "pdf": "一键生成 PDF", "xlsx": "全部数据表（Excel）"}
        for kind, name in buttons.items():
            with page.expect_download(timeout=120_000) as info:
                page.get_by_role("button", name=name).first.click()
            got[kind] = tmp_path / f"briefing.{kind}"
            info.value.save_as(got[kind])
        page.get_by_text("单个数据表（CSV，UTF-8）").click()
        with page.expect_download(timeout=60_000) as info:
            page.get_by_role("button", name="主要指标").click()
        got["csv"] = tmp_path / "kpi.csv"
        info.value.save_as(got["csv"])
        page.goto(f"{url}/coverage?as_of={as_of.isoformat()}", wait_until="networkidle")
        with page.expect_download(timeout=60_000) as info:
            page.get_by_role("button", name="下载清单（CSV）").click()
        got["uncovered"] = tmp_path / "uncovered.csv"
        info.value.save_as(got["uncovered"])
        browser.close()

    png = Image.open(got["png"]).convert("RGB")
    png.save(SHOTS / "marks_chart.png")
    assert _ink(png) > 2000 and any(p[0] > 150 and p[1] < 90 for p in png.crop((0, 0, png.width, 60)).getdata())
    prs = Presentation(got["pptx"])
    assert all(CLASS in [s.text_frame.text for s in slide.shapes if s.has_text_frame] for slide in prs.slides)
    assert all(any(s.name == "watermark" for s in slide.shapes) for slide in prs.slides)
    texts, pages = _pdf_pages(got["pdf"].read_bytes(), tmp_path)
    assert all(CLASS in text for text in texts) and all(_ink(p) > 500 for p in pages)
    pages[1].save(SHOTS / "marks_download_pdf_page.png")

    con = store.connect(db, read_only=True)
    try:
        log = exportlog.list_exports(con)
    finally:
        con.close()
    assert sorted(log["kind"]) == sorted(["png", "pptx", "pdf", "xlsx", "csv", "csv"])
    assert set(log["page"]) == {"briefing", "coverage"}
    briefing_rows = log[log["page"] == "briefing"]
    assert all(json.loads(f)["districts"] == ["源汇区"] for f in briefing_rows["filters"])
    assert set(log["file_name"]) >= {got_name for got_name in log["file_name"] if got_name.endswith(".pdf")}
    assert log["exported_by"].nunique() == 1 and "访客" not in log["exported_by"].iloc[0]
