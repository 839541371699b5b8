"""Shared screen pieces: titled charts with caption and toolbar, KPI tiles, empty-state messages."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from inspection import charts, export
from inspection.filters import Filters
from inspection.i18n import VOCABULARY_COLUMNS, area_title, describe_filters, grained, t, value

from . import sidebar, state


def caption(filters: Filters, lang: str) -> str:
    return t("caption", lang, as_of=filters.as_of.isoformat(), filters=describe_filters(filters.active(), lang))


SUBTITLE_LINE = {"zh": 36, "en": 64}  # characters per line of a chart's as-of line (a half-width chart at 1280 px)


def stamp(fig: go.Figure, filters: Filters, lang: str) -> bool:
    """The as-of date and the filters (the caption) under the figure's title, inside the figure: a
    downloaded PNG or a screenshot of the chart alone says which district and which day it shows, and
    cannot be taken for the whole city or for today. Long filters go on several lines (at '；'), the
    top margin grown to hold them. False for a figure without a title (nothing to put it under)."""
    if not fig.layout.title.text:
        return False
    sep = "；" if lang == "zh" else "; "
    lines: list[str] = []
    for part in caption(filters, lang).split(sep):
        if lines and len(lines[-1]) + len(sep) + len(part) <= SUBTITLE_LINE.get(lang, 64):
            lines[-1] += sep + part
        else:
            lines.append(part)
    top = next((m for m in (fig.layout.margin.t, fig.layout.template.layout.margin.t) if m is not None), 80)
    height = fig.layout.height or 450
    # the title pinned to the top, so the lines under it push the plot (and the unit above its axis) down
    fig.update_layout(title=dict(yref="container", y=1 - 12 / height, yanchor="top",
                                 subtitle=dict(text="<br>".join(lines), font=dict(size=12, color="#52606D"))),
                      margin_t=top + 18 * len(lines))
    if fig.layout.legend.yref == "container" and fig.layout.legend.y is not None:  # a legend under the title
        fig.update_layout(legend_y=fig.layout.legend.y - 18 * len(lines) / height)
    return True


def stamped(fig: go.Figure, filters: Filters, lang: str) -> go.Figure:
    """A copy of `fig` carrying its as-of date and filters under its title (`stamp`), for a download
    made from a figure that is also drawn or exported as it is (the briefing's chart PNG)."""
    copy = go.Figure(fig)
    stamp(copy, filters, lang)
    return copy


def chart_config(file_title: str, filters: Filters) -> dict:
    """Toolbar: PNG download at 3x with a file name that says what the chart is, as of when and for
    which filters (export.file_stem, as every download)."""
    name = export.file_stem(file_title, filters.as_of, filters)
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": name, "scale": 3},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }


def chart(fig: go.Figure, title_key: str, filters: Filters, key: str | None = None,
          on_click: Callable | None = None, file_title: str | None = None) -> None:
    """A figure with its caption (as-of date, active filters: under its title, `stamp`); clickable when `on_click` is given.
    The PNG's file name is the title of `title_key` in Chinese, or `file_title`."""
    lang = state.lang()
    config = chart_config(file_title or t(title_key, "zh"), filters)
    stamped = stamp(fig, filters, lang)
    if on_click is not None and key is not None:
        st.plotly_chart(fig, key=key, on_select=on_click, selection_mode="points", config=config, width="stretch", theme=None)
    else:
        st.plotly_chart(fig, key=key, config=config, width="stretch", theme=None)
    if not stamped:
        st.caption(caption(filters, lang))


def click_to_filter(chart_key: str, filter_key: str, field: str = "customdata") -> Callable[[], None]:
    """A selection callback: the clicked point's value becomes the filter `filter_key`."""

    def callback() -> None:
        selection = st.session_state.get(chart_key)
        points = (selection or {}).get("selection", {}).get("points", []) if selection else []
        values = []
        for point in points:
            raw = point.get(field)
            if isinstance(raw, list):
                raw = raw[0] if raw else None
            if raw is not None and raw not in values:
                values.append(str(raw))
        if values:
            sidebar.set_filter(filter_key, values)

    return callback


def drill(chart_key: str, filters: Filters) -> Callable[[], None]:
    """A selection callback for a by-area chart (customdata = the area): a district bar chooses the
    district, a township bar the township (Filters.drill); a unit bar opens the unit's page."""

    def callback() -> None:
        selection = st.session_state.get(chart_key)
        points = (selection or {}).get("selection", {}).get("points", []) if selection else []
        labels = []
        for point in points:
            raw = point.get("customdata")
            if isinstance(raw, list):
                raw = raw[0] if raw else None
            if raw is not None and str(raw) not in labels:
                labels.append(str(raw))
        if not labels:
            return
        key, _ = filters.drill(labels[0])
        if key == "unit":
            sidebar.open_unit(labels[0], filters)
        else:
            sidebar.set_filter(key, [filters.drill(label)[1] for label in labels])

    return callback


def click_category_or_area(chart_key: str, filters: Filters) -> Callable[[], None]:
    """A selection callback for categories stacked by area (charts.categories_by_group with its
    handles): a category's segment filters by the category, an area's handle (its name under the
    stack) chooses the area as a drill-down click does."""

    def callback() -> None:
        selection = st.session_state.get(chart_key)
        points = (selection or {}).get("selection", {}).get("points", []) if selection else []
        picked: dict[str, list[str]] = {"category": [], "area": []}
        for point in points:
            raw = point.get("customdata")
            if isinstance(raw, list) and len(raw) == 2 and raw[0] in picked and str(raw[1]) not in picked[raw[0]]:
                picked[raw[0]].append(str(raw[1]))
        if picked["area"]:
            key, _ = filters.drill(picked["area"][0])
            if key == "unit":
                sidebar.open_unit(picked["area"][0], filters)
            else:
                sidebar.set_filter(key, [filters.drill(label)[1] for label in picked["area"]])
        elif picked["category"]:
            sidebar.set_filter("category", picked["category"])

    return callback


def breadcrumb(filters: Filters, lang: str) -> None:
    """全部县区 › 沙澧区 › 某镇 above a drilled view's charts: each level but the last goes back up to it.
    A unit bar clicked on the last run (sidebar.open_unit) opens that unit's page instead."""
    unit = st.session_state.pop(sidebar.OPEN_UNIT, None)
    if unit:
        with contextlib.suppress(st.errors.StreamlitAPIException):  # the page is not registered
            st.switch_page("pages/unit.py", query_params={sidebar.UNIT_KEY: unit, "lang": lang})
    grain = filters.grain()
    if grain == "district":
        return
    district, township = filters.scope()
    levels = [("top", t("grain_top", lang))]
    if district is not None:
        levels.append(("district", district))
    if grain == "unit":
        levels.append(("township", township))
    row = st.container(horizontal=True, gap="small", vertical_alignment="center")
    for i, (level, label) in enumerate(levels):
        shown = label if i == 0 else f"› {label}"
        if i == len(levels) - 1:
            row.markdown(f"**{shown}**", width="content")
        else:
            row.button(shown, key=f"crumb_{level}", type="tertiary", help=t("breadcrumb_help", lang),
                       on_click=sidebar.go_up, args=(level, district))


def area_chart(fig: go.Figure, title_key: str, filters: Filters, key: str | None = None,
               drillable: bool = False, on_click: Callable | None = None) -> None:
    """A by-district figure at the filters' grain (charts.at_grain); when `drillable`, a click on a
    bar goes down a level (else `on_click`, another cross-filter)."""
    lang = state.lang()
    params = filters.params()
    fig = charts.at_grain(fig, params, lang)
    if drillable and key:
        on_click = drill(key, filters)
    chart(fig, title_key, filters, key=key, on_click=on_click, file_title=area_title(title_key, params, "zh"))


# A tile's label and the words beside its change (stMetricDeltaDescription: 2026年至今同比) wrap instead
# of ending in "…" (four or six tiles in a row on a 1366 px laptop: 党纪政务处分（人）); its value is never
# cut ("1,…" for 1,284 in a window 800 px wide with the sidebar open): its size follows the tile's width
# (a container query, 21% of it: six characters fit), up to Streamlit's 2.25rem; included once by the
# pages with tiles.
METRIC_CSS = """<style>
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * { white-space: normal !important;
    overflow: visible !important; text-overflow: clip !important; height: auto !important; }
[data-testid="stMetricDelta"] > div, [data-testid="stMetricDelta"] * { white-space: normal !important;
    overflow: visible !important; text-overflow: clip !important; }
[data-testid="stMetricDeltaDescription"], [data-testid="stMetricDeltaDescription"] * {
    white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
div:has(> [data-testid="stMetricDeltaDescription"]) { flex-wrap: wrap !important; }
[data-testid="stMetric"] { container-type: inline-size; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * { overflow: visible !important;
    text-overflow: clip !important; white-space: nowrap !important; }
[data-testid="stMetricValue"] { font-size: clamp(0.9rem, 21cqi, 2.25rem) !important; }
</style>"""


def kpi(column, label: str, shown: str, delta: str | None = None, help_text: str | None = None,
        delta_color: str = "off", delta_description: str | None = None) -> None:
    """A tile. Its change is grey unless a rise is good ("normal") or bad ("inverse") for certain
    (more inspections or fewer issues are neither)."""
    column.metric(label, shown, delta=delta, help=help_text, border=True, delta_color=delta_color,
                  delta_description=delta_description)


def rate_over_reported(column, rate, lang: str) -> None:
    """Under a rectification rate above 100% (no issue list: the reported 已整改数 over 发现问题数,
    a ledger reporting more rectified than found), why: it is the ledger's figure, not a bug."""
    if rate is not None and rate == rate and rate > 1:
        column.caption(t("rect_over_reported", lang))


def plan_not_started(rows: pd.DataFrame) -> bool:
    """Every area's plan starts on or after the as-of day (its planned share is 0): none can be
    behind yet, and saying that all are on track would claim too much (plan_figures' `late`)."""
    return not rows.empty and bool((rows["planned_share"].fillna(0) <= 0).all())


def empty(key: str = "empty_filter") -> None:
    """Why a section is empty. With a roster and no inspection imported at all, the filters are not
    the reason (no filter set, 请放宽筛选条件 asked for the impossible): say what is missing instead."""
    if key in ("empty_filter", "no_inspections") and no_inspections_imported():
        key = "no_inspections_imported"
    st.info(t(key, state.lang()), icon="ℹ️")


def no_inspections_imported() -> bool:
    """The store holds units but no inspection (the filter panel offers no year: years come from inspections)."""
    opts = state.run_query("filter_options_by_kind", {})
    return not opts.empty and not (opts["kind"] == "year").any()


def is_empty(frame: pd.DataFrame, column: str | None = None) -> bool:
    if frame is None or frame.empty:
        return True
    if column is not None:
        return pd.to_numeric(frame[column], errors="coerce").fillna(0).sum() == 0
    return False


def store_is_empty() -> bool:
    return state.run_query("filter_options_by_kind", {}).empty


ID_COLUMNS = frozenset({"id", "import_id"})  # numbers that name a row (导入编号), never grouped


def _grouped(v) -> str:
    """A number in a column that also shows "—": 1,331 (whole) or 2.35, as NumberColumn's "localized"."""
    return f"{v:,.0f}" if float(v).is_integer() else f"{round(float(v), 3):,}"


def table(frame: pd.DataFrame, labels: dict[str, str], formats: dict | None = None) -> None:
    """A dataframe with translated headers; `formats` maps column -> st.column_config."""
    lang = state.lang()
    shown = frame[list(labels)]
    vocab = [c for c in labels if c in VOCABULARY_COLUMNS]
    if vocab and lang != "zh":  # unit types, modes, levels, statuses in the page's language
        shown = shown.assign(**{c: shown[c].map(lambda v: value(v, lang) if isinstance(v, str) else v) for c in vocab})
    blank = [c for c in shown.columns if (shown[c].dtype == object or pd.api.types.is_datetime64_any_dtype(shown[c])
                                          or (pd.api.types.is_numeric_dtype(shown[c]) and c not in (formats or {})))
             and shown[c].isna().any()]
    if blank:  # a missing text, date or number reads as not given ("—"), never as "None"
        shown = shown.assign(**{c: (shown[c].dt.date if pd.api.types.is_datetime64_any_dtype(shown[c])
                                    else shown[c].map(_grouped, na_action="ignore")
                                    if pd.api.types.is_numeric_dtype(shown[c]) else shown[c])
                                .astype(object).where(shown[c].notna(), "—") for c in blank})
    printed = {c: cfg["type_config"]["format"] for c, cfg in (formats or {}).items()
               if c in shown.columns and (cfg.get("type_config") or {}).get("type") == "number"
               and "%" in ((cfg.get("type_config") or {}).get("format") or "")  # printf (not "percent", "compact")
               and pd.api.types.is_numeric_dtype(shown[c])
               and shown[c].isna().any()}
    if printed:  # a formatted number column cannot show "—": its numbers printed in its format instead
        shown = shown.assign(**{c: shown[c].map(lambda v, f=f: "—" if pd.isna(v) else f % v) for c, f in printed.items()})
        formats = {c: cfg for c, cfg in formats.items() if c not in printed}
    # counts with thousands separators (1,331), as on the tiles and the charts; not the numbers that name a row
    counts = {c: st.column_config.NumberColumn(format="localized") for c in shown.columns
              if pd.api.types.is_integer_dtype(shown[c]) and c not in (formats or {}) and c not in ID_COLUMNS}
    shown = shown.rename(columns={c: t(k, lang) for c, k in labels.items()})
    config = {t(labels[c], lang): cfg for c, cfg in {**counts, **(formats or {})}.items() if c in labels}
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config)


def marked(shown: pd.DataFrame, rows: list[bool], colour: str = "#FDECEA"):
    """`shown` (a table already in words) with the `rows` given a background (a district behind its
    plan), its counts with thousands separators as in `table`: a pandas Styler for st.dataframe."""
    numeric = [c for c in shown.columns if pd.api.types.is_numeric_dtype(shown[c])]
    return (shown.style.apply(lambda row: [f"background-color: {colour}" if rows[row.name] else "" for _ in row], axis=1)
            .format("{:,.0f}", subset=numeric, na_rep="—"))


def fragment(func: Callable) -> Callable:
    """A page section that reruns alone when only its own widgets change (st.fragment): a chart's own
    control (the group of districts it shows, a switch, an expander) redraws that section, not the
    page. Never for the sidebar's own widgets (their values live in the URL). A cross-filter click in
    a section (a chart's on_select callback setting a sidebar filter) reruns the section, which then
    reruns the whole page at once (sidebar.changed): the browser still sends one message, the server
    a few more (the section's start; categories by district: 27 instead of 23), so a section whose
    chart is clicked to filter fits when its own control is used often. A query that finds the data
    changed since the page was drawn (state.page_version) reruns the page. Errors show as on the page (ui.errors.caught), also when
    the section reruns alone."""

    @functools.wraps(func)
    def section(*args, **kwargs):
        from .errors import caught  # ui.errors imports state, as this module does

        if sidebar.changed():  # a click in this section chose a filter: every figure changes
            st.rerun(scope="app")
        with caught(state.lang()):
            return func(*args, **kwargs)

    return st.fragment(section)


def choose_districts(rows: pd.DataFrame, lang: str, key: str, filters: Filters | None = None,
                     by: str = "plan") -> list[str] | None:
    """At province scale, the group of districts a page's per-district charts show: the order of
    `rows` (plan_by_district: behind first, then lowest coverage; by="coverage": coverage_by_district
    in charts.lowest_first's order, when there is no plan; by="issues": the most issues first),
    charts.SHOWN_DISTRICTS at a time.
    None when every district fits (a city), or the sidebar's district filter already narrows to few
    enough. `key` keeps each page's choice apart. With `filters`, the labels name the areas at their
    grain (the townships of a district with many)."""
    groups = charts.district_groups(rows["district"])
    if len(groups) == 1:
        return None
    if by == "plan" and "behind" in rows and not rows["behind"].astype(bool).any():
        by = "coverage"  # none behind: the plan's order is then the lowest coverage first, and says so
    options = list(range(len(groups)))
    if st.session_state.get(key) not in options:  # fewer groups after a filter change
        st.session_state.pop(key, None)
    left, _ = st.columns([1, 2])
    params = filters.params() if filters is not None else {}
    index = left.selectbox(grained(t("shown_districts", lang), params, lang), options, key=key,
                           help=grained(t("shown_help" + charts.GROUP_ORDERS[by][0], lang), params, lang),
                           format_func=lambda i: grained(charts.group_label(i, groups, lang, by), params, lang))
    st.caption(grained(charts.group_note(index, groups, lang, by), params, lang))
    return groups[index]


def narrowed(filters: Filters, shown: list[str] | None) -> Filters:
    """The filters of the shown districts' queries (captions keep the sidebar's own filters). Only
    at the district grain: the townships or units of a drilled view are picked from the rows
    (`only`), as one district's query is already narrow."""
    if shown is None or filters.grain() != "district":
        return filters
    return dataclasses.replace(filters, districts=tuple(shown), grain_of="district")


def only(frame: pd.DataFrame, shown: list[str] | None) -> pd.DataFrame:
    """The rows of the shown areas (all when `shown` is None)."""
    return frame if shown is None or frame.empty else frame[frame["district"].isin(shown)]
