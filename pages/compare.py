"""市县对比 Municipal vs county: per-inspection averages by level with the ratio tiles, the
like-for-like view (same districts and years, and per mode), the team league table."""

import streamlit as st

from inspection import charts, fmt
from inspection.filters import LEVELS
from inspection.i18n import t, value
from inspection.metrics import FEW_INSPECTIONS
from ui import components as ui
from ui import registry, state

METRICS = ["avg_issues_and_clues", "avg_clues", "avg_disciplined", "avg_immediate_fixes"]
RATIOS = {"avg_issues_and_clues": "ratio_issues_and_clues", "avg_clues": "ratio_clues",
          "avg_disciplined": "ratio_disciplined", "avg_immediate_fixes": "ratio_immediate_fixes"}


def reported(frame, metrics=METRICS) -> bool:
    """Some level reported a figure of these averages (a column no office filled in has no average)."""
    return bool(frame[metrics].notna().any().any())


def render_ratio_tiles(frame, lang: str) -> None:
    if set(frame["level"]) != set(LEVELS):
        ui.empty("one_level_only")
        return
    row = frame.iloc[0]
    by_level = frame.set_index("level")
    st.markdown(ui.METRIC_CSS, unsafe_allow_html=True)  # labels wrap instead of ending in …
    for column, metric in zip(st.columns(len(METRICS)), METRICS, strict=True):
        detail = f"{value('municipal', lang)} {fmt.average(by_level.loc['municipal', metric])} / " \
                 f"{value('county', lang)} {fmt.average(by_level.loc['county', metric])}"
        ratio = fmt.ratio(row[RATIOS[metric]], lang)
        ui.kpi(column, t(metric, lang), ratio, None, detail)
        column.caption(f"{t('ratio_tile', lang, ratio=ratio)}（{detail}）" if lang == "zh"
                       else f"{t('ratio_tile', lang, ratio=ratio)} ({detail})")
    counts = by_level["inspections"].astype(int)
    st.caption(t("level_counts", lang, m=fmt.number(counts["municipal"], lang), c=fmt.number(counts["county"], lang)))
    if counts.min() < FEW_INSPECTIONS:  # 3 municipal inspections give 9.72 倍 that a leader could brief
        st.warning(t("level_few", lang, level=value(counts.idxmin(), lang), n=int(counts.min())), icon="⚠️")


def render_levels(frame, filters, lang: str) -> None:
    fig = state.figure(charts.level_bars, frame, METRICS, t("chart_level_avgs", lang), t("avg_label", lang), lang)
    ui.chart(fig, "chart_level_avgs", filters)


def render_like_for_like(filters, lang: str) -> None:
    st.subheader(t("chart_level_like", lang))
    like = state.run_query("results_by_level_like", filters.params())
    if like.empty:
        ui.empty("like_none")
    else:
        st.caption(t("like_note", lang, cells=int(like["cells"].iloc[0])))
        if reported(like):
            render_ratio_tiles(like, lang)
            fig = state.figure(charts.level_bars, like, METRICS, t("chart_level_like", lang), t("avg_label", lang),
                               lang)
            ui.chart(fig, "chart_level_like", filters)
        else:
            ui.empty("levels_not_reported")
    modes = state.run_query("results_by_level_mode", filters.params())
    if not modes.empty and not reported(modes, ["avg_issues_and_clues"]):
        ui.empty("levels_not_reported")
    elif not modes.empty:
        fig = state.figure(charts.level_by_group, modes, "mode", "avg_issues_and_clues", t("chart_by_mode", lang),
                                    t("avg_label", lang), lang)
        fig.update_xaxes(title_text=t("mode", lang))
        ui.chart(fig, "chart_by_mode", filters)
        if modes.groupby("mode")["level"].nunique().lt(modes["level"].nunique()).any():
            st.caption(t("by_mode_missing", lang))  # a level without a bar had no inspection of that mode


def render_teams(filters, lang: str) -> None:
    st.subheader(t("team_table", lang))
    teams = state.run_query("results_by_team", filters.params())
    # a county team is its county office's (each numbers its own 第一巡察组); a municipal one spans districts
    teams = teams.assign(level=teams["level"].map(lambda v: value(v, lang)),
                         team_district=teams["team_district"].fillna(t("team_spans_districts", lang)))
    labels = {"team": "team", "team_district": "team_district", "level": "level", "inspections": "inspections",
              "avg_issues_and_clues": "avg_label",
              "issues_found": "issues_found", "clues": "clues", "disciplined": "disciplined",
              "immediate_fixes": "immediate_fixes"}
    ui.table(teams, labels, {"avg_issues_and_clues": st.column_config.NumberColumn(format="%.2f")})
    st.caption(ui.caption(filters, lang))


def main(filters, lang: str) -> None:
    levels = state.run_query("results_by_level", filters.params())
    if levels.empty:
        ui.empty()
        return
    if reported(levels):
        render_ratio_tiles(levels, lang)
        render_levels(levels, filters, lang)
    else:  # every average left blank: no tiles of "—" and no chart of missing bars
        ui.empty("levels_not_reported")
    render_like_for_like(filters, lang)
    render_teams(filters, lang)


registry.run("compare", main)
