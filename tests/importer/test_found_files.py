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
from support.ledgers import data_dump, memory_store, run

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


if __name__ == "__main__":  # pragma: no cover
    pytest.main([__file__, "-q"])
