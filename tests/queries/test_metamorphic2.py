"""Metamorphic tests, round two: relations test_metamorphic.py does not check, each against figures
worked out by hand from the contract ("What the figures mean") on the same small ledger
(support/metamorphic.py) or a few rows changed from it.

- every output says the same: the Excel workbook, the slides, the Word report's text, the briefing's
  tiles and `metrics --json`, under several filter sets;
- drill-down: each grain's page rows are its parent's row for it; the unit page is the issue list
  filtered to its unit; a township's never-inspected units are listed uncovered;
- municipal and county teams at one village;
- time: the as-of day around an inspection's start and end and an issue's rectified_date; a due
  date written from the feedback (立行立改, 3个月内, 8月底前) follows its inspection's end date as it
  stands; a long-term issue later rectified;
- roster changes: a unit moved or renamed in a later roster, a roster imported after the inspections."""

from __future__ import annotations

import datetime as dt

import pytest
from support.ledgers import memory_store, run
from support.metamorphic import (
    AS_OF,
    INSPECTIONS,
    ISSUES,
    R1,
    ROSTER,
    assert_same_figures,
    close,
    figures,
    inspections_file,
    issues_file,
    loaded,
    pages,
    plain,
    roster_file,
    stored,
)

from inspection import cells, store
from inspection.filters import Filters
from inspection.importer import undo

SHIQIAO = {"unit_district": "南山区", "unit_township": "南山镇", "unit_name": "石桥村"}


def unit_issues(con, unit: dict, as_of: dt.date) -> list[dict]:
    return store.run_query(con, "unit_issues", {**unit, "as_of": as_of}).to_dict("records")


def day(value) -> dt.date | None:
    if value is None or value != value:
        return None
    return value.date() if hasattr(value, "date") else value


# ---------------------------------------------------------------- time: due dates written from the feedback

# 石桥村's round-1 inspection (no end date in the ledger) ending 2021-07-15, then corrected to 2021-09-30:
# the due date each text gives, worked out by hand (DATA_CONTRACT "Due dates written as text")
FEEDBACK_DUES = {
    "立行立改": (dt.date(2021, 7, 15), dt.date(2021, 9, 30)),
    "8月底前": (dt.date(2021, 8, 31), dt.date(2022, 8, 31)),  # August ended before the 30 September end
    "3个月内": (dt.date(2021, 10, 15), dt.date(2021, 12, 30)),
    "30天内": (dt.date(2021, 8, 14), dt.date(2021, 10, 30)),
}


def shiqiao(end: str) -> list:
    row = list(INSPECTIONS[6])
    assert row[8] == "石桥村" and row[5] == ""
    row[5] = end
    return row


@pytest.mark.parametrize("due", list(FEEDBACK_DUES))
def test_a_due_date_written_from_the_feedback_follows_the_end_date_as_it_stands(due):
    """The same final content imported at once, or first without the end date, then with it, then with
    it corrected: the issue's due date (and so overdue) is the one of the end date as it stands; the
    issue list imported again is unchanged; undoing the correction gives back the first due date."""
    issue = [R1, "南山区", "南山镇", "石桥村", "党的领导", "", "整改中", due, ""]
    first, second = FEEDBACK_DUES[due]
    ended = [shiqiao("2021-07-15") if r[8] == "石桥村" and r[0] == R1 else r for r in INSPECTIONS]
    at_once = loaded(roster_file(), inspections_file(ended), issues_file([issue]))
    later = loaded(roster_file(), inspections_file(), issues_file([issue]))
    try:
        assert [day(r["due_date"]) for r in unit_issues(later, SHIQIAO, AS_OF)] == [None]
        assert figures(later)["undated"] == 1
        assert run(later, inspections_file([shiqiao("2021-07-15")], "补结束日期.csv")).status == "imported"
        for f in (Filters(as_of=AS_OF), Filters(as_of=dt.date(2021, 9, 1), districts=("南山区",))):
            assert_same_figures(later, at_once, f)  # the overdue list and every page too
        assert [day(r["due_date"]) for r in unit_issues(later, SHIQIAO, AS_OF)] == [first]
        corrected = run(later, inspections_file([shiqiao("2021-09-30")], "更正.csv"))
        assert corrected.status == "imported" and corrected.replaced == 1
        assert [day(r["due_date"]) for r in unit_issues(later, SHIQIAO, AS_OF)] == [second]
        as_of = dt.date(2021, 12, 31)
        assert figures(later, Filters(as_of=as_of))["overdue"] == (second < as_of)
        assert run(later, issues_file([issue], "问题清单again.csv")).status == "unchanged"
        undo(later, corrected.import_id, "tester")
        assert figures(later) == figures(at_once)
        assert figures(later, Filters(as_of=as_of)) == figures(at_once, Filters(as_of=as_of))
    finally:
        at_once.close()
        later.close()


def test_the_views_resolve_a_feedback_due_date_as_the_importer_reads_it():
    """queries/_live.sql's feedback_due gives cells.DueText.resolve's date for every kind, over end
    dates at the ends of months, of a leap year and across a year."""
    con = memory_store()
    try:
        texts = [cells.DueText("immediate"), cells.DueText("long_term"), cells.DueText("days", None, 30),
                 cells.DueText("days", None, 1), cells.DueText("months", 1), cells.DueText("months", 3),
                 cells.DueText("months", 12), cells.DueText("no_year", 6), cells.DueText("no_year", 12),
                 cells.DueText("no_year", 1), cells.DueText("no_year", 2), cells.DueText("no_year", 6, 30),
                 cells.DueText("no_year", 9, 15), cells.DueText("no_year", 2, 28), cells.DueText("next_year", 6),
                 cells.DueText("next_year", 12), cells.DueText("next_year", 2), cells.DueText("next_year", 2, 29),
                 cells.DueText("next_year", 3, 31)]
        ends = [dt.date(2021, 1, 31), dt.date(2020, 2, 29), dt.date(2021, 6, 30), dt.date(2021, 7, 1),
                dt.date(2021, 9, 15), dt.date(2021, 11, 30), dt.date(2021, 12, 31), None]
        for text in texts:
            for end in ends:
                got = con.execute("SELECT feedback_due(NULL::DATE, ?, ?, ?, ?::DATE)",
                                  [text.kind, text.month, text.day, end]).fetchone()[0]
                assert got == text.resolve(end), (text, end, got)
        written = dt.date(2021, 6, 30)
        assert con.execute("SELECT feedback_due(?::DATE, NULL, NULL, NULL, DATE '2021-01-01')",
                           [written]).fetchone()[0] == written
    finally:
        con.close()


# ---------------------------------------------------------------- every output says the same

# The figures under each filter set, worked out by hand from the ledger (support/metamorphic.py):
# (units_total, units_covered, inspections, issues_found, clues, disciplined, immediate_fixes,
#  org_handled, judicial, funds_recovered, listed issues, rectified as of the day, overdue, long_term,
#  rectified within a month, listed issues whose inspection has an end date)
HAND = {
    "whole": (Filters(as_of=AS_OF), (12, 11, 15, 53, 10, 6, 14, 5, 2, 34.75, 15, 6, 4, 2, 3, 13)),
    # 王庄村 x2, 河口社区, 柳林村; 河口社区's three listed issues: one rectified after the day, one
    # 未整改 overdue, one without a due date
    "one district": (Filters(as_of=AS_OF, districts=("西城区",)),
                     (3, 3, 4, 14, 3, 2, 5, 1, 2, 14.8, 3, 0, 2, 0, 0, 3)),
    # 张家村 x2, 李家村 x2 (the second starts on the day), 张家墩社区; 张家村's issue due on the day is
    # not overdue, 张家墩社区's 整改中 is
    "one township": (Filters(as_of=AS_OF, districts=("东城区",), townships=("东城区/城关镇",)),
                     (3, 3, 5, 16, 2, 1, 5, 3, 0, 6.0, 9, 5, 1, 2, 3, 9)),
    # 张家村 R1, 南山村 R1, 张家墩社区 R2, 北岭村 R2; listed: 张家村's five and 张家墩社区's four
    "municipal": (Filters(as_of=AS_OF, levels=("municipal",)),
                  (12, 4, 4, 22, 6, 4, 5, 3, 0, 18.25, 9, 5, 1, 2, 3, 9)),
    # the inspections' sums whole; 党的领导's four listed issues: 张家墩社区's rectified in 20 days,
    # 张家村's long-term one, 河口社区's and 南山村's 未整改 overdue
    "one category": (Filters(as_of=AS_OF, categories=("党的领导",)),
                     (12, 11, 15, 53, 10, 6, 14, 5, 2, 34.75, 4, 1, 2, 1, 1, 4)),
    # inside round 2: its inspections started by 2022-04-15 (not 南山村's, not 李家村's second); 张家墩社区's
    # issues listed but none rectified yet; 河口社区's two due 2021-09-30 overdue
    "inside a round": (Filters(as_of=dt.date(2022, 4, 15)),
                       (12, 11, 13, 50, 10, 6, 13, 5, 2, 34.75, 14, 4, 2, 2, 1, 12)),
}
HAND_KEYS = ("units_total", "units_covered", "inspections", "issues_found", "clues", "disciplined",
             "immediate_fixes", "org_handled", "judicial", "funds_recovered", "listed_issues")


def hand(name: str) -> dict:
    f, values = HAND[name]
    out = dict(zip(HAND_KEYS, values[:11], strict=True))
    rectified, out["overdue"], out["long_term"], in_month, with_end = values[11:]
    out["coverage_rate"] = out["units_covered"] / out["units_total"]
    out["rectification_rate"] = rectified / out["listed_issues"]
    out["one_month_rectification_rate"] = in_month / with_end
    return out


def numbers_in(text: str) -> list[str]:
    import re

    return re.findall(r"\d+(?:\.\d+)?%?", text)


def read_xlsx(data: bytes) -> dict[str, list[list]]:
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    return {sheet.title: [[c.value for c in row] for row in sheet.iter_rows()] for sheet in book.worksheets}


def read_pptx_tables(data: bytes) -> list[list[list[str]]]:
    import io

    from pptx import Presentation

    out = []
    for slide in Presentation(io.BytesIO(data)).slides:
        for shape in slide.shapes:
            if shape.has_table:
                out.append([[cell.text for cell in row.cells] for row in shape.table.rows])
    return out


def read_docx(data: bytes) -> tuple[str, list[list[list[str]]]]:
    import io

    from docx import Document

    document = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in document.paragraphs)
    return text, [[[c.text for c in row.cells] for row in table.rows] for table in document.tables]


@pytest.fixture(scope="module")
def whole_store():
    con = loaded(*plain())
    yield con
    con.close()


@pytest.mark.parametrize("name", list(HAND))
def test_every_output_states_the_hand_worked_figures(name, whole_store):
    """metrics --json, the briefing's tiles, its Excel workbook, its slides and its Word report (the
    summary text and the district table) under one filter set: each states the figures worked out by
    hand, as it writes them (a fraction in the workbook, 91.7% on a slide and in the text)."""
    from inspection import briefing, export, fmt, report

    con, f, want = whole_store, HAND[name][0], hand(name)
    got = figures(con, f)
    for key, value in want.items():
        assert close(got[key], value), (key, got[key], value)

    brief = briefing.build(con, f)
    tiles = [want["coverage_rate"], want["inspections"], want["issues_found"], want["clues"], want["disciplined"],
             want["rectification_rate"]]
    assert [tile.raw for tile in brief.tiles] == pytest.approx(tiles)
    shown = [fmt.percent(tiles[0]), *(fmt.count(v) for v in tiles[1:5]), fmt.percent(tiles[5])]
    assert [tile.shown for tile in brief.tiles] == shown
    assert brief.tiles[-1].detail.endswith(fmt.listed(want["overdue"], want["listed_issues"]))

    sheets = read_xlsx(export.tables_xlsx(brief.tables()))
    kpi = sheets["主要指标"]
    assert kpi[0] == ["指标", "数值", "显示值"]
    assert [row[1] for row in kpi[1:]] == pytest.approx(tiles)
    assert [row[2] for row in kpi[1:]] == shown
    categories = next(rows for title, rows in sheets.items() if title.startswith("问题类别"))
    head = categories[0]
    assert sum(r[head.index("问题数")] for r in categories[1:]) == want["listed_issues"]
    assert sum(r[head.index("逾期未整改")] for r in categories[1:]) == want["overdue"]

    slides = brief.deck_slides(with_extra=True)
    tables = read_pptx_tables(export.deck_pptx(brief.title, brief.subtitle, slides, images=[None] * len(slides)))
    assert [row[1] for row in tables[0][1:]] == shown  # the key figures' slide

    text, docx_tables = read_docx(brief.docx(images=[None] * len(brief.slides + brief.extra)))
    paragraphs = text.split("\n")
    assert all(p in paragraphs for p in report.summary(con, f)), text
    said = numbers_in(report.text(con, f))
    for key in ("units_total", "units_covered", "inspections", "issues_found", "clues", "immediate_fixes",
                "disciplined", "org_handled", "judicial", "overdue", "long_term", "listed_issues"):
        assert str(want[key]) in said, (key, want[key], said)
    assert report.money(want["funds_recovered"]) in said
    for key in ("coverage_rate", "rectification_rate", "one_month_rectification_rate"):
        assert fmt.percent(want[key]) in said, (key, fmt.percent(want[key]), said)
    [district_table] = docx_tables
    header, rows = district_table[0], district_table[1:]
    assert sum(int(r[header.index("应巡对象")]) for r in rows) == want["units_total"]
    assert sum(int(r[header.index("已覆盖")]) for r in rows) == want["units_covered"]
    assert sum(int(r[header.index("巡察次数")] or 0) for r in rows) == want["inspections"]


def test_a_rate_on_a_tie_is_written_alike_in_the_text_and_on_the_tiles():
    """13 of 16 units covered: 81.25% exactly. The written report (and the Word report) said 81.2%
    (Python's rounding of a tie to even) where the tiles, the slides and the charts say 81.3%."""
    from inspection import briefing, fmt, report

    more = [["南山区", "南山镇", name, "村", "否"] for name in ("东岭村", "西岭村", "上湾村", "下湾村")]
    visits = [[*INSPECTIONS[13][:8], name, 1, 0, 0, 0, 0, 0, 1, 0] for name in ("东岭村", "西岭村")]
    con = loaded(roster_file([*ROSTER, *more]), inspections_file([*INSPECTIONS, *visits]), issues_file())
    try:
        got = figures(con)
        assert (got["units_total"], got["units_covered"]) == (16, 13)
        assert fmt.percent(got["coverage_rate"]) == "81.3%"
        assert brief_tile(briefing.build(con, Filters(as_of=AS_OF)), 0) == "81.3%"
        text = report.text(con, Filters(as_of=AS_OF))
        assert "81.3%" in text and "81.2%" not in text, text
    finally:
        con.close()


def brief_tile(brief, n: int) -> str:
    return brief.tiles[n].shown


# ---------------------------------------------------------------- drill-down: a grain's page is its parent's row

def area_rows(con, name: str, f: Filters) -> dict:
    return {r["district"]: r for r in store.run_query(con, name, {**f.params(), "limit": None}).to_dict("records")}


def listed_by_area(con, f: Filters) -> dict:
    out: dict = {}
    for r in store.run_query(con, "issues_by_district_category", f.params()).to_dict("records"):
        out[r["district"]] = out.get(r["district"], 0) + r["issues"]
    return out


def overdue_by_area(con, f: Filters) -> dict:
    out: dict = {}
    for r in store.run_query(con, "overdue_by_district_category", f.params()).to_dict("records"):
        out[r["district"]] = out.get(r["district"], 0) + r["overdue"]
    return out


def assert_child_is_parents_row(con, parent: Filters, area: str, child: Filters) -> None:
    """The child view's headline (metrics --json under its filters) is the parent view's row for it."""
    got = figures(con, child)
    results, cover = area_rows(con, "results_by_district", parent), area_rows(con, "coverage_by_district", parent)
    row, cov = results.get(area, {}), cover[area]
    assert (got["units_total"], got["units_covered"]) == (cov["units_total"], cov["units_covered"]), (area, parent)
    assert got["inspections"] == (row.get("inspections") or 0), (area, parent)
    for key in ("issues_found", "clues", "disciplined"):
        value = row.get(key)
        assert close(got[key], None if value is None or value != value else value), (key, area, parent)
    assert (got["listed_issues"] or 0) == listed_by_area(con, parent).get(area, 0), (area, parent)
    assert (got["overdue"] or 0) == overdue_by_area(con, parent).get(area, 0), (area, parent)


DRILLED = [Filters(as_of=AS_OF), Filters(as_of=dt.date(2022, 4, 15)), Filters(as_of=AS_OF, levels=("county",)),
           Filters(as_of=AS_OF, categories=("党的领导",)), Filters(as_of=AS_OF, rounds=(R1,))]


@pytest.mark.parametrize("base", DRILLED, ids=["all", "inside a round", "county", "one category", "round 1"])
def test_each_grains_view_is_its_parents_row_for_it(base, whole_store):
    """District -> township: the figures of a district's view are its row in the whole view's tables
    (results, coverage, listed and overdue issues), and a township's its row in its district's view."""
    con = whole_store
    for district in ("东城区", "西城区", "南山区"):
        one = Filters(**{**base.__dict__, "districts": (district,)})
        assert_child_is_parents_row(con, base, district, one)
        for town in area_rows(con, "coverage_by_district", one):
            assert one.grain() == "township"
            assert_child_is_parents_row(con, one, town, Filters(**{**one.__dict__,
                                                                   "townships": (f"{district}/{town}",)}))


UNITS = [("东城区", "城关镇", "张家村"), ("东城区", "城关镇", "张家墩社区"), ("西城区", "河口镇", "河口社区"),
         ("南山区", "南山镇", "石桥村"), ("南山区", "南山镇", "南山社区")]


@pytest.mark.parametrize("as_of", [AS_OF, dt.date(2021, 6, 30), dt.date(2023, 1, 15)])
def test_a_unit_page_is_its_row_in_the_township_view_and_the_issue_list_filtered_to_it(as_of, whole_store):
    """The unit page (对象档案): its inspections are its row of the township's view, its issues per
    category are the issue list's rows of that unit (ISSUES filtered by hand), and its issue rows
    one by one add up to the same."""
    con = whole_store
    for district, town, name in UNITS:
        township = Filters(as_of=as_of, districts=(district,), townships=(f"{district}/{town}",))
        assert township.grain() == "unit"
        unit = {"unit_district": district, "unit_township": town, "unit_name": name}
        rounds = store.run_query(con, "unit_inspections_by_round", {**unit, "as_of": as_of})
        row = area_rows(con, "results_by_district", township).get(name, {})
        assert len(rounds) == (row.get("inspections") or 0), name
        assert rounds["issues_found"].sum() == (row.get("issues_found") or 0), name
        mine = [s for s in ISSUES if s[3] == name and started(s[0], name, as_of)]
        per = store.run_query(con, "unit_issues_by_category", {**unit, "as_of": as_of})
        assert dict(zip(per["category"], per["issues"], strict=True)) == count_by(mine, 4), name
        assert per["issues"].sum() == listed_by_area(con, township).get(name, 0), name
        assert per["overdue"].sum() == overdue_by_area(con, township).get(name, 0), name
        rows = unit_issues(con, unit, as_of)
        assert len(rows) == len(mine), name
        assert sum(bool(r["is_overdue"]) for r in rows) == per["overdue"].sum(), name
        assert sum(bool(r["is_rectified"]) for r in rows) == per["rectified"].sum(), name


def started(round_: str, name: str, as_of: dt.date) -> bool:
    return any(r[0] == round_ and r[8] == name and dt.date.fromisoformat(r[4]) <= as_of for r in INSPECTIONS)


def count_by(rows, column: int) -> dict:
    out: dict = {}
    for r in rows:
        out[r[column]] = out.get(r[column], 0) + 1
    return out


def test_a_townships_never_inspected_unit_is_shown_not_covered(whole_store):
    """南山镇: 南山社区 is in the roster and never inspected: the township's view lists it at 0 of 1,
    among the uncovered units, and offers it on the unit page, which shows no inspection and no
    issue; under the municipal level 南山镇's units but 南山村 and 北岭村 are uncovered."""
    con = whole_store
    f = Filters(as_of=AS_OF, districts=("南山区",), townships=("南山区/南山镇",))
    cover = area_rows(con, "coverage_by_district", f)
    assert {k: (r["units_total"], r["units_covered"]) for k, r in cover.items()} == {
        "南山村": (1, 1), "石桥村": (1, 1), "北岭村": (1, 1), "南山社区": (1, 0)}
    got = figures(con, f)
    assert (got["units_total"], got["units_covered"]) == (4, 3)
    assert [u["unit_name"] for u in got["uncovered"]] == ["南山社区"]
    names = store.run_query(con, "units_by_name", {**f.params(), "limit": None})["unit_name"].tolist()
    assert "南山社区" in names
    unit = {"unit_district": "南山区", "unit_township": "南山镇", "unit_name": "南山社区"}
    assert store.run_query(con, "unit_inspections_by_round", {**unit, "as_of": AS_OF}).empty
    assert store.run_query(con, "unit_issues_by_category", {**unit, "as_of": AS_OF}).empty
    municipal = figures(con, Filters(**{**f.__dict__, "levels": ("municipal",)}))
    assert sorted(u["unit_name"] for u in municipal["uncovered"]) == ["南山社区", "石桥村"]
    assert (municipal["units_total"], municipal["units_covered"]) == (4, 2)


# ---------------------------------------------------------------- municipal and county teams

def test_a_unit_inspected_by_both_levels_is_covered_once_and_the_ratios_are_the_hand_worked_ones(whole_store):
    """张家村 and 南山村: a municipal team in round 1, a county team in round 2. Each level covers it
    (municipal 4 units, county 9), both together once (11 of 12). The like-for-like ratios (only the
    (district, year) cells both levels inspected: 东城区 and 南山区 in 2021 and 2022) by hand."""
    con = whole_store
    both = figures(con, Filters(as_of=AS_OF, levels=("municipal", "county")))
    assert (both["units_covered"], both["inspections"]) == (11, 15)
    assert (both["by_level"]["municipal"]["units"], both["by_level"]["county"]["units"]) == (4, 9)
    assert figures(con, Filters(as_of=AS_OF, levels=("municipal",)))["units_covered"] == 4
    assert figures(con, Filters(as_of=AS_OF, levels=("county",)))["units_covered"] == 9
    levels = {r["level"]: r for r in store.run_query(con, "results_by_level", Filters(as_of=AS_OF).params())
              .to_dict("records")}
    assert (levels["municipal"]["units"], levels["county"]["units"]) == (4, 9)
    like = {r["level"]: r for r in store.run_query(con, "results_by_level_like", Filters(as_of=AS_OF).params())
            .to_dict("records")}
    # municipal: all four; county: 李家村, 新安村 (clues blank), 石桥村 (immediate fixes blank) in 2021,
    # 张家村, 王湾村, 李家村, 南山村 in 2022
    assert (like["municipal"]["inspections"], like["county"]["inspections"], like["municipal"]["cells"]) == (4, 7, 4)
    assert like["municipal"]["avg_issues_and_clues"] == pytest.approx(28 / 4)
    assert like["county"]["avg_issues_and_clues"] == pytest.approx(14 / 6)
    assert like["municipal"]["ratio_issues_and_clues"] == pytest.approx(3.0)
    assert like["municipal"]["ratio_clues"] == pytest.approx((6 / 4) / (1 / 6))
    assert like["municipal"]["ratio_immediate_fixes"] == pytest.approx((5 / 4) / (4 / 6))
    assert like["county"]["avg_disciplined"] == 0
    assert like["municipal"]["ratio_disciplined"] != like["municipal"]["ratio_disciplined"] or \
        like["municipal"]["ratio_disciplined"] is None  # a county average of 0: no ratio


def test_a_village_inspected_by_the_municipal_level_only_has_no_county_figures(whole_store):
    """北岭村: one municipal inspection, nothing else. Its township's view under the county level has
    no row of results for it and counts it uncovered; under the municipal level it is covered with
    its six issues and two clues."""
    con = whole_store
    town = Filters(as_of=AS_OF, districts=("南山区",), townships=("南山区/南山镇",))
    county = Filters(**{**town.__dict__, "levels": ("county",)})
    municipal = Filters(**{**town.__dict__, "levels": ("municipal",)})
    assert "北岭村" not in area_rows(con, "results_by_district", county)
    assert area_rows(con, "coverage_by_district", county)["北岭村"]["units_covered"] == 0
    row = area_rows(con, "results_by_district", municipal)["北岭村"]
    assert (row["inspections"], row["issues_found"], row["clues"]) == (1, 6, 2)
    assert area_rows(con, "coverage_by_district", municipal)["北岭村"]["units_covered"] == 1


# ---------------------------------------------------------------- time: the as-of day

# 张家墩社区's round-2 inspection: 2022-03-01 to 2022-04-30 (its first); its four issues rectified
# 2022-05-20 and 2022-05-30 (20 and 30 days after), one 整改中 due 2022-06-30, one long-term.
# (as of, units covered, inspections, listed, rectified, overdue, long-term, in a month, listed with an end)
AROUND = {
    dt.date(2022, 2, 28): (7, 7, 10, 4, 2, 1, 1, 8),   # the day before: round 1 only
    dt.date(2022, 3, 1): (8, 9, 14, 4, 2, 2, 1, 12),   # its start: 张家村's and its round 2 count
    dt.date(2022, 4, 30): (11, 13, 14, 4, 2, 2, 1, 12),  # its end: nothing of its issues rectified yet
    dt.date(2022, 5, 20): (11, 13, 14, 5, 2, 2, 2, 12),  # its first issue rectified, 20 days on
    dt.date(2022, 7, 1): (11, 13, 14, 6, 3, 2, 3, 12),  # its 整改中 issue due 06-30 overdue
    dt.date(2023, 1, 14): (11, 15, 15, 6, 5, 2, 3, 13),  # 河口社区's rectified on 01-15: still overdue
    dt.date(2023, 1, 15): (11, 15, 15, 7, 4, 2, 3, 13),
}


@pytest.mark.parametrize("as_of", list(AROUND))
def test_the_figures_around_an_inspections_start_and_end_and_a_rectified_date(as_of, whole_store):
    covered, inspections, listed, rectified, overdue, long_term, in_month, with_end = AROUND[as_of]
    got = figures(whole_store, Filters(as_of=as_of))
    assert (got["units_covered"], got["inspections"], got["listed_issues"], got["overdue"], got["long_term"]) == (
        covered, inspections, listed, overdue, long_term)
    assert got["rectification_rate"] == pytest.approx(rectified / listed)
    assert got["one_month_rectification_rate"] == pytest.approx(in_month / with_end)


def test_a_long_term_issue_later_rectified_by_a_corrected_list():
    """张家村's 长期整改 issue is written 已整改 on 2022-06-01 in a corrected issue list: from that day it
    is rectified (7 of 15) and no longer long-term; before it, the store keeps no earlier status, so
    it is an open issue without a due date (undated), not long-term — ambiguous in the contract
    ("long-term as of the date"); undoing the correction gives the long-term issue back."""
    con = loaded(*plain())
    try:
        before = {d: figures(con, Filters(as_of=d)) for d in (dt.date(2022, 5, 31), AS_OF)}
        fixed = [list(r) for r in ISSUES if r[3] == "张家村"]
        assert fixed[3][6] == "长期整改"
        fixed[3][6], fixed[3][8] = "已整改", "2022-06-01"
        result = run(con, issues_file(fixed, "更正.csv"))
        assert result.status == "imported" and result.replaced == 5
        got = figures(con)
        assert (got["long_term"], got["overdue"], got["undated"]) == (1, 4, 1)
        assert got["rectification_rate"] == pytest.approx(7 / 15)
        assert [(r["category"], r["issues"], r["rectified"], r["long_term"]) for r in got["by_category"]
                if r["subcategory"] == "理论学习"] == [("党的领导", 2, 2, 0)]
        may = figures(con, Filters(as_of=dt.date(2022, 5, 31)))
        assert (may["long_term"], may["undated"]) == (before[dt.date(2022, 5, 31)]["long_term"] - 1,
                                                       before[dt.date(2022, 5, 31)]["undated"] + 1)
        assert may["rectification_rate"] == before[dt.date(2022, 5, 31)]["rectification_rate"]
        june = figures(con, Filters(as_of=dt.date(2022, 6, 1)))
        assert june["long_term"] == 1
        undo(con, result.import_id, "tester")
        assert figures(con) == before[AS_OF]
    finally:
        con.close()


# ---------------------------------------------------------------- roster changes

CODE = {r[2]: f"C{n:03d}" for n, r in enumerate(ROSTER)}


def coded_files(roster=ROSTER, inspections=INSPECTIONS, issues=ISSUES, name: str = "名册.csv") -> list:
    """The ledger with unit codes in every table (the unit's identity is then its code)."""
    from support.ledgers import InputFile, csv_bytes, table
    from support.metamorphic import INSPECTION_HEADER, ISSUE_HEADER, ROSTER_HEADER

    def code(unit):
        return CODE.get(unit, CODE.get({"李家庄村": "李家村"}.get(unit, unit)))

    return [InputFile(name, csv_bytes(table([*ROSTER_HEADER, "组织编码"], [[*r, code(r[2])] for r in roster]))),
            InputFile("巡察情况.csv", csv_bytes(table([*INSPECTION_HEADER, "组织编码"],
                                                    [[*r, code(r[8])] for r in inspections]))),
            InputFile("问题清单.csv", csv_bytes(table([*ISSUE_HEADER, "组织编码"], [[*r, code(r[3])] for r in issues])))]


def moved(rows, column: int, unit: str, township: str | None = None, name: str | None = None) -> list:
    """The rows with `unit` moved to `township` and / or renamed `name` (column: its unit_name's)."""
    out = []
    for r in rows:
        r = list(r)
        if r[column] == unit:
            r[column - 1] = township or r[column - 1]
            r[column] = name or r[column]
        out.append(r)
    return out


CHANGES = {
    # 李家村 moves from 城关镇 to 新安镇 with its two inspections (3 and 2 issues found)
    "moved": dict(township="新安镇"),
    "renamed": dict(name="李家庄村"),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_unit_moved_or_renamed_in_a_later_roster_takes_its_inspections_along(change):
    """With unit codes, a later roster that moves 李家村 to 新安镇 (or renames it 李家庄村) changes
    the unit, not the figures' totals: its inspections follow it. The store equals one that had the
    new roster from the start, and the townships' figures are the hand-worked ones."""
    later = loaded(*coded_files())
    try:
        roster = moved(ROSTER, 2, "李家村", **CHANGES[change])
        result = run(later, coded_files(roster, name="名册新.csv")[0])
        assert result.status == "imported" and result.replaced == 1, (result.problems, result.warnings)
        at_once = loaded(*coded_files(roster, moved(INSPECTIONS, 8, "李家村", **CHANGES[change]),
                                      moved(ISSUES, 3, "李家村", **CHANGES[change])))
        try:
            for f in (Filters(as_of=AS_OF), Filters(as_of=AS_OF, districts=("东城区",)),
                      Filters(as_of=AS_OF, districts=("东城区",), townships=("东城区/城关镇",)),
                      Filters(as_of=AS_OF, districts=("东城区",), townships=("东城区/新安镇",))):
                got, want = figures(later, f), figures(at_once, f)
                assert got == want, f
            whole = figures(later)
            assert (whole["units_total"], whole["units_covered"], whole["inspections"]) == (12, 11, 15)
            towns = area_rows(later, "results_by_district", Filters(as_of=AS_OF, districts=("东城区",)))
            if change == "moved":  # 城关镇: 张家村 x2, 张家墩社区; 新安镇: 新安村, 王湾村, 李家村 x2
                assert (towns["城关镇"]["inspections"], towns["城关镇"]["issues_found"]) == (3, 11)
                assert (towns["新安镇"]["inspections"], towns["新安镇"]["issues_found"]) == (4, 12)
            else:
                unit = {"unit_district": "东城区", "unit_township": "城关镇", "unit_name": "李家庄村"}
                assert len(store.run_query(later, "unit_inspections_by_round", {**unit, "as_of": AS_OF})) == 2
        finally:
            at_once.close()
    finally:
        later.close()


def test_a_unit_moved_in_a_later_roster_without_codes_is_a_new_unit_and_the_old_one_is_kept():
    """Without codes a unit is (district, township, name): 李家村 written under 新安镇 in a later roster
    is a new unit, uncovered, and the 城关镇 one stays with its inspections (a roster never deletes a
    unit it leaves out); the import says it kept 李家村. The contract does not say a unit can move."""
    con = loaded(*plain())
    try:
        result = run(con, roster_file(moved(ROSTER, 2, "李家村", township="新安镇"), "名册新.csv"))
        assert result.status == "imported" and result.added == 1
        assert any("李家村" in w for w in result.warnings), result.warnings
        got = figures(con)
        assert (got["units_total"], got["units_covered"], got["inspections"]) == (13, 11, 15)
        assert ("东城区", "新安镇", "李家村") in [(u["district"], u["township"], u["unit_name"]) for u in got["uncovered"]]
    finally:
        con.close()


EXTRA = [["西城区", "河口镇", "河西村", "村", "否"], ["南山区", "南山镇", "岭南村", "村", "是"]]
MID_PLAN = dt.date(2022, 6, 30)


def with_plan(con):
    from inspection import plan

    plan.save(con, plan.Plan("*", dt.date(2021, 1, 1), dt.date(2022, 12, 31), 1.0), "test")
    return con


def plan_total(con, f: Filters) -> dict:
    return next(r for r in figures(con, f)["plan"] if r["is_total"])


def test_units_added_to_the_roster_mid_plan_count_in_its_total_as_if_there_from_the_start():
    """A plan 2021-2022 for the whole roster; two units added by a roster imported mid-plan: the plan
    (and every figure and page) equals a store that had them from the start; undoing that roster
    (the units removed) equals never adding them. By hand as of 2022-06-30: 545 of 729 days gone,
    the plan calls for round(545/729 x 14) = 10 units of 14, 11 are covered, 3 remain."""
    later = with_plan(loaded(*plain()))
    at_once = with_plan(loaded(roster_file([*ROSTER, *EXTRA]), inspections_file(), issues_file()))
    plain_store = with_plan(loaded(*plain()))
    try:
        result = run(later, roster_file([*ROSTER, *EXTRA], "名册增补.csv"))
        assert result.status == "imported" and result.added == 2
        for f in (Filters(as_of=MID_PLAN), Filters(as_of=MID_PLAN, districts=("南山区",)),
                  Filters(as_of=MID_PLAN, unit_types=("村",)), Filters(as_of=AS_OF)):
            assert figures(later, f) == figures(at_once, f), f
            got, want = pages(later, f), pages(at_once, f)
            for query in want:
                if query != "plan_settings_by_district":  # when and by whom the plan was saved
                    assert got[query] == want[query], (query, f)
        total = plan_total(later, Filters(as_of=MID_PLAN))
        assert total["planned_share"] == pytest.approx(545 / 729)
        assert (total["planned_units"], total["remaining_units"], total["gap_units"]) == (10, 3, -1)
        undo(later, result.import_id, "tester")
        for f in (Filters(as_of=MID_PLAN), Filters(as_of=MID_PLAN, districts=("南山区",))):
            assert figures(later, f) == figures(plain_store, f), f
        total = plan_total(later, Filters(as_of=MID_PLAN))
        assert (total["planned_units"], total["remaining_units"], total["gap_units"]) == (9, 1, -2)
    finally:
        later.close()
        at_once.close()
        plain_store.close()



@pytest.mark.parametrize(("name", "query"), [
    ("one township", {"district": "东城区", "township": "城关镇（东城区）", "as_of": "2022-12-31"}),
    ("inside a round", {"as_of": "2022-04-15"}),
])
def test_the_briefing_page_shows_the_hand_worked_figures(name, query, make_app, tmp_path):
    """The briefing page itself (its filters read from the address, its cached queries): the tiles
    show the hand-worked figures, as the exports above write them."""
    from support.apptest import assert_clean

    from inspection import fmt

    db = stored(tmp_path / "store.duckdb")
    want = hand(name)
    at = make_app(db, query, page="pages/briefing.py")
    assert_clean(at)
    assert at.session_state["_filters"] == HAND[name][0]
    shown = [m.value for m in at.metric]
    assert shown == [fmt.percent(want["coverage_rate"]), *(fmt.count(want[k]) for k in (
        "inspections", "issues_found", "clues", "disciplined")), fmt.percent(want["rectification_rate"])]


def test_a_roster_imported_after_the_inspections():
    """Inspections and issues taken without a roster, the roster a week later: with every unit, the
    figures of the three imported at once, and nothing to say; without 石桥村, its inspection still
    counts (15 inspections, 53 issues found) but covers no roster unit (10 of 11), and the import names
    it — it was left out of the coverage silently."""
    whole = loaded(*plain())
    full = loaded(inspections_file(), issues_file())
    short = loaded(inspections_file(), issues_file())
    try:
        result = run(full, roster_file())
        assert result.status == "imported" and not any("不在名册中" in w for w in result.warnings), result.warnings
        assert figures(full) == figures(whole)
        result = run(short, roster_file([u for u in ROSTER if u[2] != "石桥村"]))
        assert result.status == "imported"
        assert [w for w in result.warnings if "不在名册中" in w] == [
            "已导入的巡察中有 1 个对象不在名册中（石桥村）：它们的巡察仍计入巡察次数和问题数，但不计入任何对象的覆盖；"
            "如是名册漏列，请补入名册；如是名称写法不同，请按名册更正巡察情况后重新导入"]
        got = figures(short)
        assert (got["units_total"], got["units_covered"], got["inspections"], got["issues_found"]) == (11, 10, 15, 53)
        assert [u["unit_name"] for u in got["uncovered"]] == ["南山社区"]
    finally:
        whole.close()
        full.close()
        short.close()


def test_the_compare_pages_ratio_tiles_are_the_hand_worked_ratios(make_app, tmp_path):
    """The compare page's tiles: the municipal / county ratios of the whole (municipal 4 inspections,
    county 11; issues and clues over the 10 county ones that reported both, clues over 10, immediate
    fixes over 10), then like for like (the cells both levels inspected: 4 municipal, 7 county; no
    ratio of a county average of 0)."""
    from support.apptest import assert_clean

    db = stored(tmp_path / "store.duckdb")
    at = make_app(db, {"as_of": AS_OF.isoformat()}, page="pages/compare.py")
    assert_clean(at)
    whole = [(28 / 4) / (31 / 10), (6 / 4) / (4 / 10), 1.0 / (2 / 11), (5 / 4) / (9 / 10)]
    like = [(28 / 4) / (14 / 6), (6 / 4) / (1 / 6), None, (5 / 4) / (4 / 6)]
    assert [m.value for m in at.metric] == ["—" if r is None else f"{r:.2f} 倍" for r in whole + like]
