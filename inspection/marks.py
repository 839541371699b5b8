"""Marks on every copy: the classification line (INSPECTION_CLASSIFICATION, default 内部资料 注意保存)
printed at the top of every exported page, slide and document, and the traceable watermark (the
signed-in user's name and the date, INSPECTION_WATERMARK) tiled faintly over them.

One place for every exporter: `current(user)` says what to print; `stamp_png` marks a chart PNG,
`mark_pptx_slide`, `mark_pdf_page` and `mark_docx` mark a slide, a PDF page and a Word document,
`page_css` marks the briefing page in screenshot mode. The watermark is translucent grey text
(about 12 % ink): a figure under it stays readable. Nothing but the classification, the user's
name and the date goes into a mark. Never imports streamlit.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import io
from dataclasses import dataclass
from html import escape

from . import settings

RED = (0xB7, 0x1C, 0x1C)
INK = (0x60, 0x60, 0x60)   # the watermark's grey
ALPHA = 0.12               # its opacity: readable on white, a figure under it stays readable
ANGLE = 25                 # degrees, rising to the right
MAX_MARK_CHARS = 60


@dataclass(frozen=True)
class Marks:
    """What to print: the classification line and the watermark text ("" = none)."""

    classification: str = ""
    watermark: str = ""

    def __bool__(self) -> bool:
        return bool(self.classification or self.watermark)


NONE = Marks()


def classification() -> str:
    """The classification line; the setting set to 0/off/none prints none."""
    return _clean(settings.get("INSPECTION_CLASSIFICATION"))  # "" when written as off


def watermark_enabled(users_configured: bool | None = None) -> bool:
    """INSPECTION_WATERMARK: 1 always, 0 never, auto (the default) once users are configured."""
    value = settings.get("INSPECTION_WATERMARK")
    if value is not None:
        return value
    if users_configured is None:
        from . import auth

        users_configured = auth.users_configured()
    return bool(users_configured)


def current(user: str | None, today: dt.date | None = None, users_configured: bool | None = None) -> Marks:
    """The marks of an export made now by `user` (the signed-in name; a viewer nobody signed in as
    is 访客 / guest): the classification line, and the watermark when the setting has it on."""
    text = ""
    if watermark_enabled(users_configured):
        text = f"{_clean(user or '') or '访客'}  {(today or dt.date.today()).isoformat()}"
    return Marks(classification(), text)


def _clean(text: str) -> str:
    """One line, no control characters, bounded length."""
    return " ".join("".join(c if c.isprintable() else " " for c in str(text)).split())[:MAX_MARK_CHARS]


# ---------------------------------------------------------------- pictures (PIL)


@functools.lru_cache(maxsize=16)
def _font(size: int):
    from PIL import ImageFont

    from .export import cjk_font

    spec = cjk_font()
    try:
        return ImageFont.truetype(spec[0], size, index=spec[1]) if spec else ImageFont.load_default(size)
    except OSError:
        return ImageFont.load_default(size)


def _tile(text: str, size: int):
    """One rotated copy of the watermark text on a transparent tile (RGBA)."""
    from PIL import Image, ImageDraw

    font = _font(size)
    box = ImageDraw.Draw(Image.new("L", (1, 1))).textbbox((0, 0), text, font=font)
    w, h = box[2] - box[0], box[3] - box[1]
    flat = Image.new("RGBA", (w + size, h + size), (0, 0, 0, 0))
    ImageDraw.Draw(flat).text((size // 2 - box[0], size // 2 - box[1]), text, font=font,
                              fill=(*INK, round(255 * ALPHA)))
    return flat.rotate(ANGLE, expand=True, resample=Image.BICUBIC)


@functools.lru_cache(maxsize=8)
def _overlay(text: str, width: int, height: int):
    """A transparent width x height picture with `text` tiled over it, rows staggered."""
    from PIL import Image

    size = max(14, round(min(width, height * 16 / 9) / 42))
    tile = _tile(text, size)
    tw, th = tile.size
    canvas = Image.new("RGBA", (width + 2 * tw, height + 2 * th), (0, 0, 0, 0))  # tiles cut at the edges
    step_x = max(tw, round(width / 3.2))
    step_y = max(round(th * 1.15), round(size * 5))
    for row, y in enumerate(range(th // 2, height + th, step_y)):
        for x in range(tw // 2 - (step_x // 2) * (row % 2), width + tw, step_x):
            canvas.alpha_composite(tile, (x, y))
    return canvas.crop((tw, th, tw + width, th + height))


def overlay_png(marks: Marks, width: int, height: int) -> bytes | None:
    """The watermark alone as a transparent PNG of width x height pixels (None without one):
    laid over a slide, a PDF page or a Word page."""
    return _overlay_png(marks.watermark, int(width), int(height)) if marks.watermark else None


@functools.lru_cache(maxsize=8)
def _overlay_png(text: str, width: int, height: int) -> bytes:
    """Encoded once per text and size: a deck lays the same picture on every slide."""
    out = io.BytesIO()
    _overlay(text, width, height).save(out, format="PNG")
    return out.getvalue()


def stamp_png(png: bytes, marks: Marks) -> bytes:
    """A chart PNG with the classification line in a band added above it (the chart is not covered)
    and the watermark tiled over the whole picture. Unchanged without marks."""
    if not marks:
        return png
    from PIL import Image, ImageDraw

    image = Image.open(io.BytesIO(png)).convert("RGBA")
    if marks.classification:
        band = max(28, round(image.height * 0.05))
        framed = Image.new("RGBA", (image.width, image.height + band), (255, 255, 255, 255))
        framed.paste(image, (0, band))
        draw = ImageDraw.Draw(framed)
        font = _font(max(12, round(band * 0.55)))
        draw.text((image.width / 2, band / 2), marks.classification, font=font, fill=(*RED, 255), anchor="mm")
        draw.line([(0, band - 1), (image.width, band - 1)], fill=(*RED, 255), width=max(1, band // 20))
        image = framed
    if marks.watermark:
        image.alpha_composite(_overlay(marks.watermark, image.width, image.height))
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG")
    return out.getvalue()


# ---------------------------------------------------------------- slides, PDF pages, Word


def mark_pptx_slide(prs, slide, marks: Marks) -> None:
    """The classification line above the slide's title, and the watermark over the whole slide
    (a translucent picture, added last so the slide's own picture does not hide it)."""
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Emu, Pt

    if marks.classification:
        from .export import _set_run_font

        box = slide.shapes.add_textbox(0, Emu(int(prs.slide_height * 0.002)), prs.slide_width, Pt(18))
        frame = box.text_frame
        frame.margin_top = frame.margin_bottom = 0
        para = frame.paragraphs[0]
        para.alignment = PP_ALIGN.CENTER
        run = para.add_run()
        run.text = marks.classification
        _set_run_font(run, 10, False, RED)
        box.name = "classification"
    png = overlay_png(marks, 1600, 900)
    if png:
        picture = slide.shapes.add_picture(io.BytesIO(png), 0, 0, prs.slide_width, prs.slide_height)
        picture.name = "watermark"


def mark_pdf_page(pdf, marks: Marks, font: str = "cjk") -> None:
    """The classification line at the top of the current page (in `font`, already added), and the
    watermark over the whole page."""
    if marks.classification:
        x, y = pdf.get_x(), pdf.get_y()
        pdf.set_font(font, "", 8)
        pdf.set_text_color(*RED)
        pdf.set_xy(0, 1.2)
        pdf.cell(pdf.w, 4.5, marks.classification, align="C")
        pdf.set_xy(x, y)
    png = overlay_png(marks, 1600, round(1600 * pdf.h / pdf.w))
    if png:
        pdf.image(io.BytesIO(png), x=0, y=0, w=pdf.w, h=pdf.h)


def mark_docx(document, marks: Marks) -> None:
    """A Word document: the classification line in every section's header, and the watermark as a
    picture behind the text of every page (anchored in the header, like Word's own watermarks)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    for section in document.sections:
        header = section.header
        header.is_linked_to_previous = False
        para = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        if marks.classification:
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = para.add_run(marks.classification)
            run.font.size = Pt(9)
            run.font.color.rgb = RGBColor(*RED)
        width, height = section.page_width, section.page_height
        png = overlay_png(marks, 1200, round(1200 * height / width)) if width and height else None
        if png:
            run = para.add_run()
            run.add_picture(io.BytesIO(png), width=width, height=height)
            _float_behind(run, width, height)


def _float_behind(run, width, height) -> None:
    """Turn the run's inline picture into one anchored at the page's top left, behind the text."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    drawing = run._r.find(qn("w:drawing"))
    inline = drawing.find(qn("wp:inline"))
    anchor = parse_xml(
        f'<wp:anchor {nsdecls("wp")} distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="0" '
        f'behindDoc="1" locked="1" layoutInCell="1" allowOverlap="1">'
        f'<wp:simplePos x="0" y="0"/>'
        f'<wp:positionH relativeFrom="page"><wp:posOffset>0</wp:posOffset></wp:positionH>'
        f'<wp:positionV relativeFrom="page"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="{int(width)}" cy="{int(height)}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:wrapNone/></wp:anchor>')
    for tag in ("wp:docPr", "wp:cNvGraphicFramePr"):
        element = inline.find(qn(tag))
        if element is not None:
            anchor.append(element)
    anchor.append(inline.find(qn("a:graphic")))
    drawing.remove(inline)
    drawing.append(anchor)


# ---------------------------------------------------------------- the page in screenshot mode


def page_css(marks: Marks) -> str:
    """CSS that tiles the watermark over the whole page (in front of the charts, translucent, never
    catching a click); "" without a watermark."""
    if not marks.watermark:
        return ""
    text = escape(marks.watermark)
    w, h = 460, 260
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}">'
           f'<text x="{w / 2}" y="{h / 2}" text-anchor="middle" dominant-baseline="middle" '
           f'transform="rotate(-{ANGLE} {w / 2} {h / 2})" fill="rgb{INK}" fill-opacity="{ALPHA}" '
           f'font-family="Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif" font-size="22">{text}</text>'
           f'</svg>')
    url = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return ("<style>.stApp::after { content: ''; position: fixed; inset: 0; pointer-events: none; "
            f"z-index: 999990; background-image: url('{url}'); background-repeat: repeat; "
            f"background-size: {w}px {h}px; }}</style>")
