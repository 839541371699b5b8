"""Charts of the plan and rectification follow-up page: pure functions DataFrame -> go.Figure.

Inputs are the frames of the named queries (plan_by_district, coverage_projection_by_month,
rectification_totals, rectification_by_days, overdue_by_district_category). The labels of this
page live in inspection/i18n.py with every other label; `t()` is kept for the page.
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


def t(key: str, lang: str = "zh", **values) -> str:
    """The page's labels; they live in inspection/i18n.py with every other label."""
    return i18n.t(key, lang, **values)


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
    _layout(fig, t("fu_chart_projection", lang), height=max(300, 230 * nrows + 125))
    fig.update_layout(margin_t=105)  # room between the legend and the first row's district names
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
            hovertemplate=(f"{name}<br>" + t("n_days", lang, n="%{x}")
                           + "<br>%{y:.1%} (%{customdata[0]} / %{customdata[1]})<extra></extra>"),
        ))
    fig.add_hline(y=ONE_MONTH_REFERENCE, line={"color": REFERENCE_COLOR, "dash": "dash", "width": 1.5},
                  annotation_text=t("fu_reference", lang), annotation_position="bottom right")
    fig.add_vline(x=30, line={"color": PLAN_COLOR, "dash": "dot", "width": 1},
                  annotation_text=t("n_days", lang, n=30), annotation_position="top left")
    fig.update_xaxes(title=t("fu_days", lang), range=[0, 180], dtick=30)
    fig.update_yaxes(title=t("fu_share_rectified", lang), range=[0, 1.02], tickformat=".0%")
    return _layout(fig, t("fu_chart_days", lang), height=380)


def overdue_by_district_category(frame: pd.DataFrame, lang: str = "zh", most: int = 24) -> go.Figure:
    """Stacked horizontal bars: overdue issues per district, one colour per category; with more
    than `most` districts (a province) the `most` districts with the most overdue issues."""
    if frame.empty:
        return empty(t("fu_overdue_none", lang))
    totals = frame.groupby("district")["overdue"].sum().sort_values()
    title = t("fu_chart_overdue", lang)
    if len(totals) > most:
        title = t("fu_chart_overdue_top", lang, title=title, n=most, total=len(totals))
        totals = totals.tail(most)
        frame = frame[frame["district"].isin(totals.index)]
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
    return _layout(fig, title, height=max(260, 36 * len(totals) + 140))
