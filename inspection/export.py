"""Exports of the briefing: chart PNGs, PPTX and PDF decks, Excel and CSV tables, file names.

Pure functions over figures and DataFrames; never imports streamlit. PNGs come from ONE
reusable kaleido export server (headless Chromium) started on first use behind a lock; when no
browser is installed, `ExportUnavailable` says so in Chinese instead of hanging.

Sensitive data stays out: every table passes through `safe_table`, which drops issue
descriptions and person-level fields whatever the caller hands in.
"""

from __future__ import annotations

import collections
import concurrent.futures
import csv
import datetime as dt
import hashlib
import io
import os
import re
import shutil
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from . import fmt, i18n, sheet_values
from .errors import ExportError
from .marks import NONE as NO_MARKS
from .marks import Marks, mark_docx, mark_pdf_page, mark_pptx_slide, stamp_png

CJK_FONT_FAMILY = "Noto Sans CJK SC"
FIGURE_FONT = f"{CJK_FONT_FAMILY}, Microsoft YaHei, PingFang SC, sans-serif"
EXPORT_TEMPLATE = "plotly_white"
PPTX_EA_FONT = "Microsoft YaHei"  # what a Chinese Windows/Office reader has; LibreOffice falls back
PNG_CACHE_SIZE = 32             # recent PNGs kept in memory (figure JSON + size -> bytes)
PNG_TIMEOUT_S = 30.0              # one chart; the first call also starts the browser
MAX_DECK_SLIDES = 6
SIDE_TABLE_ROWS = 10              # a table this small sits beside its chart on the slide
SIDE_TABLE_COLS = 6
TABLE_PAGE_ROWS = 14              # a larger one follows its chart, whole, this many rows a slide
TABLE_PAGE_COLS = 9

# Columns never exported: issue free text and anything that names a person.
SENSITIVE_COLUMNS = frozenset({
    "description", "问题描述", "具体问题", "问题表现",
    "user", "imported_by", "person", "person_name", "name", "姓名", "人员", "联系人", "负责人",
    "phone", "telephone", "电话", "联系电话", "手机", "id_number", "身份证", "身份证号",
})
_UNSAFE_FILE_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f\s]+')

BROWSER_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/noto/NotoSansSC-Regular.ttf",
)


class ExportUnavailable(ExportError):
    """An export that cannot be produced on this server; the message is for the user (Chinese)."""


@dataclass
class Slide:
    """One chart of a deck: its title, caption (as-of date + filters), figure and data table."""

    title: str
    caption: str = ""
    figure: Any = None                # plotly go.Figure (or None for a table-only slide)
    table: pd.DataFrame | None = None


# --------------------------------------------------------------------------- sensitive data

def safe_table(frame: pd.DataFrame | None) -> pd.DataFrame:
    """A copy without issue descriptions or person-level columns."""
    if frame is None:
        return pd.DataFrame()
    drop = [c for c in frame.columns if str(c).strip().lower() in SENSITIVE_COLUMNS]
    return frame.drop(columns=drop).copy()


def _neutral_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = safe_table(frame)
    out.columns = [sheet_values.neutralise(str(c)) for c in out.columns]
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]) and not pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].map(sheet_values.neutralise)
    return out


# --------------------------------------------------------------------------- PNG via kaleido

_lock = threading.Lock()
_state: dict[str, Any] = {"started": False, "broken": None, "pool": None}
_png_cache: collections.OrderedDict[str, bytes] = collections.OrderedDict()  # under _cache_lock
_cache_lock = threading.Lock()


def browser_path() -> str | None:
    """The Chromium kaleido will drive, or None (then PNG export is unavailable)."""
    explicit = os.environ.get("BROWSER_PATH")
    if explicit and Path(explicit).is_file():
        return explicit
    for name in BROWSER_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    for path in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if Path(path).is_file():
            return path
    return None


def png_available() -> bool:
    return browser_path() is not None and _state["broken"] is None


def export_figure(fig) -> Any:
    """A copy of `fig` with the explicit export theme and a CJK font (the original is untouched)."""
    import plotly.graph_objects as go

    out = go.Figure(fig)
    colorway = out.layout.template.layout.colorway if out.layout.template else None
    out.update_layout(template=EXPORT_TEMPLATE)
    if colorway and not out.layout.colorway:
        out.update_layout(colorway=colorway)  # keep the chart theme's colours under the white template
    family = out.layout.font.family
    out.update_layout(font_family=FIGURE_FONT if not family or CJK_FONT_FAMILY in family
                      else f"{family}, {FIGURE_FONT}")
    return out


def _start_server(path: str) -> None:
    import kaleido

    kaleido.start_sync_server(n=1, timeout=PNG_TIMEOUT_S, mathjax=False, path=path, silence_warnings=True)
    _state["pool"] = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="png-export")
    _state["started"] = True


def figure_png(fig, width: int = 900, height: int = 500, scale: float = 3, timeout: float = PNG_TIMEOUT_S) -> bytes:
    """The figure as PNG bytes of (width*scale) x (height*scale) pixels, rendered server side.

    Raises ExportUnavailable (Chinese message) when no browser is installed, the export server
    failed, or the render exceeded `timeout` seconds; never hangs the caller.
    """
    if fig is None:
        raise ExportUnavailable("没有可导出的图表。")
    path = browser_path()
    if path is None:
        raise ExportUnavailable("服务器未安装 Chromium 浏览器，无法生成图片；请使用图表右上角工具栏的“下载”按钮。")
    if _state["broken"]:
        raise ExportUnavailable(_state["broken"])
    import kaleido

    spec = export_figure(fig)
    opts = {"format": "png", "width": int(width), "height": int(height), "scale": scale}
    key = hashlib.sha1((spec.to_json() + repr(sorted(opts.items()))).encode("utf-8")).hexdigest()
    cached = _png_cache.get(key)
    if cached is not None:  # the same chart again (PPTX then PDF of one view): no second render
        return cached
    if not _lock.acquire(timeout=timeout):
        raise ExportUnavailable("图片导出繁忙，请稍后再试。")
    try:
        if not _state["started"]:
            _start_server(path)
        future = _state["pool"].submit(kaleido.calc_fig_sync, spec, opts=opts)
        try:
            data = future.result(timeout=timeout)
        except concurrent.futures.TimeoutError:
            # The browser is stuck: refuse further PNGs quickly instead of queueing behind it.
            _state["broken"] = "图片导出服务无响应（已超时），请重启看板；图表工具栏的“下载”按钮仍可使用。"
            raise ExportUnavailable(_state["broken"]) from None
        except Exception as exc:  # kaleido/choreographer errors: the message is technical
            raise ExportUnavailable(f"图片导出失败：{str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__}") \
                from None
    finally:
        _lock.release()
    if not isinstance(data, (bytes, bytearray)) or not data.startswith(b"\x89PNG"):
        raise ExportUnavailable("图片导出失败：导出服务返回的不是 PNG。")
    with _cache_lock:
        _png_cache[key] = bytes(data)
        while len(_png_cache) > PNG_CACHE_SIZE:
            _png_cache.popitem(last=False)
    return bytes(data)


def chart_png(fig, marks: Marks = NO_MARKS, width: int = 900, height: int = 500, scale: float = 3) -> bytes:
    """A chart's PNG download: figure_png with the classification line above it and the watermark
    over it; on failure a PNG carrying the message (marked too)."""
    try:
        png = figure_png(fig, width, height, scale)
    except ExportUnavailable as exc:
        png = message_png(str(exc))
    return stamp_png(png, marks)


def stop_export_server() -> None:
    """Stop the export server (tests, shutdown). Safe to call when it never started."""
    import kaleido

    with _lock:
        if _state["started"]:
            kaleido.stop_sync_server(silence_warnings=True)
            _state["pool"].shutdown(wait=False)
            _state.update(started=False, pool=None)


def render_images(slides: Sequence[Slide], width: int = 1000, height: int = 560,
                  scale: float = 2) -> tuple[list[bytes | None], str | None]:
    """PNG of each slide's figure (None where there is none); the first error message, if any.

    After the first failure the rest are skipped: a deck then carries its tables without images.
    """
    images: list[bytes | None] = []
    problem = None
    for slide in slides:
        if slide.figure is None or problem:
            images.append(None)
            continue
        try:
            images.append(figure_png(untitled(slide.figure), width, height, scale))
        except ExportUnavailable as exc:
            problem = str(exc)
            images.append(None)
    return images, problem


def message_png(text: str, width: int = 900, height: int = 500, scale: float = 1) -> bytes:
    """A plain PNG that carries a message (what a PNG download gives when the export failed)."""
    from PIL import Image, ImageDraw, ImageFont

    size = (int(width * scale), int(height * scale))
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    font_spec = cjk_font()
    try:
        font = ImageFont.truetype(font_spec[0], int(22 * scale), index=font_spec[1]) if font_spec \
            else ImageFont.load_default()
    except OSError:
        font = ImageFont.load_default()
    lines, line = [], ""
    for char in text:  # wrap by width, character by character (Chinese has no spaces)
        if draw.textlength(line + char, font=font) > size[0] * 0.85:
            lines.append(line)
            line = ""
        line += char
    lines.append(line)
    y = size[1] // 2 - len(lines) * int(16 * scale)
    for part in lines:
        draw.text((size[0] * 0.075, y), part, fill=(0x66, 0x66, 0x66), font=font)
        y += int(32 * scale)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


# --------------------------------------------------------------------------- small tables

def _cell_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        return f"{value:,.2f}"  # an average as the screen shows it (fmt.average)
    if isinstance(value, int):
        return f"{value:,}"
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)


def shown_cell(header: Any, value: Any) -> str:
    """A table cell as the screen shows it: a rate as a percentage (fmt.percent, the one rounding of
    rates), a date as yyyy-mm-dd, a count with thousands separators, a blank as blank."""
    if _is_rate(header) and isinstance(value, (int, float)) and not isinstance(value, bool) and value == value:
        return fmt.percent(value)
    return _cell_text(value)


def table_preview(frame: pd.DataFrame | None, rows: int | None = None,
                  cols: int | None = None) -> tuple[list[str], list[list[str]]]:
    """Header and text rows of a table on a slide or page (sensitive columns dropped), formatted as
    on screen; the whole table unless `rows` / `cols` say how much."""
    frame = safe_table(frame)
    if frame.empty and not len(frame.columns):
        return [], []
    frame = frame.iloc[:rows, :cols]
    header = [str(c) for c in frame.columns]
    body = [[shown_cell(h, v) for h, v in zip(header, row, strict=True)]
            for row in frame.itertuples(index=False, name=None)]
    return header, body


def table_pages(frame: pd.DataFrame | None, rows: int = TABLE_PAGE_ROWS,
                cols: int = TABLE_PAGE_COLS) -> list[tuple[list[str], list[list[str]]]]:
    """The whole table in pieces that fit a slide: `rows` rows a page, and beyond `cols` columns the
    first (the row's name) repeated with the next columns; [] for no table."""
    header, body = table_preview(frame)
    if not header:
        return []
    blocks = [list(range(len(header)))] if len(header) <= cols else [
        [0, *range(start, min(start + cols - 1, len(header)))] for start in range(1, len(header), cols - 1)]
    pages = []
    for block in blocks:
        for start in range(0, max(len(body), 1), rows):
            pages.append(([header[j] for j in block], [[row[j] for j in block] for row in body[start:start + rows]]))
    return pages


def fits_beside(frame: pd.DataFrame | None) -> bool:
    """A table small enough to sit whole beside its chart (else it follows on slides of its own)."""
    return frame is not None and len(frame) <= SIDE_TABLE_ROWS and len(safe_table(frame).columns) <= SIDE_TABLE_COLS


def page_title(title: str, page: int, pages: int) -> str:
    """The title of a table's slide after its chart: 累计覆盖率（数据表 1/3）, Coverage (data 1/3)."""
    number = f" {page}/{pages}" if pages > 1 else ""
    return f"{title}（数据表{number}）" if re.search(r"[\u4e00-\u9fff]", title) else f"{title} (data{number})"


def untitled(fig) -> Any:
    """A copy of a figure without its title, for a slide, page or report section that titles it
    already (a chart is titled once)."""
    fig = type(fig)(fig)
    top = fig.layout.margin.t
    fig.update_layout(title_text=None, margin_t=min(top, 40) if top is not None else 40)
    return fig


def _check_slides(slides: Sequence[Slide]) -> list[Slide]:
    slides = list(slides)
    charts = sum(slide.figure is not None for slide in slides)
    if charts > MAX_DECK_SLIDES:
        raise ExportError(f"一份演示文稿最多放 {MAX_DECK_SLIDES} 张图表，这里有 {charts} 张")
    return slides


# --------------------------------------------------------------------------- PPTX

def _set_run_font(run, size_pt: float, bold: bool = False, color: tuple[int, int, int] | None = None) -> None:
    """Size, weight, colour and the Latin + East Asian typefaces of a run (a:latin, a:ea)."""
    from pptx.dml.color import RGBColor
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    font = run.font
    font.size = Pt(size_pt)
    font.bold = bold
    if color:
        font.color.rgb = RGBColor(*color)
    font.name = PPTX_EA_FONT  # a:latin
    rpr = run._r.get_or_add_rPr()
    for tag in ("a:ea", "a:cs"):
        old = rpr.find(qn(tag))
        if old is not None:
            rpr.remove(old)
    latin = rpr.find(qn("a:latin"))
    ea = rpr.makeelement(qn("a:ea"), {"typeface": PPTX_EA_FONT})
    cs = rpr.makeelement(qn("a:cs"), {"typeface": PPTX_EA_FONT})
    latin.addnext(ea)
    ea.addnext(cs)


def _text_box(slide, left, top, width, height, text: str, size: float, bold: bool = False,
              color: tuple[int, int, int] = (0x1F, 0x1F, 0x1F), align=None) -> None:
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    para = frame.paragraphs[0]
    if align is not None:
        para.alignment = align
    run = para.add_run()
    run.text = text
    _set_run_font(run, size, bold, color)


def deck_pptx(title: str, subtitle: str, slides: Sequence[Slide],
              images: Sequence[bytes | None] | None = None, marks: Marks = NO_MARKS) -> bytes:
    """A 16:9 deck: a title slide, then per chart its title, caption and chart, with its whole data
    table beside it when small, else on the slides after it.

    A chart is a native PowerPoint chart (`native_chart`: editable, restylable) where a chart type
    fits; otherwise a PNG. `images` (one PNG or None per slide) lets a caller render once for PPTX and
    PDF; without it the figures that need a picture are rendered here. A slide whose image cannot be
    rendered says so and keeps its table. `marks` (marks.current): the classification line and
    watermark on every slide.
    """
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Emu, Inches

    slides = _check_slides(slides)
    problem = None
    if images is None:
        pictured = [s if s.figure is not None and not native_fits(s.figure) else Slide(s.title) for s in slides]
        images, problem = render_images(pictured)
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    blank = prs.slide_layouts[6]
    red = (0xB7, 0x1C, 0x1C)

    first = prs.slides.add_slide(blank)
    band = first.shapes.add_shape(1, 0, Inches(2.3), prs.slide_width, Inches(0.08))
    band.fill.solid()
    band.fill.fore_color.rgb = RGBColor(*red)
    band.line.fill.background()
    _text_box(first, Inches(0.8), Inches(2.6), Inches(11.7), Inches(1.4), title, 36, True, red, PP_ALIGN.CENTER)
    _text_box(first, Inches(0.8), Inches(4.1), Inches(11.7), Inches(1.0), subtitle, 18, False,
              (0x44, 0x44, 0x44), PP_ALIGN.CENTER)

    def page_with(heading: str, caption: str):
        page = prs.slides.add_slide(blank)
        _text_box(page, Inches(0.5), Inches(0.25), Inches(12.3), Inches(0.7), heading, 26, True, red)
        _text_box(page, Inches(0.5), Inches(0.95), Inches(12.3), Inches(0.45), caption, 12, False,
                  (0x66, 0x66, 0x66))
        return page

    def add_table(page, header, body, left, width, size: float, row_h) -> None:
        shape = page.shapes.add_table(len(body) + 1, len(header), left, Inches(1.6), width, row_h * (len(body) + 1))
        table = shape.table
        for j, name in enumerate(header):
            _fill_cell(table.cell(0, j), name, bold=True, size=size)
        for i, row in enumerate(body, start=1):
            for j, text in enumerate(row):
                _fill_cell(table.cell(i, j), text, size=size)

    for slide_def, png in zip(slides, images, strict=True):
        page = page_with(slide_def.title, slide_def.caption)
        table_only = slide_def.figure is None
        beside = not table_only and fits_beside(slide_def.table) and bool(table_preview(slide_def.table)[0])
        pages = [] if beside else table_pages(slide_def.table)
        if table_only:  # the key figures: the table is the slide
            for number, (header, body) in enumerate(pages, start=1):
                if number > 1:
                    page = page_with(page_title(slide_def.title, number, len(pages)), slide_def.caption)
                add_table(page, header, body, Inches(0.5), Inches(12.3), 18 if len(body) <= 8 else 12,
                          Inches(0.55 if len(body) <= 8 else 0.36))
            continue
        chart_w = Inches(8.2) if beside else Inches(12.3)
        if native_chart(page, slide_def.figure, Inches(0.5), Inches(1.55), chart_w, Inches(5.6)):
            pass
        elif png:
            pic = page.shapes.add_picture(io.BytesIO(png), Inches(0.5), Inches(1.55), width=chart_w)
            max_h = Inches(5.6)
            if pic.height > max_h:  # keep the aspect ratio inside the content area
                pic.width = Emu(int(pic.width * max_h / pic.height))
                pic.height = max_h
        else:
            _text_box(page, Inches(0.5), Inches(3.5), chart_w, Inches(1.0),
                      "（图片未生成：" + (problem or "导出服务不可用") + "）", 14, False, (0x99, 0x99, 0x99))
        if beside:
            header, body = table_preview(slide_def.table)
            add_table(page, header, body, Inches(8.9), Inches(4.0), 10, Inches(0.36))
        for number, (header, body) in enumerate(pages, start=1):
            table_page = page_with(page_title(slide_def.title, number, len(pages)), slide_def.caption)
            add_table(table_page, header, body, Inches(0.5), Inches(12.3), 11, Inches(0.36))
    for page in prs.slides:
        mark_pptx_slide(prs, page, marks)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- native PPTX charts

_DASHES = {"dash": "DASH", "dot": "ROUND_DOT", "dashdot": "DASH_DOT", "longdash": "LONG_DASH"}


def _plain(label: Any) -> str:
    """An axis label as text: the figure's <br> and tags out, a date as yyyy-mm."""
    if isinstance(label, (dt.date, pd.Timestamp)):
        return label.strftime("%Y-%m")
    text = str(label)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}(T[\d:.]+)?", text):
        return text[:7]
    return re.sub(r"<[^>]+>", "", re.sub(r"<br\s*/?>", " ", text)).strip()


def _kind(fig) -> str | None:
    """'bar' when every trace is a bar of one orientation, 'line' when every trace is a line over
    the same kind of x; None otherwise (a bar with plan marks, a treemap, a pie: a PNG)."""
    traces = [tr for tr in fig.data if tr.visible is not False]
    if not traces:
        return None
    if all(tr.type == "bar" for tr in traces) and len({tr.orientation or "v" for tr in traces}) == 1:
        return "bar"
    if all(tr.type == "scatter" and "lines" in (tr.mode or "lines") for tr in traces):
        return "line"
    return None


def native_fits(fig) -> bool:
    return fig is not None and _kind(fig) is not None


def native_chart(page, fig, left, top, width, height) -> bool:
    """Draw `fig` on `page` as a native PowerPoint chart (python-pptx: the clerk can restyle it): bars
    (clustered, stacked, overlaid) or lines with the figure's series, colours, dashes and % axis, no
    title (the slide's). False, drawing nothing, where no native type fits."""
    from pptx.chart.data import CategoryChartData
    from pptx.dml.color import RGBColor
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_MARKER_STYLE
    from pptx.enum.dml import MSO_LINE_DASH_STYLE
    from pptx.util import Pt

    kind = _kind(fig) if fig is not None else None
    if kind is None:
        return False
    traces = [tr for tr in fig.data if tr.visible is not False]
    horizontal = kind == "bar" and (traces[0].orientation or "v") == "h"

    def points(tr) -> tuple[list, list]:
        cats, vals = (tr.y, tr.x) if horizontal else (tr.x, tr.y)
        return list(cats if cats is not None else []), list(vals if vals is not None else [])

    categories: list = []
    for tr in traces:
        for cat in points(tr)[0]:
            if cat not in categories:
                categories.append(cat)
    if kind == "line":
        categories.sort(key=lambda c: str(c))
    data = CategoryChartData()
    data.categories = [_plain(c) for c in categories]
    for tr in traces:
        cats, vals = points(tr)
        by_cat = dict(zip(cats, vals, strict=False))
        values = [by_cat.get(c) for c in categories]
        data.add_series(_plain(tr.name or ""), [None if v is None or v != v else float(v) for v in values])
    value_axis = fig.layout.xaxis if horizontal else fig.layout.yaxis
    percent = (value_axis.ticksuffix or "") == "%"
    if kind == "line":
        chart_type = XL_CHART_TYPE.LINE
    else:
        stacked = fig.layout.barmode in ("stack", "relative")
        chart_type = {(True, True): XL_CHART_TYPE.BAR_STACKED, (True, False): XL_CHART_TYPE.BAR_CLUSTERED,
                      (False, True): XL_CHART_TYPE.COLUMN_STACKED,
                      (False, False): XL_CHART_TYPE.COLUMN_CLUSTERED}[(horizontal, stacked)]
    chart = page.shapes.add_chart(chart_type, left, top, width, height, data).chart
    chart.has_title = False
    chart.has_legend = len(traces) > 1
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
    chart.font.size = Pt(12)
    chart.font.name = PPTX_EA_FONT
    if percent:
        chart.value_axis.tick_labels.number_format = '0"%"'
        chart.value_axis.tick_labels.number_format_is_linked = False
        if value_axis.range is not None:
            chart.value_axis.minimum_scale = 0
            chart.value_axis.maximum_scale = 100
    chart.value_axis.has_major_gridlines = True
    if horizontal and fig.layout.yaxis.autorange == "reversed":  # else both draw the first category lowest
        chart.category_axis.reverse_order = True
    if kind == "bar":
        plot = chart.plots[0]
        if fig.layout.barmode == "overlay":
            plot.overlap = 100
        elif fig.layout.barmode in ("stack", "relative"):
            plot.overlap = 100
        plot.gap_width = 60
    for tr, series in zip(traces, chart.plots[0].series, strict=True):
        color = tr.marker.color if kind == "bar" else (tr.line.color or tr.marker.color)
        if kind == "line":
            series.smooth = False
            if isinstance(color, str) and color.startswith("#") and len(color) == 7:
                series.format.line.color.rgb = RGBColor.from_string(color[1:])
            series.format.line.width = Pt(2.25 if not tr.line.dash else 1.5)
            if tr.line.dash in _DASHES:
                series.format.line.dash_style = getattr(MSO_LINE_DASH_STYLE, _DASHES[tr.line.dash])
            series.marker.style = XL_MARKER_STYLE.NONE
        elif isinstance(color, str) and color.startswith("#") and len(color) == 7:
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = RGBColor.from_string(color[1:])
    return True


def _fill_cell(cell, text: str, bold: bool = False, size: float = 10) -> None:
    from pptx.util import Inches

    cell.margin_left = cell.margin_right = Inches(0.04)
    cell.margin_top = cell.margin_bottom = Inches(0.02)
    frame = cell.text_frame
    frame.word_wrap = True
    para = frame.paragraphs[0]
    run = para.add_run()
    run.text = text
    _set_run_font(run, size, bold, (0xFF, 0xFF, 0xFF) if bold else (0x22, 0x22, 0x22))


# --------------------------------------------------------------------------- PDF

@cache
def cjk_font() -> tuple[str, int] | None:
    """(path, face index) of a Simplified-Chinese sans font that fpdf2 can embed, or None."""
    candidates = [Path(p) for p in FONT_CANDIDATES]
    for root in ("/usr/share/fonts", "/usr/local/share/fonts"):
        if Path(root).is_dir():
            candidates += sorted(Path(root).rglob("NotoSansCJK*Regular*.tt[cf]"))
            candidates += sorted(Path(root).rglob("NotoSansSC*Regular*.[ot]tf"))
    for path in candidates:
        if not path.is_file():
            continue
        if path.suffix.lower() != ".ttc":
            return str(path), 0
        try:
            from fontTools.ttLib import TTCollection

            faces = TTCollection(str(path), lazy=True).fonts
            names = [str(face["name"].getDebugName(1)) for face in faces]
        except Exception:  # an unreadable collection: try the next file
            continue
        for index, name in enumerate(names):
            if name.endswith("CJK SC") and "Mono" not in name:
                return str(path), index
        return str(path), 0
    return None


def _new_pdf(path: str, index: int):
    """A 16:9 page-sized FPDF (13.333 x 7.5 in, like the PPTX) with the CJK face loaded.

    One face only (regular): a bold CJK face doubles the time of every PDF for little gain.
    """
    from fpdf import FPDF

    pdf = FPDF(orientation="L", unit="mm", format=(190.5, 338.67))
    pdf.set_auto_page_break(False)
    pdf.set_margins(12, 8, 12)
    pdf.add_font("cjk", "", path, collection_font_number=index)
    return pdf


def deck_pdf(title: str, subtitle: str, slides: Sequence[Slide],
             images: Sequence[bytes | None] | None = None, marks: Marks = NO_MARKS) -> bytes:
    """The same content as `deck_pptx`, as a 16:9 PDF with an embedded (subset) CJK font; `marks`
    on every page."""
    from fpdf.fonts import FontFace

    slides = _check_slides(slides)
    font = cjk_font()
    if font is None:
        raise ExportUnavailable("服务器未安装中文字体（Noto Sans CJK），无法生成 PDF；请安装 fonts-noto-cjk。")
    # Parsing the CJK font takes a second or two: do it while the browser renders the charts.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(_new_pdf, *font)
        problem = None
        if images is None:
            images, problem = render_images(slides)
        pdf = pending.result()
    pdf.set_title(title)
    red = (0xB7, 0x1C, 0x1C)

    pdf.add_page()
    pdf.set_fill_color(*red)
    pdf.rect(0, 58, pdf.w, 2, style="F")
    pdf.set_y(68)
    pdf.set_font("cjk", "", 32)
    pdf.set_text_color(*red)
    pdf.multi_cell(0, 14, title, align="C")
    pdf.ln(4)
    pdf.set_font("cjk", "", 16)
    pdf.set_text_color(0x44, 0x44, 0x44)
    pdf.multi_cell(0, 9, subtitle, align="C")
    mark_pdf_page(pdf, marks)

    def page_with(heading: str, caption: str) -> None:
        pdf.add_page()
        pdf.set_xy(12, 8)
        pdf.set_font("cjk", "", 22)
        pdf.set_text_color(*red)
        pdf.cell(0, 12, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("cjk", "", 10)
        pdf.set_text_color(0x66, 0x66, 0x66)
        pdf.multi_cell(0, 6, caption, new_x="LMARGIN", new_y="NEXT")

    def add_table(header, body, x: float, width: float, size: float, line: float) -> None:
        pdf.set_xy(x, top + 2)
        pdf.set_font("cjk", "", size)
        pdf.set_text_color(0x22, 0x22, 0x22)
        pdf.set_fill_color(0xF5, 0xF5, 0xF5)
        pdf.set_draw_color(0xCC, 0xCC, 0xCC)
        heading = FontFace(color=(255, 255, 255), fill_color=red)
        with pdf.table(width=width, align="LEFT", line_height=line, headings_style=heading, text_align="LEFT",
                       cell_fill_mode="ROWS", cell_fill_color=(0xF5, 0xF5, 0xF5)) as table:
            for row in [header, *body]:
                cells = table.row()
                for text in row:
                    cells.cell(text)

    top = 34
    for slide_def, png in zip(slides, images, strict=True):
        page_with(slide_def.title, slide_def.caption)
        table_only = slide_def.figure is None
        beside = not table_only and fits_beside(slide_def.table) and bool(table_preview(slide_def.table)[0])
        pages = [] if beside else table_pages(slide_def.table)
        if table_only:
            for number, (header, body) in enumerate(pages, start=1):
                if number > 1:
                    mark_pdf_page(pdf, marks)
                    page_with(page_title(slide_def.title, number, len(pages)), slide_def.caption)
                add_table(header, body, 12, pdf.w - 24, 14 if len(body) <= 8 else 10, 9 if len(body) <= 8 else 7.5)
            mark_pdf_page(pdf, marks)
            continue
        img_w = 210 if beside else pdf.w - 24
        if png:
            pdf.image(io.BytesIO(png), x=12, y=top, w=img_w, h=min(img_w * 0.56, 148), keep_aspect_ratio=True)
        else:
            pdf.set_xy(12, 90)
            pdf.set_font("cjk", "", 12)
            pdf.set_text_color(0x99, 0x99, 0x99)
            pdf.multi_cell(img_w, 8, "（图片未生成：" + (problem or "导出服务不可用") + "）", align="C")
        if beside:
            header, body = table_preview(slide_def.table)
            add_table(header, body, 12 + img_w + 6, pdf.w - 24 - img_w - 6, 8, 5.5)
        mark_pdf_page(pdf, marks)
        for number, (header, body) in enumerate(pages, start=1):
            page_with(page_title(slide_def.title, number, len(pages)), slide_def.caption)
            add_table(header, body, 12, pdf.w - 24, 10, 7.5)
            mark_pdf_page(pdf, marks)
    return bytes(pdf.output())


# --------------------------------------------------------------------------- DOCX (Word report)

DOCX_EA_FONT = "SimSun"          # 宋体: what a Chinese Word reader has for body text
DOCX_HEADING_FONT = "SimHei"     # 黑体 for headings
DOCX_IMAGE_WIDTH_IN = 6.2        # the text width of an A4 page with 2.5 cm margins (about 6.3 in)


def _docx_font(run_or_style, east_asian: str, size_pt: float | None = None, bold: bool | None = None,
               color: tuple[int, int, int] | None = None) -> None:
    """Latin and East Asian typefaces (w:rFonts w:eastAsia) of a run or a style, so Word draws Chinese
    in a Chinese face instead of falling back glyph by glyph."""
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    font = run_or_style.font
    font.name = east_asian
    if size_pt is not None:
        font.size = Pt(size_pt)
    if bold is not None:
        font.bold = bold
    if color is not None:
        font.color.rgb = RGBColor(*color)
    element = run_or_style.element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), east_asian)


def docx_page_marks(document, title: str, marks: Marks = NO_MARKS) -> None:
    """Header and footer of every page of a Word report, the one place page marks go: the report's
    title and the page number in the footer; `marks` (marks.current) put the classification line in
    the header and the watermark behind every page (marks.mark_docx)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for section in document.sections:
        foot = section.footer.paragraphs[0]
        foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _docx_font(foot.add_run(title + "　"), DOCX_EA_FONT, 9, color=(0x88, 0x88, 0x88))
        run = foot.add_run()
        _docx_font(run, DOCX_EA_FONT, 9, color=(0x66, 0x66, 0x66))
        for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
            if kind:
                field = OxmlElement("w:fldChar")
                field.set(qn("w:fldCharType"), kind)
            else:
                field = OxmlElement("w:instrText")
                field.set(qn("xml:space"), "preserve")
                field.text = text
            run._r.append(field)
    if marks:
        mark_docx(document, marks)


def report_docx(title: str, subtitle: str, paragraphs: Sequence[str], slides: Sequence[Slide],
                tables: Mapping[str, pd.DataFrame] | None = None,
                images: Sequence[bytes | None] | None = None, marks: Marks = NO_MARKS) -> bytes:
    """A Word report (A4 portrait): title, subtitle (as-of date and filters), the summary
    paragraphs, each chart as a PNG under its title and caption, then the tables (sensitive
    columns dropped). `images` as in `deck_pptx`; a chart whose image cannot be rendered says so.
    `marks` (marks.current): the classification line and watermark on every page."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Inches, Pt

    slides = _check_slides(slides)
    problem = None
    if images is None:
        images, problem = render_images(slides)
    red = (0xB7, 0x1C, 0x1C)
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.4)
    _docx_font(document.styles["Normal"], DOCX_EA_FONT, 12)
    document.styles["Normal"].paragraph_format.line_spacing = 1.5
    document.core_properties.title = title

    def para(text: str, size: float, font: str = DOCX_EA_FONT, bold: bool = False, color=None,
             align=None, indent: bool = False, space_after: float = 6):
        paragraph = document.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        if indent:
            paragraph.paragraph_format.first_line_indent = Pt(size * 2)  # 首行缩进两字
        paragraph.paragraph_format.space_after = Pt(space_after)
        _docx_font(paragraph.add_run(text), font, size, bold, color)
        return paragraph

    para(title, 22, DOCX_HEADING_FONT, True, red, WD_ALIGN_PARAGRAPH.CENTER)
    para(subtitle, 10.5, color=(0x55, 0x55, 0x55), align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    for text in paragraphs:
        para(text, 12, indent=True)
    for slide_def, png in zip(slides, images, strict=True):
        if slide_def.figure is None:
            continue
        para(slide_def.title, 14, DOCX_HEADING_FONT, True, space_after=2)
        if png:
            document.add_picture(io.BytesIO(png), width=Inches(DOCX_IMAGE_WIDTH_IN))
        else:
            para("（图片未生成：" + (problem or "导出服务不可用") + "）", 10.5, color=(0x99, 0x99, 0x99))
        para(slide_def.caption, 9, color=(0x66, 0x66, 0x66))
    for name, frame in (tables or {}).items():
        frame = safe_table(frame)
        if frame.empty:
            continue
        para(name, 14, DOCX_HEADING_FONT, True, space_after=2)
        table = document.add_table(rows=1, cols=len(frame.columns))
        table.style = "Table Grid"
        for cell, header in zip(table.rows[0].cells, frame.columns, strict=True):
            cell.text = ""
            _docx_font(cell.paragraphs[0].add_run(str(header)), DOCX_HEADING_FONT, 10, True)
        for row in frame.itertuples(index=False, name=None):
            cells = table.add_row().cells
            for cell, header, raw in zip(cells, frame.columns, row, strict=True):
                cell.text = ""
                _docx_font(cell.paragraphs[0].add_run(shown_cell(header, raw)), DOCX_EA_FONT, 10)
    docx_page_marks(document, title, marks)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- Excel / CSV

def tables_xlsx(tables: Mapping[str, pd.DataFrame]) -> bytes:
    """One sheet per table, bold header, numbers as numbers, formula-looking text neutralised."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for name, frame in tables.items():
        sheet = book.create_sheet(sheet_values.sheet_name(name, used))
        rate_rows = set(frame.attrs.get("rate_rows", ()))  # rows of a rate in a column of mixed figures
        frame = _neutral_frame(frame)
        sheet.append([sheet_values.clean(str(c)) for c in frame.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in frame.itertuples(index=False, name=None):
            sheet.append([_xlsx_value(v) for v in row])
        for i, cell_row in enumerate(sheet.iter_rows(min_row=2)):
            for cell in cell_row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever the text
                elif isinstance(cell.value, (dt.date, dt.datetime)):
                    if isinstance(cell.value, dt.datetime) and cell.value.time() == dt.time():
                        cell.value = cell.value.date()  # a day, not a day at midnight
                    cell.number_format = "yyyy-mm-dd" if not isinstance(cell.value, dt.datetime) \
                        else "yyyy-mm-dd hh:mm"
                elif i in rate_rows and isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                    cell.number_format = "0.0%"
                elif (isinstance(cell.value, int) and not isinstance(cell.value, bool)) or (
                        isinstance(cell.value, float) and cell.value.is_integer()):
                    cell.number_format = "#,##0"  # a count as the screen shows it: 16,096
        for j, col in enumerate(frame.columns, start=1):
            if _is_rate(col) and pd.api.types.is_numeric_dtype(frame[col]):
                for (cell,) in sheet.iter_rows(min_row=2, min_col=j, max_col=j):
                    cell.number_format = "0.0%"  # rates are fractions 0..1; Excel shows them as %
            elif pd.api.types.is_float_dtype(frame[col]):
                for (cell,) in sheet.iter_rows(min_row=2, min_col=j, max_col=j):
                    if (cell.number_format == "General" and isinstance(cell.value, float)
                            and not cell.value.is_integer()):
                        cell.number_format = "#,##0.00"  # an average (or 万元) as the screen shows it
            width = max([len(str(col))] + [len(str(v)) for v in frame[col].head(200)]) + 2
            sheet.column_dimensions[get_column_letter(j)].width = min(max(width * 1.6, 8), 50)
        sheet.freeze_panes = "A2"
    if not book.sheetnames:
        book.create_sheet("空")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rate_labels() -> frozenset[str]:
    from .i18n import LABELS

    return frozenset(text for key, pair in LABELS.items() if key.endswith(("_rate", "_share")) for text in pair)


RATE_LABELS = _rate_labels()  # the headers of rates in either language (覆盖率, Coverage, Plan, ...)


def _is_rate(header: str) -> bool:
    """A column of fractions 0..1 shown as percentages."""
    text = str(header).lower()
    return (str(header) in RATE_LABELS or text.endswith(("率", "rate", "计划进度"))
            or "rate" in text.split("_"))


def _xlsx_value(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, (list, tuple, dict, set)):
        value = str(value)
    return sheet_values.cell(value)  # cleaned of characters a workbook cannot hold, never a formula


def table_csv(frame: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with BOM (Excel on Chinese Windows shows it right), formulas neutralised."""
    text = _neutral_frame(frame).to_csv(index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    return text.encode("utf-8-sig")


# --------------------------------------------------------------------------- file names

def _filter_parts(filters: Any) -> list[str]:
    active = filters.active() if hasattr(filters, "active") else dict(filters or {})
    parts: list[str] = []

    def join(values: Iterable[Any], limit: int = 3, unit: str = "") -> str:
        values = [i18n.value(str(v), "zh") for v in values]  # 市级, 县级
        text = "+".join(values[:limit])
        return text + (f"等{len(values)}{unit}" if len(values) > limit else "")

    for key in ("districts", "townships", "unit_types", "rounds", "levels", "modes", "categories"):
        values = active.get(key)
        if values:
            parts.append(join(values if isinstance(values, (list, tuple, set)) else [values]))
    if active.get("poverty_only"):
        parts.append("脱贫村")
    year_from, year_to = active.get("year_from"), active.get("year_to")
    if year_from or year_to:
        parts.append(f"{year_from or ''}-{year_to or ''}年" if year_from != year_to else f"{year_from}年")
    return parts


def file_stem(kind: str, as_of: dt.date | str | None, filters: Any = None) -> str:
    """e.g. 巡察简报_2020-12-31_源汇区: what, as of when, for which filters; safe characters only (the
    one rule for the names of every download: files here, chart PNGs in ui/components.py)."""
    date = as_of.isoformat()[:10] if hasattr(as_of, "isoformat") else (str(as_of) if as_of else "")
    pieces = [kind, date, *_filter_parts(filters)]
    stem = "_".join(_UNSAFE_FILE_CHARS.sub("-", p).strip("-._") for p in pieces if p)
    return (re.sub(r"_+", "_", stem).strip("_.") or "export")[:90]


def file_name(kind: str, as_of: dt.date | str | None, filters: Any = None, ext: str = "pptx") -> str:
    """e.g. 巡察简报_2020-12-31_源汇区.pptx: `file_stem` and the extension."""
    return f"{file_stem(kind, as_of, filters)}.{ext.lstrip('.').lower()}"

