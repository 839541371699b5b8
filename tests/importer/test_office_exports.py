"""Ledgers as office software and statistical forms really leave them, beyond the gallery of
test_real_ledgers.py: the rows a printed form carries under its header, cells merged in ways the
records cannot share, files whose bytes are not what their names say, and characters a clerk
cannot see. Each either imports with the right figures or is refused naming the real reason."""

from __future__ import annotations

import io

import pytest
from support.fast_path import run_both
from support.ledgers import (
    INSPECTION_HEADER,
    INSPECTION_ROWS,
    ISSUE_HEADER,
    ROSTER_HEADER,
    ROSTER_ROWS,
    csv_bytes,
    fresh_store,
    roster_csv,
    rows_of,
    run,
)

from inspection.importer import InputFile
from inspection.importer.model import INSPECTION_COLUMNS, ISSUE_COLUMNS, ROSTER_COLUMNS

con = pytest.fixture(fresh_store)

FOUND = INSPECTION_HEADER.index("发现问题数")
CLUES = INSPECTION_HEADER.index("移交问题线索数")


def _sheet(rows: list[list[object]], merged: tuple[str, ...] = ()) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "巡察情况"
    for row in rows:
        sheet.append(row)
    for cells in merged:
        sheet.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _figures(con) -> list[tuple]:
    return [(r["unit_name"], r["issues_found"], r["clues"]) for r in rows_of(
        con, "SELECT unit_name, issues_found, clues FROM inspections WHERE superseded_by IS NULL ORDER BY unit_name")]


PLAIN_FIGURES = [("张家村", 2, 1), ("王庄村", 1, 0)]
LEDGER = [INSPECTION_HEADER, *INSPECTION_ROWS]


# ---------------------------------------------------------------- rows a form prints under its header

def _units_row(first: object = None) -> list[object]:
    row: list[object] = [first] + [None] * (len(INSPECTION_HEADER) - 1)
    row[FOUND], row[CLUES] = "个", "（件）"
    row[-1] = "个"
    return row


@pytest.mark.parametrize("under", [
    [_units_row()],  # 个 / （件） under the count columns
    [_units_row("单位：")],
    [[None] * FOUND + ["（个）", "（件）"]],  # bracketed units only
    [["甲", "乙", *range(1, len(INSPECTION_HEADER) - 1)]],  # the column numbers (栏次) of a statistical form
    [_units_row(), list(range(1, len(INSPECTION_HEADER) + 1))],
], ids=["units", "units-labelled", "bracketed", "column-numbers", "both"])
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_units_or_column_numbers_row_under_the_header_is_part_of_the_header(con, under, kind):
    rows = [INSPECTION_HEADER, *under, *INSPECTION_ROWS]
    data = _sheet(rows) if kind == "xlsx" else csv_bytes(rows, "gbk")
    result = run(con, roster_csv(), InputFile(f"巡察情况.{kind}", data))
    assert result.status == "imported", result.problems
    assert _figures(con) == PLAIN_FIGURES


def test_a_units_row_the_label_cells_are_merged_down_into_names_no_column(con):
    """县区 … 村(社区) merged over the header and units rows: the units row joins the header block, and
    a unit (%) under a column the contract does not know does not become that column's name."""
    header = [*INSPECTION_HEADER, "整改率"]
    units = [*_units_row(), "%"]
    merged = tuple(f"{c}1:{c}2" for c in "ABCDEFGHI")
    result = run(con, roster_csv(), InputFile("巡察情况.xlsx", _sheet([header, units, *INSPECTION_ROWS], merged)))
    assert result.status == "imported", result.problems
    assert _figures(con) == PLAIN_FIGURES
    assert any("未识别的列已忽略：整改率" in w for w in result.warnings), result.warnings


# ---------------------------------------------------------------- merged cells the records cannot share

def test_a_count_merged_down_over_several_records_is_refused_not_counted_for_each(con):
    """发现问题数 2 written once and merged over three villages: filling it down would count 6."""
    third = list(INSPECTION_ROWS[0])
    third[INSPECTION_HEADER.index("村(社区)")], third[FOUND] = "李家村", None
    rows = [INSPECTION_HEADER, INSPECTION_ROWS[0], third, INSPECTION_ROWS[1]]
    result = run(con, roster_csv(), InputFile("巡察情况.xlsx", _sheet(rows, ("J2:J4", "C2:C4"))))
    assert result.status == "rejected"
    assert [(p.row, p.column, p.value) for p in result.problems] == [(2, "发现问题数", "2")]  # not 2.0
    assert "第 2 行至第 4 行" in result.problems[0].reason and "重复计算" in result.problems[0].reason
    assert rows_of(con, "SELECT * FROM inspections") == []


def test_labels_dates_and_a_figure_merged_over_one_record_still_fill(con):
    """A team and dates merged over its villages fill down; a count merged across one record's own
    two rows (a tall row), or over its row and a 合计 row, is that record's."""
    rows = [INSPECTION_HEADER, *map(list, INSPECTION_ROWS), [None] * len(INSPECTION_HEADER)]
    rows[2][2] = rows[2][4] = None  # 巡察组 and 开始日期 taken from the row above
    rows[3][0] = "合计"
    result = run(con, roster_csv(), InputFile("巡察情况.xlsx", _sheet(rows, ("C2:C3", "E2:E3", "K3:K4"))))
    assert result.status == "imported", result.problems
    assert _figures(con) == PLAIN_FIGURES
    assert [r["team"] for r in rows_of(con, "SELECT team FROM inspections ORDER BY unit_name")] == ["市委第一巡察组"] * 2


# ---------------------------------------------------------------- files whose bytes are not what their names say

def _tsv(encoding: str) -> bytes:
    return "".join("\t".join(map(str, row)) + "\r\n" for row in [INSPECTION_HEADER, *INSPECTION_ROWS]).encode(encoding)


def _zip(members: dict[str, bytes]) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


XML_2003 = ('<?xml version="1.0" encoding="UTF-16"?><?mso-application progid="Excel.Sheet"?>'
            '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="巡察情况"/></Workbook>')

# what systems export as "Excel": an Excel 2003 XML table in UTF-16 that is not well-formed (its ss: prefix
# undeclared; a well-formed one, or a web page, is read as Excel shows it, test_unseen_files3; Excel's
# "Unicode 文本" named .xls as the text it is, test_unseen_files2)
NOT_WORKBOOKS = {
    "xml2003_utf16.xls": (XML_2003.encode("utf-16"), ["Excel 2003 XML", "另存为"]),
    # what else lands in an upload box under a workbook's name: a screenshot, the ledgers zipped, a note
    "screenshot.xlsx": (b"\x89PNG\r\n\x1a\n" + bytes(64), ["图片"]),
    "photo.xls": (b"\xff\xd8\xff\xe0" + bytes(64), ["图片"]),
    "ledgers.xlsx": (_zip({"东城区.xlsx": b"PK", "西城区.xlsx": b"PK"}), ["压缩包", "解压"]),
    "ledgers_rar.xlsx": (b"Rar!\x1a\x07\x01\x00" + bytes(64), ["压缩包", "解压"]),
    "note.xlsx": ("请各县区于月底前报送巡察台账。".encode("gbk"), ["纯文本", "不是 Excel 工作簿"]),
}


@pytest.mark.parametrize("name", sorted(NOT_WORKBOOKS))
def test_an_export_that_is_no_workbook_is_refused_naming_what_it_is(con, name):
    data, words = NOT_WORKBOOKS[name]
    result = run(con, roster_csv(), InputFile(name, data))
    assert result.status == "rejected"
    reasons = [p.reason for p in result.problems]
    assert len(reasons) == 1 and all(w in reasons[0] for w in words), reasons
    assert rows_of(con, "SELECT * FROM roster") == []


def test_unicode_text_named_csv_as_the_refusal_asks_imports(con):
    result = run(con, roster_csv(), InputFile("unicode_text.csv", _tsv("utf-16")))
    assert result.status == "imported", result.problems
    assert _figures(con) == PLAIN_FIGURES


# ---------------------------------------------------------------- a CSV separated by semicolons

def _semicolons(rows: list[list[object]], encoding: str = "gbk") -> bytes:
    """What Excel saves as "CSV" where the system's list separator is ";" (a European region setting)."""
    import csv

    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";").writerows([["" if c is None else c for c in row] for row in rows])
    return out.getvalue().encode(encoding)


MONEY_HEADER = [*INSPECTION_HEADER, "追回资金"]


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_a_csv_separated_by_semicolons_is_read_on_both_csv_paths(monkeypatch, encoding):
    rows = [[*INSPECTION_ROWS[0], "66.57"], [*INSPECTION_ROWS[1], 12]]
    rows[0][INSPECTION_HEADER.index("巡察组")] = "市委第一巡察组,第二小组"  # a comma inside a cell stays in it
    titles = [["东城区巡察情况统计表"]]
    result, data = run_both(monkeypatch, [roster_csv()], [InputFile("巡察情况.csv", _semicolons(
        [*titles, MONEY_HEADER, *rows], encoding))], expect_fast=False)
    assert result.status == "imported", result.problems
    index = INSPECTION_COLUMNS.index
    assert sorted((r[index("unit_name")], r[index("issues_found")], r[index("funds_recovered")], r[index("team")])
                  for r in data["inspections"]) == [("张家村", 2, 66.57, "市委第一巡察组,第二小组"),
                                                    ("王庄村", 1, 12.0, "县委第二巡察组")]


@pytest.mark.parametrize("written", ["1,500", "66,57", "1.500", "12.000.000", "2,0"])
def test_a_number_a_semicolon_csv_writes_with_a_decimal_comma_or_thousands_is_refused(con, written):
    """Where Excel separates a CSV with ";" it writes 1,5 for 1.5 and may group thousands with "." (1.500):
    1,500 and 1.500 are each 1.5 or 1500, which cannot be told; refused, never read 1,000 times too large."""
    rows = [[*INSPECTION_ROWS[0], written], [*INSPECTION_ROWS[1], 12]]
    column = "追回资金" if written != "2,0" else "发现问题数"
    if written == "2,0":
        rows[0][FOUND], rows[0][-1] = written, 1
    result = run(con, roster_csv(), InputFile("巡察情况.csv", _semicolons([MONEY_HEADER, *rows])))
    assert result.status == "rejected"
    [problem] = result.problems
    assert (problem.row, problem.column, problem.value) == (2, column, written)
    assert "分号" in problem.reason and "千位" in problem.reason, problem.reason


def test_a_comma_csv_with_semicolons_in_its_cells_stays_comma_separated(con):
    rows = [list(r) for r in INSPECTION_ROWS]
    rows[0][INSPECTION_HEADER.index("巡察组")] = "市委第一巡察组;第二小组"
    result = run(con, roster_csv(), InputFile("巡察情况.csv", csv_bytes([INSPECTION_HEADER, *rows])))
    assert result.status == "imported", result.problems
    assert _figures(con) == PLAIN_FIGURES


# ---------------------------------------------------------------- characters a clerk cannot see

def test_invisible_characters_pasted_from_a_web_page_are_dropped_on_both_csv_paths(con, monkeypatch):
    """A zero-width space, a word joiner or a stray byte-order mark (text pasted from a web page or a
    chat) in a header, a name, a round or a count: the clerk sees 5 and 张家村, and so does the import."""
    header = list(INSPECTION_HEADER)
    header[INSPECTION_HEADER.index("县区")] = "\ufeff县区"
    header[INSPECTION_HEADER.index("村(社区)")] = "村(社区)\u200b"
    rows = [list(r) for r in INSPECTION_ROWS]
    rows[0][FOUND], rows[0][INSPECTION_HEADER.index("村(社区)")] = "\u200b5", "张家村\u200b"
    rows[1][CLUES], rows[1][0] = "\u200b", "2021年\u2060第一轮"  # nothing but an invisible character: blank
    ledger = InputFile("巡察情况.csv", csv_bytes([header, *rows]))
    result, _ = run_both(monkeypatch, [roster_csv()], [ledger])
    assert result.status == "imported", result.problems
    assert run(con, roster_csv(), ledger).status == "imported"
    assert _figures(con) == [("张家村", 5, 1), ("王庄村", 1, None)]
    assert {r["round"] for r in rows_of(con, "SELECT round FROM inspections")} == {"2021年第一轮"}


# ---------------------------------------------------------------- a year.month typed into Excel

START = INSPECTION_HEADER.index("开始日期")


@pytest.mark.parametrize("typed, words", [
    (2021.3, ["是数字，不是日期", "2021.10 变成 2021.1"]),  # Excel keeps 2021.3 typed as this number
    (2021.1, ["是数字，不是日期"]),  # 2021.1 or 2021.10: which month?
    (2021, ["只有年份"]),
    ("2021", ["只有年份"]),
])
def test_a_year_or_year_month_kept_as_a_number_is_refused_as_such_not_as_a_date_in_1905(con, typed, words):
    rows = [INSPECTION_HEADER, list(INSPECTION_ROWS[0]), list(INSPECTION_ROWS[1])]
    rows[1][START] = typed
    result = run(con, roster_csv(), InputFile("巡察情况.xlsx", _sheet(rows)))
    assert result.status == "rejected"
    [problem] = result.problems
    assert (problem.row, problem.column) == (2, "开始日期")
    assert all(w in problem.reason for w in words) and "1905" not in problem.reason, problem.reason


def test_a_year_month_written_as_text_is_still_its_first_day(con):
    rows = [INSPECTION_HEADER, list(INSPECTION_ROWS[0]), list(INSPECTION_ROWS[1])]
    rows[1][START] = "2021.3"
    assert run(con, roster_csv(), InputFile("巡察情况.xlsx", _sheet(rows))).status == "imported"
    assert rows_of(con, "SELECT min(start_date) AS d FROM inspections")[0]["d"].isoformat() == "2021-03-01"


# ---------------------------------------------------------------- a long date with its weekday

@pytest.mark.parametrize("written", ["2021/3/15 星期一", "2021年3月15日 星期一", "2021-03-15 周一", "2021年3月15日星期一",
                                     "2021-03-15（周一）", "2021/3/15 礼拜一"])
def test_a_date_written_with_its_weekday_is_that_date_on_both_csv_paths(con, monkeypatch, written):
    """Excel's and WPS's long date formats (yyyy年m月d日 aaaa) write the weekday after the date; a ledger
    pasted or saved as text keeps it: the clerk reads 2021-03-15, and so does the import."""
    rows = [list(r) for r in INSPECTION_ROWS]
    rows[0][START] = written
    ledger = [InputFile("巡察情况.csv", csv_bytes([INSPECTION_HEADER, *rows]))]
    result, data = run_both(monkeypatch, [roster_csv()], ledger)
    assert result.status == "imported", result.problems
    assert run(con, roster_csv(), InputFile("巡察情况.xlsx", _sheet([INSPECTION_HEADER, *rows]))).status == "imported"
    assert [r["start_date"].isoformat() for r in rows_of(con, "SELECT start_date FROM inspections ORDER BY 1")] == [
        "2021-03-15", "2021-03-15"]


@pytest.mark.parametrize("column, written", [("开始日期", "2021/3/15 星期二"), ("结束日期", "2021年5月20日 周日"),
                                             ("开始日期", "2021年3月 星期一")])
def test_a_weekday_that_contradicts_its_date_is_refused_naming_the_cell(con, column, written):
    """2021-03-15 was a Monday: 星期二 beside it means one of the two is mistyped, and the import cannot
    tell which."""
    rows = [list(r) for r in INSPECTION_ROWS]
    rows[1][INSPECTION_HEADER.index(column)] = written
    result = run(con, roster_csv(), InputFile("巡察情况.xlsx", _sheet([INSPECTION_HEADER, *rows])))
    assert result.status == "rejected"
    [problem] = result.problems
    assert (problem.row, problem.column, problem.value) == (3, column, written)
    assert "星期" in problem.reason and ("不符" in problem.reason or "格式" in problem.reason), problem.reason


@pytest.mark.parametrize("due, stored", [("2021年8月2日 星期一", "2021-08-02"), ("2021年8月2日 星期二", None),
                                         ("2021年8月底前每周一", "2021-08-31")])
def test_a_due_date_with_its_weekday_is_that_date_and_a_wrong_weekday_is_not_searched_past(con, due, stored):
    """A due date's text is searched for a date (2024年底前，并长期坚持): a date with a weekday not its own
    is refused, not read by that search; a weekday after a due text that is no date is no weekday of it."""
    issues = [["2021年第一轮", "东城区", "城关镇", "张家村", "基层党组织建设", "", "整改中", due, ""]]
    result = run(con, roster_csv(), InputFile("巡察情况.csv", csv_bytes(LEDGER)),
                 InputFile("问题.csv", csv_bytes([ISSUE_HEADER, *issues])))
    if stored is None:
        [problem] = result.problems
        assert (problem.row, problem.column, problem.value) == (2, "整改时限", due) and "不符" in problem.reason
        return
    assert result.status == "imported", result.problems
    assert [r["due_date"].isoformat() for r in rows_of(con, "SELECT due_date FROM live_issues")] == [stored]


# ---------------------------------------------------------------- a tick for yes

ROSTER_ROWS_SHORT = [r for r in ROSTER_ROWS if r[2] != "张家墩社区"]


@pytest.mark.parametrize("tick, cross", [("√", "×"), ("✓", "✗"), ("✔", "✘")])
def test_a_tick_or_a_cross_is_yes_or_no_and_rectified_or_not_on_both_csv_paths(monkeypatch, tick, cross):
    """√ (what a Chinese input method types), ✓ ✔ (Word's and WPS's symbols) and their crosses: a ticked
    是否贫困村 is a poverty village; a ticked 整改状态 / 是否整改 is rectified, a crossed one not, as 是 / 否."""
    roster = [list(r) for r in ROSTER_ROWS_SHORT]
    roster[0][-2], roster[1][-2] = tick, cross
    issues = [["2021年第一轮", "东城区", "城关镇", "张家村", "基层党组织建设", "", tick, "", ""],
              ["2021年第一轮", "东城区", "城关镇", "张家村", "基层党组织建设", "", cross, "", ""]]
    files = [InputFile("名册.csv", csv_bytes([ROSTER_HEADER, *roster])),
             InputFile("巡察情况.csv", csv_bytes([INSPECTION_HEADER, *INSPECTION_ROWS])),
             InputFile("问题.csv", csv_bytes([ISSUE_HEADER, *issues]))]
    result, data = run_both(monkeypatch, [], files)
    assert result.status == "imported", result.problems
    poverty = {r[ROSTER_COLUMNS.index("unit_name")]: r[ROSTER_COLUMNS.index("is_poverty_village")]
               for r in data["roster"]}
    assert (poverty["张家村"], poverty["李家村"]) == (True, False)
    assert sorted(r[ISSUE_COLUMNS.index("status")] for r in data["issues"]) == ["not_started", "rectified"]


@pytest.mark.parametrize("header", ["已整改", "是否已整改", "是否整改到位"])
def test_an_issue_list_ticks_its_rectified_issues_in_a_column_of_their_own(con, header):
    """A column 已整改 ticked for the issues rectified, left blank for the others: it was ignored as an
    unknown column and every issue read as in progress."""
    issues = [["2021年第一轮", "东城区", "城关镇", "张家村", "基层党组织建设", "", "√", "", ""],
              ["2021年第一轮", "东城区", "城关镇", "张家村", "基层党组织建设", "", "", "", ""]]
    issue_header = [header if h == "整改状态" else h for h in ISSUE_HEADER]
    result = run(con, roster_csv(), InputFile("巡察情况.csv", csv_bytes(LEDGER)),
                 InputFile("问题.csv", csv_bytes([issue_header, *issues])))
    assert result.status == "imported", result.problems
    assert sorted(r["status"] for r in rows_of(con, "SELECT status FROM issues")) == ["in_progress", "rectified"]


@pytest.mark.parametrize("column", ["已整改数", "巡察方式"])
def test_a_tick_where_a_count_or_a_mode_belongs_is_refused_naming_the_mark(con, column):
    """A ticked 已整改数 does not say how many; a ticked 巡察方式 names no mode (it was kept as a mode 「√」)."""
    rows = [list(r) for r in INSPECTION_ROWS]
    rows[1][INSPECTION_HEADER.index(column)] = "√"
    result = run(con, roster_csv(), InputFile("巡察情况.xlsx", _sheet([INSPECTION_HEADER, *rows])))
    assert result.status == "rejected"
    [problem] = result.problems
    assert (problem.row, problem.column, problem.value) == (3, column, "√")
    assert "勾选标记「√」" in problem.reason, problem.reason


# ---------------------------------------------------------------- long codes Excel has already cut

ROSTER_WITH_CODES = ["县区", "乡镇街道", "村(社区)", "对象编码"]
ROSTER_NAMES = [["东城区", "城关镇", "张家村"], ["东城区", "城关镇", "李家村"], ["西城区", "河口镇", "王庄村"]]


def test_a_code_saved_in_scientific_notation_is_refused_for_its_lost_digits_on_both_csv_paths(monkeypatch):
    """A CSV saved by Excel writes a long numeric code as its column showed it (1.23457E+17): three
    villages became one code, and the import called them duplicates."""
    codes = ["1.23457E+17", "1.23457E+17", "410102000001"]
    rows = [[*names, code] for names, code in zip(ROSTER_NAMES, codes, strict=True)]
    result, data = run_both(monkeypatch, [], [InputFile("名册.csv", csv_bytes([ROSTER_WITH_CODES, *rows]))])
    assert result.status == "rejected"
    assert [(p.row, p.column) for p in result.problems] == [(2, "对象编码"), (3, "对象编码")]
    assert all("科学计数法" in p.reason for p in result.problems)
    assert data["roster"] == []


def test_a_code_longer_than_excel_keeps_as_a_number_is_refused_a_short_one_imports(con):
    rows = [[*ROSTER_NAMES[0], 123456789012345678], [*ROSTER_NAMES[1], 123456789012345679],
            [*ROSTER_NAMES[2], 410102000000001]]
    result = run(con, InputFile("名册.xlsx", _sheet([ROSTER_WITH_CODES, *rows])))
    assert [(p.row, p.column) for p in result.problems] == [(2, "对象编码"), (3, "对象编码")]
    assert all("超过 15 位" in p.reason for p in result.problems)
    rows = [[*ROSTER_NAMES[0], "123456789012345678"], *rows[1:]]  # the long code as text
    rows[1][3] = "123456789012345679"
    assert run(con, InputFile("名册.xlsx", _sheet([ROSTER_WITH_CODES, *rows]))).status == "imported"
    assert sorted(r["unit_code"] for r in rows_of(con, "SELECT unit_code FROM roster")) == [
        "123456789012345678", "123456789012345679", "410102000000001"]


def test_cells_a_system_wrote_as_excel_text_formulas_read_as_excel_shows_them(con, monkeypatch):
    """="0012" is how exporting systems keep a code's leading zeros in a CSV for Excel, which shows the
    text 0012: a code, a date and a count written so import as their text, on the row path (the
    vectorised path leaves such a file to it)."""
    text = "\r\n".join([
        ",".join(ROSTER_WITH_CODES),
        '东城区,城关镇,张家村,="0012"',
        '东城区,城关镇,李家村,"=""0013"""',
        '西城区,河口镇,"=""王庄村""",="0014"',
    ]) + "\r\n"
    result, _ = run_both(monkeypatch, [], [InputFile("名册.csv", text.encode("gbk"))], expect_fast=False)
    assert result.status == "imported", result.problems
    rows = [list(r) for r in INSPECTION_ROWS]
    rows[0][START], rows[1][FOUND] = '="2021-03-15"', '="1"'
    result = run(con, InputFile("名册.csv", text.encode("gbk")), InputFile("巡察情况.csv", csv_bytes(
        [INSPECTION_HEADER, *rows])))
    assert result.status == "imported", result.problems
    assert sorted((r["unit_name"], r["unit_code"]) for r in rows_of(con, "SELECT * FROM roster")) == [
        ("张家村", "0012"), ("李家村", "0013"), ("王庄村", "0014")]
    assert _figures(con) == PLAIN_FIGURES


# ---------------------------------------------------------------- a workbook that counts its dates from 1904

def _workbook_1904(start: object) -> bytes:
    import datetime as dt

    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"date_1904": True})
    sheet = book.add_worksheet("巡察情况")
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate([INSPECTION_HEADER, *INSPECTION_ROWS]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    sheet.write_datetime(1, START, dt.datetime(2021, 3, 15), day)  # a date cell
    sheet.write_number(2, START, start)  # a date kept as a plain number (a General cell)
    book.close()
    return out.getvalue()


def test_a_serial_date_of_a_1904_workbook_is_read_from_1904(con):
    """Excel for Mac's old workbooks count serial dates from 1904: 42808 there is 2021-03-15 (from 1900
    it would be 2017-03-14, a silently wrong date). A date cell was right already."""
    result = run(con, roster_csv(), InputFile("巡察情况.xlsx", _workbook_1904(42808)))
    assert result.status == "imported", result.problems
    assert [r["start_date"].isoformat() for r in rows_of(con, "SELECT start_date FROM inspections ORDER BY 1")] == [
        "2021-03-15", "2021-03-15"]


def test_a_year_in_a_1904_workbook_is_still_a_year(con):
    result = run(con, roster_csv(), InputFile("巡察情况.xlsx", _workbook_1904(2021)))
    assert [p.reason for p in result.problems] == ["只有年份，不是日期"]


def _xls_1904(start: object) -> bytes:
    import datetime as dt

    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    book.dates_1904 = True  # the DATEMODE record of an old Excel for Mac workbook
    sheet = book.add_sheet("巡察情况")
    rows = [list(INSPECTION_HEADER), *map(list, INSPECTION_ROWS)]
    rows[1][START], rows[2][START] = dt.date(2021, 3, 15), start  # a date cell, a date kept as a plain number
    day = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value, *([day] if isinstance(value, dt.date) else []))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_serial_date_of_a_1904_xls_is_read_from_1904(con):
    """An .xls (BIFF) says 1904 in its DATEMODE record: the Excel reader reads a date cell from it, and
    the import reads a plain-number date from it too (42808 was 2017-03-14)."""
    result = run(con, roster_csv(), InputFile("巡察情况.xls", _xls_1904(42808)))
    assert result.status == "imported", result.problems
    assert [r["start_date"].isoformat() for r in rows_of(con, "SELECT start_date FROM inspections ORDER BY 1")] == [
        "2021-03-15", "2021-03-15"]


# ---------------------------------------------------------------- a required cell marked "not reported"

@pytest.mark.parametrize("mark", ["—", "/", "无数据"])
def test_a_required_cell_marked_not_reported_is_named_as_such_on_both_csv_paths(monkeypatch, mark):
    """发现问题数 "—": the cell is filled, so 必填项为空 with a hint about merged cells saved as CSV
    sent the clerk looking for a blank that is not there."""
    rows = [list(r) for r in INSPECTION_ROWS]
    rows[0][FOUND], rows[1][START] = mark, mark
    rows[1][FOUND] = ""  # a real blank keeps its message
    result, _ = run_both(monkeypatch, [roster_csv()], [InputFile("巡察情况.csv", csv_bytes([INSPECTION_HEADER, *rows]))])
    got = [(p.row, p.column, p.value, p.reason) for p in result.problems]
    assert got == [(2, "发现问题数", mark, f"填写的「{mark}」表示未填报，但这是必填项"),
                   (3, "开始日期", mark, f"填写的「{mark}」表示未填报，但这是必填项"),
                   (3, "发现问题数", "", "必填项为空")]


# ---------------------------------------------------------------- 汇总: Excel's total row

def _table_with_total_row() -> bytes:
    """A sheet formatted as a table (插入 > 表格) with its 汇总行 on: 汇总 and SUBTOTAL formulas below."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out)
    sheet = book.add_worksheet("巡察情况")
    columns = [{"header": h} for h in INSPECTION_HEADER]
    columns[0]["total_string"] = "汇总"
    columns[FOUND]["total_function"] = "sum"
    columns[CLUES]["total_function"] = "sum"
    rows = [list(r) for r in INSPECTION_ROWS]
    sheet.add_table(0, 0, len(rows) + 1, len(INSPECTION_HEADER) - 1,
                    {"data": rows, "columns": columns, "total_row": True})
    book.close()
    return out.getvalue()


def test_the_total_row_of_an_excel_table_is_skipped_as_a_summary(con):
    result = run(con, roster_csv(), InputFile("巡察情况.xlsx", _table_with_total_row()))
    assert result.status == "imported", result.problems
    assert result.skipped == 1 and any("合计/小计行 1 行（第 4 行）" in w for w in result.warnings)
    assert _figures(con) == PLAIN_FIGURES


@pytest.mark.parametrize("label", ["汇总", "全县汇总", "汇 总"])
def test_a_huizong_row_is_skipped_on_both_csv_paths_and_a_category_saying_it_is_kept(monkeypatch, label):
    rows = [INSPECTION_HEADER, *INSPECTION_ROWS, [label, *[""] * 8, 3, 1, 1, 2]]
    issues = [["2021年第一轮", "东城区", "城关镇", "张家村", "报表汇总", "", "已整改", "", ""]]
    result, data = run_both(monkeypatch, [roster_csv()], [InputFile("巡察情况.csv", csv_bytes(rows)),
                                                           InputFile("问题.csv", csv_bytes([ISSUE_HEADER, *issues]))])
    assert result.status == "imported", result.problems
    assert result.skipped == 1 and len(data["inspections"]) == 2 and len(data["issues"]) == 1


# ---------------------------------------------------------------- a statistics sheet beside the ledger

STATISTICS = [["县区", "乡镇街道", "巡察村数", "发现问题数"], ["东城区", "城关镇", 1, 2], ["西城区", "河口镇", 1, 1],
              ["合计", None, 2, 3]]


def _book(sheets: dict[str, list[list[object]]], hidden: tuple[str, ...] = ()) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        sheet.sheet_state = "hidden" if name in hidden else "visible"
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("state", ["visible", "hidden"])
def test_a_statistics_sheet_beside_the_ledger_says_how_to_leave_it_out(con, state):
    """A sheet of figures by district names no unit: it reads as a table missing its columns, and the
    refusal says that a sheet that is no ledger is left out once deleted or hidden (as hidden it is).
    Its name (Sheet2) does not say it is a statistics sheet: the import cannot tell it from a ledger."""
    data = _book({"巡察情况": LEDGER, "Sheet2": STATISTICS}, hidden=("Sheet2",) if state == "hidden" else ())
    result = run(con, roster_csv(), InputFile("巡察台账.xlsx", data))
    if state == "hidden":
        assert result.status == "imported", result.problems
        return
    [problem] = result.problems
    assert problem.sheet == "Sheet2" and "删除或隐藏" in problem.suggestion


PIVOT = [["县区", "乡镇街道", "求和项:发现问题数", "求和项:移交问题线索数"], ["东城区", "城关镇", 2, 1],
         ["西城区", "河口镇", 1, 0], ["总计", None, 3, 1]]


@pytest.mark.parametrize("name, sheet", [("统计", STATISTICS), ("汇总表", STATISTICS), ("数据透视", STATISTICS),
                                         ("Sheet2", PIVOT)], ids=["统计", "汇总表", "数据透视", "pivot-captions"])
@pytest.mark.parametrize("first", [False, True])
def test_a_sheet_that_says_it_is_statistics_and_names_no_unit_is_left_out_beside_the_ledger(con, name, sheet, first):
    """Its name (统计, 汇总, 透视) or a pivot table's captions (求和项:) say what it is, and it has no unit
    column: no ledger of units. Beside a sheet that is one, it is left out, and the import says which
    sheet it read."""
    sheets = {name: sheet, "巡察情况": LEDGER} if first else {"巡察情况": LEDGER, name: sheet}
    result = run(con, roster_csv(), InputFile("巡察台账.xlsx", _book(sheets)))
    assert result.status == "imported", result.problems
    assert _figures(con) == PLAIN_FIGURES
    assert any(f"「{name}」" in w and "「巡察情况」" in w and "未导入" in w for w in result.warnings), result.warnings


def test_a_statistics_sheet_alone_is_still_refused(con):
    result = run(con, roster_csv(), InputFile("巡察台账.xlsx", _book({"统计": STATISTICS})))
    [problem] = result.problems
    assert problem.sheet == "统计" and "删除或隐藏" in problem.suggestion


@pytest.mark.parametrize("other", [
    [["村名" if h == "村(社区)" else h for h in INSPECTION_HEADER], INSPECTION_ROWS[1]],
    [["县区", "乡镇街道", "村名", "发现问题数"], ["西城区", "河口镇", "王庄村", 1]],
], ids=["ledger", "figures-by-unit"])
def test_two_sheets_that_both_look_like_ledgers_are_refused_not_one_left_out(con, other):
    """西城区's sheet calls its unit column 村名: a ledger the import cannot read, not a statistics sheet,
    whatever its name says (汇总); leaving it out would import half the county. Refused, and its column
    can be mapped."""
    result = run(con, roster_csv(), InputFile("巡察台账.xlsx", _book({"东城区": LEDGER[:2], "西城区汇总": other})))
    assert result.status == "rejected"
    [problem] = result.problems
    assert problem.sheet == "西城区汇总" and "村(社区)" in problem.reason
    assert rows_of(con, "SELECT * FROM inspections") == []


# ---------------------------------------------------------------- an example sheet before the ledger

EXAMPLE = [INSPECTION_HEADER, ["2021年第一轮", "市级", "市委第一巡察组", "常规", "2021-03-01", "2021-04-30", "东城区",
                               "城关镇", "李家村", 9, 9, 9, 9]]


@pytest.mark.parametrize("name", ["填写示例", "示例", "样例", "填表说明", "巡察情况（示例）"])
@pytest.mark.parametrize("hidden", [False, True])
def test_an_example_sheet_before_the_ledger_is_not_imported(con, name, hidden):
    """An import template's 填写示例 sheet holds a sample row of a real-looking unit (李家村 is on the
    roster): read, it would be an inspection nobody made. Left out by its name when another sheet holds
    the same table, saying which sheet was read."""
    sheets = {name: EXAMPLE, "巡察情况": LEDGER}
    result = run(con, roster_csv(), InputFile("巡察台账.xlsx", _book(sheets, hidden=(name,) if hidden else ())))
    assert result.status == "imported", result.problems
    assert _figures(con) == PLAIN_FIGURES
    assert any(f"「{name}」" in w and "「巡察情况」" in w and "示例" in w for w in result.warnings), result.warnings


def test_an_example_sheet_with_no_other_sheet_of_its_table_is_refused_naming_it(con):
    """The template's example filled, or sent unfilled beside the roster: the import cannot tell which, and
    a sample row must never become a record."""
    roster = [ROSTER_HEADER, *ROSTER_ROWS]
    result = run(con, InputFile("巡察台账.xlsx", _book({"名册": roster, "填写示例": EXAMPLE})))
    assert result.status == "rejected"
    [problem] = result.problems
    assert problem.sheet == "填写示例" and "示例" in problem.reason and "改名" in problem.suggestion
    assert rows_of(con, "SELECT * FROM roster") == []


# ---------------------------------------------------------------- a template's marks on its headers

@pytest.mark.parametrize("mark", ["*{}", "{}*", "＊{}", "※{}", "{}（必填）", "{}(必填项)", "{}\n（选填）", "*{}（个）"])
def test_headers_marked_required_or_optional_by_a_template_are_recognised(con, mark):
    """Import templates of office systems mark their required columns: *县区, 县区（必填）."""
    header = [mark.format(h) for h in INSPECTION_HEADER]
    result = run(con, roster_csv(), InputFile("巡察情况.xlsx", _sheet([header, *INSPECTION_ROWS])))
    assert result.status == "imported", result.problems
    assert _figures(con) == PLAIN_FIGURES


@pytest.mark.parametrize("mark", ["{}", "\ufeff{}", "*{}", "＊{}", "{}（必填）"])
def test_csvs_joined_with_their_marked_headers_skip_the_second_header_on_both_paths(monkeypatch, mark):
    """Two CSVs joined (copy /b a.csv+b.csv): the second keeps its byte-order mark, or a template's marks,
    on its header row, which is skipped as a repeated header by the vectorised path too."""
    header = [mark.format(h) for h in INSPECTION_HEADER]
    first = csv_bytes([header, INSPECTION_ROWS[0]], "utf-8-sig" if "\ufeff" in mark else "utf-8")
    second = csv_bytes([header, INSPECTION_ROWS[1]], "utf-8-sig" if "\ufeff" in mark else "utf-8")
    # the vectorised path finds the header again and leaves the file to the row path
    result, data = run_both(monkeypatch, [roster_csv()], [InputFile("巡察情况.csv", first + second)], expect_fast=False)
    assert result.status == "imported", result.problems
    assert result.skipped == 1 and len(data["inspections"]) == 2
