"""Files as office software, export libraries and web systems write them, in shapes the other galleries,
test_unseen_files and test_unseen_files2 do not hold (a third round, the file and workbook side): each
imports with the figures a clerk computes by hand, or is refused naming the real reason."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from support.ledgers import (
    INSPECTION_HEADER,
    INSPECTION_ROWS,
    ROSTER_HEADER,
    ROSTER_ROWS,
    fresh_store,
    roster_csv,
    rows_of,
    run,
    table,
    xlsx_bytes,
)

from inspection.importer import InputFile

con = pytest.fixture(fresh_store)

PLAIN_FIGURES = [("张家村", 2, 1), ("王庄村", 1, 0)]


def _figures(con) -> list[tuple]:
    return [(r["unit_name"], r["issues_found"], r["clues"]) for r in rows_of(
        con, "SELECT unit_name, issues_found, clues FROM inspections WHERE superseded_by IS NULL ORDER BY unit_name")]


# ---------------------------------------------------------------- a web page saved as .xls

def _page(rows, encoding: str = "utf-8", before: str = "", head: str = "", spans=None) -> bytes:
    """A web system's "export to Excel": an HTML table (spans: {(row, col): ' rowspan="2"'}; a cell that
    is None is covered by a span and not written)."""
    spans = spans or {}
    body = "".join("<tr>" + "".join(f"<td{spans.get((r, c), '')}>{v}</td>" for c, v in enumerate(row) if v is not None)
                   + "</tr>\n" for r, row in enumerate(rows))
    return (before + f'<html xmlns:x="urn:schemas-microsoft-com:office:excel"><head><meta http-equiv="Content-Type" '
            f'content="text/html; charset={encoding}">{head}<style>td {{ mso-number-format:"\\@"; }}</style></head>'
            f'<body><table border="1">\n{body}</table></body></html>').encode(encoding)


EXCEL_WEB_PAGE = ("<!--[if gte mso 9]><xml><x:ExcelWorkbook><x:ExcelWorksheets><x:ExcelWorksheet><x:Name>巡察情况"
                  "</x:Name></x:ExcelWorksheet></x:ExcelWorksheets></x:ExcelWorkbook></xml><![endif]-->")


@pytest.mark.parametrize(("name", "data"), [
    ("导出.xls", _page(table(INSPECTION_HEADER, INSPECTION_ROWS))),
    ("导出.xls", _page(table(INSPECTION_HEADER, INSPECTION_ROWS), "gbk")),
    ("导出.xls", _page(table(INSPECTION_HEADER, INSPECTION_ROWS), "utf-8-sig")),
    ("导出.xls", _page(table(INSPECTION_HEADER, INSPECTION_ROWS), "utf-16")),
    ("导出.xls", _page(table(INSPECTION_HEADER, INSPECTION_ROWS), before="<!-- " + "导出系统 " * 2000 + "-->\n")),
    ("导出.xls", _page(table(INSPECTION_HEADER, INSPECTION_ROWS), head=EXCEL_WEB_PAGE)),
    # LibreOffice's export starts <!DOCTYPE html>: a "<" opening no tag was refused as a damaged file
    ("导出.xls", _page(table(INSPECTION_HEADER, INSPECTION_ROWS) + [["注：得分<60为不合格"]], before="<!DOCTYPE html>\n")),
    ("导出.xlsx", _page([[f"<b>{c}</b>&nbsp;" for c in row] for row in table(INSPECTION_HEADER, INSPECTION_ROWS)])),
    ("导出.csv", _page(table(INSPECTION_HEADER, INSPECTION_ROWS), "utf-8-sig")),
])
def test_a_web_page_saved_as_a_workbook_gives_every_figure(con, name, data):
    """Excel opens such a file (after a warning) and shows its table: it was refused, asking the clerk to
    save it as .xlsx first, for every export of the system."""
    result = run(con, roster_csv(), InputFile(name, data))
    assert result.status == "imported", result.problems
    assert _figures(con) == PLAIN_FIGURES
    assert rows_of(con, "SELECT team FROM inspections ORDER BY unit_name")[0]["team"] == "市委第一巡察组"


def test_spans_of_a_web_page_fill_their_cells_as_merged_cells_do(con):
    """A title over the whole width, a header in two rows (the left columns spanning both, a group over
    the figures) and a mode written once over both records."""
    header_top = INSPECTION_HEADER[:9] + ["巡察成果", None, None, None]
    header_low = [None] * 9 + INSPECTION_HEADER[9:]
    records = [list(r) for r in INSPECTION_ROWS]
    records[0][3], records[1][3] = "常规", None
    rows = [["2021年巡察情况统计表"] + [None] * 12, header_top, header_low, *records]
    spans = {(0, 0): ' colspan="13"', (1, 9): " colspan=4", (3, 3): " rowspan='2'"}
    spans.update({(1, c): ' rowspan="2"' for c in range(9)})
    result = run(con, roster_csv(), InputFile("导出.xls", _page(rows, spans=spans)))
    assert result.status == "imported", result.problems
    assert _figures(con) == PLAIN_FIGURES
    assert [r["mode"] for r in rows_of(con, "SELECT mode FROM inspections")] == ["常规", "常规"]


def test_a_line_break_in_a_web_pages_cell_is_kept_and_its_spaces_collapsed(con):
    rows = [list(r) for r in INSPECTION_ROWS]
    rows[0][INSPECTION_HEADER.index("巡察组")] = "市委第一\n   巡察组"  # the page's source wraps; the browser shows one space
    rows[1][INSPECTION_HEADER.index("巡察组")] = "县委第二<br/>巡察组"
    result = run(con, roster_csv(), InputFile("导出.xls", _page(table(INSPECTION_HEADER, rows))))
    assert result.status == "imported", result.problems
    assert [r["team"] for r in rows_of(con, "SELECT team FROM inspections ORDER BY unit_name")] == [
        "市委第一 巡察组", "县委第二巡察组"]  # (a line break inside a name is dropped, as in a workbook)


def test_a_web_pages_layout_table_around_its_data_gives_the_data_tables_rows(con):
    """Old pages wrap their report in a layout table (a title cell, the data table in a cell, a footer
    cell): the data table's rows are the sheet's, not one cell holding all their text."""
    data_table = _page(table(INSPECTION_HEADER, INSPECTION_ROWS)).decode()
    data_table = data_table[data_table.index("<table"):data_table.index("</table>") + len("</table>")]
    page = ('<html><body><table width="100%"><tr><td align="center"><b>2021年第一轮巡察情况</b></td></tr>'
            f"<tr><td>{data_table}</td></tr><tr><td>导出时间：2021-06-01 09:30</td></tr></table></body></html>")
    result = run(con, roster_csv(), InputFile("导出.xls", page.encode()))
    assert result.status == "imported", result.problems
    assert _figures(con) == PLAIN_FIGURES


def test_a_web_tables_caption_is_a_title_row_and_states_the_round(con):
    """Excel shows a table's <caption> as a row above it: a ledger without a 轮次 column takes its round
    from there, as from any title row (the caption was dropped, and the round column refused as missing)."""
    page = _page(table(INSPECTION_HEADER[1:], [r[1:] for r in INSPECTION_ROWS])).replace(
        b'<table border="1">', "<table border=\"1\"><caption>2021年第一轮巡察情况</caption>".encode())
    result = run(con, roster_csv(), InputFile("导出.xls", page))
    assert result.status == "imported", result.problems
    assert _figures(con) == PLAIN_FIGURES
    assert rows_of(con, "SELECT DISTINCT round FROM inspections") == [{"round": "2021年第一轮"}]


def test_a_web_page_without_a_table_is_refused_saying_so(con):
    """What a web system sends when the clerk's session has ended: its login page, under the export's name."""
    page = "<html><head><title>登录</title></head><body><p>登录超时，请重新登录</p></body></html>".encode()
    result = run(con, roster_csv(), InputFile("导出.xls", page))
    assert result.status == "rejected"
    assert [p.reason for p in result.problems] == [
        "文件内容是网页（HTML），其中没有表格（可能是系统的登录页或错误页，而不是导出的台账）："
        "请在系统中重新导出，或在 Excel 或 WPS 中打开，「另存为」Excel 工作簿（*.xlsx）后再导入"]
    assert rows_of(con, "SELECT * FROM roster") == []


def test_a_web_pages_spans_past_the_limits_are_refused_not_allocated(con):
    page = b"<table><tr><td rowspan=99999999 colspan=9999>x</td></tr><tr><td>a</td></tr></table>"
    result = run(con, InputFile("导出.xls", page))
    assert result.status == "rejected"
    assert "列数超过上限" in result.problems[0].reason


# ---------------------------------------------------------------- an Excel 2003 XML table

def _xml_2003(sheets: dict[str, list[list[object]]], encoding: str = "utf-8", options: dict[str, str] | None = None,
              cell=None) -> bytes:
    """SpreadsheetML as .NET and Java exporters (and Excel's "XML 表格") write it: one <Cell> per line;
    `cell(row, col, value)` may return a cell of its own (merges, an index)."""
    from xml.sax.saxutils import escape

    def written(r: int, c: int, value: object) -> str:
        if cell and (own := cell(r, c, value)) is not None:
            return own
        if isinstance(value, (int, float)):
            return f'<Cell><Data ss:Type="Number">{value}</Data></Cell>'
        if isinstance(value, dt.date):
            return f'<Cell ss:StyleID="d"><Data ss:Type="DateTime">{value.isoformat()}T00:00:00.000</Data></Cell>'
        return f'<Cell><Data ss:Type="String">{escape(str(value))}</Data></Cell>'

    out = [f'<?xml version="1.0" encoding="{encoding}"?>', '<?mso-application progid="Excel.Sheet"?>',
           '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:o="urn:schemas-microsoft-com:office:'
           'office" xmlns:x="urn:schemas-microsoft-com:office:excel" xmlns:ss="urn:schemas-microsoft-com:office:'
           'spreadsheet" xmlns:html="http://www.w3.org/TR/REC-html40">',
           '<Styles><Style ss:ID="d"><NumberFormat ss:Format="Short Date"/></Style></Styles>']
    for name, rows in sheets.items():
        out.append(f'<Worksheet ss:Name="{escape(name)}"><Table>')
        for r, row in enumerate(rows):
            out += ["<Row>", *(written(r, c, v) for c, v in enumerate(row) if v is not None), "</Row>"]
        out += ["</Table>", (options or {}).get(name, ""), "</Worksheet>"]
    return "\n".join([*out, "</Workbook>"]).encode(encoding)


def _dated(rows):
    rows = [list(r) for r in rows]
    for row in rows:
        row[4], row[5] = dt.date(2021, 3, 15), dt.date(2021, 5, 20)
    return rows


@pytest.mark.parametrize(("name", "encoding"), [("导出.xls", "utf-8"), ("导出.xml", "utf-8"), ("导出.xls", "gb2312"),
                                                ("导出.xls", "utf-16")])
def test_an_excel_2003_xml_table_gives_every_figure(con, name, encoding):
    """It was refused, asking the clerk to save it as .xlsx first (.xml: as a file type not taken)."""
    result = run(con, roster_csv(), InputFile(name, _xml_2003(
        {"巡察情况": table(INSPECTION_HEADER, _dated(INSPECTION_ROWS))}, encoding)))
    assert result.status == "imported", result.problems
    assert _figures(con) == PLAIN_FIGURES
    assert rows_of(con, "SELECT DISTINCT start_date, end_date FROM inspections") == [
        {"start_date": dt.date(2021, 3, 15), "end_date": dt.date(2021, 5, 20)}]


def test_an_excel_2003_xml_tables_merged_cells_fill_and_its_hidden_sheet_is_not_a_table(con):
    """The mode merged down over both records (the cell under it not written, the next one indexed past
    it), a title merged across; a hidden sheet of drop-down lists beside it."""
    rows = [["2021年巡察情况统计表"], INSPECTION_HEADER, *_dated(INSPECTION_ROWS)]
    rows[2][3], rows[3][3] = "常规", None

    def cell(r, c, value):
        if (r, c) == (0, 0):
            return f'<Cell ss:MergeAcross="12"><Data ss:Type="String">{value}</Data></Cell>'
        if (r, c) == (2, 3):
            return f'<Cell ss:MergeDown="1"><Data ss:Type="String">{value}</Data></Cell>'
        if (r, c) == (3, 4):
            return f'<Cell ss:Index="5" ss:StyleID="d"><Data ss:Type="DateTime">{value}T00:00:00</Data></Cell>'
        return None

    hidden = '<WorksheetOptions xmlns="urn:schemas-microsoft-com:office:excel"><Visible>SheetHidden</Visible></WorksheetOptions>'
    data = _xml_2003({"巡察情况": rows, "字典": [["层级"], ["市级"], ["县级"]]}, options={"字典": hidden}, cell=cell)
    result = run(con, roster_csv(), InputFile("导出.xls", data))
    assert result.status == "imported", result.problems
    assert _figures(con) == PLAIN_FIGURES
    assert [r["mode"] for r in rows_of(con, "SELECT mode FROM inspections")] == ["常规", "常规"]


def test_an_error_value_in_an_excel_2003_xml_table_is_refused_by_name(con):
    data = _xml_2003({"巡察情况": table(INSPECTION_HEADER, _dated(INSPECTION_ROWS))},
                     cell=lambda r, c, v: '<Cell><Data ss:Type="Error">#N/A</Data></Cell>' if (r, c) == (1, 9) else None)
    result = run(con, roster_csv(), InputFile("导出.xls", data))
    assert result.status == "rejected"
    assert [(p.row, p.column, p.value) for p in result.problems] == [(2, "发现问题数", "#N/A")]
    assert "#N/A" in result.problems[0].reason


@pytest.mark.parametrize(("name", "data", "words"), [
    ("导出.xls", _xml_2003({"巡察情况": [["轮次"]]})[:-40], ["Excel 2003 XML", "损坏或不完整"]),
    ("导出.xml", b'<?xml version="1.0"?><rss><channel/></rss>', ["不是 Excel 2003 XML", "另存为"]),
    ("导出.xls", _xml_2003({}), ["没有工作表"]),
])
def test_a_damaged_excel_2003_xml_table_or_other_xml_is_refused_saying_what_it_is(con, name, data, words):
    result = run(con, roster_csv(), InputFile(name, data))
    assert result.status == "rejected"
    assert len(result.problems) == 1 and all(w in result.problems[0].reason for w in words), result.problems


# ---------------------------------------------------------------- sheets a clerk does not see, sheets named with brackets

def _book(sheets: dict[str, list[list[object]]], hidden: dict[str, str] | None = None) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        sheet.sheet_state = (hidden or {}).get(name, "visible")
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


LAST_ROUND = [["2020年第一轮", *r[1:4], "2020-03-02", "2020-04-30", *r[6:]] for r in INSPECTION_ROWS]


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
@pytest.mark.parametrize("old", [INSPECTION_ROWS, LAST_ROUND], ids=["a copy", "last round"])
def test_a_whole_table_on_a_hidden_sheet_is_not_read_and_named(con, state, old):
    """A copy hidden beside the ledger refused every visible row as a duplicate of it; last round's rows
    hidden were imported, though the clerk never saw them."""
    data = _book({"巡察情况": table(INSPECTION_HEADER, INSPECTION_ROWS), "旧": table(INSPECTION_HEADER, old)},
                 {"旧": state})
    result = run(con, roster_csv(), InputFile("台账.xlsx", data))
    assert result.status == "imported", result.problems
    assert _figures(con) == PLAIN_FIGURES
    assert rows_of(con, "SELECT DISTINCT round FROM inspections") == [{"round": "2021年第一轮"}]
    assert any(w.startswith("台账.xlsx「旧」：隐藏的工作表中有巡察情况表格（2 行），未导入") and "取消隐藏" in w
               for w in result.warnings), result.warnings


def test_a_workbook_whose_only_table_is_hidden_is_refused_saying_so(con):
    data = _book({"封面": [["2021年巡察台账"]], "数据": table(INSPECTION_HEADER, INSPECTION_ROWS)}, {"数据": "hidden"})
    result = run(con, roster_csv(), InputFile("台账.xlsx", data))
    assert result.status == "rejected"
    [problem] = result.problems
    assert "工作表「数据」是隐藏的，其中的巡察情况表格未导入：如要导入，请取消隐藏该工作表" in problem.suggestion


@pytest.mark.parametrize("name", ["【2021年第一轮】", "（2021年第一轮）", "《2021年第一轮》", "“2021年第一轮”",
                                  "东城区（2021年第一轮）", "(2021年第一轮)城关镇"])
def test_a_sheet_named_after_its_round_in_brackets_takes_the_round_inside_them(con, name):
    rows = [r[1:] for r in INSPECTION_ROWS]
    result = run(con, roster_csv(), InputFile("台账.xlsx", _book({name: table(INSPECTION_HEADER[1:], rows)})))
    assert result.status == "imported", result.problems
    assert rows_of(con, "SELECT DISTINCT round FROM inspections") == [{"round": "2021年第一轮"}]


# ---------------------------------------------------------------- a 汇总 sheet beside its parts, a copy of a sheet

def test_a_summary_sheet_holding_the_rows_of_one_sheet_per_township_counts_each_once(con):
    """It was refused, every record a duplicate of itself on the other sheet (the clerk's 汇总 is the
    sheets per township pasted together). Now each township's sheet is read as part of 汇总, once."""
    inspections = table(INSPECTION_HEADER, INSPECTION_ROWS)
    data = _book({"城关镇": inspections[:2], "汇总": inspections, "河口镇": [inspections[0], inspections[2]]})
    result = run(con, roster_csv(), InputFile("台账.xlsx", data))
    assert result.status == "imported", result.problems
    assert _figures(con) == PLAIN_FIGURES
    assert [w for w in result.warnings if "汇总表或副本" in w] == [
        f"台账.xlsx「{t}」：其中 1 行与工作表「汇总」中的行相同（汇总表或副本），只按「汇总」导入一次，不重复计算"
        for t in ("城关镇", "河口镇")]


def test_an_issue_list_per_township_beside_its_summary_counts_each_issue_once(con):
    from support.ledgers import ISSUE_HEADER, ISSUE_ROWS, inspections_csv

    issues = table(ISSUE_HEADER, ISSUE_ROWS + [ISSUE_ROWS[1]])  # one issue written twice: two issues
    data = _book({"汇总": issues, "城关镇": issues[:3] + [issues[4]], "河口镇": [issues[0], issues[3]]})
    result = run(con, roster_csv(), inspections_csv(), InputFile("问题清单.xlsx", data))
    assert result.status == "imported", result.problems
    assert rows_of(con, "SELECT r.unit_name, count(*) n FROM issues s JOIN roster r USING (unit_id) GROUP BY 1 ORDER BY 1") == [
        {"unit_name": "张家村", "n": 3}, {"unit_name": "王庄村", "n": 1}]


def test_a_copy_of_a_sheet_is_read_once_and_a_roster_of_poverty_villages_is_part_of_the_roster(con):
    inspections = table(INSPECTION_HEADER, INSPECTION_ROWS)
    roster = table(ROSTER_HEADER, ROSTER_ROWS)
    poor = [roster[0]] + [r for r in roster[1:] if r[4] == "是"]
    data = _book({"名册": roster, "贫困村": poor, "巡察情况": inspections, "巡察情况 (2)": inspections})
    result = run(con, InputFile("台账.xlsx", data))
    assert result.status == "imported", result.problems
    assert _figures(con) == PLAIN_FIGURES
    assert rows_of(con, "SELECT count(*) n FROM roster")[0]["n"] == len(ROSTER_ROWS)
    assert sum("汇总表或副本" in w for w in result.warnings) == 2


@pytest.mark.parametrize("name", ["第一轮", "2021第1轮"])
def test_a_sheet_per_round_named_without_the_year_beside_its_summary_is_not_counted_twice(con, name):
    """The sheet's round comes from its name (第一轮), the 汇总's from its column (2021年第一轮): read as two
    rounds, every inspection was counted twice (with no warning for 第一轮)."""
    inspections = table(INSPECTION_HEADER, INSPECTION_ROWS)
    per_round = table(INSPECTION_HEADER[1:], [r[1:] for r in INSPECTION_ROWS])
    result = run(con, roster_csv(), InputFile("台账.xlsx", _book({"汇总": inspections, name: per_round})))
    assert result.status == "imported", result.problems
    assert _figures(con) == PLAIN_FIGURES
    assert rows_of(con, "SELECT DISTINCT round FROM inspections") == [{"round": "2021年第一轮"}]


def test_sheets_of_two_rounds_with_the_same_records_are_not_taken_for_copies(con):
    """2021年第二轮 is no way of writing 2021年第一轮: both sheets are read as their rounds (the same dates
    under two rounds are the clerk's to correct, not guessed away)."""
    first = table(INSPECTION_HEADER[1:], [r[1:] for r in INSPECTION_ROWS])
    result = run(con, roster_csv(), InputFile("台账.xlsx", _book({"2021年第一轮": first, "2021年第二轮": first})))
    assert result.status == "imported", result.problems
    assert not any("汇总表或副本" in w for w in result.warnings)
    assert rows_of(con, "SELECT count(*) n FROM inspections")[0]["n"] == 4


def test_sheets_that_differ_in_one_value_are_still_refused_naming_both(con):
    inspections = table(INSPECTION_HEADER, INSPECTION_ROWS)
    part = [inspections[0], [*inspections[1][:-1], 1]]
    result = run(con, roster_csv(), InputFile("台账.xlsx", _book({"汇总": inspections, "城关镇": part})))
    assert result.status == "rejected"
    assert [(p.sheet, p.row, p.reason) for p in result.problems] == [
        ("城关镇", 2, "同一轮次同一村(社区)出现两次（另见 台账.xlsx「汇总」 第 2 行）")]


# ---------------------------------------------------------------- rows an autofilter hides

def test_rows_an_autofilter_hides_are_imported_and_named(con):
    """A clerk filters the ledger to one district to check it, saves, and uploads: the file still holds
    every row, and every row is the ledger (the filter is a view). They were imported without a word;
    now a warning names them, so a clerk who meant to leave them out knows to delete them."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in table(INSPECTION_HEADER, INSPECTION_ROWS):
        sheet.append(row)
    sheet.auto_filter.ref = f"A1:M{len(INSPECTION_ROWS) + 1}"
    sheet.auto_filter.add_filter_column(6, ["东城区"])
    sheet.row_dimensions[3].hidden = True  # 西城区's row, filtered out
    out = io.BytesIO()
    book.save(out)
    result = run(con, roster_csv(), InputFile("台账.xlsx", out.getvalue()))
    assert result.status == "imported", result.problems
    assert _figures(con) == PLAIN_FIGURES
    assert "台账.xlsx「Sheet」：第 3 行（共 1 行）在 Excel 中是隐藏的（被筛选掉或手动隐藏），也已导入：文件中的每一行都按台账导入；" \
           "不应导入的行请从文件中删除" in result.warnings


# ---------------------------------------------------------------- a printed form's end-of-records mark

@pytest.mark.parametrize("mark", ["以下空白", "（以下空白）", "以下无正文", "此页以下空白", "（此页无正文）", "以 下 空 白"])
def test_the_end_of_records_mark_of_a_printed_form_is_a_note_row(mark):
    """It was skipped as a template's empty row (only a serial number or a pre-filled place), which it is not."""
    from inspection import layout

    assert layout.row_kind([mark, None, ""]) == "note"


def test_the_end_of_records_mark_and_the_footer_below_it_are_notes_on_both_csv_paths(monkeypatch):
    from support.fast_path import run_both
    from support.ledgers import csv_bytes

    rows = table(INSPECTION_HEADER, INSPECTION_ROWS) + [["（以下空白）"], ["填表人：王某某", "", "", "审核人：李某"]]
    result, _ = run_both(monkeypatch, [roster_csv()], [InputFile("巡察情况.csv", csv_bytes(rows))])
    assert (result.status, result.added, result.skipped) == ("imported", 2, 2)
    assert [w for w in result.warnings if "已跳过" in w] == [
        "巡察情况.csv：已跳过表外说明行（填表人、审核人、说明、示例等） 2 行（第 4、5 行）"]


def test_a_formula_an_excel_2003_xml_table_holds_without_its_result_is_refused_not_read_as_blank(con):
    found = INSPECTION_HEADER.index("发现问题数")
    data = _xml_2003({"巡察情况": table(INSPECTION_HEADER, _dated(INSPECTION_ROWS))},
                     cell=lambda r, c, v: '<Cell ss:Formula="=SUM(RC[1]:RC[2])"/>' if (r, c) == (1, found) else None)
    result = run(con, roster_csv(), InputFile("导出.xls", data))
    assert result.status == "rejected"
    assert [(p.row, p.column) for p in result.problems] == [(2, "发现问题数")]
    assert "公式" in result.problems[0].reason


def test_overlapping_merges_of_an_excel_2003_xml_table_are_bounded_before_they_are_filled():
    """Nothing in the XML stops merged ranges from overlapping: 2,000 rows each merging 2,000 rows down
    over 150 columns would fill 600 million cells from a 200 KB file."""
    from inspection import readers

    merged = '<Cell ss:MergeDown="2000" ss:MergeAcross="149"><Data ss:Type="String">x</Data></Cell>'
    data = ('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
            'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="S"><Table>'
            + f"<Row>{merged}</Row>" * 2000 + "</Table></Worksheet></Workbook>").encode()
    with pytest.raises(readers.ReadError, match="合并单元格范围超过上限"):
        readers.read_file("导出.xls", data)


# ---------------------------------------------------------------- a header below more title rows than the contract allows

def test_a_header_below_a_long_block_of_instructions_is_refused_naming_its_row(con):
    """A form with its 填表说明 above the table: the refusal listed the first rows looked at (the title and
    two note rows), never that the header was there, further down."""
    titles = [["2021年巡察情况统计表"], ["填报单位：东城区委巡察办"], []] + [[f"说明{n}：按要求填写"] for n in range(1, 10)]
    result = run(con, roster_csv(), InputFile("巡察情况.xlsx", xlsx_bytes({"巡察情况": titles + table(
        INSPECTION_HEADER, INSPECTION_ROWS)})))
    assert result.status == "rejected"
    [problem] = result.problems
    assert problem.suggestion == ("巡察情况 的表头在第 13 行，上方的标题、说明或空行有 12 行，超过了 10 行的上限：请删除表头上方多余的行"
                                  "（或把说明移到表格下方）后再导入")
