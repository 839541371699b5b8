"""Charts of the plan and rectification follow-up page: pure functions DataFrame -> go.Figure.

Inputs are the frames of the named queries (plan_by_district, coverage_projection_by_month,
rectification_totals, rectification_by_days, overdue_by_district_category). The labels of this
page live in inspection/i18n.py with every other label (`t` is i18n.t).
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from . import i18n
from .charts import ACTUAL_COLOR, FONT, LEVEL_COLORS, PLAN_COLOR, STATUS_COLORS, TEMPLATE, category_color
from .i18n import t

# The app's theme comes from inspection/charts.py; these three are this page's own.
PROJECTION_COLOR = "#F28E2B"
BEHIND_COLOR = "#C0392B"
REFERENCE_COLOR = "#2E8B57"
TOP_SHARE = 1.05  # the projection panels' y axis ends a little above 100%
PANEL_GAP = 0.1  # between two projection panels, in panel widths
ONE_MONTH_REFERENCE = 0.70  # "on average over 70% of the issues fed back are rectified within one month"


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


def _fixed_margins(fig: go.Figure, left: int, bottom: int) -> go.Figure:
    """Margins set here instead of the template's automargin: each automatic margin costs Plotly.js
    one more layout pass over the chart, which doubled the drawing time of this page's charts."""
    fig.update_xaxes(automargin=False)
    fig.update_yaxes(automargin=False)
    fig.update_layout(margin_l=left, margin_b=bottom)
    return fig


def _text_width(text: str, size: int = 13) -> int:
    """About the pixel width of `text` in the page's font: CJK characters are square, others ~0.6 em."""
    return int(sum(size if ord(c) > 0x2E7F else 0.6 * size for c in str(text)))


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
    when `plan` (the plan_by_district frame) is given.

    Drawn cheaply: one x/y axis pair per row of panels (not per panel), the panels of a row side by
    side on it (x = column + share of the common date range), one trace per series and row with
    None between districts; the layout is written as a dict and the figure is not validated again
    (tests/unit/test_followup_speed_shape.py validates it). Plotly.js draws 3 rows of axes instead of 12
    panels' 24 axes, with fixed margins, and the server skips make_subplots and 36 validated traces."""
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
    height = max(300, 230 * nrows + 125)
    dates = pd.to_datetime(frame["point_date"])
    start, end = dates.min(), dates.max()
    span = max((end - start).total_seconds(), 1.0)
    step = 1 + PANEL_GAP  # a panel is 1 wide on its row's x axis

    def position(col: int, when) -> float:
        return col * step + (pd.Timestamp(when) - start).total_seconds() / span

    names = {"covered_share": t("fu_actual", lang), "planned_share": t("fu_planline", lang),
             "projected_share": t("fu_projection", lang)}
    styles = {"covered_share": {"color": ACTUAL_COLOR, "width": 2.5},
              "planned_share": {"color": PLAN_COLOR, "width": 1.5, "dash": "dot"},
              "projected_share": {"color": PROJECTION_COLOR, "width": 2, "dash": "dash"}}
    series = ("planned_share", "covered_share", "projected_share")
    # x, y, customdata (district, day) per (row, series); None between two districts' lines
    lines = {(r, s): ([], [], []) for r in range(nrows) for s in series}
    # every column read once as a plain array, a district's rows by their positions: picking a
    # district's rows out of Arrow-backed columns per series was most of this builder's time
    seconds = (dates - start).dt.total_seconds().tolist()
    days = dates.dt.strftime("%Y-%m-%d").tolist()
    dated = dates.notna().to_numpy()
    shares = {column: frame[column].to_numpy(dtype=float, na_value=math.nan) for column in series}
    rows_of = frame.groupby("district", sort=False).indices
    for i, district in enumerate(districts):
        where = rows_of[district]
        row, col = divmod(i, cols)
        for column in series:
            values = shares[column]
            kept = [k for k in where if dated[k] and not math.isnan(values[k])]
            if not kept:
                continue
            x, y, custom = lines[(row, column)]
            if x:
                x.append(None), y.append(None), custom.append(None)
            x += [col * step + seconds[k] / span for k in kept]
            y += [float(values[k]) for k in kept]
            custom += [[district, days[k]] for k in kept]

    years = range(start.year + (start != pd.Timestamp(start.year, 1, 1)), end.year + 1)
    ticks = [(position(c, pd.Timestamp(year, 1, 1)), str(year)) for c in range(cols) for year in years]
    per_row = len(years)  # a row's tick labels: only under the panels it has
    spacing = min(0.12, 0.35 / max(nrows, 1))
    panel = (1 - spacing * (nrows - 1)) / nrows
    right = cols * step - PANEL_GAP
    layout: dict = {"annotations": [], "shapes": []}
    data: list[dict] = []
    for row in range(nrows):
        suffix = "" if row == 0 else str(row + 1)
        top = 1 - row * (panel + spacing)
        layout[f"xaxis{suffix}"] = {
            "anchor": f"y{suffix}", "domain": [0, 1], "range": [-0.02, right + 0.02], "showline": False,
            "automargin": False,
            "showgrid": True, "gridcolor": "#EEF0F2", "zeroline": False, "fixedrange": False,
            "tickvals": [v for v, _ in ticks[:per_row * min(cols, len(districts) - row * cols)]],
            "ticktext": [s for _, s in ticks[:per_row * min(cols, len(districts) - row * cols)]]}
        layout[f"yaxis{suffix}"] = {
            "anchor": f"x{suffix}", "domain": [max(0.0, top - panel), top], "range": [0, TOP_SHARE],
            "tickformat": ".0%", "dtick": 0.25, "automargin": False}
        for column in series:
            x, y, custom = lines[(row, column)]
            if not x:
                continue
            data.append({
                "type": "scatter", "mode": "lines", "x": x, "y": y, "customdata": custom,
                "xaxis": f"x{suffix}", "yaxis": f"y{suffix}", "name": names[column], "legendgroup": column,
                "showlegend": not any(d["legendgroup"] == column for d in data), "line": styles[column],
                "connectgaps": False,
                "hovertemplate": f"%{{customdata[0]}}<br>%{{customdata[1]}}<br>{names[column]}: %{{y:.1%}}"
                                 "<extra></extra>"})
        # the white gaps between the panels hide the row's grid lines there; a light frame per panel
        for col in range(cols - 1):
            layout["shapes"].append({
                "type": "rect", "xref": f"x{suffix}", "yref": f"y{suffix}", "layer": "between",
                "x0": col * step + 1, "x1": (col + 1) * step, "y0": 0, "y1": TOP_SHARE,
                "fillcolor": "white", "line": {"width": 0}})
    for i, district in enumerate(districts):
        row, col = divmod(i, cols)
        suffix = "" if row == 0 else str(row + 1)
        layout["shapes"].append({
            "type": "rect", "xref": f"x{suffix}", "yref": f"y{suffix}", "layer": "between",
            "x0": col * step, "x1": col * step + 1, "y0": 0, "y1": TOP_SHARE, "line": {"color": "#CBD2D9", "width": 1}})
        title = f"<span style='color:{BEHIND_COLOR}'>⚠ {district}</span>" if district in behind else str(district)
        layout["annotations"].append({
            "text": title, "xref": f"x{suffix}", "yref": f"y{suffix} domain", "x": col * step + 0.5, "y": 1,
            "xanchor": "center", "yanchor": "bottom", "showarrow": False, "font": {"size": 13}})
    fig = go.Figure({"data": data, "layout": layout}, _validate=False)
    _layout(fig, t("fu_chart_projection", lang), height=height)
    # fixed margins (no automargin: each automatic margin is one more layout pass in the browser):
    # room for "100%" on the left, the years below, the legend above the first row's district names
    fig.update_layout(margin={"l": 48, "r": 10, "t": 105, "b": 28}, hovermode="closest")
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


def rectification_status_bar(totals: pd.DataFrame, lang: str = "zh") -> go.Figure:
    """One stacked bar: the listed issues by state (rectified, long-term, open, overdue) in the
    states' colours, each with its count and share; the rectification rate is the first segment's share."""
    row = totals.iloc[0] if not totals.empty else pd.Series(dtype=object)
    listed = int(row.get("listed_issues") or 0)
    if not listed:
        return empty(t("fu_no_list", lang))
    columns = {"rectified": "listed_rectified", "long_term": "long_term", "open_in_time": "open_in_time",
               "overdue": "overdue"}
    fig = go.Figure()
    for status, column in columns.items():
        n = int(row.get(column) or 0)
        name = t(status, lang)
        fig.add_trace(go.Bar(  # the count on the segments wide enough for it, every count on hover
            y=[""], x=[n], orientation="h", name=name, marker={"color": STATUS_COLORS[status]},
            text=[f"{n:,} ({n / listed:.0%})" if n / listed >= 0.08 else ""], textposition="inside",
            insidetextanchor="middle", textangle=0,
            hovertemplate=f"{name}: {n:,} / {listed:,} ({n / listed:.1%})<extra></extra>",
        ))
    fig.update_layout(barmode="stack", showlegend=True, legend_traceorder="normal")
    fig.update_xaxes(range=[0, listed], visible=False)
    fig.update_yaxes(visible=False)
    _layout(fig, t("fu_chart_status", lang), height=170)
    return _fixed_margins(fig, left=10, bottom=10)


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
    fig.update_layout(showlegend=True)  # with one level too: the line says which level it is
    fig.add_hline(y=ONE_MONTH_REFERENCE, line={"color": REFERENCE_COLOR, "dash": "dash", "width": 1.5},
                  annotation_text=t("fu_reference", lang), annotation_position="bottom right")
    fig.add_vline(x=30, line={"color": PLAN_COLOR, "dash": "dot", "width": 1},
                  annotation_text=t("n_days", lang, n=30), annotation_position="top left")
    fig.update_xaxes(title=t("fu_days", lang), range=[0, 180], dtick=30)
    fig.update_yaxes(title=t("fu_share_rectified", lang), range=[0, 1.02], tickformat=".0%")
    _layout(fig, t("fu_chart_days", lang), height=380)
    return _fixed_margins(fig, left=80, bottom=55)  # "100%" and the rotated axis title; the days and their title


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
    # the legend also with one category (which one it is), and whole issues on the axis (it read 0.2)
    fig.update_layout(barmode="stack", legend_traceorder="normal", showlegend=True)
    fig.update_xaxes(title=t("fu_overdue_count", lang), tickformat=",d")
    if totals.max() <= 10:
        fig.update_xaxes(tick0=0, dtick=1)
    _layout(fig, title, height=max(260, 36 * len(totals) + 140))
    # the longest district name on the left; the counts and their title below
    return _fixed_margins(fig, left=max(_text_width(d) for d in totals.index) + 24, bottom=55)
