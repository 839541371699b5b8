"""A small summary table written beside the ledger on the same sheet, past a blank column (乡镇 | 巡察村数 |
发现问题, or 问题类别 | 问题数), as offices keep one to glance at: the ledger is read and the summary is not, and
the import names it. Two ledgers side by side are still refused, naming why."""

from __future__ import annotations

import pytest
from support.ledgers import (
    INSPECTION_HEADER,
    INSPECTION_ROWS,
    ISSUE_HEADER,
    ISSUE_ROWS,
    csv_bytes,
    fresh_store,
    roster_csv,
    run,
    table,
    xlsx_bytes,
)

from inspection.importer import InputFile

con = pytest.fixture(fresh_store)

FORMATS = ("巡察情况.xlsx", "巡察情况.csv")


def _beside(left: list[list[object]], right: list[list[object]]) -> list[list[object]]:
    """`right` written past one blank column right of `left` (rows from the top; the longer one runs on)."""
    width = max(len(r) for r in left)
    rows = []
    for i in range(max(len(left), len(right))):
        row = list(left[i]) if i < len(left) else []
        row += [None] * (width - len(row)) + [None]
        rows.append(row + (list(right[i]) if i < len(right) else []))
    return rows


def _file(name: str, rows: list[list[object]]) -> InputFile:
    data = xlsx_bytes({"巡察": rows}) if name.endswith(".xlsx") else csv_bytes(rows)
    return InputFile(name, data)


def _inspections(con) -> list[tuple]:
    return con.execute("SELECT unit_name, issues_found, clues FROM inspections WHERE superseded_by IS NULL "
                       "ORDER BY unit_name").fetchall()


@pytest.mark.parametrize("name", FORMATS)
def test_a_summary_by_township_beside_the_inspections_is_not_read_and_is_named(con, name):
    summary = [["乡镇街道", "巡察村数", "发现问题数"], ["城关镇", 1, 2], ["河口镇", 1, 1], ["合计", 2, 3],
               ["填表说明：右表为汇总"]]
    result = run(con, roster_csv(), _file(name, _beside(table(INSPECTION_HEADER, INSPECTION_ROWS), summary)))
    assert result.status == "imported", result.problems
    assert _inspections(con) == [("张家村", 2, 1), ("王庄村", 1, 0)]
    assert any("第 O 列起的表（乡镇街道、巡察村数、发现问题数）是台账旁的汇总表" in w for w in result.warnings)


@pytest.mark.parametrize("name", ("问题清单.xlsx", "问题清单.csv"))
def test_a_summary_by_category_beside_an_issue_list_is_not_read(con, name):
    inspections = InputFile("巡察情况.csv", csv_bytes(table(INSPECTION_HEADER, INSPECTION_ROWS)))
    summary = [["问题类别", "问题数"], ["群众身边腐败问题", 1], ["基层党组织建设", 2]]
    result = run(con, roster_csv(), inspections, _file(name, _beside(table(ISSUE_HEADER, ISSUE_ROWS), summary)))
    assert result.status == "imported", result.problems
    assert con.execute("SELECT category, count(*) FROM issues GROUP BY ALL ORDER BY ALL").fetchall() == [
        ("基层党组织建设", 2), ("群众身边腐败问题", 1)]


@pytest.mark.parametrize("name", FORMATS)
def test_two_ledgers_side_by_side_are_still_refused_saying_to_put_each_on_its_own_sheet(con, name):
    other = [["2021年第一轮", "县级", "县委第一巡察组", "常规", "2021-03-15", "2021-05-20", "东城区", "城关镇",
              "李家村", 4, 0, 0, 0]]
    rows = _beside(table(INSPECTION_HEADER, INSPECTION_ROWS), table(INSPECTION_HEADER, other))
    result = run(con, roster_csv(), _file(name, rows))
    assert result.status == "rejected"
    assert any("两张表并排" in (p.suggestion or "") for p in result.problems)


@pytest.mark.parametrize("name", FORMATS)
def test_a_second_copy_of_a_figure_past_a_blank_column_is_still_compared_not_dropped(con, name):
    """A block past a blank column that starts with a figure is no summary: the copy is checked as ever."""
    copy = [["发现问题数"], [5], [1]]
    result = run(con, roster_csv(), _file(name, _beside(table(INSPECTION_HEADER, INSPECTION_ROWS), copy)))
    assert result.status == "rejected"
    assert any("是同一字段" in p.reason for p in result.problems)


@pytest.mark.parametrize("name", ("问题清单.xlsx", "问题清单.csv"))
def test_the_ledgers_own_columns_past_a_blank_spacer_column_are_read(con, name):
    """A blank column inside the ledger (left to space it out) splits no table: the fields past it are read."""
    inspections = InputFile("巡察情况.csv", csv_bytes(table(INSPECTION_HEADER, INSPECTION_ROWS)))
    rows = [r[:4] + [None] + r[4:] for r in table(ISSUE_HEADER, ISSUE_ROWS)]
    result = run(con, roster_csv(), inspections, _file(name, rows))
    assert result.status == "imported", result.problems
    assert con.execute("SELECT count(*) FILTER (status = 'rectified'), count(*) FROM issues").fetchone() == (1, 3)
    assert not any("汇总表" in w for w in result.warnings)
