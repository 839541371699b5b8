"""Wide inspections ledgers (DATA_CONTRACT.md, "Real ledgers"): one row per unit and a group of columns per
round under a heading naming the round. Each group is read as that round's inspections, giving the figures
and stored rows of the same records kept long (a 轮次 column); a group left blank is no inspection."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from support.ledgers import csv_bytes, data_dump, memory_store, roster_csv, run, table

from inspection import metrics
from inspection.filters import Filters
from inspection.importer import InputFile, messages

PLACE = ["序号", "县区", "乡镇街道", "村(社区)"]
GROUP = ["巡察组", "巡察层级", "开始日期", "结束日期", "发现问题数", "移交问题线索数"]
ROUNDS = ["2021年第一轮巡察", "2022年第二轮巡察"]
UNITS = [("东城区", "城关镇", "张家村"), ("西城区", "河口镇", "王庄村")]
# round -> unit -> its group's cells (None: not inspected in that round)
RESULTS = {
    ROUNDS[0]: [["市委第一巡察组", "市级", "2021-03-15", "2021-05-20", 2, 1],
                ["县委第二巡察组", "县级", "2021-03-15", "2021-05-20", 1, 0]],
    ROUNDS[1]: [None,
                ["县委第三巡察组", "县级", "2022-03-01", "2022-04-30", 4, 2]],
}
AS_OF = dt.date(2023, 1, 1)


def long_file() -> InputFile:
    rows = [[name, *place, *cells] for name, groups in RESULTS.items()
            for place, cells in zip(UNITS, groups, strict=True) if cells]
    return InputFile("long.csv", csv_bytes(table(["轮次", "县区", "乡镇街道", "村(社区)", *GROUP], rows)))


def wide_rows(results=RESULTS, headings=ROUNDS) -> tuple[list[object], list[object], list[list[object]]]:
    top, second = list(PLACE), [None] * len(PLACE)
    for heading in headings:
        top += [heading] + [None] * (len(GROUP) - 1)
        second += GROUP
    rows = []
    for number, place in enumerate(UNITS):
        row = [number + 1, *place]
        for groups in results.values():
            row += groups[number] or [None] * len(GROUP)
        rows.append(row)
    return top, second, rows


def wide_xlsx(results=RESULTS, headings=ROUNDS, name: str = "wide.xlsx") -> InputFile:
    """The headings merged over their groups, the place headers merged down over both header rows."""
    top, second, rows = wide_rows(results, headings)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "巡察情况"
    sheet.append(["2021—2022年村(社区)巡察情况统计表"])
    for row in (top, second, *rows):
        sheet.append(row)
    for col in range(1, len(PLACE) + 1):
        sheet.merge_cells(start_row=2, end_row=3, start_column=col, end_column=col)
    for index in range(len(headings)):
        first = len(PLACE) + 1 + index * len(GROUP)
        sheet.merge_cells(start_row=2, end_row=2, start_column=first, end_column=first + len(GROUP) - 1)
    data = io.BytesIO()
    book.save(data)
    return InputFile(name, data.getvalue())


def wide_csv() -> InputFile:
    """As Excel saves the sheet above as CSV: a merged cell's value in its first column only."""
    top, second, rows = wide_rows()
    return InputFile("wide.csv", csv_bytes([top, second, *rows]))


def imported(*files: InputFile):
    connection = memory_store()
    result = run(connection, roster_csv(), *files)
    assert result.status == "imported", [(p.sheet, p.row, p.column, p.value, p.reason) for p in result.problems]
    return connection, result


@pytest.fixture(scope="module")
def long_figures():
    connection, _ = imported(long_file())
    yield metrics.compute(connection, Filters(as_of=AS_OF)), data_dump(connection)
    connection.close()


@pytest.mark.parametrize("shape", [wide_xlsx, wide_csv])
def test_wide_ledger_gives_the_figures_of_the_long_one(long_figures, shape):
    connection, result = imported(shape())
    try:
        assert metrics.compute(connection, Filters(as_of=AS_OF)) == long_figures[0]
        assert data_dump(connection) == long_figures[1]
        rounds = connection.execute("SELECT round, count(*) FROM inspections WHERE superseded_by IS NULL "
                                    "GROUP BY round ORDER BY round").fetchall()
        assert rounds == [(ROUNDS[0], 2), (ROUNDS[1], 1)]  # 张家村's blank group: not inspected in round two
        assert result.tables["inspections"] == 3
        assert any("每轮一组列" in w for w in result.warnings)
        assert not any("重复" in w for w in result.warnings)
    finally:
        connection.close()


def test_a_bad_cell_is_named_by_its_real_row_and_group():
    results = {ROUNDS[0]: RESULTS[ROUNDS[0]],
               ROUNDS[1]: [None, ["县委第三巡察组", "县级", "2022-03-01", "2022-04-30", "很多", 2]]}
    connection = memory_store()
    result = run(connection, roster_csv(), wide_xlsx(results))
    assert result.status == "rejected"
    problems = [(p.sheet, p.row, p.column, p.value) for p in result.problems]
    # the title row, two header rows, then 张家村 on row 4 and 王庄村 on row 5
    assert problems == [("巡察情况", 5, "2022年第二轮巡察/发现问题数", "很多")]
    assert connection.execute("SELECT count(*) FROM inspections").fetchone() == (0,)


def test_a_partly_filled_group_is_checked_as_a_record():
    results = {ROUNDS[0]: RESULTS[ROUNDS[0]],
               ROUNDS[1]: [[None, None, None, None, 3, None], RESULTS[ROUNDS[1]][1]]}
    result = run(memory_store(), roster_csv(), wide_xlsx(results))
    assert result.status == "rejected"
    assert {(p.row, p.column) for p in result.problems} >= {(4, "2022年第二轮巡察/巡察组"),
                                                            (4, "2022年第二轮巡察/开始日期")}


@pytest.mark.parametrize("headings", [["甲组", "乙组"], ["2021年第一轮巡察", "2021年第1轮"]])
def test_headings_that_are_not_distinct_rounds_are_refused_saying_so(headings):
    result = run(memory_store(), roster_csv(), wide_xlsx(headings=headings))
    assert result.status == "rejected"
    assert [(p.row, p.reason, p.suggestion) for p in result.problems] == [
        (2, messages.wide_not_rounds(headings, [h.lower() for h in GROUP]), messages.WIDE_HINT)]
    assert all(word in result.problems[0].reason for word in headings)


def test_a_summary_row_is_skipped_once_and_a_unit_in_no_round_has_no_record(long_figures):
    top, second, rows = wide_rows()
    rows = [*rows, [3, "东城区", "城关镇", "李家村"] + [None] * (2 * len(GROUP)),
            ["合计", None, None, None, None, None, None, None, 3, 1, None, None, None, None, 4, 2]]
    connection, result = imported(InputFile("wide.csv", csv_bytes([top, second, *rows])))
    try:
        assert result.skipped == 1
        assert data_dump(connection) == long_figures[1]
    finally:
        connection.close()
