"""The problems of a rejected import as a workbook the clerk can fix from: a summary sheet listing
every problem, then each input sheet as it was read, with an error column on the rows concerned."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from . import cells, contract, layout, readers, sheet_values
from .importer import InputFile, Problem

if TYPE_CHECKING:
    from .mappings import Mapping

SUMMARY_HEADERS = ("文件", "工作表", "行号", "列", "单元格内容", "问题", "建议")
ERROR_HEADER = "错误说明"
ERROR_FILL = PatternFill("solid", fgColor="FDE2E1")
BOLD = Font(bold=True)


def _describe(p: Problem) -> str:
    text = f"{p.column}：{p.reason}" if p.column else p.reason
    return f"{text}（{p.suggestion}）" if p.suggestion else text


def build(files: Iterable[InputFile], problems: list[Problem], mapped: Iterable[Mapping] = ()) -> bytes:
    """The .xlsx bytes: 问题汇总 first, then every readable input sheet with 错误说明 appended.
    `mapped`: the store's mappings the import used (ImportResult.mappings): a header row known only
    through them is found here too, so its person columns are left out like any other."""
    known = contract.ALL_HEADERS | {m.header for m in mapped if m.header}
    wb = Workbook()
    summary = wb.active
    summary.title = "问题汇总"
    summary.append(SUMMARY_HEADERS)
    for cell in summary[1]:
        cell.font = BOLD
    for p in problems:
        summary.append([sheet_values.cell(v) for v in (p.file, p.sheet, p.row, p.column, p.value, p.reason, p.suggestion)])
    for column, width in zip("ABCDEFG", (22, 14, 8, 16, 22, 48, 36), strict=True):
        summary.column_dimensions[column].width = width

    by_row: dict[tuple, list[str]] = defaultdict(list)
    for p in problems:
        if p.row is not None:
            by_row[(p.file, p.sheet or None, p.row)].append(_describe(p))
    taken = {summary.title.lower()}
    for item in files:
        if not any(p.file == item.name for p in problems):
            continue
        try:
            sheets = readers.read_file(item.name, item.data)
        except readers.ReadError:
            continue
        for raw in sheets:
            label = raw.name or None
            title = sheet_values.sheet_name(f"{item.name.rsplit('.', 1)[0]}-{raw.name}" if raw.name else item.name, taken)
            ws = wb.create_sheet(title)
            width = max((len(r) for r in raw.rows), default=0)
            for index, row in enumerate(_without_people(raw.rows, known), start=1):
                errors = by_row.get((item.name, label, index), [])
                padded = list(row) + [None] * (width - len(row))
                ws.append([sheet_values.cell(v) for v in padded] + ["；".join(errors) if errors else None])
                if errors:
                    for cell in ws[index]:
                        cell.fill = ERROR_FILL
            error_col = ws.cell(row=1, column=width + 1)
            if error_col.value is None:
                error_col.value = ERROR_HEADER
                error_col.font = BOLD
            ws.column_dimensions[error_col.column_letter].width = 60
            for cell in ws[error_col.column_letter]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


NOTE_PLACEHOLDER = "（" + layout.KIND_LABELS["note"] + "，内容不复制）"


def _hidden(cell: object) -> object:
    """A cell as the store would keep it: without a name after its role, an ID or a phone number (a title row
    东城区巡察情况 联系人：王某某 13800138000 is copied without them)."""
    return cells.hide_personal(cell) if type(cell) is str else cell


def _without_people(rows: list[list[object]], known: frozenset[str] = contract.ALL_HEADERS) -> list[list[object]]:
    """The rows as read, without what names people (DATA_CONTRACT.md: person columns are never stored,
    shown or exported; the kept original is the one copy): the cells of a person column (整改责任人,
    责任领导...) below the header are left empty, and a note row (填表人：王某某, 审核人...) keeps its
    place, so row numbers still match the file, with only its kind in its first cell. Where no header
    is found (a sheet the import did not recognise), a cell of the first rows that is a person
    header (联系人, 整改责任人...) still empties its column below it."""
    found = layout.find_header(rows, known)
    header_index, person = -1, set()
    if found:
        header_index, headers, _ = found
        person = {c for c, h in enumerate(headers)
                  if h and h not in known and layout.is_person_header(h)}
    else:
        for index, row in enumerate(rows[: contract.MAX_TITLE_ROWS + 1]):
            if layout.row_kind(row) == "note":
                continue
            person = {c for c, v in enumerate(row) if layout.is_person_cell(v)}
            if person:
                header_index = index
                break
    out = []
    for index, row in enumerate(rows):
        if layout.row_kind(row) == "note":
            out.append([NOTE_PLACEHOLDER] + [None] * (len(row) - 1))
        elif index > header_index and person:
            out.append([None if c in person else _hidden(v) for c, v in enumerate(row)])
        else:
            out.append([_hidden(v) for v in row])
    return out
