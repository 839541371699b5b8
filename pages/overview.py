"""总览 Overview: KPI tiles with change against the previous year, cumulative coverage against
the plan, districts sorted by coverage."""

import streamlit as st

from inspection import charts, fmt
from inspection.i18n import t
from ui import components as ui
from ui import sidebar, state


def render_kpis(head: dict, years, lang: str) -> None:
    last = years.iloc[-1] if len(years) else None
    prev = years.iloc[-2] if len(years) >= 2 else None

    def vs(column: str):
        if last is None or prev is None:
            return None
        delta = fmt.change(last[column], prev[column])
        return None if delta is None else t("kpi_vs", lang, year=int(last["year"]), delta=delta)

    cols = st.columns(4)
    if head["has_roster"]:
        gain = None
        if last is not None and last["coverage_gain"] == last["coverage_gain"]:
            gain = t("kpi_gain", lang, year=int(last["year"]), delta=fmt.points(last["coverage_gain"], lang))
        ui.kpi(cols[0], t("kpi_coverage", lang), fmt.percent(head["coverage_rate"]), gain,
               t("kpi_covered_of", lang, covered=fmt.count(head["units_covered"], lang),
                 total=fmt.count(head["units_total"], lang)))
        cols[0].caption(t("kpi_covered_of", lang, covered=fmt.count(head["units_covered"], lang),
                          total=fmt.count(head["units_total"], lang)))
    else:
        ui.kpi(cols[0], t("kpi_coverage", lang), "—", None, t("no_roster", lang))
        cols[0].caption(t("kpi_covered_no_roster", lang, covered=fmt.count(head["units_covered"], lang)))
    ui.kpi(cols[1], t("kpi_inspections", lang), fmt.count(head["inspections"], lang), vs("inspections"))
    ui.kpi(cols[2], t("kpi_issues", lang), fmt.count(head["issues_found"], lang), vs("issues_found"))
    ui.kpi(cols[3], t("kpi_clues", lang), fmt.count(head["clues"], lang), vs("clues"))
    cols = st.columns(4)
    ui.kpi(cols[0], t("kpi_disciplined", lang), fmt.count(head["disciplined"], lang), vs("disciplined"))
    ui.kpi(cols[1], t("kpi_immediate", lang), fmt.count(head["immediate_fixes"], lang), vs("immediate_fixes"))
    rect_delta = None
    if last is not None and prev is not None:
        diff = last["rectification_rate"] - prev["rectification_rate"]
        if diff == diff:
            rect_delta = t("kpi_vs", lang, year=int(last["year"]), delta=fmt.points(diff, lang))
    ui.kpi(cols[2], t("kpi_rectification", lang), fmt.percent(head["rectification_rate"]), rect_delta)
    ui.kpi(cols[3], t("overdue", lang), fmt.count(head["overdue"], lang), None, None)


def render_coverage(filters, lang: str) -> None:
    frame = state.run_query("coverage_by_month", filters.params())
    if ui.is_empty(frame, "units_total"):
        ui.empty()
        return
    fig = charts.coverage_over_time(frame, t("chart_cum_coverage", lang), lang)
    ui.chart(fig, "chart_cum_coverage", filters)


def render_districts(filters, head: dict, lang: str) -> None:
    coverage = state.run_query("coverage_by_district", filters.params())
    results = state.run_query("results_by_district", filters.params())
    if head["has_roster"] and not coverage.empty:
        fig = charts.coverage_bars(coverage, "district", t("chart_coverage_by_district", lang), lang)
        ui.chart(fig, "chart_coverage_by_district", filters, key="overview_district_bars",
                 on_click=ui.click_to_filter("overview_district_bars", "district"))
        table = coverage.merge(results, on="district", how="left")
    else:
        table = results
    st.subheader(t("table_districts", lang))
    labels = {"district": "district", "units_total": "units_total", "units_covered": "units_covered",
              "coverage_rate": "coverage_rate", "inspections": "inspections", "issues_found": "issues_found",
              "clues": "clues", "disciplined": "disciplined", "immediate_fixes": "immediate_fixes"}
    labels = {c: k for c, k in labels.items() if c in table.columns}
    if "coverage_rate" in table.columns:
        table = table.assign(coverage_rate=table["coverage_rate"] * 100)
    ui.table(table, labels, {"coverage_rate": st.column_config.ProgressColumn(
        format="%.1f%%", min_value=0, max_value=100)})


def main() -> None:
    lang = ui.page_title("page_overview")
    if ui.store_is_empty():
        ui.empty("empty_store")
        return
    filters = sidebar.current()
    head = state.run_query("headline_totals", filters.params()).iloc[0].to_dict()
    if not head["has_roster"]:
        ui.empty("no_roster")
    if not head["inspections"] and not head["units_total"]:
        ui.empty()
        return
    years = state.run_query("results_by_year", {**filters.params(), "year_from": None})
    render_kpis(head, years, lang)
    if head["has_roster"]:
        render_coverage(filters, lang)
    render_districts(filters, head, lang)


main()
