"""Charts of the plan and rectification follow-up page: pure functions DataFrame -> go.Figure.

Inputs are the frames of the named queries (plan_by_district, coverage_projection_by_month,
rectification_totals, rectification_by_days, overdue_by_district_category). The labels of this
page live in LABELS below (zh, en); `t()` falls back to inspection.i18n for the shared ones.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from . import i18n
from .charts import ACTUAL_COLOR, FONT, LEVEL_COLORS, PLAN_COLOR, TEMPLATE, category_color

# The app's theme comes from inspection/charts.py; these three are this page's own.
PROJECTION_COLOR = "#F28E2B"
BEHIND_COLOR = "#C0392B"
REFERENCE_COLOR = "#2E8B57"
ONE_MONTH_REFERENCE = 0.70  # "on average over 70% of the issues fed back are rectified within one month"

LABELS: dict[str, tuple[str, str]] = {
    "fu_title": ("计划与整改", "Plan & rectification"),
    "fu_plan": ("全覆盖计划进度", "Coverage plan"),
    "fu_plan_caption": ("计划：自 {start} 至 {end} 覆盖 {target}（各县区可单独设置）。进度按近 6 个月新覆盖对象数推算；"
                        "对象以其首次（符合筛选条件的）巡察进驻日期计为覆盖。",
                        "Plan: cover {target} from {start} to {end} (districts may differ). Projections use the units "
                        "newly covered in the last 6 months; a unit counts as covered on the start date of its first "
                        "inspection that passes the filters."),
    "fu_total": ("合计", "Total"),
    "fu_behind_n": ("按当前进度，{n} 个县区将无法按计划完成：{names}。",
                    "At the current pace {n} districts will miss the plan: {names}."),
    "fu_behind_none": ("按当前进度，各县区均可按计划完成。", "At the current pace every district meets the plan."),
    "fu_no_progress": ("近6个月无进展", "no progress in 6 months"),
    "fu_reached": ("已完成（{date}）", "reached ({date})"),
    "fu_plan_over": ("计划已到期", "plan period over"),
    "col_status": ("状态", "Status"),
    "col_covered": ("已覆盖", "Covered"),
    "col_covered_share": ("覆盖率", "Coverage"),
    "col_planned_share": ("计划进度", "Planned"),
    "col_gap": ("差距（个）", "Gap (units)"),
    "col_pace": ("近6月月均新覆盖", "Pace (units/month)"),
    "col_projected": ("预计完成日期", "Projected completion"),
    "col_needed": ("按期完成需月均", "Needed per month"),
    "col_lacking": ("每月缺口", "Lacking per month"),
    "col_plan_end": ("计划截止", "Plan end"),
    "st_behind": ("⚠ 滞后", "⚠ behind"),
    "st_ok": ("正常", "on track"),
    "st_done": ("已完成", "done"),
    "fu_chart_projection": ("各县区累计覆盖率：实线为实际，点线为计划，虚线为按当前进度推算至计划截止",
                            "Cumulative coverage by district: solid actual, dotted plan, dashed projection to the "
                            "plan end"),
    "fu_actual": ("实际覆盖", "Actual"),
    "fu_planline": ("计划进度", "Plan"),
    "fu_projection": ("按当前进度推算", "Projection"),
    "fu_settings": ("计划设置", "Plan settings"),
    "fu_settings_help": ("默认计划适用于所有未单独设置的县区。目标为应巡对象的比例（0–100%）。",
                         "The default plan applies to every district without its own. The target is a share of the "
                         "roster (0-100%)."),
    "fu_settings_district": ("适用范围", "Applies to"),
    "fu_default": ("默认（全部县区）", "Default (all districts)"),
    "fu_start": ("计划开始", "Plan start"),
    "fu_end": ("计划截止", "Plan end"),
    "fu_target": ("目标覆盖率（%）", "Target (%)"),
    "fu_save": ("保存计划", "Save plan"),
    "fu_remove": ("删除该县区的单独计划（改用默认）", "Remove this district's own plan (use the default)"),
    "fu_saved": ("计划已保存。", "Plan saved."),
    "fu_removed": ("已删除，该县区改用默认计划。", "Removed; the district uses the default plan."),
    "fu_settings_stored": ("当前设置", "Stored settings"),
    "fu_readonly": ("数据库为只读，无法保存计划：{message}", "The store is read-only; the plan cannot be saved: {message}"),
    "fu_rect": ("问题整改", "Rectification"),
    "fu_rect_rate": ("整改完成率", "Rectification rate"),
    "fu_one_month": ("一个月内整改完成率", "Rectified within one month"),
    "fu_one_month_help": ("反馈（巡察结束）后 30 天内完成整改的问题 / 有反馈日期的问题；参考值 70%。",
                          "Issues rectified at most 30 days after the feedback (end date) / issues with a feedback "
                          "date; reference 70%."),
    "fu_overdue": ("逾期未整改", "Overdue"),
    "fu_overdue_help": ("截至数据日期未整改且已过整改时限的问题数。", "Not rectified and past the due date, as of the data date."),
    "fu_basis_counts": ("无问题清单，按巡察情况表中已整改数/发现问题数计算。",
                        "No issue list: computed from the rectified and issues-found counts."),
    "fu_reference": ("参考值 70%", "Reference 70%"),
    "fu_vs_reference": ("较参考值 {delta}", "{delta} vs reference"),
    "fu_chart_days": ("反馈后整改完成比例（按天数，市县分列）", "Share rectified by days since feedback, by level"),
    "fu_days": ("反馈后天数", "Days since feedback"),
    "fu_share_rectified": ("已整改比例（%）", "Rectified (%)"),
    "fu_chart_overdue": ("各县区逾期未整改问题（按类别）", "Overdue issues by district and category"),
    "fu_overdue_count": ("逾期问题数（个）", "Overdue issues"),
    "fu_overdue_none": ("截至数据日期没有逾期未整改的问题。", "No overdue issues as of the data date."),
    "fu_admin_list": ("逾期问题清单（含问题描述，仅限管理员查看，不可导出）",
                      "Overdue issues with descriptions (administrators only, not exportable)"),
    "fu_admin_only": ("仅管理员可查看逾期问题明细。", "Only administrators can see the overdue issue details."),
    "fu_no_list": ("当前筛选条件下没有问题清单，无法计算整改曲线和逾期情况。",
                   "No issue list for the current filters: no rectification curve or overdue figures."),
    "description": ("问题描述", "Description"),
    "status": ("整改状态", "Status"),
    "due_date": ("整改时限", "Due"),
    "days_overdue": ("逾期天数", "Days overdue"),
    "listed_issues": ("清单问题数", "Listed issues"),
}


def t(key: str, lang: str = "zh", **values) -> str:
    pair = LABELS.get(key)
    if pair is None:
        return i18n.t(key, lang, **values)
    text = pair[1 if lang == "en" else 0]
    return text.format(**values) if values else text


def _layout(fig: go.Figure, title: str | None = None, height: int = 380) -> go.Figure:
    """The page's look; the title and the legend sit in the top margin, one above the other."""
    top = 90 if title else 40
    fig.update_layout(
        template=TEMPLATE, font={"family": FONT, "size": 13}, height=height,
        title={"text": title, "x": 0, "xanchor": "left", "yref": "container", "y": 1 - 10 / height,
               "yanchor": "top"} if title else None,
        margin={"l": 10, "r": 10, "t": top, "b": 10},
        legend={"orientation": "h", "yref": "container", "y": 1 - (48 if title else 6) / height,
                "yanchor": "top", "xanchor": "left", "x": 0},
        hoverlabel={"font_family": FONT},
    )
    return fig


def empty(message: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, height=200)


def projection_small_multiples(frame: pd.DataFrame, plan: pd.DataFrame | None = None, lang: str = "zh",
                               columns: int = 4) -> go.Figure:
    """One panel per district: cumulative covered share (solid), plan line (dotted) and the
    projection at the last 6 months' pace to the plan end (dashed). Behind districts get a red title
    when `plan` (the plan_by_district frame) is given."""
    if frame.empty:
        return empty(t("empty_filter", lang))
    districts = list(dict.fromkeys(frame["district"]))
    behind = set()
    if plan is not None and not plan.empty:
        rows = plan[~plan["is_total"].astype(bool)]
        order = [d for d in rows["district"] if d in districts]
        districts = order + [d for d in districts if d not in order]
        behind = set(rows.loc[rows["behind"].astype(bool), "district"])
    cols = max(1, min(columns, len(districts)))
    nrows = math.ceil(len(districts) / cols)
    titles = [f"<span style='color:{BEHIND_COLOR}'>⚠ {d}</span>" if d in behind else str(d) for d in districts]
    fig = make_subplots(rows=nrows, cols=cols, subplot_titles=titles, shared_yaxes=True,
                        vertical_spacing=min(0.12, 0.35 / max(nrows, 1)), horizontal_spacing=0.03)
    names = {"covered_share": t("fu_actual", lang), "planned_share": t("fu_planline", lang),
             "projected_share": t("fu_projection", lang)}
    styles = {"covered_share": {"color": ACTUAL_COLOR, "width": 2.5},
              "planned_share": {"color": PLAN_COLOR, "width": 1.5, "dash": "dot"},
              "projected_share": {"color": PROJECTION_COLOR, "width": 2, "dash": "dash"}}
    for i, district in enumerate(districts):
        part = frame[frame["district"] == district]
        row, col = i // cols + 1, i % cols + 1
        for column in ("planned_share", "covered_share", "projected_share"):
            values = part[["point_date", column]].dropna()
            if values.empty:
                continue
            fig.add_trace(go.Scatter(
                x=values["point_date"], y=values[column], mode="lines", name=names[column],
                legendgroup=column, showlegend=i == 0, line=styles[column],
                hovertemplate=f"{district}<br>%{{x|%Y-%m-%d}}<br>{names[column]}: %{{y:.1%}}<extra></extra>",
            ), row=row, col=col)
    fig.update_yaxes(range=[0, 1.05], tickformat=".0%", dtick=0.25)
    fig.update_xaxes(tickformat="%Y", dtick="M12")
    _layout(fig, t("fu_chart_projection", lang), height=max(300, 230 * nrows + 110))
    fig.update_annotations(font_size=13)
    return fig


def rectification_bullets(totals: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """The two rates as bullet gauges with the 70% reference as the threshold marker."""
    fig = go.Figure()
    row = totals.iloc[0] if not totals.empty else pd.Series(dtype=object)
    items = [("rectification_rate", t("fu_rect_rate", lang)), ("one_month_rectification_rate", t("fu_one_month", lang))]
    for i, (column, label) in enumerate(items):
        value = row.get(column)
        value = None if value is None or pd.isna(value) else float(value)
        top = 1 - i * 0.5
        fig.add_trace(go.Indicator(
            mode="number+gauge", value=None if value is None else value * 100,  # fraction -> %
            number={"suffix": "%", "valueformat": ".1f"},
            title={"text": label, "font": {"size": 13}},
            domain={"x": [0.28, 1], "y": [top - 0.42, top - 0.08]},
            gauge={"shape": "bullet", "axis": {"range": [0, 100], "ticksuffix": "%"},
                   "bar": {"color": ACTUAL_COLOR if (value or 0) >= ONE_MONTH_REFERENCE else BEHIND_COLOR},
                   "threshold": {"line": {"color": REFERENCE_COLOR, "width": 3}, "thickness": 0.9,
                                 "value": ONE_MONTH_REFERENCE * 100}},
        ))
    _layout(fig, height=220)
    fig.add_annotation(text=f"<span style='color:{REFERENCE_COLOR}'>┃</span> {t('fu_reference', lang)}",
                       x=0, y=1, xref="paper", yref="paper", xanchor="left", yanchor="bottom", showarrow=False,
                       font={"size": 12})
    return fig


def rectification_days_curve(frame: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """Share of listed issues rectified by days since feedback, one line per level; the 70%
    reference as a horizontal line and the 30-day mark as a vertical one."""
    if frame.empty:
        return empty(t("fu_no_list", lang))
    fig = go.Figure()
    for level, part in frame.groupby("level", sort=False):
        name = i18n.value(str(level), lang)
        fig.add_trace(go.Scatter(
            x=part["days"], y=part["rectified_share"], mode="lines+markers", name=name,
            line={"color": LEVEL_COLORS.get(str(level), PLAN_COLOR), "width": 2.5}, marker={"size": 4},
            customdata=part[["rectified_within", "listed_with_feedback"]],
            hovertemplate=(f"{name}<br>%{{x}} " + ("天" if lang == "zh" else "days")
                           + "<br>%{y:.1%}（%{customdata[0]} / %{customdata[1]}）<extra></extra>"),
        ))
    fig.add_hline(y=ONE_MONTH_REFERENCE, line={"color": REFERENCE_COLOR, "dash": "dash", "width": 1.5},
                  annotation_text=t("fu_reference", lang), annotation_position="bottom right")
    fig.add_vline(x=30, line={"color": PLAN_COLOR, "dash": "dot", "width": 1},
                  annotation_text="30" + ("天" if lang == "zh" else " days"), annotation_position="top left")
    fig.update_xaxes(title=t("fu_days", lang), range=[0, 180], dtick=30)
    fig.update_yaxes(title=t("fu_share_rectified", lang), range=[0, 1.02], tickformat=".0%")
    return _layout(fig, t("fu_chart_days", lang), height=380)


def overdue_by_district_category(frame: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """Stacked horizontal bars: overdue issues per district, one colour per category."""
    if frame.empty:
        return empty(t("fu_overdue_none", lang))
    totals = frame.groupby("district")["overdue"].sum().sort_values()
    categories = list(frame.groupby("category")["overdue"].sum().sort_values(ascending=False).index)
    fig = go.Figure()
    for category in categories:
        part = frame[frame["category"] == category].set_index("district").reindex(totals.index)
        fig.add_trace(go.Bar(
            y=totals.index, x=part["overdue"].fillna(0), orientation="h", name=str(category),
            marker={"color": category_color(str(category))},
            hovertemplate=f"%{{y}}<br>{category}: %{{x}}<extra></extra>",
        ))
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_xaxes(title=t("fu_overdue_count", lang))
    return _layout(fig, t("fu_chart_overdue", lang), height=max(260, 36 * len(totals) + 140))
