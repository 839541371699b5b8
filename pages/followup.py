"""计划与整改 Plan & rectification: will each district finish on time (plan table, projections,
plan settings), and is what the teams found fixed (rates against the 70% reference, the listed issues
by state, the days curve per level, overdue by district and category, the overdue list for
administrators)."""

import datetime as dt

import pandas as pd
import streamlit as st

from inspection import charts_followup as charts
from inspection import fmt, plan, settings
from inspection.charts import at_grain, district_names
from inspection.charts_followup import t
from inspection.filters import listing
from inspection.i18n import area_label, grained
from ui import auth as ui_auth
from ui import components as ui
from ui import registry, state
from ui.errors import caught


def can_edit() -> bool:
    """May this user change the plan and read issue descriptions? Administrators only (ui/auth.py)."""
    return ui_auth.allowed("settings") and ui_auth.allowed("view_text")


def show(fig, title_key: str, filters, lang: str, key: str) -> None:
    stamped = ui.stamp(fig, filters, lang)
    st.plotly_chart(fig, key=key, config=ui.chart_config(t(title_key, "zh"), filters), width="stretch", theme=None)
    if not stamped:
        st.caption(ui.caption(filters, lang))


# ---- plan --------------------------------------------------------------------------------------

def _status(row, lang: str) -> str:
    if row["remaining_units"] == 0:
        return t("st_done", lang)
    if not row["planned_share"] > 0:  # as of the plan's first day or before
        return t("st_not_started", lang)
    return t("st_behind", lang) if row["behind"] else t("st_ok", lang)


def _projected(row, lang: str) -> str:
    if row["no_progress"]:
        return t("fu_no_progress", lang)
    if pd.isna(row["projected_full_coverage"]):
        return "—"
    day = pd.Timestamp(row["projected_full_coverage"]).date().isoformat()
    return t("fu_reached", lang, date=day) if row["remaining_units"] == 0 else day


def _gap(units, lang: str) -> str:
    """gap_units (planned_units - units_covered) as words: behind or ahead by so many units."""
    if pd.isna(units):
        return "—"
    units = int(units)
    if units > 0:
        return t("gap_behind", lang, n=fmt.count(units, lang))
    return t("gap_ahead", lang, n=fmt.count(-units, lang)) if units < 0 else t("gap_even", lang)


def plan_table(frame: pd.DataFrame, lang: str, params: dict | None = None) -> pd.DataFrame:
    """The plan rows as shown: translated headers, text for dates and flags, behind rows first;
    the first column names the areas at the grain of `params` (Filters.params())."""
    rows = frame.to_dict("records")  # a province's 150 rows: iterrows made a Series of each, twice
    shown = pd.DataFrame({
        area_label(params or {}, lang): [t("fu_total", lang) if r else d for r, d in zip(frame["is_total"], frame["district"], strict=True)],
        t("col_status", lang): [_status(r, lang) for r in rows],
        t("units_total", lang): frame["units_total"],
        t("col_covered", lang): frame["units_covered"],
        t("col_covered_share", lang): [fmt.percent(v) for v in frame["covered_share"]],
        t("col_planned_share", lang): [fmt.percent(v) for v in frame["planned_share"]],
        t("col_planned_units", lang): frame["planned_units"],
        t("col_gap", lang): [_gap(v, lang) for v in frame["gap_units"]],
        t("col_pace", lang): [fmt.number(v, lang, 1) for v in frame["pace_per_month"]],
        t("col_projected", lang): [_projected(r, lang) for r in rows],
        t("col_remaining", lang): frame["remaining_units"],
        t("col_months_left", lang): [t("fu_plan_over", lang) if pd.isna(v) else fmt.number(v, lang, 1)
                                     for v in frame["months_left"]],
        t("col_needed", lang): [t("fu_plan_over", lang) if pd.isna(v) else fmt.per_month(v, lang)
                                for v in frame["needed_per_month"]],
        t("col_lacking", lang): [fmt.per_month(v, lang) for v in frame["lacking_per_month"]],
        t("col_plan_end", lang): [pd.Timestamp(v).date().isoformat() for v in frame["plan_end"]],
    })
    return shown


def render_plan(filters, lang: str) -> pd.DataFrame:
    st.subheader(t("fu_plan", lang))
    frame = state.run_query("plan_by_district", filters.params())
    if filters.narrows_inspections():  # the plan is about every inspection (plan_applies): no rows
        st.info(t("plan_needs_all", lang), icon="ℹ️")
        return frame
    if frame.empty:
        ui.empty()
        return frame
    default = plan_default()
    if default is not None:
        st.caption(t("fu_plan_caption", lang, start=default.plan_start, end=default.plan_end,
                     target=fmt.percent(default.target, 0)))
    districts = frame[~frame["is_total"].astype(bool)]
    late = districts[districts["behind"].astype(bool)]
    if ui.plan_not_started(districts):
        st.info(t("plan_not_started", lang), icon="ℹ️")
    elif late.empty:
        st.success(grained(t("fu_behind_none", lang), filters.params(), lang))
    else:
        st.warning(grained(t("fu_behind_n", lang, n=len(late), names=district_names(late["district"], lang)),
                           filters.params(), lang),
                   icon="⚠️")
    shown = plan_table(frame, lang, filters.params())
    st.dataframe(ui.marked(shown, frame["behind"].astype(bool).tolist()), hide_index=True, width="stretch")
    st.caption(t("fu_plan_check", lang))
    st.caption(ui.caption(filters, lang))
    return frame


@ui.fragment  # the group of districts shown changes this chart only
def render_projection(filters, lang: str, plan_frame: pd.DataFrame) -> None:
    """The small multiples, one panel per district; at province scale one group of districts (the
    query then runs for those districts only, the caption keeps the sidebar's filters)."""
    shown = ui.choose_districts(plan_frame[~plan_frame["is_total"].astype(bool)], lang, "followup_districts_shown",
                                 filters)
    frame = ui.only(state.run_query("coverage_projection_by_month", ui.narrowed(filters, shown).params()), shown)
    if frame.empty:
        return
    fig = at_grain(state.figure(charts.projection_small_multiples, frame, plan_frame, lang), filters.params(), lang)
    show(fig, "fu_chart_projection", filters, lang, "followup_projection")


def plan_default() -> plan.Plan | None:
    rows = state.run_query("plan_settings_by_district", {})
    rows = rows[rows["district"] == plan.DEFAULT]
    if rows.empty:
        return None
    row = rows.iloc[0]
    return plan.Plan(plan.DEFAULT, pd.Timestamp(row["plan_start"]).date(), pd.Timestamp(row["plan_end"]).date(),
                     float(row["target"]))


def render_settings(lang: str) -> None:
    """The plan settings form (administrators): the default row and per-district overrides."""
    with st.expander(t("fu_settings", lang)):
        st.caption(t("fu_settings_help", lang))
        stored = state.run_query("plan_settings_by_district", {})
        options = state.run_query("filter_options_by_kind", {})
        districts = options.loc[options["kind"] == "district", "value"].tolist()
        scope = st.selectbox(t("fu_settings_district", lang), [plan.DEFAULT] + districts, key="plan_scope",
                             format_func=lambda d: t("fu_default", lang) if d == plan.DEFAULT else d)
        own = stored[stored["district"] == scope]
        base = own if not own.empty else stored[stored["district"] == plan.DEFAULT]
        start = pd.Timestamp(base["plan_start"].iloc[0]).date() if not base.empty else dt.date(2021, 1, 1)
        end = pd.Timestamp(base["plan_end"].iloc[0]).date() if not base.empty else dt.date(2023, 12, 31)
        target = float(base["target"].iloc[0]) if not base.empty else 1.0
        with st.form(f"plan_form_{scope}"):
            left, mid, right = st.columns(3)
            new_start = left.date_input(t("fu_start", lang), value=start, min_value=dt.date(2000, 1, 1),
                                        max_value=dt.date(2100, 1, 1))
            new_end = mid.date_input(t("fu_end", lang), value=end, min_value=dt.date(2000, 1, 1),
                                     max_value=dt.date(2100, 1, 1))
            new_target = right.number_input(t("fu_target", lang), min_value=0.0, max_value=100.0,
                                            value=round(target * 100, 1), step=5.0)
            saved = st.form_submit_button(t("fu_save", lang))
        if saved:
            _save(plan.Plan(scope, new_start, new_end, new_target / 100), lang)  # % -> fraction
        if scope != plan.DEFAULT and not own.empty and st.button(t("fu_remove", lang), key="plan_remove"):
            _remove(scope, lang)
        st.caption(t("fu_settings_stored", lang))
        table = stored.assign(target=[fmt.percent(v, 0) for v in stored["target"]],
                              district=[t("fu_default", lang) if d == plan.DEFAULT else d for d in stored["district"]])
        st.dataframe(table, hide_index=True, width="stretch")


def _save(item: plan.Plan, lang: str) -> None:
    found = plan.problems(item)
    if found:
        st.error("；".join(found))
        return
    with caught(lang, label="fu_readonly", stop=False) as failed:
        ui_auth.require("settings")
        with state.writer() as writer:
            plan.save(writer, item, ui_auth.current_user() or settings.get("INSPECTION_USER"))
    if failed:
        return
    state.clear_caches()
    st.toast(t("fu_saved", lang))
    st.rerun()


def _remove(district: str, lang: str) -> None:
    with caught(lang, stop=False) as failed:
        ui_auth.require("settings")
        with state.writer() as writer:
            plan.remove(writer, district)
    if failed:
        return
    state.clear_caches()
    st.toast(t("fu_removed", lang))
    st.rerun()


# ---- rectification -----------------------------------------------------------------------------

def render_rect_tiles(filters, lang: str) -> pd.DataFrame:
    st.subheader(t("fu_rect", lang))
    totals = state.run_query("rectification_totals", filters.params())
    row = totals.iloc[0]
    one_month = row["one_month_rectification_rate"]
    delta = None if pd.isna(one_month) else t("fu_vs_reference", lang,
                                              delta=fmt.points(one_month - charts.ONE_MONTH_REFERENCE, lang))
    a, b, c, d = st.columns(4)
    st.markdown(ui.METRIC_CSS, unsafe_allow_html=True)  # labels wrap instead of ending in …
    ui.kpi(a, t("fu_rect_rate", lang), fmt.percent(row["rectification_rate"]))
    ui.rate_over_reported(a, row["rectification_rate"], lang)
    ui.kpi(b, t("fu_one_month", lang), fmt.percent(one_month), delta=delta, help_text=t("fu_one_month_help", lang),
           delta_color="normal")  # above the 70% reference is good
    ui.kpi(c, t("fu_overdue", lang), fmt.listed(row["overdue"], row["listed_issues"], lang),
           help_text=t("fu_overdue_help", lang))
    ui.kpi(d, t("long_term", lang), fmt.listed(row["long_term"], row["listed_issues"], lang),
           help_text=t("long_term_help", lang))
    if row["undated"] > 0:  # an overdue count of 0 says nothing of issues with no due date
        st.caption(t("fu_undated", lang, n=fmt.count(row["undated"], lang)))
    if row["rectification_basis"] == "counts":
        st.caption(t("fu_basis_counts", lang))
    show(state.figure(charts.rectification_bullets, totals, lang), "fu_one_month", filters, lang, "followup_bullets")
    return totals


def render_status(totals: pd.DataFrame, filters, lang: str) -> None:
    show(state.figure(charts.rectification_status_bar, totals, lang), "fu_chart_status", filters, lang, "followup_status")


def render_days(filters, lang: str) -> None:
    frame = state.run_query("rectification_by_days", filters.params())
    show(state.figure(charts.rectification_days_curve, frame, lang), "fu_chart_days", filters, lang, "followup_days")


def render_overdue(filters, lang: str) -> None:
    frame = state.run_query("overdue_by_district_category", filters.params())
    fig = at_grain(state.figure(charts.overdue_by_district_category, frame, lang), filters.params(), lang)
    show(fig, "fu_chart_overdue", filters, lang, "followup_overdue")


# st.table draws every row into the page (no download, unlike st.dataframe), and it did so on every
# run even with the expander closed: ~2,000 cells that cost the browser about a second per redraw.
# The list is drawn only while its expander is open; the query lists the longest overdue first and
# returns only the rows shown (filters.LIST_ROWS).
OVERDUE_LIST = "followup_overdue_list"  # the expander's key: open or closed, kept across reruns


def overdue_list_open() -> bool:
    return bool(st.session_state.get(OVERDUE_LIST))


@ui.fragment  # opening the list draws the list only
def render_overdue_list(filters, lang: str, overdue: int) -> None:
    """Descriptions are free text: administrators only, on screen only (st.table has no download).
    `overdue`: how many there are (rectification_totals), of which the list shows the first."""
    if not can_edit():
        st.caption(t("fu_admin_only", lang))
        return
    box = st.expander(t("fu_admin_list", lang), key=OVERDUE_LIST, on_change="rerun")
    if not box.open:
        return
    with box:
        # administrators, the list open: main starts it then (state.prefetch), not for everyone
        frame = state.run_query("overdue_issues", listing("overdue_issues", filters.params()), prefetch=False)
        if frame.empty:
            st.write(t("fu_overdue_none", lang))
            return
        if overdue > len(frame):
            st.caption(t("fu_overdue_first", lang, n=len(frame), total=fmt.count(overdue, lang)))
        columns = ("district", "township", "unit_name", "round", "level", "category", "description", "status",
                   "due_date", "days_overdue")
        shown = frame[list(columns)].assign(
            level=[charts.i18n.value(v, lang) for v in frame["level"]],
            status=[charts.i18n.value(v, lang) for v in frame["status"]],
            due_date=[pd.Timestamp(v).date().isoformat() for v in frame["due_date"]],
        ).rename(columns={c: t(c, lang) for c in columns})
        st.table(shown, hide_index=True, height=420)


def main() -> None:
    view = registry.start("followup")
    filters, lang = view.filters, view.lang
    if filters is None:  # an empty store (said): the plan can be set before the first import
        if can_edit():
            render_settings(lang)
        return
    if can_edit() and overdue_list_open():
        state.prefetch(["overdue_issues"], listing("overdue_issues", filters.params()))
    head = state.run_query("headline_totals", filters.params()).iloc[0]
    if head["has_roster"]:
        plan_frame = render_plan(filters, lang)
        if not plan_frame.empty:
            render_projection(filters, lang, plan_frame)
    else:
        ui.empty("no_roster")
    if can_edit():
        render_settings(lang)
    if not head["inspections"]:  # what is empty and why (issue 25 item 11)
        ui.empty("no_inspections")
        return
    totals = render_rect_tiles(filters, lang)
    if not totals["listed_issues"].iloc[0]:
        st.info(t("no_list_for_inspections", lang, n=fmt.count(head["inspections"], lang),
                  found=fmt.count(head["issues_found"], lang)), icon="ℹ️")
        return
    render_status(totals, filters, lang)
    render_days(filters, lang)
    render_overdue(filters, lang)
    render_overdue_list(filters, lang, int(totals["overdue"].iloc[0]))


main()
