"""The shared filter panel. Every widget lives in the URL (bind="query-params"), so a copied
link reproduces the view; `render()` returns the `Filters` the pages pass to their queries."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from inspection import settings
from inspection.filters import LEVELS, Filters, default_as_of
from inspection.i18n import LANGS, t, value

from . import state

# widget key (= URL parameter) -> default value
DEFAULTS = {
    "district": [], "township": [], "round": [], "level": [], "mode": [], "unit_type": [],
    "category": [], "poverty": False,
}
FILTERS_KEY = "_filters"


# The URL holds the language as its code (?lang=en); the labels of the switch, which an earlier
# release wrote into links (?lang=English), open the same language.
LANG_CODES = {"zh": "zh", "en": "en", "中文": "zh", "English": "en"}


def language() -> str:
    """The language switch; returns 'zh' or 'en'. Not bound to the URL by Streamlit (that would
    write the switch's label), but read from and written to ?lang= as the code."""
    default = settings.get("INSPECTION_LANG")
    code = LANG_CODES.get(st.query_params.get("lang", ""))
    if code is not None:
        st.session_state["lang"] = code
    elif st.session_state.get("lang") not in LANGS:
        st.session_state["lang"] = default
    st.sidebar.segmented_control(
        t("language"), list(LANGS), key="lang", on_change=_language_changed,
        format_func=lambda code: "中文" if code == "zh" else "English",
    )
    _language_to_url()
    return state.lang()


def _language_changed() -> None:
    if st.session_state.get("lang") is None:  # a click on the chosen option unselects it: keep it
        st.session_state["lang"] = LANG_CODES.get(st.query_params.get("lang", ""), "zh")
    _language_to_url()


def _language_to_url() -> None:
    """?lang= holds the code once the language is not the default (or the link already named one)."""
    code, shown = st.session_state.get("lang"), st.query_params.get("lang")
    default = settings.get("INSPECTION_LANG")
    if code in LANGS and shown != code and (shown is not None or code != default):
        st.query_params["lang"] = code


def options() -> dict[str, pd.DataFrame]:
    frame = state.run_query("filter_options_by_kind", {})
    return {kind: part for kind, part in frame.groupby("kind", sort=False)}


def _values(opts: dict, kind: str) -> list[str]:
    part = opts.get(kind)
    return [] if part is None else part["value"].tolist()


def _prune(key: str, allowed: list) -> None:
    """Drop selected values that are no longer offered (a township outside the chosen districts)."""
    current = st.session_state.get(key)
    if isinstance(current, list):
        kept = [v for v in current if v in allowed]
        if kept != current:
            st.session_state[key] = kept


def _portable(key: str, codes: list[str], lang: str) -> None:
    """A bound widget with a format_func keeps its shown labels in the URL (?level=市级), so a link
    made in one language names its values in that language's words, which the other language's
    widget does not know (it dropped them). When the widget is first drawn in a session, values
    written as another language's label, or as the code, are chosen as their codes: the widget's
    own seeding from the URL finds nothing valid, keeps this choice, and writes this language's
    labels into the URL. Values it knows seed it as usual; unknown ones are dropped as before."""
    if key in st.session_state:  # the widget has its value: the URL follows it
        return
    written = st.query_params.get_all(key)
    shown = {value(code, lang) for code in codes}
    if not written or all(v in shown for v in written):
        return
    chosen = [code for code in codes if any(v in (code, *(value(code, other) for other in LANGS)) for v in written)]
    if chosen:
        st.session_state[key] = chosen


def reset() -> None:
    for key, default in DEFAULTS.items():
        st.session_state[key] = list(default) if isinstance(default, list) else default
    for key in ("years", "as_of"):
        st.session_state.pop(key, None)


def set_filter(key: str, values: list[str]) -> None:
    """Cross-filter from a chart click (call from a widget callback, before the panel renders)."""
    st.session_state[key] = list(values)
    if key == "district":
        st.session_state["township"] = [v for v in st.session_state.get("township", [])
                                        if v.split("/", 1)[0] in values]


def go_up(level: str, district: str | None) -> None:
    """The breadcrumb (ui/components.breadcrumb): back to every district ('top') or to the townships
    of `district` (call from a widget callback, before the panel renders)."""
    st.session_state["township"] = []
    st.session_state["district"] = [district] if level == "district" and district else []


UNIT_KEY = "unit"  # the unit page's choice (pages/unit.py), in the URL as ?unit=district/township/name
OPEN_UNIT = "_open_unit"


def open_unit(name: str, filters: Filters) -> None:
    """A unit bar was clicked: the unit's page opens on it (dashboard.py switches on the next run)."""
    district, township = filters.scope()
    if district and township:
        st.session_state[OPEN_UNIT] = f"{district}/{township}/{name}"


PANEL_KEY = "filter_panel"  # the panel's container, the same on every page
_HIDE_CSS = f"<style>.st-key-{PANEL_KEY} {{ display: none !important; }}</style>"


def render(lang: str, shown: bool = True) -> Filters:
    """The panel. On a page that takes no filters (`shown` False) the same widgets are still drawn,
    in the same container, which that page's style hides: a bound widget that is not drawn loses
    its URL parameter, and one drawn elsewhere is another widget to the browser, which then drops
    the parameter on the next page switch; the filters must be as they were when the user goes
    back to another page (or copies the link)."""
    opts = options()
    side = st.sidebar.container(key=PANEL_KEY)
    if not shown:
        st.html(_HIDE_CSS)
    side.header(t("filters", lang))
    districts = _values(opts, "district")
    _prune("district", districts)
    chosen = side.multiselect(t("f_districts", lang), districts, key="district", bind="query-params",
                              placeholder=t("all", lang))
    towns = opts.get("township")
    town_values = [] if towns is None else (
        towns[towns["parent"].isin(chosen)] if chosen else towns)["value"].tolist()
    _prune("township", town_values)
    townships = side.multiselect(t("f_townships", lang), town_values, key="township", bind="query-params",
                                 placeholder=t("all", lang), format_func=_town_label)
    rounds_all = _values(opts, "round")
    _prune("round", rounds_all)
    rounds = side.multiselect(t("f_rounds", lang), rounds_all, key="round", bind="query-params",
                              placeholder=t("all", lang))
    years = [int(y) for y in _values(opts, "year")]
    year_from = year_to = None
    if len(years) >= 2:
        picked = side.select_slider(t("f_years", lang), options=years, value=(years[0], years[-1]),
                                    key="years", bind="query-params")
        if isinstance(picked, (tuple, list)) and len(picked) == 2:
            if picked[0] != years[0]:
                year_from = int(picked[0])
            if picked[1] != years[-1]:
                year_to = int(picked[1])
    _portable("level", list(LEVELS), lang)
    levels = side.multiselect(t("f_levels", lang), list(LEVELS), key="level", bind="query-params",
                              placeholder=t("all", lang), format_func=lambda v: value(v, lang))
    modes_all = _values(opts, "mode")
    _prune("mode", modes_all)
    _portable("mode", modes_all, lang)
    modes = side.multiselect(t("f_modes", lang), modes_all, key="mode", bind="query-params",
                             placeholder=t("all", lang), format_func=lambda v: value(v, lang))
    types_all = _values(opts, "unit_type")
    _prune("unit_type", types_all)
    _portable("unit_type", types_all, lang)
    unit_types = side.multiselect(t("f_unit_types", lang), types_all, key="unit_type", bind="query-params",
                                  placeholder=t("all", lang), format_func=lambda v: value(v, lang))
    poverty = side.toggle(t("f_poverty_only", lang), key="poverty", bind="query-params")
    categories_all = _values(opts, "category")
    _prune("category", categories_all)
    categories = side.multiselect(t("f_categories", lang), categories_all, key="category", bind="query-params",
                                  placeholder=t("all", lang))
    data_day = default_as_of(state.run_query("data_as_of", {}))  # 数据截至: the latest day the data covers
    as_of = side.date_input(t("f_as_of", lang), value=data_day, key="as_of", bind="query-params",
                            max_value=dt.date(2100, 1, 1), min_value=dt.date(2000, 1, 1),
                            help=t("f_as_of_help", lang, day=data_day.isoformat()))
    if not isinstance(as_of, dt.date):
        as_of = data_day
    side.button(t("reset", lang), on_click=reset, width="stretch")
    side.caption(t("cross_hint", lang))
    filters = Filters(
        districts=tuple(chosen), townships=tuple(townships), unit_types=tuple(unit_types),
        poverty_only=bool(poverty), rounds=tuple(rounds), year_from=year_from, year_to=year_to,
        levels=tuple(v for v in levels if v in LEVELS), modes=tuple(modes), as_of=as_of,
        categories=tuple(categories),
    )
    st.session_state[FILTERS_KEY] = filters
    st.session_state[DRAWN_KEY] = _chosen()
    return filters


# What the filters (and a unit to open) were when the page was last drawn whole: a cross-filter
# click inside a section that reruns alone (ui.components.fragment) changes them in its callback,
# and the section then reruns the whole page (`changed`), as the click must change every figure.
DRAWN_KEY = "_filters_drawn"


def _chosen() -> dict:
    return {key: st.session_state.get(key) for key in (*DEFAULTS, "years", "as_of", OPEN_UNIT)}


def changed() -> bool:
    """The filters differ from those the page was drawn with (see DRAWN_KEY)."""
    drawn = st.session_state.get(DRAWN_KEY)
    return drawn is not None and drawn != _chosen()


def _town_label(v: str) -> str:
    district, _, township = v.partition("/")
    return f"{township}（{district}）" if township else v


def current() -> Filters:
    """The filters the sidebar set on this run (defaults when a page runs on its own)."""
    return st.session_state.get(FILTERS_KEY) or Filters()
