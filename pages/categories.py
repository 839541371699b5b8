"""问题分类 Issue categories: the taxonomy as a treemap, categories by district (counts and per
inspection), the trend by round, rectification status by category with overdue counted."""

import pandas as pd
import streamlit as st

from inspection import charts, fmt
from inspection.i18n import grained, issues_two_totals, join, t
from ui import components as ui
from ui import registry, state


def render_treemap(frame, filters, lang: str) -> None:
    ui.chart(state.figure(charts.category_treemap, frame, t("chart_treemap", lang), lang), "chart_treemap", filters)


@ui.fragment  # the counts / per-inspection switch changes this chart only; a click on it reruns the page
def render_by_district(filters, lang: str) -> None:
    frame = state.run_query("issues_by_district_category", filters.params())
    if frame.empty:
        return
    metric = st.segmented_control(" ", ["counts", "per_inspection"], default="counts", key="cat_metric",
                                  format_func=lambda m: t(f"metric_{m}", lang), label_visibility="collapsed")
    if metric == "per_inspection":
        column, y_title = "issues_per_inspection", t("per_inspection_label", lang)
    else:
        column, y_title = "issues", t("issues_label", lang)
    order = frame.groupby("district", sort=False)["issues"].sum().sort_values(ascending=False).index.tolist()
    # a province: one group of districts at a time, the most issues first (a national view has 2,946)
    shown = ui.choose_districts(pd.DataFrame({"district": order}), lang, "cat_districts_shown", filters, by="issues")
    if shown is not None:
        frame, order = frame[frame["district"].isin(set(shown))], shown
    fig = state.figure(charts.categories_by_group, frame, "district", column, t("chart_top_by_district", lang),
                       y_title, order, handle_hint=grained(t("cat_handle_hint", lang), filters.params(), lang))
    fig.update_xaxes(title_text=t("district", lang))
    ui.area_chart(fig, "chart_top_by_district", filters, key="cat_district_bars",
                  on_click=ui.click_category_or_area("cat_district_bars", filters))
    st.caption(grained(t("cat_click_hint", lang), filters.params(), lang))


def render_trend(filters, lang: str) -> None:
    frame = state.run_query("issues_by_round_category", filters.params())
    if frame.empty:
        return
    ui.chart(state.figure(charts.category_trend, frame, t("chart_trend", lang), lang), "chart_trend", filters)
    if frame["round"].nunique() == 1:  # one point per category: no trend to read
        st.caption(t("trend_one_round", lang))


def render_rectification(filters, lang: str) -> None:
    frame = state.run_query("rectification_by_category", filters.params())
    if frame.empty:
        return
    st.markdown(ui.METRIC_CSS, unsafe_allow_html=True)  # labels wrap instead of ending in …
    overdue, long_term = st.columns(4)[:2]
    ui.kpi(overdue, t("overdue", lang), fmt.count(frame["overdue"].sum(), lang))
    ui.kpi(long_term, t("long_term", lang), fmt.count(frame["long_term"].sum(), lang),
           help_text=t("long_term_help", lang))
    fig = state.figure(charts.rectification_status, frame, t("chart_rectification", lang), lang)
    ui.chart(fig, "chart_rectification", filters, key="cat_rect_bars",
             on_click=ui.click_to_filter("cat_rect_bars", "category"))


def render_why_empty(filters, lang: str) -> None:
    """No issue rows: say whether there are no inspections at all, or inspections without an issue
    list, or only none in the chosen categories."""
    head = state.run_query("headline_totals", filters.params()).iloc[0]
    if not head["inspections"]:
        ui.empty("no_inspections")
    elif head["listed_issues"] and filters.categories:
        ui.empty("empty_filter")  # issue rows exist, none in the chosen categories
    else:
        st.info(t("no_list_for_inspections", lang, n=fmt.count(head["inspections"], lang),
                  found=fmt.count(head["issues_found"], lang)), icon="ℹ️")


def main(filters, lang: str) -> None:
    if filters.categories:
        st.info(t("category_filter_active", lang, cats=join(filters.categories, lang)))
    frame = state.run_query("issues_by_category", filters.params())
    if frame.empty:
        render_why_empty(filters, lang)
        return
    if not filters.categories:  # the charts count the issue lists' rows: say how they stand to the tiles'
        note = issues_two_totals(state.run_query("headline_totals", filters.params()).iloc[0].to_dict(), lang)
        if note:
            st.caption(note)
    render_treemap(frame, filters, lang)
    render_by_district(filters, lang)
    render_trend(filters, lang)
    render_rectification(filters, lang)


registry.run("categories", main)
