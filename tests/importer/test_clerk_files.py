"""Ledgers as clerks finish them for printing and as other systems write them, beyond test_office_exports.py:
the signature line under a printed form, and values written the way a form asks for them. Each imports
with the right figures or is refused naming the real reason."""

from __future__ import annotations

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
