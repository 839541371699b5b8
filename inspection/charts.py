"""Pure figure builders: DataFrame in, plotly Figure out, one theme, fixed colours.

Municipal and county always get the same two colours; every issue category keeps its colour on
every chart. Rates arrive as fractions 0..1 and are drawn as percentages. No streamlit here.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from . import fmt
from .filters import LEVELS
from .i18n import VOCABULARY_COLUMNS, grained, join, place, t, value

FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"
LEVEL_COLORS = {"municipal": "#C0392B", "county": "#2E6DB4"}
PLAN_COLOR = "#7F8C8D"
ACTUAL_COLOR = "#C0392B"
ON_TRACK_COLOR = "#2E8B57"
# the rectification states, in the order they stack: long-term (长期整改) is neither done nor late
STATUS_COLORS = {"rectified": "#2E8B57", "long_term": "#4A90C2", "open_in_time": "#F0B429", "overdue": "#C0392B"}
CATEGORY_COLORS = {
    "落实决策部署": "#2E6DB4",
    "惠民富民政策": "#F28E2B",
    "群众身边腐败": "#C0392B",
    "作风与不正之风": "#17A2B8",  # teal: its old mauve was taken for 从严治党责任与整改's (ΔE 12)
    "基层组织建设": "#2E8B57",
    "从严治党责任与整改": "#B07AA1",
}
PALETTE = ("#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F", "#EDC948", "#B07AA1", "#FF9DA7",
           "#9C755F", "#BAB0AC", "#17BECF", "#BCBD22")

# The pages draw with this template alone (st.plotly_chart(theme=None): Streamlit's own chart theme
# would be applied in the browser on top of it, and re-applied once each chart is drawn, which draws
# every chart twice). Sizes and side margins as Streamlit's theme had them: 12 px text, 14 px axis titles,
# a 16 px bold title, no side margin but the axes' own (automargin).
TEMPLATE = go.layout.Template(layout=dict(
    font=dict(family=FONT, size=12, color="#1F2933"),
    title=dict(font=dict(size=16, weight="bold"), x=0.01, xanchor="left"),
    paper_bgcolor="white",
    plot_bgcolor="white",
    colorway=list(PALETTE),
    # counts on the axes as on the tiles and tables: 4,000 (not 4000), 20,000 (not 20k)
    xaxis=dict(showgrid=False, linecolor="#9AA5B1", ticks="outside", automargin=True, title=dict(font=dict(size=14)),
               separatethousands=True, exponentformat="none"),
    yaxis=dict(gridcolor="#E4E7EB", zeroline=False, automargin=True, title=dict(font=dict(size=14)),
               separatethousands=True, exponentformat="none"),
    legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1),
    margin=dict(l=0, r=0, t=80, b=50, pad=8),
    hoverlabel=dict(font=dict(family=FONT)),
), data=dict(bar=[go.Bar(textangle=0)]))  # a bar's label reads across, made smaller when the bar is narrow


def category_color(category: str) -> str:
    """A fixed colour per category: the six of the taxonomy by name, others by a stable hash."""
    if category in CATEGORY_COLORS:
        return CATEGORY_COLORS[category]
    digest = hashlib.md5(str(category).encode("utf-8")).digest()
    return PALETTE[digest[0] % len(PALETTE)]


def _finish(fig: go.Figure, title: str, height: int = 420) -> go.Figure:
    """Theme, title, height; the y-axis title (its unit) goes horizontally above the axis, where
    Chinese reads naturally, instead of rotated along it."""
    fig.update_layout(template=TEMPLATE, title=dict(text=title), height=height)
    y_title = fig.layout.yaxis.title.text
    if y_title and not isinstance(fig.data[0] if fig.data else None, go.Heatmap):
        fig.update_yaxes(title_text=None)
        fig.add_annotation(text=y_title, xref="paper", yref="paper", x=0, y=1.0, xanchor="left", yanchor="bottom",
                           showarrow=False, font=dict(size=12, color="#52606D"), yshift=8)
    return fig


def grain_title(title: str, params: dict, lang: str = "zh") -> str:
    """A by-district chart's title as at_grain says it at the grain of `params` (the title alone:
    the briefing names a deck's slide before its figure is built)."""
    if params.get("grain", "district") == "district" or not title:
        return title
    where = place(params, lang)
    return grained(title, params, lang) + (f" — {where}" if where else "")


def at_grain(fig: go.Figure, params: dict, lang: str = "zh") -> go.Figure:
    """A by-district figure said at the grain of `params` (Filters.params()): its title and axis
    titles name townships or units instead of districts, and the title says where ('各乡镇（街道）覆盖率
    — 沙澧区'). Unchanged at the district grain. Pages, the briefing and its exports all call this."""
    if params.get("grain", "district") == "district":
        return fig
    title = fig.layout.title.text
    if title:
        fig.update_layout(title_text=grain_title(title, params, lang))
    fig.for_each_xaxis(lambda axis: axis.update(title_text=grained(axis.title.text, params, lang))
                       if axis.title.text else None)
    fig.for_each_yaxis(lambda axis: axis.update(title_text=grained(axis.title.text, params, lang))
                       if axis.title.text else None)
    whole = t("whole_area", lang)  # the whole area's line among the areas' lines
    fig.for_each_trace(lambda trace: trace.update(name=grained(whole, params, lang)) if trace.name == whole else None)
    return fig


def _array(series: pd.Series) -> np.ndarray:
    """A column as a checked trace holds it: a numpy array of its own (not a view of a cached frame)."""
    return np.array(series.to_numpy(), copy=True)


def _pct(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce").astype(float) * 100


def month_axis(fig: go.Figure, days, lang: str = "zh") -> go.Figure:
    """A monthly date axis with one label per tick: every month over a year or less, every quarter
    up to two years, then every half year (to six years) or year (left to itself, Plotly labels a short span by
    day or week and '%Y-%m' then repeats the same month)."""
    days = pd.to_datetime(pd.Series(list(days)), errors="coerce").dropna()
    if days.empty:
        return fig
    first, last = days.min(), days.max()
    months = (last.year - first.year) * 12 + last.month - first.month
    step = 1 if months <= 12 else 3 if months <= 24 else 6 if months <= 72 else 12
    fig.update_xaxes(type="date", tickformat="%Y-%m", dtick=f"M{step}", tick0=f"{first.year}-01-01",
                     title_text=t("month", lang))
    if months < 2:  # one or two points: keep a month either side so the ticks are not days
        pad = pd.Timedelta(days=20)
        fig.update_xaxes(range=[(first - pad).isoformat(), (last + pad).isoformat()])
    return fig


# Above this many districts (a province, not a city) the per-district charts of the coverage and
# follow-up pages show one group of this many at a time, the districts most behind the plan first:
# 150 small multiples or lines are unreadable and take the browser a minute to draw.
SHOWN_DISTRICTS = 12
TOTAL_COLOR = "#1F2933"


def district_groups(districts, size: int = SHOWN_DISTRICTS) -> list[list[str]]:
    """The districts in consecutive groups of `size`, in the order given (most behind first)."""
    names = [str(d) for d in districts]
    return [names[i:i + size] for i in range(0, len(names), size)] or [[]]


# the order a group of districts is chosen in: its labels' key suffix and its first group's label
GROUP_ORDERS = {"plan": ("", "shown_most_behind"), "coverage": ("_lowest", "shown_lowest"),
                "issues": ("_issues", "shown_most_issues")}


def group_label(index: int, groups: list[list[str]], lang: str = "zh", by: str = "plan") -> str:
    """The choice of a group: 'the 12 most behind', then 'Nos. 13-24 behind' ... (by="coverage":
    the lowest coverage first, when there is no plan to be behind; by="issues": the most issues first)."""
    suffix, first_key = GROUP_ORDERS[by]
    if index == 0:
        return t(first_key, lang, n=len(groups[0]))
    first = sum(len(g) for g in groups[:index]) + 1
    return t("shown_ranks" + suffix, lang, first=first, last=first + len(groups[index]) - 1)


def group_note(index: int, groups: list[list[str]], lang: str = "zh", by: str = "plan") -> str:
    """The caption of a shown group: which districts, out of how many."""
    suffix = GROUP_ORDERS[by][0]
    total = sum(len(g) for g in groups)
    if index == 0:
        return t("shown_note_first" + suffix, lang, n=len(groups[0]), total=total)
    first = sum(len(g) for g in groups[:index]) + 1
    return t("shown_note_ranks" + suffix, lang, first=first, last=first + len(groups[index]) - 1, total=total)


def lowest_first(frame: pd.DataFrame) -> pd.DataFrame:
    """coverage_by_district's rows in the order districts are chosen without a plan: lowest
    coverage first, then by name (the order plan_by_district ends with)."""
    return frame.sort_values(["coverage_rate", "district"], kind="stable")


def district_names(names, lang: str = "zh", most: int = 10) -> str:
    """Names in running text, the first `most` of them and how many more (a province has 150)."""
    names = [str(n) for n in names]
    if len(names) <= most:
        return join(names, lang)
    return t("names_more", lang, names=join(names[:most], lang), more=len(names) - most)


def coverage_over_time(frame: pd.DataFrame, title: str, lang: str = "zh") -> go.Figure:
    """Cumulative coverage (solid) against the plan (dashed); columns day, coverage_rate, plan_rate
    (all NULL under inspection filters: no plan line)."""
    fig = go.Figure()
    if frame["plan_rate"].notna().any():
        fig.add_scatter(x=frame["day"], y=_pct(frame["plan_rate"]), name=t("plan", lang), mode="lines",
                        line=dict(color=PLAN_COLOR, dash="dash", width=2),
                        hovertemplate="%{x|%Y-%m-%d}<br>%{y:.1f}%<extra>" + t("plan", lang) + "</extra>")
    fig.add_scatter(x=frame["day"], y=_pct(frame["coverage_rate"]), name=t("actual", lang), mode="lines",
                    line=dict(color=ACTUAL_COLOR, width=3), customdata=frame.get("units_covered"),
                    hovertemplate="%{x|%Y-%m-%d}<br>%{y:.1f}% (%{customdata})<extra>" + t("actual", lang)
                    + "</extra>")
    fig.update_yaxes(title_text=t("share_label", lang), range=[0, 105], ticksuffix="%")
    month_axis(fig, frame["day"], lang)
    return _finish(fig, title)


def district_coverage_over_time(frame: pd.DataFrame, title: str, lang: str = "zh",
                                total: pd.DataFrame | None = None) -> go.Figure:
    """One solid line per district, its plan dashed in the same colour. `total` (the
    coverage_by_month frame: day, coverage_rate, plan_rate) adds the whole area as a thick dark
    line, for when only some of the districts are drawn."""
    # The lines as trace dicts of plain arrays, the figure made without checking each trace again
    # (26 checked traces at province were most of this builder's time); the same figure
    # (tests/unit/test_coverage_lines_shape.py compares it with the checked one).
    lines: list[dict] = []

    def line(x, y, **props) -> None:
        lines.append({"type": "scatter", "x": _array(x), "y": _array(_pct(y)), "mode": "lines", **props})

    if total is not None and not total.empty:
        name = t("whole_area", lang)
        line(total["day"], total["coverage_rate"], name=name, legendgroup="_total",
             line=dict(color=TOTAL_COLOR, width=4), hovertemplate=name + " %{x|%Y-%m}<br>%{y:.1f}%<extra></extra>")
        if total["plan_rate"].notna().any():
            line(total["day"], total["plan_rate"], name=name + " " + t("plan", lang), legendgroup="_total",
                 showlegend=False, line=dict(color=TOTAL_COLOR, dash="dot", width=1.5),
                 hovertemplate=name + " " + t("plan", lang) + " %{x|%Y-%m}<br>%{y:.1f}%<extra></extra>")
    for i, (district, part) in enumerate(frame.groupby("district", sort=True)):
        color = PALETTE[i % len(PALETTE)]
        line(part["day"], part["coverage_rate"], name=district, legendgroup=district,
             line=dict(color=color, width=2.5), hovertemplate=district + " %{x|%Y-%m}<br>%{y:.1f}%<extra></extra>")
        if part["plan_rate"].notna().any():  # no plan line under inspection filters (plan_applies)
            line(part["day"], part["plan_rate"], name=district + " " + t("plan", lang), legendgroup=district,
                 showlegend=False, line=dict(color=color, dash="dot", width=1),
                 hovertemplate=district + " " + t("plan", lang) + " %{x|%Y-%m}<br>%{y:.1f}%<extra></extra>")
    fig = go.Figure({"data": lines}, _validate=False)
    fig.update_yaxes(title_text=t("share_label", lang), range=[0, 105], ticksuffix="%")
    month_axis(fig, frame["day"], lang)
    fig.update_layout(legend=dict(y=1.02))
    if total is not None and not total.empty:  # a dozen names and the total: a column on the right
        fig.update_layout(legend=dict(orientation="v", x=1.01, xanchor="left", y=1, yanchor="top"))
    return _finish(fig, title, 460)


def coverage_bars(frame: pd.DataFrame, label_col: str, title: str, lang: str = "zh",
                  labels: dict | None = None) -> go.Figure:
    """Coverage per group as bars (0..100%), covered/total in the hover; customdata = the group key."""
    keys = frame[label_col].astype(str).tolist()
    shown = [(labels or {}).get(k, value(k, lang) if label_col in VOCABULARY_COLUMNS else k) for k in keys]
    fig = go.Figure(go.Bar(
        x=shown, y=_pct(frame["coverage_rate"]), customdata=keys, marker_color=ACTUAL_COLOR,
        text=[fmt.percent(v) for v in frame["coverage_rate"]], textposition="outside", cliponaxis=False,
        hovertext=[f"{int(c)} / {int(n)}" for c, n in zip(frame["units_covered"], frame["units_total"], strict=True)],
        hovertemplate="%{x}<br>%{y:.1f}% (%{hovertext})<extra></extra>",
    ))
    if len(keys) <= 3:
        fig.update_traces(width=0.45)
    fig.update_yaxes(title_text=t("share_label", lang), range=[0, 112], ticksuffix="%")
    return _finish(fig, title)


def plan_vs_actual(frame: pd.DataFrame, title: str, lang: str = "zh", across: bool = False) -> go.Figure:
    """Per district (the plan_by_district rows, total row dropped): covered share as a bar, red when
    the district is behind the plan, the planned share at the as-of date as a grey mark; behind
    districts carry the units per month they lack under their name. customdata = district.
    `across`: the bars lie across, one district a row in the frame's order from the top, its name and
    what it lacks on one line beside it (half a screen wide, as the briefing shows it: a dozen names
    standing under bars there were turned on end and ran into each other)."""
    rows = frame[~frame["is_total"].astype(bool)]
    behind = rows["behind"].astype(bool).tolist()
    names = []
    for district, late, lacking in zip(rows["district"], behind, rows["lacking_per_month"], strict=True):
        if not late:
            names.append(str(district))
            continue
        said = t("plan_lacking", lang, n=fmt.per_month(lacking, lang)) if lacking == lacking and lacking is not None \
            else t("plan_lacking_over", lang)
        names.append(f"⚠ {district}" + (" " + said.replace("<br>", " ") if across else "<br>" + said))
    share, along = ("x", "y") if across else ("y", "x")
    # before its plan starts (nothing planned yet) a district is neither behind nor on track: grey
    waiting = [not late and not (share_ > 0) for late, share_ in zip(behind, rows["planned_share"], strict=True)]
    state = ["behind" if late else "not_started" if wait else "on_track" for late, wait in zip(behind, waiting, strict=True)]
    fig = go.Figure()
    for kind, label, colour in (("behind", "plan_behind", ACTUAL_COLOR), ("on_track", "plan_on_track", ON_TRACK_COLOR),
                                ("not_started", "st_not_started", PLAN_COLOR)):
        keep = [s == kind for s in state]
        if not any(keep):
            continue
        part = rows[keep]
        fig.add_bar(
            **{along: [n for n, k in zip(names, keep, strict=True) if k], share: _pct(part["covered_share"])},
            orientation="h" if across else "v",
            name=t(label, lang), customdata=part["district"],
            marker_color=colour,
            # at the bar's foot: at its top the label would collide with the plan mark
            text=[fmt.percent(v) for v in part["covered_share"]], textposition="inside", insidetextanchor="start",
            textfont=dict(color="white"),
            hovertext=[f"{int(c)} / {int(n)}" for c, n in zip(part["units_covered"], part["units_total"], strict=True)],
            hovertemplate="%{customdata}<br>" + t("actual", lang) + f" %{{{share}:.1f}}% (%{{hovertext}})<extra></extra>",
        )
    fig.add_scatter(
        **{along: names, share: _pct(rows["planned_share"])}, mode="markers", name=t("plan_mark", lang),
        marker=dict(symbol="line-ns" if across else "line-ew", size=18 if across else 34,
                    line=dict(color=PLAN_COLOR, width=4)),
        customdata=rows["district"],
        hovertemplate="%{customdata}<br>" + t("plan", lang) + f" %{{{share}:.1f}}%<extra></extra>",
    )
    fig.update_layout(barmode="overlay", bargap=0.35)
    if across:
        fig.update_yaxes(type="category", categoryorder="array", categoryarray=names, autorange="reversed")
        fig.update_xaxes(title_text=t("share_label", lang), range=[0, 112], ticksuffix="%", showgrid=True,
                         gridcolor="#E4E7EB")
        fig.update_layout(bargap=0.15)  # bars as thick as their labels where the rows are few pixels high
        return _legend_under_title(_finish(fig, title, max(360, 120 + 26 * len(names))))
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=names)
    if len(names) <= 8:  # a city: level names; rotated, a behind district's two lines ran into its neighbour's
        fig.update_xaxes(tickangle=0)
    fig.update_yaxes(title_text=t("share_label", lang), range=[0, 112], ticksuffix="%")
    return _finish(fig, title, 400)


def round_heatmap(frame: pd.DataFrame, title: str, lang: str = "zh") -> go.Figure:
    """District x round, cells = units inspected."""
    rounds = frame.sort_values("round_ord")["round"].drop_duplicates().tolist()
    grid = frame.pivot_table(index="district", columns="round", values="units", aggfunc="sum").reindex(columns=rounds)
    z = grid.to_numpy(dtype=float)
    text = [["" if v != v else f"{int(v)}" for v in row] for row in z]
    top = float(pd.Series(z.ravel()).max()) if z.size and pd.Series(z.ravel()).notna().any() else 0.0
    # whole units on the colour bar (it read 9.5 units when the cells held 9 to 11)
    bar = dict(title=t("units_label", lang), tickformat=",d")
    if top <= 10:
        bar.update(tick0=0, dtick=1)
    fig = go.Figure(go.Heatmap(
        z=z, x=rounds, y=grid.index.tolist(), text=text, texttemplate="%{text}", colorscale="Reds",
        zmin=0, colorbar=bar, hoverongaps=False,
        hovertemplate="%{y} %{x}<br>%{z:.0f}<extra></extra>",
    ))
    fig.update_xaxes(title_text=t("round", lang), type="category")
    fig.update_yaxes(type="category", autorange="reversed")
    return _finish(fig, title, max(320, 60 + 40 * len(grid.index)))


TREEMAP_SMALL = 0.025  # a subcategory under this share of all issues is grouped with its category's other small ones


TREEMAP_LINE = 6  # characters per line of a treemap tile's label (CJK; a narrow tile at 1366 px)


def wrap_label(text: str, width: int) -> str:
    """`text` on lines of at most `width` characters (<br> between them), the lines as even as they
    can be (十三个字 -> 5/4/4, not 6/6/1)."""
    if len(text) <= width:
        return text
    lines = -(-len(text) // width)
    size = -(-len(text) // lines)
    return "<br>".join(text[i:i + size] for i in range(0, len(text), size))


def category_treemap(frame: pd.DataFrame, title: str, lang: str = "zh") -> go.Figure:
    """Category > subcategory, sized by listed issues. A category's subcategories too small for a
    readable tile (under TREEMAP_SMALL of all issues, two or more of them) are one tile 其他（N 类）,
    naming them in its hover; a label that still does not fit is hidden, never cut."""
    ids, labels, parents, values, colors, hovers = [], [], [], [], [], []
    total = float(frame["issues"].sum()) or 1.0
    for category, part in frame.groupby("category", sort=False):
        ids.append(category)
        labels.append(category)
        parents.append("")
        values.append(int(part["issues"].sum()))
        colors.append(category_color(category))
        hovers.append(category)
        subs = [(row["subcategory"] if isinstance(row["subcategory"], str) and row["subcategory"] else "—",
                 int(row["issues"])) for _, row in part.iterrows()]
        small = [(sub, n) for sub, n in subs if n / total < TREEMAP_SMALL]
        if len(small) < 2:
            small = []
        for sub, n in [item for item in subs if item not in small]:
            ids.append(f"{category}/{sub}")
            labels.append(sub)
            parents.append(category)
            values.append(n)
            colors.append(category_color(category))
            hovers.append(sub)
        if small:
            ids.append(f"{category}/\u0000other")
            labels.append(t("treemap_other", lang, n=len(small)))
            parents.append(category)
            values.append(sum(n for _, n in small))
            colors.append(category_color(category))
            hovers.append("<br>".join(f"{sub}: {n:,}" for sub, n in small))
    # a subcategory's name on lines of a few characters, so that a narrow tile still shows it whole
    texts = [label if parent == "" else wrap_label(label, TREEMAP_LINE) for label, parent in zip(labels, parents,
                                                                                                 strict=True)]
    fig = go.Figure(go.Treemap(
        ids=ids, labels=labels, parents=parents, values=values, branchvalues="total", text=texts,
        marker=dict(colors=colors), texttemplate="%{text}<br>%{value:,}", customdata=hovers,
        hovertemplate="%{label}<br>%{value} (%{percentRoot:.1%})<br>%{customdata}<extra></extra>",
    ))
    fig.update_layout(margin=dict(l=10, r=10, t=60, b=10), uniformtext=dict(minsize=9, mode="hide"))
    return _finish(fig, title, 520)


def categories_by_group(frame: pd.DataFrame, group_col: str, value_col: str, title: str, y_title: str,
                        order: list | None = None, handle_hint: str | None = None) -> go.Figure:
    """Stacked bars per group (district or round), one fixed colour per category.

    With `handle_hint` (a clickable chart): each segment's customdata is ["category", category], and
    under each stack a grey handle bearing the group's name (in place of the axis label) has
    ["area", group], so a click says what was clicked: a category's segment, or the group."""
    fig = go.Figure()
    groups = order or sorted(frame[group_col].astype(str).unique().tolist())
    for category, part in frame.groupby("category", sort=True):
        part = part.set_index(part[group_col].astype(str)).reindex(groups)
        custom = [["category", category]] * len(groups) if handle_hint else [category] * len(groups)
        fig.add_bar(x=groups, y=part[value_col], name=category, marker_color=category_color(category),
                    customdata=custom, hovertemplate="%{x}<br>" + category + ": %{y:.2f}<extra></extra>")
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title_text=y_title)
    fig.update_xaxes(type="category")
    if handle_hint and groups:
        top = float(pd.to_numeric(frame[value_col], errors="coerce").groupby(frame[group_col].astype(str)).sum().max()
                    or 1)
        depth = top * 0.09
        fig.add_bar(x=groups, y=[-depth] * len(groups), name="", showlegend=False, marker_color="#E3E7EE",
                    marker_line_width=0, customdata=[["area", g] for g in groups], text=groups,
                    textposition="inside", insidetextanchor="middle", textangle=0,
                    textfont=dict(color="#1F2D3D", size=12),
                    hovertemplate="%{x}<br>" + handle_hint + "<extra></extra>")
        step = _nice_step(top / 5)
        ticks = [step * i for i in range(int(top // step) + 2)]
        fig.update_layout(barmode="relative")
        fig.update_yaxes(tickvals=ticks, range=[-depth * 1.05, max(ticks[-1], top * 1.05)], zeroline=False)
        fig.update_xaxes(showticklabels=False, ticks="")
    return _finish(fig, title, 460)


def _nice_step(raw: float) -> float:
    """1, 2 or 5 times a power of ten, at least `raw`."""
    if raw <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def category_trend(frame: pd.DataFrame, title: str, lang: str = "zh") -> go.Figure:
    """Issues per round, one line per category."""
    rounds = frame.sort_values("round_ord")["round"].drop_duplicates().tolist()
    fig = go.Figure()
    for category, part in frame.groupby("category", sort=True):
        part = part.set_index("round").reindex(rounds)
        fig.add_scatter(x=rounds, y=part["issues"], name=category, mode="lines+markers",
                        line=dict(color=category_color(category), width=2.5),
                        hovertemplate="%{x}<br>" + category + ": %{y}<extra></extra>")
    fig.update_yaxes(title_text=t("issues_label", lang), rangemode="tozero")
    fig.update_xaxes(title_text=t("round", lang), type="category")
    return _finish(fig, title, 440)


def rectification_status(frame: pd.DataFrame, title: str, lang: str = "zh") -> go.Figure:
    """Horizontal stacked bars per category: rectified, long-term, open (not yet due), overdue;
    customdata = category."""
    frame = frame.iloc[::-1]
    fig = go.Figure()
    for status in STATUS_COLORS:
        fig.add_bar(y=frame["category"], x=frame[status], name=t(status, lang), orientation="h",
                    marker_color=STATUS_COLORS[status], customdata=frame["category"],
                    text=frame[status] if status == "overdue" else None, textposition="outside",
                    hovertemplate="%{y}<br>" + t(status, lang) + ": %{x}<extra></extra>")
    height = max(360, 80 + 45 * len(frame))
    # room beyond the longest bar for its overdue count (written after it): with the axis ending at the
    # bar, half a screen wide (the briefing) cut the count to its first digits
    longest = float(frame[list(STATUS_COLORS)].sum(axis=1).max() or 0)
    fig.update_xaxes(title_text=t("issues_label", lang), range=[0, longest * 1.15] if longest > 0 else None)
    fig.update_yaxes(type="category")
    fig.update_layout(barmode="stack")
    return _legend_under_title(_finish(fig, title, height))  # the four states in the order they stack


def _legend_under_title(fig: go.Figure) -> go.Figure:
    """The title on top, the legend's entries under it from the left, in the traces' order; the top
    margin holds the legend's lines on a narrow screen (beside the title, they ran into it there)."""
    fig.update_layout(margin_t=105, title=dict(yref="container", y=1 - 12 / fig.layout.height, yanchor="top"),
                      legend=dict(orientation="h", traceorder="normal", xanchor="left", x=0, yanchor="bottom", y=1.0))
    return fig


def level_bars(frame: pd.DataFrame, metrics: list[str], title: str, y_title: str, lang: str = "zh") -> go.Figure:
    """Grouped bars: the metrics on x, one bar per level in its fixed colour."""
    fig = go.Figure()
    names = [t(m, lang) for m in metrics]
    for _, row in frame.iterrows():
        level = row["level"]
        vals = [row.get(m) for m in metrics]
        fig.add_bar(x=names, y=vals, name=value(level, lang), marker_color=LEVEL_COLORS.get(level, PLAN_COLOR),
                    text=[fmt.average(v) for v in vals], textposition="outside", cliponaxis=False,
                    hovertemplate="%{x}<br>%{y:.2f}<extra>" + value(level, lang) + "</extra>")
    fig.update_layout(barmode="group", showlegend=True)  # with one level too: the legend says which
    fig.update_yaxes(title_text=y_title, rangemode="tozero")
    return _finish(fig, title)


def level_by_group(frame: pd.DataFrame, group_col: str, value_col: str, title: str, y_title: str,
                   lang: str = "zh") -> go.Figure:
    """Grouped bars per group (e.g. mode), one bar per level in its fixed colour."""
    fig = go.Figure()
    groups = frame[group_col].astype(str).drop_duplicates().tolist()
    for level in LEVELS:
        part = frame[frame["level"] == level].set_index(group_col).reindex(groups)
        if part[value_col].notna().any():
            shown = [value(g, lang) for g in groups] if group_col in VOCABULARY_COLUMNS else groups
            # the value over each bar: a level with no inspection of a group has no bar and no
            # figure, where a real zero says 0.00
            fig.add_bar(x=shown, y=part[value_col], name=value(level, lang), marker_color=LEVEL_COLORS[level],
                        customdata=part["inspections"],
                        text=[fmt.average(v) if v == v and v is not None else "" for v in part[value_col]],
                        textposition="outside", cliponaxis=False,
                        hovertemplate="%{x}<br>%{y:.2f} (%{customdata})<extra>" + value(level, lang) + "</extra>")
    fig.update_layout(barmode="group", showlegend=True)  # with one level too: the legend says which
    fig.update_yaxes(title_text=y_title, rangemode="tozero")
    fig.update_xaxes(type="category")
    return _finish(fig, title)
