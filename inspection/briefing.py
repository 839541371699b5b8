"""The briefing (简报): KPI tiles and four charts of the filtered view, ready for a screen, a deck
or a spreadsheet. Built from the named queries and the chart functions of `charts.py`; aggregates
only (no issue description, no person). Never imports streamlit.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from . import charts, fmt, report
from .export import Slide, report_docx, safe_table
from .filters import Filters
from .i18n import area_label, describe_filters, grained, issues_two_totals, subset_key, t, value
from .marks import NONE as NO_MARKS
from .marks import Marks
from .metrics import issue_list_figures
from .store import run_query

DEFAULT_TITLE = t("briefing_default_title", "zh")
LEVEL_METRICS = ["avg_issues_and_clues", "avg_clues", "avg_disciplined", "avg_immediate_fixes"]
# districts the plan chart shows, one a row across half the screen (pages/briefing.py GRID_HEIGHT): a
# dozen left each bar thinner than its label
PLAN_ROWS = 8


@dataclass
class Tile:
    label: str
    shown: str
    detail: str = ""
    raw: object = None  # the number behind `shown` (for the KPI sheet)


@dataclass
class Briefing:
    title: str
    subtitle: str
    caption: str
    filters: Filters
    lang: str
    tiles: list[Tile] = field(default_factory=list)
    slides: list[Slide] = field(default_factory=list)   # the 4 charts, in grid order
    extra: list[Slide] = field(default_factory=list)    # more charts for a deck (6 charts max in all)
    has_roster: bool = True
    has_inspections: bool = True  # False: no inspection passes the filters (the page says so)
    summary: list[str] = field(default_factory=list)   # the paragraphs of the summary text (report.py)
    districts: pd.DataFrame = field(default_factory=pd.DataFrame)  # the district table of the Word report
    issues_note: str | None = None  # the two issue totals (tile vs category chart), i18n.issues_two_totals

    def kpi_table(self) -> pd.DataFrame:
        """The key figures: the number, and the text the tile shows. attrs["rate_rows"]: the rows whose
        number is a rate (a fraction the workbook formats as a percentage)."""
        frame = pd.DataFrame({
            t("indicator", self.lang): [tile.label for tile in self.tiles],
            t("value", self.lang): [_number(tile.raw) for tile in self.tiles],
            t("shown", self.lang): [tile.shown for tile in self.tiles],
        })
        frame.attrs["rate_rows"] = [i for i, tile in enumerate(self.tiles) if tile.shown.endswith("%")]
        return frame

    def deck_slides(self, with_extra: bool = False) -> list[Slide]:
        """The KPI table slide (each figure as its tile shows it), then the charts (at most 6)."""
        shown = pd.DataFrame({t("indicator", self.lang): [tile.label for tile in self.tiles],
                              t("value", self.lang): [tile.shown for tile in self.tiles]})
        kpis = Slide(t("kpi_sheet", self.lang), self.caption, None, shown)
        charts_ = self.slides + (self.extra if with_extra else [])
        return [kpis, *charts_[:6]]

    def summary_text(self) -> str:
        return "\n\n".join(self.summary)

    def docx(self, images=None, marks: Marks = NO_MARKS) -> bytes:
        """The Word report: title, subtitle, the summary text, the charts, the district table; `marks`
        (marks.current) on every page."""
        name = grained(t("brief_district_table", self.lang), self.filters.params(), self.lang)
        tables = {name: self.districts} if not self.districts.empty else {}
        return report_docx(self.title, self.subtitle, self.summary, self.slides + self.extra, tables, images,
                           marks=marks)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Sheet name -> table, for the Excel export: the key figures, then one sheet per chart."""
        out = {t("kpi_sheet", self.lang): self.kpi_table()}
        for slide in self.slides + self.extra:
            if slide.table is not None:
                out[slide.title] = safe_table(slide.table)
        return out


def _number(raw):
    if raw is None or (isinstance(raw, float) and raw != raw):
        return None
    if hasattr(raw, "item"):
        raw = raw.item()
    return raw


def _headers(frame: pd.DataFrame, lang: str, columns: list[str]) -> pd.DataFrame:
    """The columns kept for export, with translated headers; rates stay fractions (the sheet says %)."""
    kept = [c for c in columns if c in frame.columns]
    return frame[kept].rename(columns={c: t(c, lang) for c in kept})


def _area_slide(fig, table: pd.DataFrame, params: dict, cap: str, lang: str) -> Slide:
    """A by-district slide at the filters' grain (charts.at_grain): the title and the figure name
    the townships or units and say where, and so does the table's area column."""
    fig = charts.at_grain(fig, params, lang)
    table = table.rename(columns={t("district", lang): area_label(params, lang)})
    return Slide(fig.layout.title.text, cap, fig, table)


class _DrawnLater(Slide):
    """A deck's extra slide (Briefing.extra): its title and table now, its figure built the first time
    it is read, by an export (PPTX, PDF, Word). The page shows only the four slides of the grid, so a
    view no longer builds two charts it does not draw."""

    def __init__(self, build: Callable[[], object], title: str, caption: str, table: pd.DataFrame):
        self.title, self.caption, self.table = title, caption, table
        self._build, self._figure, self._lock = build, None, threading.Lock()

    @property
    def figure(self):
        with self._lock:  # the downloads are made on their own threads
            if self._figure is None:
                self._figure = self._build()
            return self._figure


def _later_slide(build: Callable[[], object], title: str, table: pd.DataFrame, params: dict, cap: str,
                 lang: str) -> Slide:
    """_area_slide of the figure `build()` makes (whose title is `title`), built when first read."""
    table = table.rename(columns={t("district", lang): area_label(params, lang)})
    return _DrawnLater(lambda: charts.at_grain(build(), params, lang), charts.grain_title(title, params, lang), cap,
                       table)


def caption(filters: Filters, lang: str = "zh") -> str:
    return t("caption", lang, as_of=filters.as_of.isoformat(), filters=describe_filters(filters.active(), lang))


Query = Callable[[str, dict], pd.DataFrame]
# the queries build runs, all with the filters' parameters (the page starts them side by side)
QUERIES = ("headline_totals", "coverage_by_month", "coverage_by_district", "plan_by_district", "rectification_by_category",
           "results_by_level", "issues_by_district_category", "results_by_district")
# build also runs the summary text's queries (report.QUERIES with report.query_params), and
# coverage_by_district_month for the districts it draws (progress_params)


def build(source: duckdb.DuckDBPyConnection | Query, filters: Filters, lang: str = "zh", title: str | None = None,
          today: dt.date | None = None) -> Briefing:
    """KPI tiles and the four charts (with their tables) of the filtered view.

    `source` is a store connection, or a `(query name, params) -> DataFrame` function such as the
    dashboard's cached `state.run_query`.
    """
    con = source if callable(source) else functools.partial(run_query, source)
    params = filters.params()
    head = con("headline_totals", params).iloc[0].to_dict()
    if not head["inspections"]:  # nothing inspected found nothing: 0, not — (not reported)
        head.update({k: 0 for k in ("issues_found", "clues", "disciplined", "immediate_fixes", "judicial",
                                    "org_handled") if pd.isna(head.get(k))})
    cap = caption(filters, lang)
    brief = Briefing(
        title=(title or "").strip() or t("briefing_default_title", lang),
        subtitle=t("briefing_subtitle", lang, as_of=filters.as_of.isoformat(),
                       filters=describe_filters(filters.active(), lang))
        + ("　" if lang == "zh" else "  ") + t("briefing_made", lang, today=(today or dt.date.today()).isoformat()),
        caption=cap, filters=filters, lang=lang, has_roster=bool(head["has_roster"]),
        has_inspections=bool(head["inspections"]),
    )
    # the rectification tile: the chosen issue categories' figures under a category filter, as the
    # summary text below it and metrics --json (the note on the two issue totals stays whole)
    brief.tiles = _tiles({**head, **issue_list_figures(con, params, filters, head)}, lang, filters)
    brief.issues_note = issues_two_totals(head, lang)
    monthly = con("coverage_by_month", params)
    brief.slides = [s for s in (
        _coverage_progress(monthly, cap, lang, brief.has_roster, filters),
        _coverage_by_district(con, params, cap, lang, brief.has_roster, filters),
        _categories(con, params, cap, lang),
        _levels(con, params, cap, lang),
    ) if s is not None]
    brief.extra = [s for s in (
        _district_progress(con, params, cap, lang, brief.has_roster, monthly, filters),
        _results_by_district(con, params, cap, lang),
    ) if s is not None]
    brief.summary = report.summary(con, filters, lang)
    brief.districts = district_table(con, params, lang, brief.has_roster)
    return brief


def district_table(con: Query, params: dict, lang: str, has_roster: bool) -> pd.DataFrame:
    """One row per area at the filters' grain (districts, or the townships or units drilled into):
    roster coverage (with a roster) and the inspections' results."""
    results = con("results_by_district", params)
    frame = results[["district", "inspections", "issues_found", "clues", "disciplined"]]
    if has_roster:
        cover = con("coverage_by_district", params)[["district", "units_total", "units_covered", "coverage_rate"]]
        frame = cover.merge(frame, on="district", how="outer")
        for column in ("inspections", "issues_found", "clues", "disciplined"):
            frame[column] = frame[column].astype("Int64")  # a district with no inspection: blank, not 0.0
    frame = frame.sort_values("district", kind="stable").reset_index(drop=True)
    table = _headers(frame, lang, ["district", "units_total", "units_covered", "coverage_rate", "inspections",
                                   "issues_found", "clues", "disciplined"])
    return table.rename(columns={t("district", lang): area_label(params, lang)})  # or 乡镇（街道）, 对象


def _tiles(head: dict, lang: str, filters: Filters) -> list[Tile]:
    tiles = []
    if head["has_roster"]:
        tiles.append(Tile(t(subset_key("kpi_coverage", filters), lang), fmt.percent(head["coverage_rate"]),
                          t("kpi_covered_of", lang, covered=fmt.count(head["units_covered"], lang),
                            total=fmt.count(head["units_total"], lang)), head["coverage_rate"]))
    else:
        tiles.append(Tile(t("kpi_coverage", lang), "—", t("no_roster", lang), None))
    tiles += [
        Tile(t("kpi_inspections", lang), fmt.count(head["inspections"], lang),
             t("kpi_inspections_detail", lang, units=fmt.count(head["units_inspected"], lang)),
             head["inspections"]),
        Tile(t("kpi_issues", lang), fmt.count(head["issues_found"], lang),
             _detail(head, "immediate_fixes", "kpi_issues_detail", "immediate_fixes", lang), head["issues_found"]),
        Tile(t("kpi_clues", lang), fmt.count(head["clues"], lang),
             _detail(head, "judicial", "kpi_clues_detail", "col_judicial", lang), head["clues"]),
        Tile(t("kpi_disciplined", lang), fmt.count(head["disciplined"], lang),
             _detail(head, "org_handled", "kpi_disciplined_detail", "col_org_handled", lang), head["disciplined"]),
        Tile(t("kpi_rectification", lang), fmt.percent(head["rectification_rate"]),
             t("rect_over_reported", lang) if (head["rectification_rate"] or 0) > 1 else  # the ledger's figures: why
             t("overdue", lang) + " " + fmt.listed(head["overdue"], head["listed_issues"], lang),
             head["rectification_rate"]),
    ]
    return tiles


def _detail(head: dict, key: str, text_key: str, label_key: str, lang: str) -> str:
    """The figure under a tile (立行立改 3 个); 立行立改未填报 when no inspection reported it, never '— 个'."""
    if pd.isna(head.get(key)):
        return t("kpi_detail_not_reported", lang, what=t(label_key, lang))
    return t(text_key, lang, n=fmt.count(head[key], lang))


def _lowest(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of the charts.SHOWN_DISTRICTS lowest coverage rates, lowest first (one per district)."""
    return frame.sort_values(["coverage_rate", "district"]).head(charts.SHOWN_DISTRICTS)


def _with_plan(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    """`columns` without plan_rate when the frame has no plan (inspection filters: plan_applies)."""
    return [c for c in columns if c != "plan_rate" or frame["plan_rate"].notna().any()]


def _coverage_progress(frame: pd.DataFrame, cap, lang, has_roster, filters: Filters) -> Slide | None:
    """`frame`: coverage_by_month."""
    if not has_roster or frame.empty:
        return None
    title = t(subset_key("chart_cum_coverage", filters), lang)
    fig = charts.coverage_over_time(frame, title, lang)
    table = _headers(frame, lang, _with_plan(frame, ["day", "units_total", "units_covered", "coverage_rate",
                                                     "plan_rate"]))
    return Slide(title, cap, fig, table)


def _coverage_by_district(con, params, cap, lang, has_roster, filters: Filters) -> Slide | None:
    """Coverage by district against the plan as on the coverage page (issue 25 item 12): the plan
    mark, behind districts in red with the units a month they lack, on-plan ones in green. Plain
    coverage bars without a plan (none set, or inspection filters)."""
    frame = con("coverage_by_district", params)
    if not has_roster or frame.empty:
        return None
    plan = con("plan_by_district", params)
    rows = plan[~plan["is_total"].astype(bool)] if not plan.empty else plan
    if not rows.empty:
        title = t("chart_plan_vs_actual_brief", lang)
        shown = rows
        if len(rows) > PLAN_ROWS:  # a province: the lowest coverage, lowest first
            shown = rows.sort_values(["covered_share", "district"]).head(PLAN_ROWS)
            title = t("brief_lowest", lang, title=title, n=len(shown), total=len(rows))
        fig = charts.plan_vs_actual(shown, title, lang, across=True)  # half a screen wide on the page
        table = rows.rename(columns={"covered_share": "coverage_rate", "planned_share": "plan_rate"})
        table = _headers(table, lang, ["district", "units_total", "units_covered", "coverage_rate", "plan_rate"])
        return _area_slide(fig, table, params, cap, lang)
    title = t(subset_key("chart_coverage_by_district", filters), lang)
    shown = frame
    if len(frame) > charts.SHOWN_DISTRICTS:  # a province: the districts furthest behind, lowest first
        shown = _lowest(frame)
        title = t("brief_lowest", lang, title=title, n=len(shown), total=len(frame))
    fig = charts.coverage_bars(shown, "district", title, lang)
    table = _headers(frame, lang, ["district", "units_total", "units_covered", "coverage_rate"])
    return _area_slide(fig, table, params, cap, lang)


def _categories(con, params, cap, lang) -> Slide | None:
    frame = con("rectification_by_category", params)
    if frame.empty:
        return None
    title = t("chart_categories_brief", lang)
    fig = charts.rectification_status(frame, title, lang)
    table = _headers(frame, lang, ["category", "issues", "rectified", "overdue", "long_term", "open_in_time",
                                   "rectification_rate"])
    return Slide(title, cap, fig, table)


def _levels(con, params, cap, lang) -> Slide | None:
    frame = con("results_by_level", params)
    if frame.empty or frame[LEVEL_METRICS].isna().all().all():  # every average left blank (未填报): no bars
        return None
    title = t("chart_levels_brief", lang)
    fig = charts.level_bars(frame, LEVEL_METRICS, title, t("avg_label", lang), lang)
    table = frame.assign(level=frame["level"].map(lambda v: value(v, lang)))
    table = _headers(table, lang, ["level", "inspections", *LEVEL_METRICS])
    return Slide(title, cap, fig, table)


def progress_params(coverage: pd.DataFrame, params: dict) -> tuple[dict, list[str] | None]:
    """The parameters the district progress chart runs coverage_by_district_month with, and the
    areas it draws (None: every one). `coverage` is coverage_by_district with `params`. With more
    areas than charts.SHOWN_DISTRICTS (a province) it draws the lowest coverage as of the day, and at
    the district grain asks for those districts only (at national scale 12 of 2,946 curves); the
    areas of a drilled view are picked from the rows, as one district's query is already narrow."""
    if len(coverage) <= charts.SHOWN_DISTRICTS:
        return params, None
    shown = _lowest(coverage)["district"].astype(str).tolist()
    if params.get("grain", "district") == "district":
        return {**params, "districts": shown, "grain": "district"}, shown
    return params, shown


def _district_progress(con, params, cap, lang, has_roster, monthly: pd.DataFrame, filters: Filters) -> Slide | None:
    """`monthly` (coverage_by_month): the whole area's line when only some districts are drawn; the
    table then holds the drawn districts and that line (the coverage slide's table has every district)."""
    coverage = con("coverage_by_district", params)
    if not has_roster or coverage.empty:
        return None
    asked, shown = progress_params(coverage, params)
    frame = con("coverage_by_district_month", asked)
    if shown is not None:
        frame = frame[frame["district"].isin(set(shown))]
    if frame.empty:
        return None
    title = t(subset_key("chart_district_month", filters), lang)
    total = None
    if shown is not None:  # the lowest now, with the whole area's line
        total = monthly
        title = t("brief_lowest", lang, title=title, n=len(shown), total=len(coverage))
    table = _by_day(frame, lang)
    if total is not None and not total.empty:
        whole = grained(t("whole_area", lang), params, lang)
        name = f"{whole}{t('coverage_rate', lang)}" if lang == "zh" else f"{whole} {t('coverage_rate', lang)}"
        day = t("day", lang)
        table = table.merge(pd.DataFrame({day: total["day"], name: total["coverage_rate"]}), on=day, how="left")
    return _later_slide(lambda: charts.district_coverage_over_time(frame, title, lang, total), title, table, params,
                        cap, lang)


def _by_day(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """coverage_by_district_month as its chart reads: one row per day, one coverage column per
    district (area), then the plan (one column when every district has the same plan, else one each)."""
    rates = frame.pivot(index="day", columns="district", values="coverage_rate")
    rates.columns = [f"{d}{t('coverage_rate', lang)}" if lang == "zh" else f"{d} {t('coverage_rate', lang)}"
                     for d in rates.columns]
    if frame["plan_rate"].notna().any():
        plans = frame.pivot(index="day", columns="district", values="plan_rate")
        if plans.nunique(axis=1, dropna=False).le(1).all():
            rates[t("plan_rate", lang)] = plans.iloc[:, 0]
        else:
            for district in plans.columns:
                name = f"{district}{t('plan_rate', lang)}" if lang == "zh" else f"{district} {t('plan_rate', lang)}"
                rates[name] = plans[district]
    rates.index.name = t("day", lang)
    return rates.reset_index()


def _results_by_district(con, params, cap, lang) -> Slide | None:
    frame = con("issues_by_district_category", params)
    if frame.empty:
        return None
    title = t("chart_top_by_district", lang)
    order = frame.groupby("district", sort=False)["issues"].sum().sort_values(ascending=False).index.tolist()
    if len(order) > charts.SHOWN_DISTRICTS:  # a province: the districts with the most issues
        title = t("brief_most", lang, title=title, n=charts.SHOWN_DISTRICTS, total=len(order))
        order = order[:charts.SHOWN_DISTRICTS]
    shown = frame[frame["district"].isin(set(order))]
    # as the chart reads: one row per district (most issues first), one column per category, the total
    wide = frame.pivot_table(index="district", columns="category", values="issues", aggfunc="sum", fill_value=0)
    wide = wide.loc[[d for d in frame.groupby("district", sort=False)["issues"].sum().sort_values(
        ascending=False).index]]
    wide[t("total", lang)] = wide.sum(axis=1)
    wide.index.name = t("district", lang)
    wide.columns.name = None
    return _later_slide(lambda: charts.categories_by_group(shown, "district", "issues", title, t("issues_label", lang),
                                                           order), title, wide.reset_index(), params, cap, lang)
