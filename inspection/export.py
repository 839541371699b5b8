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

from . import i18n, sheet_values
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
TABLE_PREVIEW_ROWS = 8            # rows of the small data table on a slide
TABLE_PREVIEW_COLS = 5

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
            images.append(figure_png(slide.figure, width, height, scale))
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
        return f"{value:,.2f}" if abs(value) >= 1 else f"{value:.3f}"
    if isinstance(value, int):
        return f"{value:,}"
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)


def table_preview(frame: pd.DataFrame | None, rows: int = TABLE_PREVIEW_ROWS,
                  cols: int = TABLE_PREVIEW_COLS) -> tuple[list[str], list[list[str]]]:
    """Header and text rows of the small table shown on a slide (sensitive columns dropped)."""
    frame = safe_table(frame)
    if frame.empty and not len(frame.columns):
        return [], []
    frame = frame.iloc[:rows, :cols]
    header = [str(c) for c in frame.columns]
    body = [[_cell_text(v) for v in row] for row in frame.itertuples(index=False, name=None)]
    return header, body


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
    """A 16:9 deck: a title slide, then per chart its title, caption, PNG and a small data table.

    `images` (one PNG or None per slide) lets a caller render once for PPTX and PDF; without it
    the figures are rendered here. A slide whose image cannot be rendered says so and keeps its table.
    `marks` (marks.current): the classification line and watermark on every slide.
    """
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Emu, Inches

    slides = _check_slides(slides)
    problem = None
    if images is None:
        images, problem = render_images(slides)
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

    for slide_def, png in zip(slides, images, strict=True):
        page = prs.slides.add_slide(blank)
        _text_box(page, Inches(0.5), Inches(0.25), Inches(12.3), Inches(0.7), slide_def.title, 26, True, red)
        _text_box(page, Inches(0.5), Inches(0.95), Inches(12.3), Inches(0.45), slide_def.caption, 12, False,
                  (0x66, 0x66, 0x66))
        header, body = table_preview(slide_def.table)
        pic_w = Inches(8.2) if header else Inches(12.3)
        if png:
            pic = page.shapes.add_picture(io.BytesIO(png), Inches(0.5), Inches(1.55), width=pic_w)
            max_h = Inches(5.6)
            if pic.height > max_h:  # keep the aspect ratio inside the content area
                pic.width = Emu(int(pic.width * max_h / pic.height))
                pic.height = max_h
        elif slide_def.figure is not None:
            _text_box(page, Inches(0.5), Inches(3.5), pic_w, Inches(1.0),
                      "（图片未生成：" + (problem or "导出服务不可用") + "）", 14, False, (0x99, 0x99, 0x99))
        if header:
            rows, cols = len(body) + 1, len(header)
            table_only = slide_def.figure is None
            shape = page.shapes.add_table(rows, cols, Inches(0.5 if table_only else 8.9), Inches(1.6),
                                          Inches(12.3 if table_only else 4.0),
                                          Inches(0.55 if table_only else 0.36) * rows)
            table = shape.table
            size = 18 if table_only else 10
            for j, name in enumerate(header):
                _fill_cell(table.cell(0, j), name, bold=True, size=size)
            for i, row in enumerate(body, start=1):
                for j, text in enumerate(row):
                    _fill_cell(table.cell(i, j), text, size=size)
    for page in prs.slides:
        mark_pptx_slide(prs, page, marks)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


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

    for slide_def, png in zip(slides, images, strict=True):
        pdf.add_page()
        pdf.set_xy(12, 8)
        pdf.set_font("cjk", "", 22)
        pdf.set_text_color(*red)
        pdf.cell(0, 12, slide_def.title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("cjk", "", 10)
        pdf.set_text_color(0x66, 0x66, 0x66)
        pdf.multi_cell(0, 6, slide_def.caption, new_x="LMARGIN", new_y="NEXT")
        header, body = table_preview(slide_def.table)
        top = 34
        img_w = 210 if header else pdf.w - 24
        if png:
            pdf.image(io.BytesIO(png), x=12, y=top, w=img_w, h=min(img_w * 0.56, 148), keep_aspect_ratio=True)
        elif slide_def.figure is not None:
            pdf.set_xy(12, 90)
            pdf.set_font("cjk", "", 12)
            pdf.set_text_color(0x99, 0x99, 0x99)
            pdf.multi_cell(img_w, 8, "（图片未生成：" + (problem or "导出服务不可用") + "）", align="C")
        table_only = slide_def.figure is None
        if header:
            pdf.set_xy(12 if table_only else 12 + img_w + 6, top + 2)
            pdf.set_font("cjk", "", 14 if table_only else 8)
            pdf.set_text_color(0x22, 0x22, 0x22)
            pdf.set_fill_color(0xF5, 0xF5, 0xF5)
            pdf.set_draw_color(0xCC, 0xCC, 0xCC)
            heading = FontFace(color=(255, 255, 255), fill_color=red)
            with pdf.table(width=pdf.w - 24 if table_only else pdf.w - 24 - img_w - 6, align="LEFT",
                           line_height=9 if table_only else 5.5,
                           headings_style=heading, text_align="LEFT",
                           cell_fill_mode="ROWS", cell_fill_color=(0xF5, 0xF5, 0xF5)) as table:
                for row in [header, *body]:
                    cells = table.row()
                    for text in row:
                        cells.cell(text)
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
                rate = isinstance(raw, float) and raw == raw and _is_rate(header)
                shown = f"{raw * 100:.1f}%" if rate else _cell_text(raw)
                _docx_font(cell.paragraphs[0].add_run(shown), DOCX_EA_FONT, 10)
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
        frame = _neutral_frame(frame)
        sheet.append([sheet_values.clean(str(c)) for c in frame.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in frame.itertuples(index=False, name=None):
            sheet.append([_xlsx_value(v) for v in row])
        for cell_row in sheet.iter_rows(min_row=2):
            for cell in cell_row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever the text
        for j, col in enumerate(frame.columns, start=1):
            if _is_rate(col) and pd.api.types.is_numeric_dtype(frame[col]):
                for (cell,) in sheet.iter_rows(min_row=2, min_col=j, max_col=j):
                    cell.number_format = "0.0%"  # rates are fractions 0..1; Excel shows them as %
            width = max([len(str(col))] + [len(str(v)) for v in frame[col].head(200)]) + 2
            sheet.column_dimensions[get_column_letter(j)].width = min(max(width * 1.6, 8), 50)
        sheet.freeze_panes = "A2"
    if not book.sheetnames:
        book.create_sheet("空")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _is_rate(header: str) -> bool:
    text = str(header).lower()
    return text.endswith(("率", "rate", "计划进度")) or "rate" in text.split("_")


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

