"""Files made by real office software, found in public repositories (tests/fixtures/found/README.md
names each one's origin and licence), and shapes they showed, reproduced by code: what the readers
make of them is what the clerk saw in Excel, WPS or LibreOffice."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.ledger_gallery import (
    AS_OF,
    DATA_MERGES,
    REAL_INSPECTION_HEAD,
    REAL_INSPECTION_TITLE,
    ods_bytes,
    plain_files,
)
from support.ledger_gallery import _inspection_sheet as inspection_sheet
from support.ledgers import ROSTER_HEADER, ROSTER_ROWS, data_dump, memory_store, run

from inspection import layout, metrics, readers
from inspection.filters import Filters
from inspection.importer import InputFile

FOUND = Path(__file__).parent.parent / "fixtures" / "found"


def _imported(files: list[InputFile]):
    connection = memory_store()
    result = run(connection, *files)
    assert result.status == "imported", [(p.file, p.sheet, p.row, p.column, p.value, p.reason) for p in result.problems]
    return connection


def test_covered_cells_of_a_libreoffice_merge_read_as_the_merge_shows():
    """LibreOffice 5.4 (covered.ods): A2:A3 merged, the covered A3 still holding "a3" (LibreOffice keeps
    the hidden cells' contents when asked to). The sheet shows "a2" over both rows: so it is read."""
    sheet, = readers.read_file("covered.ods", (FOUND / "covered.ods").read_bytes())
    assert sheet.merged == (((1, 0), (2, 0)),)
    assert sheet.rows == [["a1"], ["a2"], ["a2"]]


def test_fill_merged_puts_the_first_value_over_hidden_contents():
    rows = [["东城区", "城关镇", 5], ["西城区", "", 3], ["", "河口镇", 1]]
    assert layout.fill_merged(rows, [((0, 0), (2, 0)), ((0, 1), (1, 1))]) == 3
    assert rows == [["东城区", "城关镇", 5], ["东城区", "城关镇", 3], ["东城区", "河口镇", 1]]
    blank_first = [["", 1], ["旧值", 2]]
    layout.fill_merged(blank_first, [((0, 0), (1, 0))])  # an empty merge shows nothing: the cells are left
    assert blank_first == [["", 1], ["旧值", 2]]


def test_ods_ledger_with_stale_values_under_its_merges_gives_the_plain_figures():
    """The gallery's ledger as LibreOffice keeps it when a township was merged down over its villages
    keeping the hidden cells' old contents (another township, another district): the figures are the
    plain ledger's, every village in the township the sheet shows."""
    rows = inspection_sheet(merged=True)
    first = len(REAL_INSPECTION_TITLE) + len(REAL_INSPECTION_HEAD)
    stale = {1: "西城区", 2: "河口镇"}  # column -> what the covered cells still hold
    for (r0, c0), (r1, _) in DATA_MERGES:
        for r in range(first + r0 + 1, first + r1 + 1):
            rows[r][c0] = stale[c0]
    merges = [((first + r0, c0), (first + r1, c1)) for (r0, c0), (r1, c1) in DATA_MERGES]
    plain = plain_files()
    files = [f for f in plain if f.name != "inspections.csv"]
    files.append(InputFile("巡察情况.ods", ods_bytes([("巡察情况", rows, merges)])))
    expected = _imported(plain)
    found = _imported(files)
    try:
        assert metrics.compute(found, Filters(as_of=AS_OF)) == metrics.compute(expected, Filters(as_of=AS_OF))
        assert data_dump(found) == data_dump(expected)
    finally:
        found.close()
        expected.close()


def test_excel_2003_xml_with_a_column_spanning_the_sheet_is_read():
    """Excel (Version 15.00) saved merge_cells.xls.xml as "XML 表格 2003" (SheetJS/test_files, Apache 2.0): its
    columns' width is one <Column ss:Span="255"/> over the sheet's 256 columns, which is no cell."""
    sheet, = readers.read_file("merge_cells.xml", (FOUND / "merge_cells.xls.xml").read_bytes())
    assert sheet.rows[0] == ["A1:B2", "A1:B2", "C1:C2", "Separate blocks"]
    assert sheet.rows[3][:2] == ["… are merged separately"] * 2
    assert ((0, 0), (1, 1)) in sheet.merged


def _xml2003(rows: list[list[str]], columns: str) -> bytes:
    body = "".join("<Row>" + "".join(f'<Cell><Data ss:Type="String">{v}</Data></Cell>' for v in row) + "</Row>"
                   for row in rows)
    return ('<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
            '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
            'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="名册">'
            f'<Table ss:ExpandedColumnCount="256" ss:ExpandedRowCount="{len(rows)}">{columns}{body}</Table>'
            "</Worksheet></Workbook>").encode()


@pytest.mark.parametrize("columns", ['<Column ss:AutoFitWidth="0" ss:Width="66" ss:Span="255"/>',
                                     '<Column ss:Width="80"/><Column ss:Index="300" ss:Width="20" ss:Span="16000"/>',
                                     '<Column ss:Index="10" ss:Hidden="1" ss:Span="100000000"/>'])
def test_excel_2003_xml_roster_imports_whatever_its_columns_formatting(columns):
    """A column's width or style past the sheet's last used column (Excel formats whole rows so) is not
    a column of data: the roster imports (a hidden span is bounded: nothing past the limit is read)."""
    rows = [ROSTER_HEADER, *[list(r) for r in ROSTER_ROWS]]
    connection = memory_store()
    try:
        result = run(connection, InputFile("名册.xls", _xml2003(rows, columns)))
        assert result.status == "imported", [p.reason for p in result.problems]
    finally:
        connection.close()


def test_excel_2003_xml_control_characters_are_dropped_not_called_damage():
    """Excel writes a control character in a cell (CHAR(7); a vertical tab pasted from Word) as a
    character reference XML 1.0 forbids (&#7;, &#11;); Excel opens the file, so it is read, the
    invisible characters dropped (a line break &#10; kept)."""
    rows = [["县区", "乡镇街道", "村(社区)"], ["东城区&#7;", "城关&#11;镇", "张家&#10;村&#x1F;"]]
    sheet, = readers.read_file("名册.xml", _xml2003(rows, ""))
    assert sheet.rows[1] == ["东城区", "城关镇", "张家\n村"]


if __name__ == "__main__":  # pragma: no cover
    pytest.main([__file__, "-q"])
