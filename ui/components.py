"""Shared screen pieces: titled charts with caption and toolbar, KPI tiles, empty-state messages."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from inspection import charts
from inspection.filters import Filters
from inspection.i18n import describe_filters, t

from . import sidebar, state


def caption(filters: Filters, lang: str) -> str:
    return t("caption", lang, as_of=filters.as_of.isoformat(), filters=describe_filters(filters.active(), lang))


def chart_config(file_title: str, filters: Filters) -> dict:
    """Toolbar: PNG download at 3x with a file name that says what the chart is."""
    name = re.sub(r"[\\/:*?\"<>|\s]+", "_", f"{file_title}_{filters.as_of.isoformat()}")
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": name, "scale": 3},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }


def chart(fig: go.Figure, title_key: str, filters: Filters, key: str | None = None,
          on_click: Callable | None = None) -> None:
    """A figure with its caption (as-of date, active filters); clickable when `on_click` is given."""
    lang = state.lang()
    config = chart_config(t(title_key, "zh"), filters)
    if on_click is not None and key is not None:
        st.plotly_chart(fig, key=key, on_select=on_click, selection_mode="points", config=config, width="stretch")
    else:
        st.plotly_chart(fig, key=key, config=config, width="stretch")
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


def kpi(column, label: str, shown: str, delta: str | None = None, help_text: str | None = None) -> None:
    column.metric(label, shown, delta=delta, help=help_text, border=True)


def empty(key: str = "empty_filter") -> None:
    st.info(t(key, state.lang()), icon="ℹ️")


def is_empty(frame: pd.DataFrame, column: str | None = None) -> bool:
    if frame is None or frame.empty:
        return True
    if column is not None:
        return pd.to_numeric(frame[column], errors="coerce").fillna(0).sum() == 0
    return False


def store_is_empty() -> bool:
    return state.run_query("filter_options_by_kind", {}).empty


def page_title(key: str) -> str:
    sidebar.ensure_shell()
    lang = state.lang()
    st.title(t(key, lang))
    return lang


def table(frame: pd.DataFrame, labels: dict[str, str], formats: dict | None = None) -> None:
    """A dataframe with translated headers; `formats` maps column -> st.column_config."""
    lang = state.lang()
    shown = frame[list(labels)].rename(columns={c: t(k, lang) for c, k in labels.items()})
    config = {t(labels[c], lang): cfg for c, cfg in (formats or {}).items() if c in labels}
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config)


def choose_districts(rows: pd.DataFrame, lang: str, key: str) -> list[str] | None:
    """At province scale, the group of districts a page's per-district charts show: the order of
    `rows` (plan_by_district: behind first, then lowest coverage), charts.SHOWN_DISTRICTS at a time.
    None when every district fits (a city), or the sidebar's district filter already narrows to few
    enough. `key` keeps each page's choice apart."""
    groups = charts.district_groups(rows["district"])
    if len(groups) == 1:
        return None
    options = list(range(len(groups)))
    if st.session_state.get(key) not in options:  # fewer groups after a filter change
        st.session_state.pop(key, None)
    left, _ = st.columns([1, 2])
    index = left.selectbox(t("shown_districts", lang), options, key=key, help=t("shown_help", lang),
                           format_func=lambda i: charts.group_label(i, groups, lang))
    st.caption(charts.group_note(index, groups, lang))
    return groups[index]


def narrowed(filters: Filters, shown: list[str] | None) -> Filters:
    """The filters of the shown districts' queries (captions keep the sidebar's own filters)."""
    return filters if shown is None else dataclasses.replace(filters, districts=tuple(shown))
