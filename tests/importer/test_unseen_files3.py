"""Files as office software, export libraries and web systems write them, in shapes the other galleries,
test_unseen_files and test_unseen_files2 do not hold (a third round, the file and workbook side): each
imports with the figures a clerk computes by hand, or is refused naming the real reason."""

from __future__ import annotations

import pytest
from support.ledgers import (
    INSPECTION_HEADER,
    INSPECTION_ROWS,
    fresh_store,
    roster_csv,
    rows_of,
    run,
    table,
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
