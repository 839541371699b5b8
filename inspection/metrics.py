"""The headline figures as one JSON document, computed by the same queries the pages use."""

from __future__ import annotations

import math

import duckdb

from .filters import LEVELS, Filters, listing
from .store import run_query

# below this many inspections of a level, the municipal / county ratios move with one inspection: the
# compare page and the written report say so beside them
FEW_INSPECTIONS = 10
COUNTS = ("issues_found", "clues", "immediate_fixes", "disciplined", "org_handled", "judicial",
          "rectified", "funds_recovered")


def clean(value):
    """JSON-safe scalars: NaN/NA -> None, numpy -> Python, dates -> ISO text.

    Floats are rounded to 12 significant digits: DuckDB sums doubles in parallel in no fixed order,
    so their last bits vary from run to run, and the same figure must print the same every time.
    """
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    try:
        if value != value or (isinstance(value, float) and math.isinf(value)):
            return None
    except TypeError:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if isinstance(value, float):
        return float(f"{value:.12g}")
    return value


def _int(value):
    value = clean(value)
    return None if value is None else int(value)


def records(frame) -> list[dict]:
    return [{k: clean(v) for k, v in row.items()} for row in frame.to_dict("records")]


# the issue list's figures of headline_totals, which rectification_totals also gives for the chosen
# issue categories
LIST_FIGURES = ("listed_issues", "listed_rectified", "overdue", "long_term", "open_in_time", "undated",
                "listed_with_feedback", "rectified_in_month", "rectification_rate", "rectification_basis",
                "one_month_rectification_rate")


def issue_list_figures(query, params: dict, filters: Filters, head: dict) -> dict:
    """The issue list's figures under the filters: headline_totals' own (`head`), or under an issue-category
    filter those of the chosen categories (rectification_totals: headline_totals has no category, and
    the inspections' counts stay whole). `query`: (name, params) -> DataFrame. The command line, the
    written report and the tiles of the overview and the briefing read them alike."""
    if not filters.categories:
        return {k: head[k] for k in LIST_FIGURES}
    row = query("rectification_totals", params).iloc[0].to_dict()
    return {k: row[k] for k in LIST_FIGURES}


def compute(con: duckdb.DuckDBPyConnection, filters: Filters) -> dict:
    # by_district and plan stay per district whatever the filters (the dashboard's drill-down grain
    # is for the screen; the JSON keeps one shape)
    params = {**filters.params(), "grain": "district"}
    head = records(run_query(con, "headline_totals", params))[0]
    out = {
        "as_of": filters.as_of.isoformat(),
        "filters": {k: list(v) if isinstance(v, tuple) else v for k, v in filters.active().items()},
        "units_total": _int(head["units_total"]),
        "units_covered": _int(head["units_covered"]),
        "coverage_rate": head["coverage_rate"],
        "inspections": _int(head["inspections"]),
    }
    for name in COUNTS:
        out[name] = head[name] if name == "funds_recovered" else _int(head[name])
    if filters.categories:
        # the issue list's figures of the chosen categories (rectification_totals honours them, as the
        # follow-up page's tiles do); the inspections' sums above have no category
        head = {**head, **records(run_query(con, "rectification_totals", params))[0]}
    out["rectification_rate"] = head["rectification_rate"]
    out["rectification_basis"] = head["rectification_basis"]
    out["one_month_rectification_rate"] = head["one_month_rectification_rate"]
    out["listed_issues"] = _int(head["listed_issues"])
    out["overdue"] = _int(head["overdue"])
    out["long_term"] = _int(head["long_term"])  # long-term issues (长期整改): not rectified, never overdue
    out["undated"] = _int(head["undated"])  # open issues with no due date: never overdue, cannot be told
    out["not_reported"] = {name: _int(head[f"{name}_not_reported"]) for name in COUNTS}
    if not head["has_roster"]:
        out["coverage_note"] = "no roster loaded: coverage cannot be computed"

    levels = {row["level"]: row for row in records(run_query(con, "results_by_level", params))}
    out["by_level"] = {}
    for level in LEVELS:
        row = levels.get(level, {})
        out["by_level"][level] = {
            "inspections": _int(row.get("inspections")) or 0,
            "units": _int(row.get("units")) or 0,
            "issues_found": _int(row.get("issues_found")),
            "clues": _int(row.get("clues")),
            "disciplined": _int(row.get("disciplined")),
            "avg_issues_and_clues": row.get("avg_issues_and_clues"),
            "avg_disciplined": row.get("avg_disciplined"),
        }
    any_row = next(iter(levels.values()), {})
    out["ratio_issues_and_clues"] = any_row.get("ratio_issues_and_clues")
    out["ratio_disciplined"] = any_row.get("ratio_disciplined")

    out["by_district"] = [
        {"district": r["district"], "units_total": _int(r["units_total"]),
         "units_covered": _int(r["units_covered"]), "coverage_rate": r["coverage_rate"]}
        for r in records(run_query(con, "coverage_by_district", params))
    ]
    out["by_category"] = [
        {"category": r["category"], "subcategory": r["subcategory"], "issues": _int(r["issues"]),
         "rectified": _int(r["rectified"]), "long_term": _int(r["long_term"])}
        for r in records(run_query(con, "issues_by_category", params))
    ]
    out["plan"] = plan_rows(con, params)
    out["uncovered"] = [
        {"district": r["district"], "township": r["township"], "unit_name": r["unit_name"]}
        for r in records(run_query(con, "uncovered_units", listing("uncovered_units", params, whole=True)))
    ]
    return out


PLAN_KEYS = ("district", "planned_share", "covered_share", "planned_units", "gap_units", "remaining_units",
             "pace_per_month", "projected_full_coverage", "months_left", "needed_per_month", "lacking_per_month",
             "behind", "no_progress", "is_total")


def plan_rows(con: duckdb.DuckDBPyConnection, params: dict) -> list[dict]:
    """The coverage plan per district and the total (is_total, district None), from the page's query.
    projected_full_coverage is None with no_progress when nothing was covered in the last 6 months."""
    return [{key: row[key] for key in PLAN_KEYS} for row in records(run_query(con, "plan_by_district", params))]
