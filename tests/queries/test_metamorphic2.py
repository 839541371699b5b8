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
    figures,
    inspections_file,
    issues_file,
    loaded,
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

