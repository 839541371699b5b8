"""对象档案 Unit profile: find a unit by name (type-ahead over the roster, within the sidebar's
districts and townships) and see its inspections round by round, its issues by category with their
rectification, and where it stands in its township. Issue details and the unit's rank in its
township are for administrators only (village-level problem rankings are internal, DOMAIN.md);
viewers see coverage and counts. The unit is in the URL (?unit=district/township/name)."""

import dataclasses

import pandas as pd
import streamlit as st

from inspection import fmt
from inspection.i18n import t, value
from ui import auth as ui_auth
from ui import components as ui
from ui import registry, sidebar, state

OPTIONS_MAX = 5000  # units offered to the type-ahead; more: choose a district or township first
PICK = "unit_pick"


def unit_params(filters, unit: tuple[str, str, str]) -> dict:
    district, township, name = unit
    return {**filters.params(), "unit_district": district, "unit_township": township, "unit_name": name}


def _to_url() -> None:
    picked = st.session_state.get(PICK)
    if picked:
        st.query_params[sidebar.UNIT_KEY] = picked
    else:
        st.query_params.pop(sidebar.UNIT_KEY, None)


def choose(filters, lang: str) -> tuple[str, str, str] | None:
    frame = state.run_query("units_by_name", {**filters.params(), "limit": OPTIONS_MAX + 1})
    if frame.empty:
        ui.empty("unit_none")
        return None
    if len(frame) > OPTIONS_MAX:
        st.caption(t("unit_too_many", lang, n=fmt.count(OPTIONS_MAX, lang)))
        frame = frame.head(OPTIONS_MAX)
    keys = [f"{d}/{tw}/{n}" for d, tw, n in zip(frame["district"], frame["township"], frame["unit_name"], strict=True)]
    labels = {k: f"{n}（{tw}，{d}）" for k, d, tw, n in
              zip(keys, frame["district"], frame["township"], frame["unit_name"], strict=True)}
    wanted = st.query_params.get(sidebar.UNIT_KEY)
    if wanted in labels:
        st.session_state[PICK] = wanted
    elif st.session_state.get(PICK) not in labels:
        st.session_state.pop(PICK, None)
    picked = st.selectbox(t("unit_search", lang), keys, index=None, key=PICK, format_func=labels.get,
                          placeholder=t("unit_pick", lang), help=t("unit_search_help", lang), on_change=_to_url)
    _to_url()
    if not picked:
        return None
    district, township, name = picked.split("/", 2)
    st.caption(t("unit_where", lang, district=district, township=township,
                 unit_type=value(frame.loc[keys.index(picked), "unit_type"] or "", lang)))
    return district, township, name


def render_rounds(params: dict, lang: str, as_of) -> bool:
    st.subheader(t("unit_rounds", lang))
    frame = state.run_query("unit_inspections_by_round", params)
    if frame.empty:
        st.info(t("unit_never", lang, as_of=as_of.isoformat()), icon="ℹ️")
        return False
    frame = frame.assign(level=frame["level"].map(lambda v: value(v, lang)),
                         start_date=pd.to_datetime(frame["start_date"]).dt.date,
                         end_date=pd.to_datetime(frame["end_date"]).dt.date)
    ui.table(frame, {"round": "round", "start_date": "col_start", "end_date": "col_end", "team": "team",
                     "level": "level", "mode": "mode", "issues_found": "issues_found", "clues": "clues",
                     "immediate_fixes": "immediate_fixes", "disciplined": "disciplined",
                     "org_handled": "col_org_handled", "judicial": "col_judicial", "rectified": "rectified",
                     "funds_recovered": "col_funds"})
    return True


def render_issues(params: dict, lang: str) -> None:
    st.subheader(t("unit_issues", lang))
    frame = state.run_query("unit_issues_by_category", params)
    if frame.empty:
        st.caption(t("unit_no_issues", lang))
        return
    ui.table(frame, {"category": "category", "issues": "issues", "rectified": "rectified",
                     "open_in_time": "open_in_time", "long_term": "long_term", "overdue": "overdue"})


def render_standing(filters, unit: tuple[str, str, str], lang: str, admin: bool) -> None:
    """The township's coverage (the township grain of the unit's district) and, for administrators,
    the unit's rank by issues found among the township's inspected units (the unit grain)."""
    district, township, name = unit
    st.subheader(t("unit_standing", lang))
    towns = state.run_query("coverage_by_district",
                            dataclasses.replace(filters, districts=(district,), townships=()).params())
    row = towns[towns["district"] == township]
    if not row.empty:
        r = row.iloc[0]
        st.write(t("unit_town_coverage", lang, township=township, rate=fmt.percent(r["coverage_rate"]),
                   covered=fmt.count(r["units_covered"], lang), total=fmt.count(r["units_total"], lang)))
    if not admin:
        st.caption(t("unit_details_viewer", lang))
        return
    units = state.run_query("results_by_district", dataclasses.replace(
        filters, districts=(district,), townships=(f"{district}/{township}",)).params())
    mine = units.loc[units["district"] == name, "issues_found"]
    # 1 + the units that found more (ties share a place); alone in its township it ranks nothing
    if len(units) > 1 and len(mine) and pd.notna(mine.iloc[0]):
        rank = int((units["issues_found"] > mine.iloc[0]).sum()) + 1
        st.write(t("unit_rank", lang, n=len(units), rank=rank))


def render_details(params: dict, lang: str) -> None:
    with st.expander(t("unit_details", lang)):
        frame = state.run_query("unit_issues", params)
        if frame.empty:
            st.caption(t("unit_no_issues", lang))
            return
        frame = frame.assign(status=frame["status"].map(lambda v: value(v, lang)))
        ui.table(frame, {"round": "round", "category": "category", "subcategory": "subcategory",
                         "description": "description", "status": "status", "due_date": "due_date",
                         "rectified_date": "col_rectified_date", "is_overdue": "overdue"})


def main(filters, lang: str) -> None:
    unit = choose(filters, lang)
    if unit is None:
        return
    params = unit_params(filters, unit)
    admin = ui_auth.allowed("view_text")
    if render_rounds(params, lang, filters.as_of):
        render_issues(params, lang)
    render_standing(filters, unit, lang, admin)
    if admin:
        render_details(params, lang)


registry.run("unit", main)
