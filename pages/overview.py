"""总览 Overview: KPI tiles with the change against the same period of the previous year,
cumulative coverage against the plan, districts sorted by coverage."""

import pandas as pd
import streamlit as st

from inspection import charts, fmt, metrics
from inspection.i18n import area_label, area_title, issues_two_totals, subset_key, subset_note, t
from ui import components as ui
from ui import registry, state


def render_kpis(head: dict, periods, lang: str, filters) -> None:
    """Tiles for the filtered view; the deltas compare the year to date with the same period of the
    previous year (results_by_period), so a partial year is never set against a whole one, and say
    which period they compare. Only coverage gained is coloured (a gain is good); a change in counts
    or in the rectification rate (lower when recent issues are not yet due) is grey."""
    rows = periods.set_index("period") if len(periods) == 2 else None
    now = rows.loc["current"] if rows is not None else None
    before = rows.loc["previous"] if rows is not None else None
    quiet = None  # neither period has an inspection under the filters: no change to show, and why
    if now is not None and not (now["inspections"] or before["inspections"]):
        quiet = t("kpi_no_period_data", lang, year=int(now["year"]), before=int(before["year"]))
        now = before = None

    period = None
    if now is not None:
        end = pd.Timestamp(now["period_end"])
        period = (t("period_year", lang, year=end.year) if (end.month, end.day) == (12, 31) else
                  t("period_ytd", lang, year=end.year))  # the caption under the tiles gives the days

    against = None if period is None else t("kpi_vs_period", lang, period=period)  # under each change

    def vs(column: str):
        return None if now is None else fmt.change(now[column], before[column])

    covered = t("kpi_covered_of", lang, covered=fmt.count(head["units_covered"], lang),
                total=fmt.count(head["units_total"], lang))
    st.markdown(ui.METRIC_CSS, unsafe_allow_html=True)
    cols = st.columns(4)
    if head["has_roster"]:
        gain = None
        if now is not None and now["coverage_gain"] == now["coverage_gain"]:
            gain = fmt.points(now["coverage_gain"], lang)
        # under inspection filters the tile says so, its help what it means (subset_note)
        ui.kpi(cols[0], t(subset_key("kpi_coverage", filters), lang), fmt.percent(head["coverage_rate"]), gain,
               subset_note(filters, lang) or covered,
               "normal" if gain is not None and now["coverage_gain"] > 0 else "off",  # a gain is good
               None if gain is None else t("kpi_gain_period", lang, year=int(now["year"])))
        cols[0].caption(covered)
    else:
        ui.kpi(cols[0], t("kpi_coverage", lang), "—", None, t("no_roster", lang))
        cols[0].caption(t("kpi_covered_no_roster", lang, covered=fmt.count(head["units_covered"], lang)))
    ui.kpi(cols[1], t("kpi_inspections", lang), fmt.count(head["inspections"], lang), vs("inspections"),
           delta_description=against)
    ui.kpi(cols[2], t("kpi_issues", lang), fmt.count(head["issues_found"], lang), vs("issues_found"),
           issues_two_totals(head, lang), delta_description=against)  # the reported total and the lists' rows
    not_reported(cols[2], head, "issues_found", lang)
    ui.kpi(cols[3], t("kpi_clues", lang), fmt.count(head["clues"], lang), vs("clues"), delta_description=against)
    not_reported(cols[3], head, "clues", lang)
    cols = st.columns(4)
    ui.kpi(cols[0], t("kpi_disciplined", lang), fmt.count(head["disciplined"], lang), vs("disciplined"),
           delta_description=against)
    not_reported(cols[0], head, "disciplined", lang)
    ui.kpi(cols[1], t("kpi_immediate", lang), fmt.count(head["immediate_fixes"], lang), vs("immediate_fixes"),
           delta_description=against)
    not_reported(cols[1], head, "immediate_fixes", lang)
    rect_delta = None
    if now is not None and not filters.categories:  # the periods' rates have no category
        diff = now["rectification_rate"] - before["rectification_rate"]
        if diff == diff:
            rect_delta = fmt.points(diff, lang)
    # the issue list's figures: the chosen categories' under a category filter (as metrics --json)
    listed = metrics.issue_list_figures(state.run_query, filters.params(), filters, head)
    ui.kpi(cols[2], t("kpi_rectification", lang), fmt.percent(listed["rectification_rate"]), rect_delta,
           delta_description=against)
    ui.rate_over_reported(cols[2], listed["rectification_rate"], lang)
    ui.kpi(cols[3], t("overdue", lang), fmt.listed(listed["overdue"], listed["listed_issues"], lang), None, None)
    if listed["undated"] > 0:  # an overdue count of 0 says nothing of issues with no due date
        st.caption(t("fu_undated", lang, n=fmt.count(listed["undated"], lang)))
    if quiet:
        st.caption(quiet)
    if now is not None:
        st.caption(t("kpi_period_note", lang, start=_day(now["period_start"]), end=_day(now["period_end"]),
                     prev_start=_day(before["period_start"]), prev_end=_day(before["period_end"])))


def not_reported(column, head: dict, key: str, lang: str) -> None:
    """Under a sum over the inspections, how many of them left it blank (未填报): the sum is of the
    others, and a — is a figure nobody reported, not a 0."""
    blank = head.get(f"{key}_not_reported")
    if blank is not None and blank == blank and blank > 0:
        column.caption(t("kpi_not_reported", lang, n=fmt.count(blank, lang)))


def _day(value) -> str:
    return pd.Timestamp(value).date().isoformat()


def render_coverage(filters, lang: str) -> None:
    frame = state.run_query("coverage_by_month", filters.params())
    if ui.is_empty(frame, "units_total"):
        ui.empty()
        return
    title = subset_key("chart_cum_coverage", filters)
    fig = state.figure(charts.coverage_over_time, frame, t(title, lang), lang)
    ui.chart(fig, title, filters)


@ui.fragment  # the group of districts shown changes this chart only; a bar click reruns the page
def render_district_bars(filters, lang: str) -> None:
    """Coverage by district; at a province one group of districts at a time, the lowest coverage
    first (the table below keeps every district)."""
    coverage = state.run_query("coverage_by_district", filters.params())
    shown = ui.choose_districts(charts.lowest_first(coverage), lang, "overview_districts_shown", filters,
                                by="coverage")
    if shown is not None:
        coverage = coverage[coverage["district"].isin(shown)]
    title = subset_key("chart_coverage_by_district", filters)
    fig = state.figure(charts.coverage_bars, coverage, "district", t(title, lang), lang)
    ui.area_chart(fig, title, filters, key="overview_district_bars", drillable=True)


def render_districts(filters, head: dict, lang: str) -> None:
    coverage = state.run_query("coverage_by_district", filters.params())
    results = state.run_query("results_by_district", filters.params())
    if head["has_roster"] and not coverage.empty:
        render_district_bars(filters, lang)
        table = coverage.merge(results, on="district", how="left", indicator=True)
        # a district with no inspection under the filters: 0 inspections and 0 found (not "None");
        # a sum left blank by every inspection of a district stays missing (—, ui.table)
        none = table.pop("_merge") == "left_only"
        counts = [c for c in results.columns if c != "district"]
        table.loc[none, counts] = 0
        table = table.astype({c: "Int64" for c in counts})
    else:  # no roster: the inspected districts alone, their counts whole numbers as above (not 2.0)
        table = results.astype({c: "Int64" for c in results.columns if c != "district"})
    st.subheader(area_title("table_districts", filters.params(), lang))
    labels = {"district": area_label(filters.params(), lang), "units_total": "units_total", "units_covered": "units_covered",
              "coverage_rate": "coverage_rate", "inspections": "inspections", "issues_found": "issues_found",
              "clues": "clues", "disciplined": "disciplined", "immediate_fixes": "immediate_fixes"}
    labels = {c: k for c, k in labels.items() if c in table.columns}
    if "coverage_rate" in table.columns:
        table = table.assign(coverage_rate=table["coverage_rate"] * 100)
    ui.table(table, labels, {"coverage_rate": st.column_config.ProgressColumn(
        format="%.1f%%", min_value=0, max_value=100)})


def main(filters, lang: str) -> None:
    head = state.run_query("headline_totals", filters.params()).iloc[0].to_dict()
    if not head["has_roster"]:
        ui.empty("no_roster")
    if not head["inspections"] and not head["units_total"]:
        ui.empty()
        return
    if not head["inspections"]:  # the roster is there, no inspection passes: say why the figures are 0
        ui.empty("no_inspections")
        # nothing inspected found nothing: 0, not — (the rectification rate stays —: no issue to rectify)
        head.update({k: 0 for k in ("issues_found", "clues", "disciplined", "immediate_fixes") if head.get(k) is None
                     or head[k] != head[k]})
    render_kpis(head, state.run_query("results_by_period", filters.params()), lang, filters)
    if head["has_roster"]:
        render_coverage(filters, lang)
    render_districts(filters, head, lang)


registry.run("overview", main)
