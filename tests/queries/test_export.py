"""Exports of the briefing: PNG size, PPTX/PDF content, Excel numbers equal to `metrics`,
formula neutralisation, no sensitive column, file names, and the screenshot mode in a browser."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import time
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from inspection import briefing, export, metrics, problem_report, sheet_values, store
from inspection.errors import ExportError
from inspection.filters import Filters

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "tests" / "screenshots"
needs_browser = pytest.mark.skipif(export.browser_path() is None, reason="no Chromium: PNG export unavailable")
needs_font = pytest.mark.skipif(export.cjk_font() is None, reason="no CJK font: PDF export unavailable")


@pytest.fixture(scope="module")
def con(demo_db):
    connection = store.connect(demo_db, read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def as_of(con) -> dt.date:
    """The last inspection start of the demo (its dates move with the generator)."""
    return con.execute("SELECT max(start_date) FROM v_inspections").fetchone()[0]


@pytest.fixture(scope="module")
def brief(con, as_of):
    return briefing.build(con, Filters(districts=("源汇区", "郾城区"), as_of=as_of))


@pytest.fixture(scope="module")
def images(brief):
    """Rendered once for the module (the export server stays warm)."""
    if export.browser_path() is None:
        return [None] * len(brief.deck_slides(True))
    found, problem = export.render_images(brief.deck_slides(True), 800, 450, scale=1)
    assert problem is None
    return found


def _bar() -> go.Figure:
    return go.Figure(go.Bar(x=["源汇区", "郾城区"], y=[3, 5])).update_layout(title="各县区覆盖率")


@needs_browser
def test_png_has_the_asked_pixel_size():
    from PIL import Image

    png = export.figure_png(_bar(), width=400, height=250, scale=3)
    assert Image.open(io.BytesIO(png)).size == (1200, 750)
    png = export.figure_png(_bar(), width=300, height=200, scale=2)
    assert Image.open(io.BytesIO(png)).size == (600, 400)


def test_png_without_browser_says_why(monkeypatch):
    monkeypatch.setattr(export, "browser_path", lambda: None)
    with pytest.raises(export.ExportUnavailable, match="Chromium"):
        export.figure_png(_bar())
    assert not export.png_available()
    images, problem = export.render_images([export.Slide("t", "c", _bar(), None)])
    assert images == [None] and "Chromium" in problem
    deck = export.deck_pptx("标题", "副标题", [export.Slide("图一", "截至", _bar(), pd.DataFrame({"a": [1]}))])
    assert deck[:2] == b"PK"  # the deck still comes, with the table and a note instead of the image


@needs_browser
def test_a_stuck_export_gives_up_instead_of_hanging(monkeypatch):
    import kaleido

    export.figure_png(_bar(), 200, 100, 1)  # the server is up
    monkeypatch.setattr(kaleido, "calc_fig_sync", lambda *a, **k: time.sleep(1.5))
    monkeypatch.setitem(export._state, "broken", None)
    fig = _bar().update_layout(title="卡住")
    started = time.perf_counter()
    with pytest.raises(export.ExportUnavailable, match="超时"):
        export.figure_png(fig, 200, 100, 1, timeout=0.5)
    assert time.perf_counter() - started < 2
    with pytest.raises(export.ExportUnavailable, match="超时"):  # later calls refuse at once
        export.figure_png(fig, 200, 100, 1)
    monkeypatch.setitem(export._state, "broken", None)
    time.sleep(1.5)  # let the stuck worker finish before the next test uses the server


def test_export_figure_sets_template_and_cjk_font_on_a_copy():
    fig = _bar()
    out = export.export_figure(fig)
    assert export.CJK_FONT_FAMILY in out.layout.font.family
    assert out.layout.template.layout.paper_bgcolor == "white"
    assert fig.layout.font.family is None  # the original is untouched


def _deck_pages(prs) -> list[dict]:
    """Per slide after the title: its title text, charts, pictures and table rows (texts)."""
    out = []
    for slide in list(prs.slides)[1:]:
        texts = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        tables = [[[c.text for c in row.cells] for row in sh.table.rows] for sh in slide.shapes if sh.has_table]
        out.append({"title": texts[0], "texts": texts, "charts": [sh.chart for sh in slide.shapes if sh.has_chart],
                    "pictures": [sh for sh in slide.shapes if sh.shape_type == 13], "table": tables[0] if tables else []})
    return out


def test_pptx_has_title_slide_and_one_slide_per_chart(brief, images, as_of):
    from pptx import Presentation

    slides = brief.deck_slides(True)
    data = export.deck_pptx(brief.title, brief.subtitle, slides, images)
    prs = Presentation(io.BytesIO(data))
    assert round(prs.slide_width / prs.slide_height, 2) == round(16 / 9, 2)
    texts = [[shape.text_frame.text for shape in s.shapes if shape.has_text_frame] for s in prs.slides]
    assert "巡察村(社区)党组织工作情况" in texts[0]
    pages = _deck_pages(prs)
    chart_pages = [p for p in pages if p["charts"] or p["pictures"] or p["title"] in
                   {s.title for s in slides if s.figure is not None} and not p["table"]]
    assert [p["title"] for p in pages if p["charts"] or p["pictures"]] == [s.title for s in slides if s.figure is not None]
    # the district slide carries the plan (issue 25 item 12)
    assert pages[1]["title"] == "累计覆盖率与计划进度" and "各县区覆盖率与计划进度" in [p["title"] for p in chart_pages]
    assert all(f"数据截至 {as_of.isoformat()}" in p["texts"][1] for p in pages)
    assert all(p["table"] for p in pages if not (p["charts"] or p["pictures"]))
    xml = prs.slides[0].shapes[-1].text_frame.paragraphs[0].runs[0]._r.xml
    assert 'a:ea typeface="Microsoft YaHei"' in xml


def test_pptx_charts_are_native_where_a_type_fits_and_titled_once(brief, images):
    """Bars and lines are PowerPoint charts a clerk can restyle, without a title of their own (the
    slide's says it); the district chart with its plan marks (bars and markers) stays a PNG, drawn
    without its title too (issue 25 item 14)."""
    from pptx import Presentation
    from pptx.enum.chart import XL_CHART_TYPE

    slides = brief.deck_slides(True)
    prs = Presentation(io.BytesIO(export.deck_pptx(brief.title, brief.subtitle, slides, images)))
    pages = {p["title"]: p for p in _deck_pages(prs)}
    for slide in slides:
        if slide.figure is None:
            continue
        page = pages[slide.title]
        if export.native_fits(slide.figure):
            (chart,) = page["charts"]
            assert not page["pictures"] and not chart.has_title
            names = [s.name for s in chart.plots[0].series]
            assert names == [tr.name for tr in slide.figure.data]
        else:
            assert not page["charts"] and len(page["pictures"]) == (1 if images[1] else 0)
    kinds = {title: p["charts"][0].chart_type for title, p in pages.items() if p["charts"]}
    assert kinds["累计覆盖率与计划进度"] == XL_CHART_TYPE.LINE
    assert kinds["问题类别及整改情况"] == XL_CHART_TYPE.BAR_STACKED
    assert kinds["市县每次巡察平均成果"] == XL_CHART_TYPE.COLUMN_CLUSTERED
    assert not export.native_fits(slides[2].figure)  # bars with the plan's markers: a PNG
    assert export.untitled(slides[2].figure).layout.title.text is None
    assert slides[2].figure.layout.title.text  # the screen's figure keeps its title


def test_deck_tables_are_whole_and_formatted_as_on_screen(brief, images):
    """Every table of the deck comes whole (beside its chart, or on the slides after it), rates as
    percentages, the 市县 table with 立行立改 as its chart (issue 25 item 14)."""
    from pptx import Presentation

    slides = brief.deck_slides(True)
    pages = _deck_pages(Presentation(io.BytesIO(export.deck_pptx(brief.title, brief.subtitle, slides, images))))
    for slide in slides:
        mine = [p for p in pages if p["title"] == slide.title or p["title"].startswith(slide.title + "（")]
        rows = [row for p in mine if p["table"] for row in p["table"][1:]]
        assert len(rows) == len(slide.table), slide.title
        header = next(p["table"][0] for p in mine if p["table"])
        assert header == [str(c) for c in slide.table.columns][:len(header)]
        for j, name in enumerate(header):
            if export._is_rate(name):
                assert all(r[j].endswith("%") or r[j] == "" for r in rows), (slide.title, name)
    cover = next(s for s in slides if s.title == "累计覆盖率与计划进度")
    assert len(cover.table) > export.SIDE_TABLE_ROWS  # the months run on past one slide: all of them
    kpis = next(p for p in pages if p["title"] == "主要指标")["table"]
    assert kpis[1][1].endswith("%") and not any(re.fullmatch(r"0\.\d+", c) for row in kpis for c in row)
    levels = next(s for s in slides if s.title == "市县每次巡察平均成果")
    assert "每次巡察立行立改" in levels.table.columns
    assert "每次巡察立行立改" in next(p for p in pages if p["title"] == levels.title)["table"][0]


def test_workbook_dates_are_dates_and_rates_percentages(brief, con):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(export.tables_xlsx(brief.tables())))
    sheet = book["累计覆盖率与计划进度"]
    assert sheet[1][0].value == "日期"
    assert isinstance(sheet["A2"].value, dt.datetime) and sheet["A2"].number_format == "yyyy-mm-dd"
    kpis = book["主要指标"]
    formats = {row[0].value: row[1].number_format for row in kpis.iter_rows(min_row=2)}
    assert formats["覆盖率"] == formats["整改完成率"] == "0.0%"
    assert formats["巡察次数"] == "#,##0"  # a count with thousands separators, as on the screen (16,096)
    issues = book["问题类别及整改情况"]
    assert {c.number_format for c in next(issues.iter_cols(min_col=2, max_col=2, min_row=2))} == {"#,##0"}
    english = load_workbook(io.BytesIO(export.tables_xlsx(briefing.build(con, brief.filters, "en").tables())))
    sheet = english[english.sheetnames[2]]  # coverage by district: Coverage, Plan as percentages
    header = [c.value for c in sheet[1]]
    assert {"Coverage", "Plan"} <= set(header)
    for name in ("Coverage", "Plan"):
        assert sheet.cell(row=2, column=header.index(name) + 1).number_format == "0.0%"


def test_deck_holds_at_most_six_charts(brief):
    with pytest.raises(ExportError, match="最多放 6 张图表"):
        export.deck_pptx("t", "s", brief.deck_slides(True) * 2, [None] * 14)


def test_the_decks_extra_charts_are_built_when_an_export_reads_them(con, as_of, monkeypatch):
    """The page draws the four charts of the grid; the deck's two extra charts (Briefing.extra) are
    built the first time an export reads them, once, with the title and table known before."""
    built = []
    for name in ("district_coverage_over_time", "categories_by_group"):
        real = getattr(briefing.charts, name)
        monkeypatch.setattr(briefing.charts, name, lambda *a, real=real, **k: built.append(real) or real(*a, **k))
    brief = briefing.build(con, Filters(as_of=as_of))
    assert len(brief.extra) == 2 and not built
    assert all(s.title and s.table is not None for s in brief.extra)
    assert brief.tables() and not built  # the page's downloads list every table
    figures = [s.figure for s in brief.extra]
    assert len(built) == 2
    assert [f.layout.title.text for f in figures] == [s.title for s in brief.extra]
    assert [s.figure for s in brief.extra] == figures and len(built) == 2  # built once


@needs_font
def test_pdf_text_contains_the_title(brief, images, tmp_path):
    slides = brief.deck_slides(False)
    data = export.deck_pdf(brief.title, brief.subtitle, slides, images[:len(slides)])
    assert data.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    path = tmp_path / "deck.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "巡察村(社区)党组织工作情况" in text
    assert "各县区覆盖率" in text and "源汇区" in text
    pages = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    tables = sum(len(export.table_pages(s.table)) for s in slides if s.figure is not None
                 and not export.fits_beside(s.table))  # a table too large to sit beside its chart follows it
    assert re.search(rf"^Pages:\s+{1 + len(slides) + tables}$", pages, re.M)
    assert not re.search(r"(?<![\d.])0\.\d{3,}", text), "rates as percentages, never raw fractions"


def test_excel_numbers_equal_metrics(con, as_of):
    from openpyxl import load_workbook

    filters = Filters(districts=("源汇区", "郾城区"), levels=("county",), as_of=as_of)
    brief = briefing.build(con, filters)
    expected = metrics.compute(con, filters)
    assert expected["inspections"] > 0 and expected["issues_found"] > 0, "as_of inside the demo: real numbers"
    book = load_workbook(io.BytesIO(export.tables_xlsx(brief.tables())))
    # a level filter: coverage by those inspections only, no plan (issue 25 item 5)
    assert book.sheetnames[:5] == ["主要指标", "累计覆盖率（仅计所选巡察）", "各县区覆盖率（仅计所选巡察）", "问题类别及整改情况",
                                   "市县每次巡察平均成果"]
    kpis = {row[0]: row[1] for row in book["主要指标"].iter_rows(min_row=2, values_only=True)}
    assert kpis["覆盖率（所选巡察）"] == pytest.approx(expected["coverage_rate"])
    assert kpis["巡察次数"] == expected["inspections"]
    assert kpis["发现问题"] == expected["issues_found"]
    assert kpis["移交问题线索"] == expected["clues"]
    assert kpis["党纪政务处分（人）"] == expected["disciplined"]
    assert kpis["整改完成率"] == pytest.approx(expected["rectification_rate"])
    sheet = book["各县区覆盖率（仅计所选巡察）"]
    assert [c.value for c in sheet[1]] == ["县区", "应巡对象", "已覆盖", "覆盖率"]
    assert sheet[1][0].font.bold
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    for item in expected["by_district"]:
        assert rows[item["district"]][1:3] == (item["units_total"], item["units_covered"])
        assert rows[item["district"]][3] == pytest.approx(item["coverage_rate"])
    assert sheet["D2"].number_format == "0.0%"
    levels = {r[0]: r for r in book["市县每次巡察平均成果"].iter_rows(min_row=2, values_only=True)}
    assert set(levels) == {"县级"} and levels["县级"][1] == expected["by_level"]["county"]["inspections"]
    cats = book["问题类别及整改情况"]
    assert sum(r[1] for r in cats.iter_rows(min_row=2, values_only=True)) == \
        sum(c["issues"] for c in expected["by_category"])


HOSTILE = pd.DataFrame({
    "县区": ["=cmd|' /C calc'!A0", "+1+1", "-2", "@SUM(A1)", "源汇区"],
    "数量": [1, 2, -3, 4, 5],
    "description": ["秘密"] * 5,
    "问题描述": ["秘密"] * 5,
    "user": ["张三"] * 5,
})


def test_formula_text_is_neutralised_in_excel_and_csv():
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(export.tables_xlsx({"表": HOSTILE})))["表"]
    values = [c.value for c in sheet["A"][1:]]
    assert values == ["'=cmd|' /C calc'!A0", "'+1+1", "'-2", "'@SUM(A1)", "源汇区"]
    assert all(c.data_type == "s" for c in sheet["A"][1:])
    assert [c.value for c in sheet["B"][1:]] == [1, 2, -3, 4, 5]  # numbers stay numbers, even negative
    data = export.table_csv(HOSTILE)
    assert data.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert frame["县区"].tolist() == ["'=cmd|' /C calc'!A0", "'+1+1", "'-2", "'@SUM(A1)", "源汇区"]
    assert frame["数量"].tolist() == [1, 2, -3, 4, 5]


def test_no_description_or_person_column_is_ever_exported(brief):
    from openpyxl import load_workbook
    from pptx import Presentation

    banned = {"description", "问题描述", "user"}
    book = load_workbook(io.BytesIO(export.tables_xlsx({"表": HOSTILE, **brief.tables()})))
    for sheet in book.worksheets:
        assert not banned & {c.value for c in sheet[1]}, sheet.title
        assert "秘密" not in {c.value for row in sheet.iter_rows() for c in row}
    csv_text = export.table_csv(HOSTILE).decode("utf-8-sig")
    assert "description" not in csv_text and "问题描述" not in csv_text and "张三" not in csv_text
    deck = Presentation(io.BytesIO(export.deck_pptx("t", "s", [export.Slide("表", "c", None, HOSTILE)], [None])))
    texts = [shape.text_frame.text for s in deck.slides for shape in s.shapes if shape.has_text_frame]
    cells = [c.text for s in deck.slides for sh in s.shapes if sh.has_table for r in sh.table.rows for c in r.cells]
    assert "秘密" not in texts + cells and "张三" not in cells
    for table in brief.tables().values():
        assert not banned & set(table.columns)


def test_file_names_say_what_and_when():
    as_of = dt.date(2020, 12, 31)
    assert export.file_name("巡察简报", as_of, Filters(districts=("源汇区",), as_of=as_of), "pptx") == \
        "巡察简报_2020-12-31_源汇区.pptx"
    assert export.file_name("巡察简报", as_of, Filters(as_of=as_of), "PDF") == "巡察简报_2020-12-31.pdf"
    name = export.file_name("各县区/覆盖率: 图?", as_of,
                            Filters(districts=("a", "b", "c", "d"), levels=("municipal",), year_from=2019,
                                    year_to=2020, as_of=as_of), "png")
    assert name == "各县区-覆盖率-图_2020-12-31_a+b+c等4_市级_2019-2020年.png"
    assert not set('\\/:*?"<>| ') & set(name)
    long = export.file_name("x", as_of, Filters(townships=tuple(f"镇{i:03d}" * 5 for i in range(40)), as_of=as_of))
    assert len(long) <= 100 and long.endswith(".pptx")


def test_chart_pngs_are_named_by_the_same_rule_as_every_download():
    from ui.components import chart_config

    as_of = dt.date(2020, 12, 31)
    filters = Filters(districts=("源汇区",), as_of=as_of)
    name = chart_config("各县区 覆盖率/图", filters)["toImageButtonOptions"]["filename"]
    assert name == "各县区-覆盖率-图_2020-12-31_源汇区"
    assert export.file_name("各县区 覆盖率/图", as_of, filters, "png") == name + ".png"


def test_sheet_names_are_valid_and_unique():
    from openpyxl import load_workbook

    frame = pd.DataFrame({"a": [1]})
    data = export.tables_xlsx({"a/b:c?" + "x" * 40: frame, "a_b_c_" + "x" * 40: frame, "": frame})
    names = load_workbook(io.BytesIO(data)).sheetnames
    assert len(names) == 3 == len({n.lower() for n in names}) and all(len(n) <= 31 for n in names)


FORMULA_LIKE = ["=1+1", "+1", "-1", "@A1", "\tcmd", "\r=1"]


def test_both_spreadsheet_writers_neutralise_the_same_formula_starts():
    """The exports and the problem workbook write every cell through sheet_values.cell: a text
    starting with = + - @, a tab or a carriage return gets an apostrophe in both."""
    from openpyxl import load_workbook

    from inspection.importer import Problem

    frame = pd.DataFrame({"x": FORMULA_LIKE})
    exported = load_workbook(io.BytesIO(export.tables_xlsx({"t": frame})))["t"]
    assert [c.value for c in exported["A"][1:]] == ["'" + v for v in FORMULA_LIKE]
    assert export.table_csv(frame).decode("utf-8-sig").count("'") == len(FORMULA_LIKE)
    problems = [Problem("a.csv", None, i + 2, "x", v, "bad") for i, v in enumerate(FORMULA_LIKE)]
    summary = load_workbook(io.BytesIO(problem_report.build([], problems)))["问题汇总"]
    assert [c.value for c in summary["E"][1:]] == ["'" + v for v in FORMULA_LIKE]


def test_sheet_names_are_unique_ignoring_case_as_excel_compares_them():
    from openpyxl import load_workbook

    from inspection.importer import InputFile, Problem

    taken: set[str] = set()
    names = [sheet_values.sheet_name(n, taken) for n in ("Data", "DATA", "data", "'q'", "History", "x" * 40)]
    assert names == ["Data", "DATA_2", "data_3", "q", "History_2", "x" * 31]
    assert sheet_values.sheet_name("x" * 40, taken) == "x" * 29 + "_2"
    # the problem workbook: two files whose names differ only in case get two sheets Excel opens
    files = [InputFile("Ledger.csv", "县区,乡镇\n源汇区,\n".encode()),
             InputFile("ledger.csv", "县区,乡镇\n源汇区,\n".encode())]
    problems = [Problem(f.name, None, 2, "乡镇", None, "empty") for f in files]
    sheets = load_workbook(io.BytesIO(problem_report.build(files, problems))).sheetnames
    assert len(sheets) == 3 and len({n.lower() for n in sheets}) == 3


# ---------------------------------------------------------------------------- the running app

@needs_browser
@pytest.mark.slow
def test_screenshot_mode_hides_the_chrome(demo_app, as_of):
    app = demo_app
    playwright = pytest.importorskip("playwright.sync_api")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=export.browser_path(), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        page.goto(f"{app}/briefing?as_of={as_of.isoformat()}&shot=1", wait_until="networkidle")
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 4", timeout=60_000)
        time.sleep(1.5)
        page.screenshot(path=str(SHOTS / "briefing_shot.png"))
        assert not page.locator('[data-testid="stSidebar"]').is_visible()
        assert not page.locator('[data-testid="stHeader"]').is_visible()
        assert not page.locator(".modebar-container").first.is_visible()
        assert page.get_by_text("巡察村(社区)党组织工作情况").first.is_visible()
        assert page.locator('[data-testid="stDownloadButton"]').count() == 0
        page.goto(f"{app}/briefing?as_of={as_of.isoformat()}", wait_until="networkidle")
        page.wait_for_selector('[data-testid="stDownloadButton"]', timeout=60_000)
        assert page.locator('[data-testid="stSidebar"]').is_visible()
        browser.close()
