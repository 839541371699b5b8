"""覆盖进度 Coverage: coverage by district against the plan (behind districts and the units a month
they lack), cumulative coverage by district, district x round heatmap, coverage by unit type and
for poverty villages, the last-mile list (downloadable). Under a round, year, level or mode filter the
figures say they count the selected inspections only, and the plan is left out (plan_applies)."""

from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from inspection import charts, export, fmt, store
from inspection.filters import listing
from inspection.i18n import grained, subset_key, subset_note, t
from ui import components as ui
from ui import exports, registry, sidebar, state


def render_district_bars(filters, lang: str) -> tuple[list[str] | None, list[str]]:
    """Coverage by district against the plan (issue 9): behind districts in red with the units a
    month they lack; a click on a bar filters to that district. Plain coverage bars without a plan (none set, or
    inspection filters: plan_applies).
    Returns the districts shown when there are too many to draw them all (else None), and every area
    of the bars."""
    frame = state.run_query("plan_by_district", filters.params())
    rows = frame[~frame["is_total"].astype(bool)]
    if rows.empty:
        bars = state.run_query("coverage_by_district", filters.params(), prefetch=False)  # without a plan only
        # no plan to be behind: the districts with the lowest coverage, as many as with a plan
        shown = ui.choose_districts(charts.lowest_first(bars), lang, "coverage_districts_shown", filters,
                                    by="coverage")
        if shown is not None:
            bars = bars[bars["district"].isin(shown)]
        title = subset_key("chart_coverage_by_district", filters)
        fig = state.figure(charts.coverage_bars, bars, "district", t(title, lang), lang)
        ui.area_chart(fig, title, filters, key="coverage_district_bars", drillable=True)
        return shown, [str(d) for d in charts.lowest_first(state.run_query(
            "coverage_by_district", filters.params(), prefetch=False))["district"]]
    late = rows[rows["behind"].astype(bool)]
    if ui.plan_not_started(rows):
        st.info(t("plan_not_started", lang), icon="ℹ️")
    elif late.empty:
        st.success(grained(t("cov_plan_ok", lang), filters.params(), lang))
    else:
        names = [t("cov_plan_lacking", lang, district=d, n=fmt.per_month(n, lang)) if pd.notna(n) else d
                 for d, n in zip(late["district"], late["lacking_per_month"], strict=True)]
        st.warning(grained(t("cov_plan_behind", lang, n=len(late), names=charts.district_names(names, lang)),
                           filters.params(), lang),
                   icon="⚠️")
    shown = ui.choose_districts(rows, lang, "coverage_districts_shown", filters)
    if shown is not None:
        frame = rows[rows["district"].isin(shown)]
    fig = state.figure(charts.plan_vs_actual, frame, t("chart_plan_vs_actual", lang), lang)
    ui.area_chart(fig, "chart_plan_vs_actual", filters, key="coverage_district_bars", drillable=True)
    try:
        st.page_link("pages/followup.py", label=t("cov_plan_link", lang), icon=":material/task_alt:")
    except st.errors.StreamlitAPIException:  # the page is not registered (e.g. hidden for this user)
        pass
    return shown, [str(d) for d in rows["district"]]


def render_district_progress(filters, lang: str, shown: list[str] | None = None) -> None:
    """One line per district; with only some districts shown, the whole area's line with them."""
    lines = ui.only(state.run_query("coverage_by_district_month", ui.narrowed(filters, shown).params()), shown)
    if not ui.is_empty(lines):
        total = None if shown is None else state.run_query("coverage_by_month", filters.params(), prefetch=False)
        title = subset_key("chart_district_month", filters)
        fig = state.figure(charts.district_coverage_over_time, lines, t(title, lang), lang, total)
        ui.area_chart(fig, title, filters)


def render_heatmap(filters, lang: str, shown: list[str] | None = None, areas: list[str] | None = None) -> None:
    """`areas`: those of the bars above (their shown group when `shown`); one without an inspection
    under the filters has no row here, and the caption names it (a missing row is not a row of 0)."""
    frame = ui.only(state.run_query("units_by_district_round", ui.narrowed(filters, shown).params()), shown)
    if ui.is_empty(frame):
        ui.empty()
        return
    ui.area_chart(state.figure(charts.round_heatmap, frame, t("chart_heatmap", lang), lang), "chart_heatmap", filters)
    drawn = set(frame["district"].astype(str))
    missing = [a for a in (shown if shown is not None else areas or []) if a not in drawn]
    if missing:
        st.caption(grained(t("heatmap_missing", lang, names=charts.district_names(missing, lang)),
                           filters.params(), lang))


@ui.fragment  # the group of districts shown changes these three charts only; a bar click reruns the page
def render_by_district(filters, lang: str) -> None:
    shown, areas = render_district_bars(filters, lang)
    render_district_progress(filters, lang, shown)
    render_heatmap(filters, lang, shown, areas)


def render_groups(filters, lang: str) -> None:
    left, right = st.columns(2)
    with left:
        frame = state.run_query("coverage_by_unit_type", filters.params())
        fig = state.figure(charts.coverage_bars, frame, "unit_type", t("chart_by_type", lang), lang)
        ui.chart(fig, "chart_by_type", filters)
    with right:
        frame = state.run_query("coverage_by_poverty", filters.params())
        labels = {"True": t("poverty_yes", lang), "False": t("poverty_no", lang)}
        fig = state.figure(charts.coverage_bars, frame, "is_poverty_village", t("chart_poverty", lang), lang, labels)
        ui.chart(fig, "chart_poverty", filters)


def render_last_mile(filters, lang: str, uncovered: int) -> None:
    """The first LIST_ROWS uncovered units on screen, all of them (`uncovered`, from the headline
    figures) in the download, which runs the whole list only when clicked."""
    st.subheader(t(subset_key("last_mile", filters), lang))
    if not uncovered:
        st.success(t(subset_key("last_mile_none", filters), lang))
        return
    frame = state.run_query("uncovered_units", listing("uncovered_units", filters.params()))
    st.write(t(subset_key("last_mile_count", filters), lang, n=fmt.count(uncovered, lang)))
    if uncovered > len(frame):
        st.caption(t("last_mile_first", lang, n=fmt.count(len(frame), lang)))
    labels = {c: c for c in ("district", "township", "unit_name", "unit_type", "unit_code")}
    # each unit's profile (pages/unit.py), opened from its row
    frame = frame.assign(profile=["unit?" + urlencode({sidebar.UNIT_KEY: f"{d}/{tw}/{n}", "lang": lang})
                                  for d, tw, n in zip(frame["district"], frame["township"], frame["unit_name"],
                                                      strict=True)])
    ui.table(frame, {**labels, "profile": "page_unit"},
             {"profile": st.column_config.LinkColumn(display_text=t("unit_open", lang))})
    con, params = state.connection(), listing("uncovered_units", filters.params(), whole=True)
    header = {c: t(c, lang) for c in labels}

    def whole_list() -> bytes:  # on the download's own thread: no st.* calls
        try:
            rows = store.run_query(con, "uncovered_units", params)
        except store.StoreError as exc:
            return str(exc).encode("utf-8-sig")
        return export.table_csv(rows.rename(columns=header))  # =, +, -, @ at a cell's start neutralised

    what = "未被所选巡察覆盖对象清单" if filters.narrows_inspections() else "未巡察对象清单"
    name = f"{what}_{filters.as_of.isoformat()}.csv"
    st.download_button(t("download_csv", lang), exports.logged(whole_list, "csv", "coverage", name, filters),
                       on_click="ignore", file_name=name, mime="text/csv")
    exports.failure_note(lang)
    st.caption(ui.caption(filters, lang))


def main(filters, lang: str) -> None:
    head = state.run_query("headline_totals", filters.params()).iloc[0]
    if not head["has_roster"]:
        ui.empty("no_roster")
        render_heatmap(filters, lang)
        return
    if not head["units_total"]:
        ui.empty()
        return
    note = subset_note(filters, lang)
    if note:
        st.info(note, icon="ℹ️")
    render_by_district(filters, lang)
    render_groups(filters, lang)
    render_last_mile(filters, lang, int(head["units_total"] - head["units_covered"]))


registry.run("coverage", main)
