"""Sheet, workbook and text shapes offices keep (an eighth round, the layout side): an issue list kept beside
the inspections on one sheet, a total row whose label cell is blank (its figures =SUM of the records above), a
tab-separated "Unicode text" saved without its byte-order mark. Each imports with the figures a clerk computes
by hand, or is refused naming the real reason."""

from __future__ import annotations

import pytest
from support.ledgers import csv_bytes, dump, fresh_store, roster_csv, rows_of, run, xlsx_bytes

from inspection import readers
from inspection.importer import InputFile

con = pytest.fixture(fresh_store)

ROSTER = [["东城区", "城关镇", "张家村", "村", "是", "否"], ["东城区", "城关镇", "李家村", "村", "否", "否"],
          ["东城区", "河口镇", "王庄村", "村", "是", "否"], ["东城区", "河口镇", "刘庄村", "村", "否", "否"]]
HEADER = ["轮次", "巡察组", "开始日期", "县区", "乡镇", "村(社区)", "发现问题数", "移交问题线索数"]


def _row(township, unit, found, clues):
    return ["2021年第一轮", "市委第一巡察组", "2021-03-15", "东城区", township, unit, found, clues]


RECORDS = [_row("城关镇", "张家村", 2, 1), _row("城关镇", "李家村", 3, 0), _row("河口镇", "王庄村", 1, 0),
           _row("河口镇", "刘庄村", 4, 2)]
EXPECTED = [("城关镇", "张家村", 2, 1), ("城关镇", "李家村", 3, 0), ("河口镇", "刘庄村", 4, 2), ("河口镇", "王庄村", 1, 0)]
ISSUE_HEADER = ["序号", "轮次", "县区", "乡镇", "村(社区)", "问题类别", "问题描述", "整改状态"]


def _issue(number, unit, category, status):
    return [number, "2021年第一轮", "东城区", "城关镇", unit, category, f"问题{number}", status]


def _inspections(con) -> list[tuple]:
    return [tuple(r.values()) for r in rows_of(
        con, "SELECT township, unit_name, issues_found, clues FROM inspections WHERE superseded_by IS NULL "
             "ORDER BY 1, 2")]


def _file(name: str, rows) -> InputFile:
    return InputFile(name, csv_bytes(rows) if name.endswith(".csv") else xlsx_bytes({"Sheet1": rows}))


# ---------------------------------------------------------------- two tables side by side


@pytest.mark.parametrize("name", ["巡察.xlsx", "巡察.csv"])
def test_an_issue_list_beside_the_inspections_on_one_sheet_is_refused_naming_both(con, monkeypatch, name):
    """The inspections at A-H, a blank column, the issue list at J-Q with its own header: read as one table,
    the list's 轮次/县区/乡镇/村 were ignored as duplicates agreeing with the inspections' and its other columns as
    unknown, and its issues were dropped with only those warnings. Refused at the header naming both tables."""
    monkeypatch.setattr(readers, "FAST_CSV_MIN_BYTES", 0)
    issues = [ISSUE_HEADER, _issue(1, "张家村", "党的建设", "已整改"), _issue(2, "李家村", "廉洁", "整改中")]
    rows = [[*inspection, None, *(issues[i] if i < len(issues) else [])]
            for i, inspection in enumerate([HEADER, *RECORDS])]
    before = dump(con)
    result = run(con, roster_csv(ROSTER), _file(name, rows))
    assert result.status == "rejected"
    (problem,) = result.problems
    assert problem.row == 1
    assert "并排放了两张表（第 A–H 列是巡察情况，第 J–Q 列是问题清单）" in problem.reason
    assert "单独的工作表" in problem.suggestion
    assert dump(con) == before


# ---------------------------------------------------------------- a total row with its label blank


def _with_results(data: bytes, results: dict[str, object]) -> bytes:
    """The workbook's first sheet with each formula cell named in `results` given that calculated value, as
    Excel and WPS save it (openpyxl writes a formula without one)."""
    import io
    import re
    import zipfile

    def change(xml: bytes) -> bytes:
        text = xml.decode()
        for ref, value in results.items():
            text, n = re.subn(rf'(<c r="{ref}"[^>]*>)(<f>[^<]*</f>)(<v\s*/>|<v></v>)?',
                              lambda m, v=value: f"{m[1]}{m[2]}<v>{v}</v>", text)
            assert n == 1, ref
        return text.encode()

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            target.writestr(info.filename, change(body) if info.filename == "xl/worksheets/sheet1.xml" else body)
    return out.getvalue()


_SUM_ROW = [None, None, None, None, None, None, "=SUM(G2:G5)", "=SUM(H2:H5)"]


@pytest.mark.parametrize(("name", "total"), [
    ("巡察.xlsx", _SUM_ROW),  # =SUM, its result saved
    ("巡察.xlsx", [None, None, None, None, None, None, "=SUBTOTAL(9,G2:G5)", "=SUBTOTAL(9,H2:H5)"]),
    ("巡察.xlsx", ["2021年第一轮", None, None, "东城区", None, None, "=SUM(G2:G5)", "=SUM(H2:H5)"]),  # shared values
    ("巡察.csv", [None, None, None, None, None, None, 10, 3]),  # saved as CSV: the sums typed
])
def test_a_total_row_with_its_label_blank_is_skipped_not_refused(con, monkeypatch, name, total):
    """A ledger totalled by a row of =SUM under its records with no 合计 in it (the label cell left blank; the
    district or round copied along): it was refused as a record missing its unit, the message suggesting the
    blanks meant 同上. A row naming no unit whose every figure is the sum of the records above it is a total
    row: skipped, the warning naming it."""
    monkeypatch.setattr(readers, "FAST_CSV_MIN_BYTES", 0)
    rows = [HEADER, *RECORDS, total]
    data = csv_bytes(rows) if name.endswith(".csv") else _with_results(xlsx_bytes({"Sheet1": rows}), {"G6": 10, "H6": 3})
    result = run(con, roster_csv(ROSTER), InputFile(name, data))
    assert result.status == "imported", result.problems
    assert _inspections(con) == EXPECTED
    assert any("未写“合计”字样、各数字等于上方各条记录之和的合计行 1 行（第 6 行）" in w for w in result.warnings)


def test_subtotals_per_township_with_their_labels_blank_and_the_grand_total_are_skipped(con):
    """A subtotal under each township's records (乡镇 written, the unit blank, =SUM of the group) and a total of
    all records at the end: each sums the records since the subtotal above it, or all of them."""
    rows = [HEADER, *RECORDS[:2], [None, None, None, "东城区", "城关镇", None, "=SUM(G2:G3)", "=SUM(H2:H3)"],
            *RECORDS[2:], [None, None, None, "东城区", "河口镇", None, "=SUM(G5:G6)", "=SUM(H5:H6)"],
            [None, None, None, None, None, None, "=G4+G7", "=H4+H7"]]
    data = _with_results(xlsx_bytes({"Sheet1": rows}), {"G4": 5, "H4": 1, "G7": 5, "H7": 2, "G8": 10, "H8": 3})
    result = run(con, roster_csv(ROSTER), InputFile("巡察.xlsx", data))
    assert result.status == "imported", result.problems
    assert _inspections(con) == EXPECTED
    assert any("合计行 3 行（第 4、7、8 行）" in w for w in result.warnings)


@pytest.mark.parametrize(("total", "above"), [
    ([None, None, None, None, None, None, 11, 3], RECORDS),  # not the sum: a record missing its unit, or a wrong total
    ([None, "县委第二巡察组", None, None, None, None, 10, 3], RECORDS),  # a team of its own: a record
    ([None, None, None, None, None, None, 2, 1], RECORDS[:1]),  # one record above: a copy of it, no total
])
def test_a_row_naming_no_unit_that_is_not_the_total_of_the_rows_above_stays_refused(con, total, above):
    rows = [HEADER, *above, total]
    result = run(con, roster_csv(ROSTER), InputFile("巡察.xlsx", xlsx_bytes({"Sheet1": rows})))
    assert result.status == "rejected"
    assert {(p.row, p.column) for p in result.problems} >= {(len(rows), "村(社区)")}


# ---------------------------------------------------------------- text in UTF-16 without its byte-order mark


@pytest.mark.parametrize(("name", "codec", "separator"), [
    ("巡察.txt", "utf-16-le", "\t"), ("巡察.csv", "utf-16-be", ","), ("巡察.csv", "utf-16-le", ",")])
def test_chinese_text_in_utf16_without_its_mark_is_refused_naming_the_encoding(con, name, codec, separator):
    """A ledger saved as "Unicode text" by a program that leaves out the byte-order mark, mostly Chinese: a
    character whose code ends in 00 (一 in 第一轮, 第一巡察组) put zeros on both sides of the bytes, and it was
    refused as binary content, asking whether an Excel file had been renamed. It is refused naming UTF-16
    without a mark and how to save it; binary content is still named as such."""
    text = "\r\n".join(separator.join(str(c) for c in row) for row in [HEADER, *RECORDS]) + "\r\n"
    result = run(con, InputFile(name, text.encode(codec)))
    assert result.status == "rejected"
    assert "文件编码为 UTF-16（无字节顺序标记 BOM）" in result.problems[0].reason
    assert "CSV UTF-8" in result.problems[0].reason
    result = run(con, InputFile(name, bytes(range(256)) * 16))
    assert "二进制内容" in result.problems[0].reason


# ---------------------------------------------------------------- blocks stacked under titles naming their rounds


def _rounds(con) -> list[tuple]:
    return [tuple(r.values()) for r in rows_of(
        con, "SELECT round, unit_name, issues_found FROM inspections WHERE superseded_by IS NULL ORDER BY 1, 2")]


@pytest.mark.parametrize(("name", "sheet", "first_title"), [
    ("巡察.xlsx", "Sheet1", True), ("巡察.csv", "Sheet1", True),
    ("巡察.xlsx", "2021年第一轮", False),  # the first block's round from the sheet's name
])
def test_blocks_stacked_under_titles_naming_their_rounds_take_each_its_own(con, monkeypatch, name, sheet, first_title):
    """Two rounds' inspections on one sheet without a 轮次 column, each block under its title (2021年第一轮巡察情况 …
    2021年第二轮巡察情况) and header: every record took the first title's round (the second block's title was
    skipped as a block title), storing the second round's inspections in the first. Each block's records take
    the round its title states, and a warning names the title's row."""
    monkeypatch.setattr(readers, "FAST_CSV_MIN_BYTES", 0)
    header = HEADER[1:]
    rows = [*([["2021年第一轮巡察情况"]] if first_title else []), header, *(r[1:] for r in RECORDS[:2]), [],
            ["2021年第二轮巡察情况"], header, *(r[1:] for r in RECORDS[2:])]
    data = csv_bytes(rows) if name.endswith(".csv") else xlsx_bytes({sheet: rows})
    result = run(con, roster_csv(ROSTER), InputFile(name, data))
    assert result.status == "imported", result.problems
    assert _rounds(con) == [("2021年第一轮", "张家村", 2), ("2021年第一轮", "李家村", 3), ("2021年第二轮", "刘庄村", 4),
                            ("2021年第二轮", "王庄村", 1)]
    title_row = 6 if first_title else 5
    assert any(f"第 {title_row} 行的分块标题写明轮次「2021年第二轮」" in w for w in result.warnings), result.warnings


def test_the_fill_down_warning_names_only_the_rows_read_of_a_roster_of_hamlets(con):
    """A roster listing each 行政村's 自然村, its places written on the first row only: the fill-down warning
    named the 自然村 rows skipped as the same village too; it names the rows read."""
    header = ["县区", "乡镇街道", "村(社区)", "自然村", "对象类型", "是否贫困村", "是否软弱涣散"]
    rows = [header, ["东城区", "城关镇", "张家村", "张家", "村", "是", "否"], [None, None, "张家村", "前庄", "村", "是", "否"],
            [None, None, "李家村", "李家", "村", "否", "否"], [None, None, "李家村", "后庄", "村", "否", "否"]]
    result = run(con, InputFile("名册.xlsx", xlsx_bytes({"Sheet1": rows})))
    assert result.status == "imported", result.problems
    assert [tuple(r.values()) for r in rows_of(con, "SELECT township, unit_name FROM roster ORDER BY 2")] == [
        ("城关镇", "张家村"), ("城关镇", "李家村")]
    assert any("第 4 行的县区、乡镇街道为空" in w for w in result.warnings), result.warnings
