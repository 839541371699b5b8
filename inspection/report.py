"""The briefing's summary text (汇报材料): a few paragraphs in the style of the published reports,
written from templates and fed only by the named queries that `metrics --json` uses
(headline_totals, plan_by_district, results_by_level, issues_by_category), so the text can never
disagree with the charts or the command line.

Counts are written exactly (17092个, no 万), rates in percent with one decimal, ratios with two
decimals. A sentence whose figure cannot be computed (no roster, no issue list, one level only)
is left out. Aggregates only: no description, no name. Never imports streamlit.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable

import duckdb
import pandas as pd

from . import fmt
from .filters import Filters
from .i18n import describe_filters, join, subset_key, t, value
from .metrics import FEW_INSPECTIONS, clean
from .store import run_query

Query = Callable[[str, dict], pd.DataFrame]
# the queries the text reads, all with the filters' parameters (the page starts them side by side)
QUERIES = ("headline_totals", "plan_by_district", "results_by_level", "issues_by_category")
TOP_CATEGORIES = 3
BEHIND_NAMED = 5  # districts named in the 'behind the plan' sentence; more are counted

def _missing(value) -> bool:
    return clean(value) is None


def count(value, lang: str = "zh") -> str:
    """An exact count as reports write it: 17092 in Chinese (no 万, no separators), 17,092 in English."""
    return f"{int(clean(value)):,}" if lang == "en" else str(int(clean(value)))


def percent(fraction) -> str:
    """One decimal, rounded as the tiles, charts and exports round it (fmt.percent: 81.25 -> 81.3%)."""
    return fmt.percent(clean(fraction))


def ratio(value) -> str:
    return f"{float(clean(value)):.2f}"


def money(value) -> str:
    """万元 with at most two decimals: 2025.38, 12.5, 300."""
    return f"{float(clean(value)):.2f}".rstrip("0").rstrip(".")


def date_text(day: dt.date, lang: str) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if lang == "zh" else f"{day.day} {day:%B} {day.year}"


def _clause_join(parts: list[str], lang: str) -> str:
    return ("，" if lang == "zh" else ", ").join(parts)


def summary(source: duckdb.DuckDBPyConnection | Query, filters: Filters, lang: str = "zh") -> list[str]:
    """The paragraphs of the summary text for the filtered view (empty when nothing matches).

    `source` is a store connection or a `(query name, params) -> DataFrame` function such as the
    dashboard's cached `state.run_query`."""
    query = source if callable(source) else functools.partial(run_query, source)
    params = query_params(filters)
    head = {k: clean(v) for k, v in query("headline_totals", params).iloc[0].to_dict().items()}
    if not head.get("inspections") and not head.get("units_total"):
        return []
    if filters.categories:  # the issue list's figures of the chosen categories, as metrics --category
        head.update({k: clean(v) for k, v in query("rectification_totals", params).iloc[0].to_dict().items()})
    scope = t("rep_scope", lang, filters=describe_filters(filters.active(), lang)) if filters.active() else ""
    as_of = t("rep_as_of", lang, date=date_text(filters.as_of, lang))
    paragraphs = [
        _coverage(query, params, head, as_of, scope, lang, subset_key("rep_coverage", filters)),
        _results(head, lang),
        _levels(query, params, lang),
        _categories(query, params, lang),
        _rectification(head, lang),
    ]
    return [p for p in paragraphs if p]


def queries(filters: Filters) -> tuple[str, ...]:
    """The queries the text runs for these filters (started in advance by the briefing page)."""
    return QUERIES + (("rectification_totals",) if filters.categories else ())


def query_params(filters: Filters) -> dict:
    """The parameters the text's queries run with: per district whatever the drill-down grain of the
    screen, as `metrics --json` (the plan sentence names districts)."""
    return {**filters.params(), "grain": "district"}


def text(source: duckdb.DuckDBPyConnection | Query, filters: Filters, lang: str = "zh") -> str:
    return "\n\n".join(summary(source, filters, lang))


def _coverage(query: Query, params: dict, head: dict, as_of: str, scope: str, lang: str,
              key: str = "rep_coverage") -> str:
    """`key`: rep_coverage, or under a round, year, level or mode filter rep_coverage_subset (units
    covered by the selected inspections, as the screen's 覆盖率（所选巡察）)."""
    if not head.get("has_roster"):
        if not head.get("inspections"):
            return ""
        return t("rep_no_roster", lang, as_of=as_of, scope=scope, covered=count(head["units_covered"], lang),
                  inspections=count(head["inspections"], lang))
    if _missing(head.get("coverage_rate")):  # a roster, but no unit under these filters
        return ""
    out = t(key, lang, as_of=as_of, scope=scope, total=count(head["units_total"], lang),
             covered=count(head["units_covered"], lang), rate=percent(head["coverage_rate"]))
    plan = [{k: clean(v) for k, v in row.items()} for row in query("plan_by_district", params).to_dict("records")]
    total = next((row for row in plan if row["is_total"]), None)
    if total is None or _missing(total.get("planned_share")):
        return out + t("rep_no_plan", lang)
    # the gap between the two rates as written (a tenth of a point apart when they read so)
    gap = fmt.shown_percent(total["planned_share"]) - fmt.shown_percent(head["coverage_rate"])
    if total["planned_share"] <= 0:  # as of the plan's first day or before: no plan to be behind or ahead of
        return out + t("rep_plan_not_started", lang, start=date_text(dt.date.fromisoformat(str(total["plan_start"])[:10]), lang))
    if gap > 0:
        out += t("rep_plan_gap", lang, planned=percent(total["planned_share"]), gap=f"{gap:.1f}")
    else:
        out += t("rep_plan_ahead", lang, planned=percent(total["planned_share"]))
    districts = [row for row in plan if not row["is_total"]]
    behind = [row for row in districts if row["behind"]]
    if len(districts) == 1 and behind and not _missing(behind[0].get("covered_share")):
        # one district in scope (a district filter): name it, not "1 district"
        out += t("rep_behind_one", lang, district=behind[0]["district"], rate=percent(behind[0]["covered_share"]))
    elif behind:
        items = [t("rep_behind_item", lang, district=row["district"], rate=percent(row["covered_share"]))
                 for row in behind[:BEHIND_NAMED] if not _missing(row.get("covered_share"))]
        names = join(items, lang)
        if len(behind) > BEHIND_NAMED:
            names = t("rep_behind_more", lang, names=names)
        out += t("rep_behind", lang, n=len(behind), names=names)
    elif len(districts) > 1:
        out += t("rep_all_on_track", lang)
    return out


def _blanks(head: dict, key: str, lang: str) -> str:
    """After a sum that some inspections left blank (未填报): how many (（3次巡察未填报）), as the contract
    asks of every sum over the inspections; else nothing."""
    blank = head.get(f"{key}_not_reported")
    return "" if _missing(blank) or not blank else t("rep_not_reported", lang, n=count(blank, lang))


def _results(head: dict, lang: str) -> str:
    if not head.get("inspections"):
        return ""
    parts = []
    if not _missing(head.get("issues_found")):
        parts.append(t("rep_issues", lang, n=count(head["issues_found"], lang)) + _blanks(head, "issues_found", lang))
        if not _missing(head.get("immediate_fixes")):
            parts.append(t("rep_fixes", lang, n=count(head["immediate_fixes"], lang)) + _blanks(head, "immediate_fixes", lang))
    for key in ("clues", "disciplined", "org_handled", "judicial"):
        if not _missing(head.get(key)):
            parts.append(t(f"rep_{key}", lang, n=count(head[key], lang)) + _blanks(head, key, lang))
    if not _missing(head.get("funds_recovered")):
        yuan = f"{round(float(head['funds_recovered']) * 10_000):,}"  # 万元 -> yuan
        parts.append(t("rep_funds", lang, n=yuan if lang == "en" else money(head["funds_recovered"]))
                     + _blanks(head, "funds_recovered", lang))
    if not parts:
        return ""
    lead = t("rep_results_lead", lang, inspections=count(head["inspections"], lang))
    if lang == "en":
        return (lead + ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1] + ".")
    return lead + _clause_join(parts, lang) + "。"


def _levels(query: Query, params: dict, lang: str) -> str:
    frame = query("results_by_level", params)
    rows = {row["level"]: {k: clean(v) for k, v in row.items()} for row in frame.to_dict("records")}
    municipal = rows.get("municipal")
    if not municipal or "county" not in rows or _missing(municipal.get("ratio_issues_and_clues")):
        return ""
    m = count(municipal["inspections"], lang)
    if _missing(municipal.get("ratio_disciplined")):
        out = t("rep_levels_one", lang, m=m, r1=ratio(municipal["ratio_issues_and_clues"]))
    else:
        out = t("rep_levels", lang, m=m, r1=ratio(municipal["ratio_issues_and_clues"]),
                r2=ratio(municipal["ratio_disciplined"]))
    few = min(("municipal", "county"), key=lambda level: rows[level]["inspections"] or 0)
    if (rows[few]["inspections"] or 0) < FEW_INSPECTIONS:  # 3 municipal inspections gave 9.72倍
        out += t("rep_levels_few", lang, level=value(few, lang).lower() if lang == "en" else value(few, lang),
                 n=count(rows[few]["inspections"], lang))
    return out


def _categories(query: Query, params: dict, lang: str) -> str:
    frame = query("issues_by_category", params)
    if frame.empty:
        return ""
    per = frame.groupby("category", sort=False)["issues"].sum()
    listed = int(per.sum())
    if not listed:
        return ""
    ranked = sorted(per.items(), key=lambda kv: (-int(kv[1]), str(kv[0])))
    n1 = ranked[0][1]
    # categories tied for the most are named together (党的建设、党的领导问题最多，各2个): one of them
    # alone would read as the largest
    firsts = [c for c, n in ranked if n == n1]
    named = [c.removesuffix("问题") if lang == "zh" else c for c in firsts]  # not 群众身边腐败问题问题最多
    key = "rep_categories" if len(firsts) == 1 else "rep_categories_tied"
    out = t(key, lang, listed=count(listed, lang), first=join(named, lang), n1=count(n1, lang), s1=percent(n1 / listed))
    top = ranked[len(firsts):TOP_CATEGORIES]
    if top:
        rest = [t("rep_category_item", lang, category=c, n=count(n, lang), share=percent(n / listed)) for c, n in top]
        return out + t("rep_categories_rest", lang, rest=join(rest, lang) if lang == "en" else "和".join(rest))
    return out + t("rep_categories_end", lang)


def _rectification(head: dict, lang: str) -> str:
    if _missing(head.get("rectification_rate")):
        return ""
    listed = head.get("rectification_basis") == "list"
    parts = [t("rep_rect_list" if listed else "rep_rect_reported", lang, rate=percent(head["rectification_rate"]))]
    if not _missing(head.get("one_month_rectification_rate")):
        parts.append(t("rep_one_month", lang, rate=percent(head["one_month_rectification_rate"])))
    if listed and not _missing(head.get("overdue")):
        parts.append(t("rep_overdue", lang, n=count(head["overdue"], lang)))
        if not _missing(head.get("undated")) and head["undated"] > 0:  # no due date: cannot be overdue
            parts.append(t("rep_undated", lang, n=count(head["undated"], lang)))
    if listed and not _missing(head.get("long_term")):  # with no issue list: not known, not 0
        parts.append(t("rep_long_term", lang, n=count(head["long_term"], lang)))
    return _clause_join(parts, lang) + ("。" if lang == "zh" else ".")
