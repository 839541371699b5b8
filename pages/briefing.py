"""简报 Briefing: a 16:9 view for the projector and the screenshot (title, as-of date and filters,
KPI tiles, four charts in a 2x2 grid) with one-click exports. `?shot=1` hides every control and
the Streamlit chrome so a browser screenshot is clean."""

from urllib.parse import urlencode

import streamlit as st

from inspection import briefing, export, marks
from inspection.i18n import t as label
from ui import components as ui
from ui import exports, registry, state

GRID_HEIGHT = 360  # px per chart: title + tiles + 2 rows of charts fit a 1920x1080 screen
SHOT_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
[data-testid="stMainMenu"], [data-testid="stSidebarNav"], header, footer, .stDeployButton,
.modebar-container, .st-key-brief_title { display: none !important; }
[data-testid="stMainBlockContainer"], .block-container {
    padding: 1.2rem 2rem 0.5rem 2rem !important; max-width: 100% !important; }
[data-testid="stAppViewContainer"] { margin-left: 0 !important; }
</style>
"""
PAGE_CSS = """
<style>
.brief-title { font-size: 2.2rem !important; font-weight: 700; color: #B71C1C; margin: 0; line-height: 1.25; }
.brief-class { color: #B71C1C; text-align: center; font-size: 0.85rem; margin: -0.6rem 0 0.2rem 0; }
.brief-sub { color: #555; font-size: 0.95rem; margin: 0.2rem 0 0.6rem 0;
             border-bottom: 3px solid #B71C1C; padding-bottom: 0.4rem; }
</style>
"""


# Screenshot mode fits the whole briefing into the window (16:9 at 1366x768, 1920x1080, 2560x1440):
# once the charts are drawn, the content is zoomed down so that its height is the window's (never
# up: Plotly redraws a zoomed-up chart cropped), again after a resize.
FIT_JS = """
<script>
(function () {
  const doc = window.parent ? window.parent.document : document;
  const win = doc.defaultView || window;
  function fit() {
    const box = doc.querySelector('[data-testid="stMainBlockContainer"]');
    if (!box) { return; }
    box.style.zoom = '1';
    const natural = box.getBoundingClientRect().height;
    if (natural < 50) { return; }
    const zoom = Math.max(0.4, Math.min(1, (win.innerHeight - 4) / natural));
    box.style.zoom = zoom.toFixed(3);
    box.dataset.fitZoom = zoom.toFixed(3);
  }
  let last = -1, stable = 0, tries = 0;
  function settle() {  // refit until the drawn content stops changing (charts draw one by one)
    const box = doc.querySelector('[data-testid="stMainBlockContainer"]');
    const charts = doc.querySelectorAll('.js-plotly-plot .main-svg').length;
    const height = box ? box.scrollHeight : 0;
    if (charts + height === last) { stable += 1; } else { stable = 0; last = charts + height; fit(); }
    if (stable < 4 && tries++ < 120) { win.setTimeout(settle, 250); } else { fit(); }
  }
  if (!win.__briefFit) {
    win.__briefFit = true;
    win.addEventListener('resize', () => win.setTimeout(fit, 200));
  }
  settle();
})();
</script>
"""


def shot_mode() -> bool:
    return str(st.query_params.get("shot", "")).lower() in ("1", "true", "yes")


def shot_link() -> str:
    """This view's URL (filters and title included) with the screenshot flag."""
    pairs = [(key, v) for key in st.query_params for v in st.query_params.get_all(key) if key != "shot"]
    return "?" + urlencode([*pairs, ("shot", "1")])


def render_header(brief, shot: bool, mk: marks.Marks) -> None:
    st.markdown(PAGE_CSS, unsafe_allow_html=True)
    if shot and mk.classification:  # the screenshot is a copy: it carries the classification line
        st.markdown(f'<div class="brief-class">{_escape(mk.classification)}</div>', unsafe_allow_html=True)
    st.markdown(f'<div class="brief-title">{_escape(brief.title)}</div>'
                f'<div class="brief-sub">{_escape(brief.subtitle)}</div>', unsafe_allow_html=True)


def render_tiles(brief) -> None:
    st.markdown(ui.METRIC_CSS, unsafe_allow_html=True)
    for column, tile in zip(st.columns(len(brief.tiles)), brief.tiles, strict=True):
        ui.kpi(column, tile.label, tile.shown)
        column.caption(tile.detail)


# The summary in a box like a code block's, with a copy button at its top right. Not st.code: that
# loads Streamlit's 1.5 MB syntax highlighter in the browser (~0.6 s of script on every full load
# of this page) for plain text. The button copies the text as written (paragraphs apart by a blank
# line); where the clipboard API is refused (a plain-http address other than localhost) the text is
# selected and copied the older way.
SUMMARY_HTML = """
<style>
.brief-summary {{ position: relative; background: #F5F6F8; border-radius: 0.5rem; margin: 0 0 1rem 0; }}
.brief-summary pre {{ margin: 0; padding: 1rem 3rem 1rem 1rem; white-space: pre-wrap; overflow-wrap: anywhere;
    background: transparent; font-family: "Source Code Pro", monospace; font-size: 0.875rem; line-height: 1.6;
    color: #1F2933; }}
.brief-summary button {{ position: absolute; top: 0.4rem; right: 0.4rem; border: 1px solid #D5D8DE;
    border-radius: 0.4rem; background: #FFFFFF; color: #1F2933; cursor: pointer; font-size: 0.8rem;
    padding: 0.15rem 0.5rem; opacity: 0.75; }}
.brief-summary button:hover, .brief-summary button:focus-visible {{ opacity: 1; border-color: #C0392B; color: #C0392B; }}
</style>
<div class="brief-summary" data-testid="briefSummary"><button type="button" title="{copy}" aria-label="{copy}">{copy}</button><pre>{text}</pre></div>
<script>
(function () {{
  const box = document.currentScript && document.currentScript.parentNode.querySelector('.brief-summary');
  if (!box) {{ return; }}
  const button = box.querySelector('button'), text = box.querySelector('pre');
  function done() {{ button.textContent = '{copied}'; setTimeout(() => {{ button.textContent = '{copy}'; }}, 1500); }}
  function fallback() {{
    const range = document.createRange(); range.selectNodeContents(text);
    const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
    try {{ if (document.execCommand('copy')) {{ done(); }} }} catch (e) {{}}
  }}
  button.addEventListener('click', () => {{
    if (navigator.clipboard && window.isSecureContext) {{
      navigator.clipboard.writeText(text.textContent).then(done, fallback);
    }} else {{ fallback(); }}
  }});
}})();
</script>
"""


def render_summary(brief, lang: str) -> None:
    """The summary text, copyable (its copy button, or selected); left out when nothing is computable."""
    if not brief.summary:
        return
    st.markdown(f"**{label('brief_summary', lang)}**", help=label("brief_summary_help", lang))
    st.html(SUMMARY_HTML.format(text=_escape(brief.summary_text()), copy=_escape(label("brief_copy", lang)),
                                copied=_escape(label("brief_copied", lang))), unsafe_allow_javascript=True)


def render_grid(brief, filters, shot: bool, lang: str, mk: marks.Marks) -> None:
    slides = brief.slides
    if not slides:
        ui.empty()
        return
    for row_start in range(0, len(slides), 2):
        for column, slide in zip(st.columns(2), slides[row_start:row_start + 2], strict=False):
            with column:
                fig = _screen_figure(slide.figure)
                config = ui.chart_config(slide.title, filters)
                if shot:
                    config["displayModeBar"] = False
                if mk.watermark and export.png_available():  # the toolbar's PNG would be unmarked and unlogged
                    config["modeBarButtonsToRemove"] = [*config["modeBarButtonsToRemove"], "toImage"]
                st.plotly_chart(fig, config=config, width="stretch", key=f"brief_{row_start}_{slide.title}", theme=None)
                if not shot:
                    render_png_button(slide, filters, lang, mk)


def render_png_button(slide, filters, lang: str, mk: marks.Marks) -> None:
    name = export.file_name(slide.title, filters.as_of, filters, "png")
    if export.png_available():
        fig = slide.figure  # made when clicked, on the download's own thread; marked and logged
        # the PNG alone says which day and filters it shows, as the deck's slide does under its title
        data = exports.logged(lambda: export.chart_png(ui.stamped(fig, filters, lang), mk, 900, 500, scale=3),
                              "png", "briefing", name, filters)
        st.download_button(label("brief_png", lang), data=data, file_name=name,
                           mime="image/png", key=f"png_{slide.title}", icon=":material/image:",
                           on_click="ignore")
    else:
        st.button(label("brief_png", lang), disabled=True, key=f"png_{slide.title}", icon=":material/image:",
                  help=label("brief_no_browser", lang))
        st.caption(label("brief_no_browser", lang))


@ui.fragment  # the with-extra switch changes the downloads only
def render_exports(brief, filters, lang: str, mk: marks.Marks) -> None:
    """The downloads: each made when clicked, marked (PNG, PPTX, PDF) and recorded in the export log."""
    st.divider()
    st.subheader(label("brief_exports", lang))
    with_extra = st.toggle(label("brief_with_extra", lang), key="brief_extra",
                           help=label("brief_with_extra_help", lang))
    slides = brief.deck_slides(with_extra)
    kind = label("brief_kind", lang)
    if not export.png_available():
        st.info(label("brief_no_browser_deck", lang), icon="ℹ️")
    left, middle, docx, right = st.columns(4)
    name = export.file_name(kind, filters.as_of, filters, "pptx")
    left.download_button(label("brief_pptx", lang), on_click="ignore", file_name=name,
                         data=exports.logged(lambda: export.deck_pptx(brief.title, brief.subtitle, slides, marks=mk),
                                             "pptx", "briefing", name, filters),
                         mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                         icon=":material/slideshow:", width="stretch", type="primary")
    if export.cjk_font() is None:
        middle.button(label("brief_pdf", lang), disabled=True, width="stretch", help=label("brief_no_font", lang))
    else:
        name = export.file_name(kind, filters.as_of, filters, "pdf")
        middle.download_button(label("brief_pdf", lang), on_click="ignore", file_name=name,
                               data=exports.logged(lambda: export.deck_pdf(brief.title, brief.subtitle, slides,
                                                                           marks=mk), "pdf", "briefing", name, filters),
                               mime="application/pdf", icon=":material/picture_as_pdf:", width="stretch")
    name = export.file_name(label("brief_report_kind", lang), filters.as_of, filters, "docx")
    docx.download_button(label("brief_docx", lang), file_name=name,
                         data=exports.logged(lambda: brief.docx(marks=mk), "docx", "briefing", name, filters),
                         mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                         on_click="ignore", icon=":material/description:", width="stretch")
    tables = brief.tables()
    name = export.file_name(label("brief_data_kind", lang), filters.as_of, filters, "xlsx")
    right.download_button(label("brief_xlsx", lang), file_name=name,
                          data=exports.logged(lambda: export.tables_xlsx(tables), "xlsx", "briefing", name, filters),
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          on_click="ignore", icon=":material/table:", width="stretch")
    with st.expander(label("brief_csv_each", lang)):
        for i, (title, frame) in enumerate(tables.items()):
            name = export.file_name(title, filters.as_of, filters, "csv")
            st.download_button(title, on_click="ignore", key=f"csv_{i}", file_name=name, mime="text/csv",
                               data=exports.logged(lambda frame=frame: export.table_csv(frame), "csv", "briefing",
                                                   name, filters),
                               icon=":material/download:")
    exports.failure_note(lang)
    st.markdown(f"[{label('brief_shot_link', lang)}]({shot_link()})")
    st.caption(label("brief_shot_help", lang))


def _screen_figure(fig):
    """The chart at grid height with tighter margins (a copy; exports keep the original)."""
    fig = type(fig)(fig)
    title, extra = _grid_title(fig.layout.title.text or "")
    # a legend under the title keeps the builder's room for its lines (charts._legend_under_title)
    fig.update_layout(height=GRID_HEIGHT, margin=dict(l=50, r=15, t=max(75, fig.layout.margin.t or 0) + extra, b=35),
                      title_text=title, title_font_size=16)
    return fig


GRID_TITLE_PX = 440  # what a 16 px title may take across half of a 1400 px wide screen


def _grid_title(title: str) -> tuple[str, int]:
    """A title too long for half the screen broken before its last bracket outside any other (what it
    says of the chart: '（最低的 8 个，共 12 个乡镇（街道））'), and the height its second line takes
    ('Coverage by district against the plan (the 8 lowest of 152 districts)' lost its end)."""
    if sum(16 if ord(ch) >= 0x2E80 else 9 for ch in title) <= GRID_TITLE_PX:
        return title, 0
    depth, at = 0, 0
    for i, ch in enumerate(title):
        if ch in "(（":
            at, depth = (i if depth == 0 else at), depth + 1
        elif ch in ")）":
            depth = max(0, depth - 1)
    return (title[:at].rstrip() + "<br>" + title[at:], 22) if at > 0 else (title, 0)


def _escape(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def main() -> None:
    shot = shot_mode()
    view = registry.start("briefing", breadcrumb=not shot)  # the breadcrumb is a control: not in the shot
    filters, lang = view.filters, view.lang
    if filters is None:
        return
    mk = exports.marks()
    if shot:
        st.markdown(SHOT_CSS + marks.page_css(mk), unsafe_allow_html=True)
    title = briefing.DEFAULT_TITLE if lang == "zh" else label("briefing_default_title", lang)
    # Rendered in screenshot mode too (hidden by SHOT_CSS) so the title stays bound to the URL.
    title = st.text_input(label("briefing_title", lang), value=title, key="brief_title",
                          bind="query-params", max_chars=60)
    brief = briefing.build(state.run_query, filters, lang, title)
    render_header(brief, shot, mk)
    if not brief.has_roster:
        ui.empty("no_roster")
    elif not brief.has_inspections and not shot:
        ui.empty("no_inspections")
    render_tiles(brief)
    if not shot:
        if brief.issues_note:  # the tile's reported total beside the category chart's listed rows
            st.caption(brief.issues_note)
        render_summary(brief, lang)
    render_grid(brief, filters, shot, lang, mk)
    if shot:
        st.html(FIT_JS, unsafe_allow_javascript=True)
    else:
        render_exports(brief, filters, lang, mk)


main()
