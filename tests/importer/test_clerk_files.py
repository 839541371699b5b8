"""Ledgers as clerks finish them for printing and as other systems write them, beyond test_office_exports.py:
the signature line under a printed form, and values written the way a form asks for them. Each imports
with the right figures or is refused naming the real reason."""

from __future__ import annotations

import datetime as dt

import pytest
from support.fast_path import run_both
from support.ledgers import (
    INSPECTION_HEADER,
    INSPECTION_ROWS,
    csv_bytes,
    fresh_store,
    roster_csv,
    run,
    table,
    xlsx_bytes,
)

from inspection import cells
from inspection.importer import InputFile

con = pytest.fixture(fresh_store)

# the signature line of a printed form, each in its own row or several in one row
SIGNATURES = [["单位负责人：张三", "", "审核：李四", "", "填表：王五"], ["制表：赵六"], ["审 核：钱七"], ["经办人：孙八"],
              ["填表日期：2021年6月1日"]]


def test_the_signature_line_under_a_printed_form_is_skipped_as_notes_naming_nobody(con, monkeypatch):
    rows = table(INSPECTION_HEADER, INSPECTION_ROWS) + [[]] + SIGNATURES
    result = run(con, roster_csv(), InputFile("巡察情况.xlsx", xlsx_bytes({"巡察情况": rows})))
    assert result.status == "imported", result.problems
    said = repr(result.warnings)
    assert "表外说明行" in said and "第 5、6、7、8、9 行" in said
    assert not any(name in said for name in ("张三", "李四", "王五", "赵六", "钱七", "孙八"))
    width = len(INSPECTION_HEADER)
    padded = [row + [""] * (width - len(row)) for row in rows]
    result, _ = run_both(monkeypatch, [roster_csv()], [InputFile("巡察情况.csv", csv_bytes(padded))])
    assert result.status == "imported", result.problems


@pytest.mark.parametrize(("written", "start", "end"), [
    ("2021年12月15日至1月20日", "2021-12-15", "2022-01-20"),  # over the new year: the end is in the next
    ("2021.12.15-1.20", "2021-12-15", "2022-01-20"),
    ("2021年3月15日至20日", "2021-03-15", "2021-03-20"),  # the end a day alone: the same month
])
def test_a_range_over_the_new_year_or_ending_on_a_day_alone_gives_both_dates(written, start, end):
    assert cells.to_range(written) == cells.DateRange(dt.date.fromisoformat(start), dt.date.fromisoformat(end))


@pytest.mark.parametrize("written", ["2021.3.1-4",  # the 4th or April: cannot be told
                                     "2021.3.15-20"])
def test_a_range_whose_end_is_a_bare_number_is_refused(written):
    with pytest.raises(cells.CellError):
        cells.to_range(written)


def test_a_range_that_would_run_past_half_a_year_is_not_moved_into_the_next_year(con):
    """2021.5.15-2.20 is a slip (the end before the start), not an inspection of nine months."""
    rows = [list(r) for r in INSPECTION_ROWS]
    start = INSPECTION_HEADER.index("开始日期")
    rows[0][start], rows[0][start + 1] = "2021.5.15-2.20", None
    result = run(con, roster_csv(), InputFile("巡察情况.csv", csv_bytes(table(INSPECTION_HEADER, rows))))
    assert result.status == "rejected"
    assert [p.reason for p in result.problems] == ["结束日期早于开始日期（2021-05-15）"]
