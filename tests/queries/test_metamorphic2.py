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
    R1,
    ROSTER,
    close,
    figures,
    inspections_file,
    issues_file,
    loaded,
    plain,
    roster_file,
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
        assert figures(later) == figures(at_once)
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
                 cells.DueText("no_year", 9, 15), cells.DueText("no_year", 2, 28)]
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

