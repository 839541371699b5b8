"""Files as office software, export libraries and web systems write them, in shapes the other galleries
(test_unseen_files, 2 and 3) do not hold (a fourth round, the file and workbook side): each imports with the
figures a clerk computes by hand, or is refused naming the real reason."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from support.ledgers import (
    INSPECTION_HEADER,
    INSPECTION_ROWS,
    csv_bytes,
    fresh_store,
    ods_package,
    roster_csv,
    rows_of,
    run,
    table,
    xlsb_bytes,
)

from inspection.importer import InputFile

con = pytest.fixture(fresh_store)

PLAIN = [("张家村", 2, 1, dt.date(2021, 3, 15)), ("王庄村", 1, 0, dt.date(2021, 3, 15))]


def _figures(con) -> list[tuple]:
    return [(r["unit_name"], r["issues_found"], r["clues"], r["start_date"]) for r in rows_of(
        con, "SELECT unit_name, issues_found, clues, start_date FROM inspections WHERE superseded_by IS NULL "
             "ORDER BY unit_name")]


def _book(rows, formats: dict[int, str] | None = None) -> bytes:
    """An .xlsx of one sheet "巡察" written by openpyxl with ISO dates (t="d" cells); `formats`: a number
    format for the cells of some columns (0-based) below the header."""
    from openpyxl import Workbook

    book = Workbook()
    book.iso_dates = True
    sheet = book.active
    sheet.title = "巡察"
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            cell = sheet.cell(r, c + 1, value)
            if r > 1 and c in (formats or {}):
                cell.number_format = formats[c]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _patched(data: bytes, part: str, old: str, new: str) -> bytes:
    """`data` with `old` (a regular expression) replaced by `new` in one part of the package."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            text = source.read(name)
            if name == part:
                text = re.sub(old, new, text.decode("utf-8")).encode("utf-8")
            target.writestr(name, text)
    return out.getvalue()


def _rows(**columns) -> list[list[object]]:
    rows = [list(r) for r in INSPECTION_ROWS]
    for header, values in columns.items():
        for row, value in zip(rows, values, strict=True):
            row[INSPECTION_HEADER.index(header)] = value
    return table(INSPECTION_HEADER, rows)


def _ods(rows, row_attributes: dict[int, str] | None = None, tail: str = "", head: str = "") -> bytes:
    """An .ods of one sheet as LibreOffice writes it: dates as date-typed cells, numbers as floats;
    `row_attributes` for some rows (0-based), `tail` (rows) after them, `head` (columns) before them."""
    def cell(value):
        if value is None:
            return "<table:table-cell/>"
        if isinstance(value, dt.date):
            return (f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
                    f"<text:p>{value.isoformat()}</text:p></table:table-cell>")
        if isinstance(value, int | float):
            return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
        return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'
    body = "".join(f"<table:table-row{(row_attributes or {}).get(r, '')}>" + "".join(cell(v) for v in row)
                   + "</table:table-row>" for r, row in enumerate(rows)) + tail
    body = head + body
    return ods_package(
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
        f'<office:spreadsheet><table:table table:name="巡察">{body}</table:table></office:spreadsheet>'
        "</office:body></office:document-content>")


# ---------------------------------------------------------------- date cells export libraries write

@pytest.mark.parametrize(("written", "end"), [
    ("2021-03-15T00:00:00Z", "2021-05-20T00:00:00Z"),  # a date kept in UTC
    ("2021-03-14T16:00:00.000Z", "2021-05-19T16:00:00.000Z"),  # SheetJS: midnight in Beijing, written as UTC
    ("2021-03-15T00:00:00+08:00", "2021-05-20"),
    ("2021-03-15T09:30:00", "2021-05-20T17:00:00"),
])
def test_a_date_cell_an_export_library_writes_in_iso_form_is_that_day_in_beijing(con, written, end):
    data = _book(_rows(开始日期=[dt.datetime(2021, 3, 15)] * 2, 结束日期=[dt.datetime(2021, 5, 20)] * 2))
    data = _patched(data, "xl/worksheets/sheet1.xml", r"2021-03-15T00:00:00", written)
    data = _patched(data, "xl/worksheets/sheet1.xml", r"2021-05-20T00:00:00", end)
    result = run(con, roster_csv(), InputFile("导出.xlsx", data))
    assert result.status == "imported", result.problems
    assert _figures(con) == PLAIN
    assert {r["end_date"] for r in rows_of(con, "SELECT end_date FROM inspections")} == {dt.date(2021, 5, 20)}


def test_the_same_iso_text_in_a_text_cell_is_still_refused_for_its_zone(con):
    result = run(con, roster_csv(), InputFile("导出.xlsx", _book(_rows(开始日期=["2021-03-14T16:00:00.000Z"] * 2))))
    assert result.status == "rejected"
    assert {p.column for p in result.problems} == {"开始日期"}


# ---------------------------------------------------------------- figures in cells formatted as dates

@pytest.mark.parametrize("format_id", ["14", "31", "57", "20", "46"])
def test_a_count_in_a_cell_formatted_as_a_date_or_time_is_the_number_it_holds(con, format_id):
    """Excel in the Chinese locale writes its built-in date formats (31: yyyy"年"m"月"d"日", 57: yyyy"年"m"月")
    by number only; a count column formatted like the date column beside it shows 1900年1月2日 for 2."""
    data = _book(_rows(发现问题数=[2, 100], 移交问题线索数=[1, 0]), {9: "0.000", 10: "0.000"})
    data = _patched(data, "xl/styles.xml", r"<numFmts\b.*?</numFmts>", "")  # the format by its number alone
    data = _patched(data, "xl/styles.xml", r'numFmtId="164"', f'numFmtId="{format_id}"')
    result = run(con, roster_csv(), InputFile("台账.xlsx", data))
    assert result.status == "imported", result.problems
    assert [f[:3] for f in _figures(con)] == [("张家村", 2, 1), ("王庄村", 100, 0)]


def test_a_count_formatted_as_a_date_in_a_1904_workbook_or_an_ods_is_the_number_it_holds(con):
    data = _book(_rows(发现问题数=[2, 100]), {9: "yyyy-mm-dd"})
    data = _patched(data, "xl/workbook.xml", r"<workbookPr\b", '<workbookPr date1904="1"')
    assert run(con, roster_csv(), InputFile("台账.xlsx", data)).status == "imported"
    assert [f[:2] for f in _figures(con)] == [("张家村", 2), ("王庄村", 100)]
    # LibreOffice counts its days from 1899-12-30 throughout: 2 formatted as a date is 1900-01-01 there
    ods = run(con, InputFile("台账.ods", _ods(_rows(发现问题数=[dt.date(1900, 1, 1), dt.date(1900, 4, 9)],
                                                  轮次=["2021年第二轮"] * 2))))
    assert ods.status == "imported", ods.problems
    assert [r["issues_found"] for r in rows_of(con, "SELECT issues_found FROM inspections WHERE round = '2021年第二轮' "
                                                   "ORDER BY unit_name")] == [2, 100]


def test_a_real_date_or_the_ambiguous_leap_day_in_a_count_is_refused_naming_the_date_format(con):
    data = _book(_rows(发现问题数=[dt.datetime(2021, 3, 15), 59]), {9: "yyyy-mm-dd"})
    result = run(con, roster_csv(), InputFile("台账.xlsx", data))
    assert result.status == "rejected"
    assert [(p.row, p.column) for p in result.problems] == [(2, "发现问题数"), (3, "发现问题数")]
    assert "不是数量" in result.problems[0].reason and "59 还是 60" in result.problems[1].reason
    assert all("常规" in p.suggestion for p in result.problems)


def test_a_date_in_a_cell_formatted_as_a_duration_is_that_date(con):
    data = _book(_rows(开始日期=[44270, 44270]), {4: "[h]:mm:ss"})
    assert run(con, roster_csv(), InputFile("台账.xlsx", data)).status == "imported"
    assert _figures(con) == PLAIN


# ---------------------------------------------------------------- what is not a ledger

def _zip(members: dict[str, bytes], utf8_names: bool = True) -> bytes:
    """A zip of `members`; without `utf8_names`, their names in GBK bytes without the UTF-8 flag (written
    under ASCII stand-ins of the same length, replaced in the local headers and the directory)."""
    out, stand_ins = io.BytesIO(), {}
    with zipfile.ZipFile(out, "w") as archive:
        for number, (name, data) in enumerate(members.items()):
            if not utf8_names:
                raw = name.encode("gbk")
                stand_ins[raw] = name = f"{number}".rjust(len(raw), "_")
            archive.writestr(name, data)
    data = out.getvalue()
    for raw, stand_in in stand_ins.items():
        data = data.replace(stand_in.encode(), raw)
    return data


@pytest.mark.parametrize(("name", "utf8_names"), [("台账.zip", True), ("台账.zip", False), ("台账.xlsx", True)])
def test_ledgers_zipped_to_send_them_are_refused_saying_to_unzip_and_naming_the_files(con, name, utf8_names):
    """Windows' "send to compressed folder" writes the names in GBK without saying so."""
    data = _zip({"巡察台账/台账1.xlsx": _book(_rows()), "巡察台账/问题清单.csv": b"a,b\n"}, utf8_names)
    result = run(con, roster_csv(), InputFile(name, data))
    assert result.status == "rejected"
    assert [p.reason for p in result.problems] == [
        "文件内容是压缩包（zip、rar、7z 等），不是台账表格：请先解压，再上传其中的 Excel 工作簿或 CSV 文件"
        "（压缩包内有：台账1.xlsx、问题清单.csv）"]


def test_the_upload_box_lets_an_archive_through_to_that_message_without_listing_it_as_a_type():
    from pathlib import Path

    from inspection import readers

    assert {".zip", ".rar", ".7z"} <= set(readers.UPLOAD_EXTENSIONS)
    # the page lists the types it takes without them (imported, the page would run outside the app)
    page = (Path(__file__).resolve().parents[2] / "pages" / "imports.py").read_text()
    assert "if e not in readers.ARCHIVE_EXTENSIONS" in page
    with pytest.raises(readers.ReadError, match="压缩包"):
        readers.read_file("台账.rar", b"Rar!\x1a\x07\x00" + b"\x00" * 64)


def test_the_windows_download_mark_beside_a_ledger_is_named_for_what_it_is(con):
    result = run(con, roster_csv(), InputFile("问题清单（终稿）(1).xlsx:Zone.Identifier",
                                               b"[ZoneTransfer]\r\nZoneId=3\r\nReferrerUrl=https://mail.qq.com/\r\n"))
    assert result.status == "rejected" and "Zone.Identifier" in result.problems[0].reason


# ---------------------------------------------------------------- layouts

def test_blanks_under_a_record_as_a_pivot_table_leaves_them_are_refused_saying_they_may_mean_the_same(con):
    """A pivot table copied as values (or a clerk writing each group's value once) leaves the cells below
    a group's first row blank; merged cells are filled, blanks are not guessed."""
    first, second = list(INSPECTION_ROWS[0]), list(INSPECTION_ROWS[0])
    second[0] = second[1] = second[2] = None
    second[8], second[9] = "李家村", 3
    third = list(INSPECTION_ROWS[1])
    third[0] = None  # the first record of its group with a blank of its own: nothing above differs
    data = _book(table(INSPECTION_HEADER, [first, second]) + [third])
    result = run(con, roster_csv(), InputFile("透视表.xlsx", data))
    assert result.status == "rejected"
    hints = {(p.row, p.column): p.suggestion for p in result.problems}
    assert set(hints) >= {(3, "轮次"), (3, "巡察层级"), (3, "巡察组"), (4, "轮次")}
    assert all("同上" in hints[(3, c)] for c in ("轮次", "巡察层级", "巡察组"))
    assert not hints[(4, "轮次")]


def _xls_hiding(rows, hidden_row: int) -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("巡察")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    sheet.row(hidden_row).hidden = True
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_rows_an_xls_or_ods_hides_are_imported_and_named_as_an_xlsxs_are(con, kind):
    rows = table(INSPECTION_HEADER, INSPECTION_ROWS)
    if kind == "xls":
        data = _xls_hiding(rows, 2)
    else:  # LibreOffice: a filtered-out row, then empty rows hidden to the sheet's end
        data = _ods(rows, {2: ' table:visibility="filter"'}, '<table:table-row table:number-rows-repeated="1048573" '
                    'table:visibility="collapse"><table:table-cell/></table:table-row>')
    result = run(con, roster_csv(), InputFile(f"台账.{kind}", data))
    assert result.status == "imported", result.problems
    assert [f[:3] for f in _figures(con)] == [("张家村", 2, 1), ("王庄村", 1, 0)]
    assert f"台账.{kind}「巡察」：第 3 行（共 1 行）在 Excel 中是隐藏的（被筛选掉或手动隐藏），也已导入：文件中的每一行都按台账导入；" \
           "不应导入的行请从文件中删除" in result.warnings


# ---------------------------------------------------------------- Excel's binary workbook (.xlsb)

def test_an_xlsb_ledger_gives_every_figure_its_merged_cells_filled_and_hidden_rows_named(con):
    """Excel's binary workbook (what a large ledger is saved as, to be smaller): the Excel reader gives no
    merged ranges of it, which are read from its records as an .xlsx's are."""
    rows = table(INSPECTION_HEADER, [list(INSPECTION_ROWS[0]), list(INSPECTION_ROWS[0])])
    rows[2][0] = rows[2][1] = None  # round and level merged down from the first record
    rows[2][8], rows[2][9] = "李家村", 3
    data = xlsb_bytes({"说明": [["填表说明"]], "巡察": rows}, merged={"巡察": [(1, 2, 0, 0), (1, 2, 1, 1)]},
                      hidden_rows={"巡察": {2}}, hidden={"说明"})
    result = run(con, roster_csv(), InputFile("台账.xlsb", data))
    assert result.status == "imported", result.problems
    assert [f[:3] for f in _figures(con)] == [("张家村", 2, 1), ("李家村", 3, 1)]
    assert any("第 3 行（共 1 行）在 Excel 中是隐藏的" in w for w in result.warnings)


def test_an_xlsbs_error_value_is_refused_by_name_and_a_far_cell_before_it_is_allocated(con):
    data = xlsb_bytes({"巡察": table(INSPECTION_HEADER, INSPECTION_ROWS)}, errors={"巡察": {(1, 9): 0x17}})
    result = run(con, roster_csv(), InputFile("台账.xlsb", data))
    assert result.status == "rejected"
    assert [(p.row, p.column, p.value) for p in result.problems] == [(2, "发现问题数", "#REF!")]
    far = xlsb_bytes({"巡察": table(INSPECTION_HEADER, INSPECTION_ROWS) + [[None] * 300 + ["x"]]})
    result = run(con, roster_csv(), InputFile("台账.xlsb", far))
    assert result.status == "rejected" and "列数 301 超过上限 200" in result.problems[0].reason


@pytest.mark.parametrize("name", ["横向.xlsx", "横向.csv"])
def test_a_table_written_across_is_refused_naming_the_column_its_header_runs_down(con, name):
    """A form per unit laid out across (fields down a column, one inspection per column): named, not read
    turned (a sheet listing a template's fields down a column looks the same)."""
    across = [[None, INSPECTION_HEADER[i]] + [row[i] for row in INSPECTION_ROWS] for i in range(len(INSPECTION_HEADER))]
    data = _book(across) if name.endswith(".xlsx") else csv_bytes(across)
    result = run(con, roster_csv(), InputFile(name, data))
    assert result.status == "rejected"
    assert "的表头竖着写在第 2 列" in result.problems[0].suggestion and "转置" in result.problems[0].suggestion


def test_a_hidden_old_copy_of_a_column_in_an_ods_is_not_read_the_visible_one_is(con):
    """As an .xlsx's and an .xls's (test_unseen_files2): LibreOffice hides a column by table:visibility."""
    header = ["轮次", "巡察层级", "巡察组", "开始日期", "县区", "乡镇街道", "村(社区)", "发现问题数", "发现问题数", "移交问题线索数"]
    rows = [["2021年第一轮", "市级", "市委第一巡察组", "2021-03-15", "东城区", "城关镇", "张家村", 3, 2, 1],
            ["2021年第一轮", "县级", "县委第二巡察组", "2021-03-15", "西城区", "河口镇", "王庄村", 1, 1, 0]]
    columns = ('<table:table-column table:number-columns-repeated="8"/>'
               '<table:table-column table:visibility="collapse"/><table:table-column table:number-columns-repeated="2"/>')
    result = run(con, roster_csv(), InputFile("巡察情况.ods", _ods(table(header, rows), head=columns)))
    assert result.status == "imported", result.problems
    assert con.execute("SELECT list(issues_found ORDER BY issues_found) FROM inspections").fetchone()[0] == [1, 3]
    assert any("隐藏的列「发现问题数」" in w for w in result.warnings)


# ---------------------------------------------------------------- protected, not locked

def test_a_workbook_encrypted_with_excels_default_password_is_read_as_excel_opens_it(con):
    """Excel encrypts an .xls whose structure or sheets are protected with the password VelvetSweatshop and
    opens it without asking (so does a program "protecting" its export): it is no password to open. (The
    .xls path, RC4 CryptoAPI and XOR, was measured on msoffcrypto-tool's own test files; built here: .xlsx.)"""
    from msoffcrypto.format.ooxml import OOXMLFile

    from inspection import readers

    locked = io.BytesIO()
    OOXMLFile(io.BytesIO(_book(table(INSPECTION_HEADER, INSPECTION_ROWS)))).encrypt(readers.EXCEL_DEFAULT_PASSWORD, locked)
    result = run(con, roster_csv(), InputFile("受保护.xlsx", locked.getvalue()))
    assert result.status == "imported", result.problems  # another password stays refused (test_real_files)
    assert [f[:3] for f in _figures(con)] == [("张家村", 2, 1), ("王庄村", 1, 0)]


def test_a_row_labelled_gongji_or_leiji_is_a_total_row(con):
    """共计 / 累计 (in all) end a total row's label as 合计 does (any row with 计 is classified by
    layout.row_kind on both CSV paths); inside a longer text they are a description's words."""
    from inspection import layout

    totals = [[None] * 8 + [label, 3, 1, 1, 2] for label in ("共计", "城关镇 共 计：", "累计")]
    result = run(con, roster_csv(), InputFile("台账.xlsx", _book(table(INSPECTION_HEADER, INSPECTION_ROWS) + totals)))
    assert result.status == "imported", result.problems
    assert result.tables["inspections"] == 2 and "已跳过合计/小计行 3 行（第 4、5、6 行）" in " ".join(result.warnings)
    assert layout.row_kind(["共计违规发放补贴3万元", "张家村"]) == "data"
