"""Recognise a sheet: where its header is, which table it holds, which columns it has, and the kind of each row."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import NamedTuple

from .. import cells, contract, layout, mappings, readers
from ..contract import Table
from . import messages
from .model import ParsedSheet, Problem


def _hidden_copies(raw: readers.RawSheet, table: Table, headers: list[str], applied: mappings.Applied) -> set[int]:
    """The hidden columns of a field that also has a column the clerk sees (an old copy hidden beside the
    new one): not read, the visible one is the field."""
    if not raw.hidden_columns:
        return set()
    by_field: dict[str, list[int]] = {}
    for col, header in enumerate(headers):
        if header and (name := applied.field_for(table.name, header)) is not None:
            by_field.setdefault(name, []).append(col)
    return {c for cols in by_field.values() if any(c not in raw.hidden_columns for c in cols)
            for c in cols if c in raw.hidden_columns}


# a side table's first column: what a summary box beside the ledger counts by (乡镇 | 巡察村数 | 发现问题)
_SIDE_LABELS = frozenset({"district", "township", "category", "subcategory"})


def _side_tables(raw: readers.RawSheet, headers: list[str], header_index: int, applied: mappings.Applied) -> list[int]:
    """The columns of a small table written beside the ledger past a blank column (a summary by township
    or category: 乡镇 | 巡察村数 | 发现问题, 问题类别 | 问题数): not read, nor used to tell the sheet's table.

    The ledger is the one block of columns that names the units; a block beside it is a summary when its
    first column is a place or category (or a header the contract does not know) and it repeats a field
    of the ledger. Two blocks that both name units are two ledgers side by side (the twin-column check
    refuses them, naming why); a block of the ledger's own fields past a blank spacer column is read."""
    blocks = _blocks(raw, headers, header_index)
    if len(blocks) < 2:
        return []
    ledgers = _ledger_blocks(blocks, headers, applied)
    if len(ledgers) != 1:
        return []
    ledger = ledgers[0]
    table = _classify([h if c in ledger else "" for c, h in enumerate(headers)], applied.index)
    if table is None:
        return []
    own = {applied.field_for(table.name, headers[c]) for c in ledger} - {None}
    sides = [b for b in blocks if b is not ledger]
    for block in sides:
        fields = [applied.field_for(table.name, headers[c]) for c in block]
        if (fields[0] is not None and fields[0] not in _SIDE_LABELS) or not own & set(fields):
            return []
    return [c for b in sides for c in b]


def _blocks(raw: readers.RawSheet, headers: list[str], header_index: int) -> list[list[int]]:
    """The sheet's blocks of headed columns, apart where a column has neither header nor value."""
    body = raw.rows[header_index + 1:]
    blocks: list[list[int]] = [[]]
    for col, header in enumerate(headers):
        if not header and all(col >= len(row) or cells.is_blank(row[col]) for row in body):
            if blocks[-1]:
                blocks.append([])
            continue
        if header:
            blocks[-1].append(col)
    return [b for b in blocks if b]


def _ledger_blocks(blocks: list[list[int]], headers: list[str], applied: mappings.Applied) -> list[list[int]]:
    """The blocks with a column naming the units."""
    return [b for b in blocks if any(applied.field_for(t.name, headers[c]) == "unit_name"
                                     for c in b for t in contract.TABLES)]


def _tables_side_by_side(raw: readers.RawSheet, headers: list[str], header_index: int,
                         applied: mappings.Applied) -> list[tuple[Table, list[int]]]:
    """Two tables of different kinds side by side past a blank column, each naming units (the inspections
    at A-H, the issue list at J-Q), else []. Read as one, the right table's columns of the left's fields
    were ignored as duplicates that agree, its other columns as unknown: its records were dropped."""
    blocks = _blocks(raw, headers, header_index)
    if len(blocks) < 2:
        return []
    found = []
    for block in _ledger_blocks(blocks, headers, applied):
        table = _classify([h if c in block else "" for c, h in enumerate(headers)], applied.index)
        if table is not None:
            found.append((table, block))
    return found if len({t.name for t, _ in found}) > 1 else []


def _split_figure(table: Table, missing: list[str], headers: list[str],
                  written: list[str]) -> tuple[str, list[str]] | None:
    """(the group header as written, its sub-columns' own names) of a required figure written only as
    parts under its header with no total sub-column (发现问题 over 党的领导方面 / 党的建设方面 …), or None."""
    for name in missing:
        field = table.field(name)
        if field.kind != "count":
            continue
        names = sorted((contract.normalise_header(h) for h in field.headers), key=len, reverse=True)
        for col, header in enumerate(headers):
            title = next((h for h in names if header.startswith(h) and len(header) > len(h)), None)
            if title is None:
                continue
            parts = [h[len(title):] for h in headers[col:] if h.startswith(title) and len(h) > len(title)]
            if len(parts) > 1:
                return written[col][:len(written[col]) - len(parts[0])] or title, parts
    return None


def _classify(headers: list[str], index: dict[str, dict[str, str]] = contract.HEADER_INDEX) -> Table | None:
    matched = {t.name: {index[t.name][h] for h in headers if h in index[t.name]} for t in contract.TABLES}
    issue_only = matched["issues"] - matched["roster"] - {"round"}
    inspection_only = matched["inspections"] - matched["roster"] - {"round"}
    roster_only = matched["roster"] - matched["inspections"]
    if all(h.isascii() for h in headers if h in contract.ALL_HEADERS) and not any(
            matched[t.name] & {"round", "district", "township", "unit_name"} for t in contract.TABLES):
        return None  # English words alone (status, description, code...) head many a table that is no ledger
    # a list of issues may carry no count column; a table of inspections always names its results
    if issue_only and not inspection_only & {"issues_found", "level", "team"}:
        return contract.ISSUES
    if inspection_only:
        return contract.INSPECTIONS
    if issue_only:
        return contract.ISSUES
    if "round" in matched["inspections"]:
        # a round but neither results nor categories: an inspections table missing its columns
        return contract.INSPECTIONS
    if roster_only or matched["roster"] & {"unit_name", "district", "township"}:
        return contract.ROSTER
    return None


# first characters of the summary and note markers; a row whose first cell starts with another
# character, holds no 计 (合计, 小计, 总计) and fills more than its first two cells is a data row
_MARKER_START = frozenset(m[0] for m in contract.SUMMARY_MARKERS + contract.SUMMARY_STARTS + contract.NOTE_MARKERS
                          + contract.NOTE_STARTS + tuple(contract.SUMMARY_WHOLE)) | frozenset("（")  # （示例）
_SECTION_START = frozenset("一二三四五六七八九十百(（0123456789０１２３４５６７８９")
_ISSUE_COUNT_HEADERS = frozenset(contract.normalise_header(h) for h in contract.ISSUE_COUNT_HEADERS)
_STATUS_TEXT_HEADERS = frozenset(contract.normalise_header(h) for h in contract.STATUS_TEXT_HEADERS)
IDENTITY_FIELDS = frozenset({"round", "district", "township", "unit_name", "unit_code"})
# a second column of a figure or a date must agree with the first too: whichever of two disagreeing
# columns (发现问题数 beside 问题数, an old one hidden beside the new) were taken could be the wrong one
_FIGURE_KINDS = frozenset({"count", "money", "date", "due"})
LABEL_FIELDS = ("district", "township", "unit_name", "round", "team", "category")


# what a template fills in down its rows before any record is written: the serial number, the area, the
# round, a drop-down's first choice (层级, 方式, 状态, 类型, 是否…), a figure's 0
_PREFILLED_FIELDS = frozenset({"round", "district", "township"})
_PREFILLED_KINDS = frozenset({"level", "mode", "status"})
_SERIAL = re.compile(r"^\s*\d+(\.0)?\s*$")


def _template_row(row: list[object], columns: dict[str, Column], table: Table) -> bool:
    """A row of an empty template (序号 numbered down to row 50, a district or 0 filled in ahead): it names
    no unit and holds nothing a record has beyond what a template fills in. A row that names no unit
    but has a team, a date, an issue's text, a figure other than 0 or text in a column no field has is
    a record missing its unit."""
    def cell(column: Column) -> object:
        return row[column.index] if column.index < len(row) else None

    unit = columns.get("unit_name")
    if unit is None or not cells.is_blank(cell(unit)):
        return False
    known = {c.index for c in columns.values()}
    for index, value in enumerate(row):  # elsewhere a serial number at most (text there may be a record's)
        if index not in known and not cells.is_blank(value) and not _SERIAL.match(str(value)):
            return False
    for name, column in columns.items():
        value = cell(column)
        if name in _PREFILLED_FIELDS or cells.is_blank(value):
            continue
        kind = table.field(name).kind
        if kind in _PREFILLED_KINDS:
            continue
        if kind == "bool" and cells.contract_false(value):  # 否 filled down: yes is the clerk's
            continue
        if kind in ("count", "money") and (value == 0 or (type(value) is str and value.strip() in ("0", "0.0", "0.00"))):
            continue
        return False
    return True


def _row_kind(row: list[object], labels: tuple[int, ...] = (), unit: int | None = None, lead: int = 0) -> str:
    """'blank', 'summary' (合计/总计/小计), 'note' (填表人, 说明, ...), 'section' (一、… with only the first
    one or two cells filled) or 'data'. `lead`: the table's first column (its header's first cell), `unit`:
    the unit's; a note left of the table on a row that names a unit (notes kept in the columns left of a
    ledger, 注：… beside a record) is no note row: the row is classified by the table's cells."""
    kind = layout.row_kind(row, labels)
    if kind == "note" and lead and unit is not None and unit < len(row) and not cells.is_blank(row[unit]) \
            and any(not cells.is_blank(cell) for cell in row[:lead]):
        return _row_kind([None] * lead + row[lead:], labels)
    if kind == "data" and _few_cells(row):
        if _maybe_section(row) and layout.section_heading(row):
            return "section"
        if layout.place_heading(row):  # a place alone (城关镇, 城关镇（共5个村）): a block of stacked townships
            return "section"
    if kind == "data" and (len(row) < 2 or row[0] is None or row[0] == "" or row[1] is None or row[1] == ""
                           or row[0] == row[1]) \
            and layout.signature_alone(row):  # a record fills its first two cells (merged: the same): decided here
        return "note"
    return kind




def table_lead(rows: list[list[object]], header_index: int, header_rows: int) -> int:
    """The first column holding a header cell (a table starting at column D, the clerk's notes in A-C)."""
    return min((next((c for c, cell in enumerate(row) if not cells.is_blank(cell)), len(row))
                for row in rows[header_index + 1 - header_rows:header_index + 1]), default=0)


def _few_cells(row: list[object]) -> bool:
    """Cheap: the cells after the second are blank or repeat the first two (a heading merged across the row)."""
    if len(row) > 2:  # a data row fills its third cell with something else: the common case, decided here
        third = row[2]
        if third is not None and third != "" and third != row[0] and third != row[1]:
            return False
    head = row[:2]
    return all(c is None or c == "" or c in head for c in row[2:])


def _maybe_section(row: list[object]) -> bool:
    """Cheap: the first cell starts like a numbered heading and the cells after the second are blank
    or repeat the first two (a heading merged across the row)."""
    if len(row) > 2:  # a data row fills its third cell with something else: the common case, decided here
        third = row[2]
        if third is not None and third != "" and third != row[0] and third != row[1]:
            return False
    first = next((c for c in row[:2] if c is not None and c != ""), None)
    if type(first) is not str or not first.lstrip() or first.lstrip()[0] not in _SECTION_START:
        return False
    head = row[:2]
    return all(c is None or c == "" or c in head for c in row[2:])


class HeaderRows:
    """Rows of a sheet that are a header themselves: a repeat of the sheet's own header (a block per
    district pasted with its header, CSVs joined with theirs), or another table's (a roster above
    or below the inspections on one sheet). Without this, the repeat would be read as a record (a
    unit named 村(社区) in 县区) and another table's rows as rows of this one."""

    def __init__(self, table: Table, columns: dict[str, Column], applied: mappings.Applied):
        self.table = table.name
        self.columns = sorted(((name, c.index) for name, c in columns.items()), key=lambda x: x[1])
        self.index = applied.index[table.name]
        self.known = applied.all_headers
        self.memo: dict[str, str | None] = {}

    def _names(self, cell: str) -> str | None:
        """The field of this table a header cell names, "" for a header of another table (or a
        serial or person column), None when the cell is no header."""
        try:
            return self.memo[cell]
        except KeyError:
            pass
        text = contract.normalise_header(cell)
        named = (self.index.get(text) or "") if layout.known_header(text, self.known) else None
        if len(self.memo) < 10_000:
            self.memo[cell] = named
        return named

    def kind(self, row: list[object]) -> str | None:
        """'repeat' (this table's header again, each column under its own name), 'other' (another
        table's header) or None (no header: two known header names at least, no number or date, and
        the first filled cell one of them, which decides most rows with one look-up: a record's
        first cell, its round or district, repeats from row to row)."""
        hits, own = 0, True
        for name, col in self.columns:
            cell = row[col] if col < len(row) else None
            if type(cell) is not str:
                if cell is None:
                    continue
                return None  # a number or a date: a record
            if not cell.strip():
                continue
            named = self._names(cell)
            if named is None and not hits:
                return None
            if named is not None:
                hits += 1
                own = own and named == name
        if hits < 2:
            return None
        return "repeat" if own else "other"


def _table_above(rows: list[list[object]], known: frozenset[str]) -> int | None:
    """The index of a header row among `rows` (those above a sheet's header block) that has rows of
    its own below it: another table above the one recognised."""
    found = None
    for index, row in enumerate(rows):
        texts = [contract.normalise_header(c) for c in row if type(c) is str and c.strip()]
        if sum(1 for t in texts if layout.known_header(t, known)) >= 2:
            found = index if found is None else found
        elif found is not None and layout.row_kind(row) == "data":
            return found
    return None


class Column(NamedTuple):
    """A recognised column of a sheet."""

    index: int  # its place in the row
    header: str  # as written, for messages


@dataclass
class Layout:
    """Where a sheet's header is, which table it holds, and its recognised columns."""

    header_index: int
    table: Table
    columns: dict[str, Column]  # field -> its column
    kinds: dict[str, str] = field(default_factory=dict)  # field -> converter kind, where not the field's own
    level_from_team: bool = False  # no level column: the level is read from the team's name
    sections: bool = False  # an issue list without a category column: section headings give it
    header_rows: int = 1
    # a second column of a field that names the record (two 县区 columns) or of a figure or date: ignored,
    # but its value must agree with the first's on every row (a roster beside the inspections would pair each inspection
    # with whatever unit stands on its row)
    twins: dict[str, list[Column]] = field(default_factory=dict)
    round_from_sheet: str | None = None  # no round column: every record is of the round the sheet's name states
    round_source: str = messages.SHEET_NAME  # where round_from_sheet was read: the sheet's name, a title, the file's
    # no level column: the level a title row or the 填报单位 line above the header states (东城区委…), for
    # the rows whose team's name does not tell (第一巡察组)
    title_level: str | None = None
    issue_count: Column | None = None  # an issue list's count column (问题数量): each row must be one issue
    # no township (or district) column: the headings above the records that name one (一、城关镇) give it
    place_sections: frozenset[str] = frozenset()
    # no district column: the district (county) a title row above the header, else the file's name, starts
    # with (临颍县2023年村级巡察问题台账), for every record
    title_district: str | None = None
    district_source: str = messages.TITLE_ROW
    # an issue list with no round anywhere (no column, sheet name, title or file name): each row's round is
    # the one inspection of its unit, stored or in the import (validate)
    round_from_inspection: bool = False
    # no township column: each row's is that of the stored roster's one unit of its name in its district
    township_from_roster: bool = False
    # no district column (nor title, file name or headings): each row's is that of the stored roster's one
    # unit of its name in its township
    district_from_roster: bool = False
    # a roster without a township column (nor headings): the township a title row above the header, else the
    # file's name, names after its district (城关镇村（社区）名册), for every unit
    title_township: str | None = None
    township_source: str = messages.TITLE_ROW

    @property
    def labels(self) -> tuple[int, ...]:
        return tuple(c.index for name, c in self.columns.items() if name in LABEL_FIELDS)

    @property
    def plain(self) -> bool:
        """Nothing that needs the row-by-row path (context-dependent values, a header block)."""
        return (not self.level_from_team and not self.sections and not self.place_sections and self.header_rows == 1
                and "period" not in self.columns and not self.twins and self.round_from_sheet is None
                and self.issue_count is None and self.title_district is None and not self.round_from_inspection
                and not self.township_from_roster and not self.district_from_roster and self.title_township is None)


def _recognise(file: str, raw: readers.RawSheet, problems: list[Problem], warnings: list[str],
               applied: mappings.Applied | None = None):
    """(Layout, None), or (None, what `_parse_sheet` returns for a sheet it cannot read).

    Headers are the contract's synonyms and the store's header mappings (`applied`, which notes the
    ones used and the columns left unrecognised). Looks only at the first rows of the sheet (title rows
    and a header over up to three rows)."""
    applied = applied or mappings.Applied()
    found = layout.find_header(raw.rows, applied.all_headers)
    if not found:
        first = raw.rows[0] if raw.rows else []
        return None, (None, [c for c in first if not cells.is_blank(c)
                             and not layout.note_kind(layout.compact(c))])
    header_index, headers, written = found
    if pair := _tables_side_by_side(raw, headers, header_index, applied):
        problems.append(Problem(file, raw.name or None, header_index + 1, None, None,
                                messages.tables_side_by_side([(t.label, b[0], b[-1]) for t, b in pair]),
                                messages.ANOTHER_TABLE_HINT))
        return None, (ParsedSheet(file, raw.name, pair[0][0], [], 0), None)
    side = _side_tables(raw, headers, header_index, applied)
    table = _classify([h if c not in side else "" for c, h in enumerate(headers)], applied.index)
    if table is None:
        return None, (None, [w for w in written if w])
    columns: dict[str, Column] = {}
    kinds: dict[str, str] = {}
    stated_unit = layout.stated_money_unit(raw.rows[:header_index + 1])
    twins: dict[str, list[Column]] = {}
    ignored, dropped = [], {}
    issue_count = progress = None
    stale = _hidden_copies(raw, table, headers, applied)
    if stale:
        warnings.append(messages.hidden_copies_ignored(messages.where(file, raw.name),
                                                       [written[c] for c in sorted(stale)]))
    if side:
        stale |= set(side)
        warnings.append(messages.side_table_ignored(messages.where(file, raw.name), side[0],
                                                    [written[c] for c in side]))
    for col, header in enumerate(headers):
        if not header or col in stale:
            continue
        name = applied.field_for(table.name, header)
        as_written = written[col]
        if name is None and layout.is_serial_header(header):
            continue
        if name is None and (kind := layout.confidential_kind(header)):
            dropped.setdefault(kind, []).append(as_written)
        elif name is None and table is contract.ISSUES and header in _ISSUE_COUNT_HEADERS and issue_count is None:
            issue_count = Column(col, as_written)
        elif name is None:
            ignored.append(as_written)
            if table is contract.ISSUES and header in _STATUS_TEXT_HEADERS and progress is None:
                progress = Column(col, as_written)
        elif name in columns:
            warnings.append(messages.duplicate_column(messages.where(file, raw.name), as_written, columns[name].header))
            if name in IDENTITY_FIELDS or table.field(name).kind in _FIGURE_KINDS:
                twins.setdefault(name, []).append(Column(col, as_written))
        else:
            columns[name] = Column(col, _shown_header(raw, col, as_written))
            if table.field(name).kind == "money" and layout.in_yuan(as_written, stated_unit):
                kinds[name] = "money_yuan"
            elif name == "start_date":  # a start column may hold the whole range (2022年3月1日至4月4日)
                kinds[name] = "range"
    if progress is not None and "status" not in columns:  # the progress told in sentences, as the status
        ignored.remove(progress.header)
        columns["status"] = Column(progress.index, _shown_header(raw, progress.index, progress.header))
        kinds["status"] = "status_text"
        warnings.append(messages.status_from_progress(messages.where(file, raw.name), progress.header))
    sheet_label = raw.name or None
    optional = set()
    if table is contract.INSPECTIONS:
        if "level" not in columns and "team" in columns:
            optional.add("level")
        if "start_date" not in columns and "period" in columns:
            optional.add("start_date")
    sheet_round, round_source = None, messages.SHEET_NAME
    round_from_inspection = False
    if table is not contract.ROSTER and "round" not in columns:
        # the sheet's name (one sheet per round), else a title row above the header (2021年第一轮巡察反馈
        # 问题整改台账), else the file's name (2021年第一轮巡察情况.csv)
        sheet_round = layout.round_from_sheet_name(raw.name)
        if raw.round_group:  # a wide ledger's group: the round its heading names
            sheet_round, round_source = cells.to_key(raw.round_group[0]), messages.GROUP_HEADING
        if not sheet_round and (sheet_round := layout.round_from_titles(raw.rows[:header_index])):
            round_source = messages.TITLE_ROW
        if not sheet_round and (sheet_round := layout.round_in_text(PurePath(file).stem)):
            round_source = messages.FILE_NAME
        if sheet_round:
            optional.add("round")
        elif table is contract.ISSUES:  # an issue list of one inspection per unit: the round is that inspection's
            optional.add("round")
            round_from_inspection = True
    sections = table is contract.ISSUES and "category" not in columns
    if sections and any(_row_kind(row) == "section" and layout.section_heading(row)  # numbered: not 城关镇 alone
                        for row in raw.rows[header_index + 1:]):
        optional.add("category")
    # a heading above the header (一、城关镇 or 城关镇（共5个村）, then the header) names the first block's township
    # a sheet per township (or district) named by it (城关镇, 河口镇（5个村）): the sheet's rows are its
    sheet_place = layout.place_heading([raw.name]) if raw.name and not raw.round_group else None
    place_sections = frozenset(f for f in ("district", "township") if f in table.required and f not in columns
                               and (sheet_place is not None and sheet_place[0] == f
                                    or any(_row_kind(row) == "section" and (p := layout.place_heading(row)) and p[0] == f
                                           for row in (raw.rows[header_index + 1:] if f == "district"
                                                       else raw.rows[:header_index] + raw.rows[header_index + 1:]))))
    optional |= place_sections
    title_district = district_source = None
    if "district" in table.required and "district" not in columns and "district" not in place_sections:
        if title_district := layout.district_from_titles(raw.rows[:header_index]):
            district_source = messages.TITLE_ROW
        elif title_district := layout.district_from_titles([[PurePath(file).stem]]):
            district_source = messages.FILE_NAME
        if title_district:
            optional.add("district")
    # no township column, but a stored roster and the district: the roster's one unit of that name there
    # gives it (validate); no district column, title or file name either: the roster's one unit of that
    # name in that township (or of that name, with no township column) gives the district too
    district_from_roster = bool(table is not contract.ROSTER and applied.roster and "district" in table.required
                                and "district" not in columns and not title_district
                                and "district" not in place_sections and "unit_name" in columns)
    township_from_roster = bool(table is not contract.ROSTER and applied.roster and "township" not in columns
                                and "township" not in place_sections and "unit_name" in columns
                                and ("district" in columns or title_district or district_from_roster))
    if district_from_roster:
        optional.add("district")
    if township_from_roster:
        optional.add("township")
    title_township = township_source = None  # a ledger's is its unit's in the roster (stored or in the upload)
    if table is contract.ROSTER and "township" not in columns and "township" not in place_sections:
        if title_township := layout.township_from_titles(raw.rows[:header_index]):
            township_source = messages.TITLE_ROW
        elif title_township := layout.township_from_titles([[PurePath(file).stem]]):
            township_source = messages.FILE_NAME
        if title_township:
            optional.add("township")
    missing = [f for f in table.required if f not in columns and f not in optional]
    if missing and raw.hidden:  # a hidden sheet of drop-down lists or notes: no table the clerk can see
        warnings.append(messages.hidden_sheet_ignored(messages.where(file, raw.name)))
        return None, (None, None)
    applied.note_unrecognised(file, sheet_label, table.name, ignored, list(columns))
    if missing:
        split = _split_figure(table, missing, headers, written)
        problems.append(Problem(file, sheet_label, header_index + 1, None, None,
                                messages.missing_columns(table.label, [table.field(f).label for f in missing])
                                + (messages.figure_in_parts(*split) if split else ""),
                                (messages.FIGURE_IN_PARTS_HINT if split else
                                 messages.missing_columns_hint([table.field(f).headers[0] for f in missing], missing))
                                + (f"；{messages.NOT_A_LEDGER_HINT}" if raw.name and "unit_name" in missing else ""),
                                mappings.Unknown("header", table.name, fields=tuple(missing))))
        # a Word table of figures by area beside the ledger (一、总体情况 above it): whatever its name
        statistics = (bool(raw.name) and (raw.document or layout.is_statistics_sheet(raw.name, written))
                      and _figures_by_area(raw.rows[header_index + 1:], columns))
        return None, (ParsedSheet(file, raw.name, table, [], 0, statistics, raw.document), None)
    header_rows = 1 + sum(1 for r in raw.rows[max(0, header_index - 2):header_index]
                          if any(layout.known_header(contract.normalise_header(c)) for c in r if not cells.is_blank(c)))
    other = _table_above(raw.rows[:header_index + 1 - header_rows], applied.all_headers)
    if other is not None:
        problems.append(Problem(file, sheet_label, other + 1, None, None,
                                messages.another_table(table.label, header_index + 1), messages.ANOTHER_TABLE_HINT))
        return None, (ParsedSheet(file, raw.name, table, [], 0), None)
    for (r0, c0), (r1, c1) in raw.merged:  # a header cell merged down over records gives them its text
        if r0 <= header_index < r1:
            for column in columns.values():
                if c0 <= column.index <= c1:
                    problems.append(Problem(file, sheet_label, header_index + 2, column.header, column.header,
                                            messages.header_merged_down(header_index + 2, r1 + 1),
                                            messages.HEADER_MERGED_HINT))
        elif r1 > r0 > header_index:  # a count or an amount merged down over records: whose is it?
            figures = [c for name, c in columns.items() if table.field(name).kind in ("count", "money")
                       and c0 <= c.index <= c1]
            records = sum(1 for r in raw.rows[r0:r1 + 1] if _row_kind(r) == "data")
            for column in figures if records > 1 else ():
                problems.append(Problem(file, sheet_label, r0 + 1, column.header, _show(raw.rows[r0][column.index]),
                                        messages.figure_merged_down(r0 + 1, r1 + 1), messages.FIGURE_MERGED_HINT))
    for kind, columns_dropped in dropped.items():
        warnings.append(messages.person_columns_dropped(messages.where(file, raw.name), columns_dropped, kind))
    if ignored:
        warnings.append(messages.columns_ignored(messages.where(file, raw.name), ignored))
    if sheet_round and not raw.round_group:  # a wide ledger's rounds have one warning (_parse_wide)
        warnings.append(messages.round_from_sheet(messages.where(file, raw.name), sheet_round, round_source))
    title_level = _level_from_titles(raw.rows[:header_index]) if "level" in optional else None
    if title_level:
        warnings.append(messages.level_from_title(messages.where(file, raw.name), title_level))
    if title_district:
        warnings.append(messages.district_from_title(messages.where(file, raw.name), title_district, district_source))
    if title_township:
        warnings.append(messages.township_from_title(messages.where(file, raw.name), title_township, township_source))
    if place_sections:
        warnings.append(messages.place_from_headings(
            messages.where(file, raw.name), [table.field(f).label for f in sorted(place_sections)],
            raw.name if sheet_place is not None and sheet_place[0] in place_sections else None))
    return Layout(header_index, table, columns, kinds, "level" in optional, sections, header_rows, twins,
                  sheet_round, round_source, title_level, issue_count, place_sections, title_district,
                  district_source or messages.TITLE_ROW, round_from_inspection, township_from_roster,
                  district_from_roster, title_township, township_source or messages.TITLE_ROW), None


def _level_from_titles(rows: list[list[object]]) -> str | None:
    """The level the rows above a header state as a team's name would (东城区委2021年第一轮巡察情况,
    填报单位：东城区委巡察办 = county; 市委巡察… = municipal), the first that tells, or None."""
    for row in rows:
        for cell in row:
            if type(cell) is str and cell.strip():
                text = layout.compact(cell).split(":", 1)[-1]  # 填报单位：… names the office after its colon
                try:
                    return cells.level_from_team(text)
                except cells.CellError:
                    continue
    return None


def _shown_header(raw: readers.RawSheet, col: int, header: str) -> str:
    """A column's header as messages name it: with its group's heading in a wide ledger's round (the
    same header is every round's)."""
    if raw.round_group and raw.round_group[1] <= col <= raw.round_group[2]:
        return messages.group_column(raw.round_group[0], header)
    return header


AREA_FIELDS = frozenset({"district", "township"})
_FIGURE = re.compile(r"[-+]?[\d.,]+%?|[-/—]+")


def _figures_by_area(rows: list[list[object]], columns: dict[str, Column]) -> bool:
    """A table of figures by area, not of records: its recognised columns are areas (县区, 乡镇) and
    figures (counts, amounts) only, and every other column holds numbers in its data rows (巡察村数,
    覆盖率, 求和项:…), no text that could name a unit (a ledger whose unit column has a header the
    contract does not know has one)."""
    if any(name not in AREA_FIELDS and name not in contract.COUNT_FIELDS and name != "funds_recovered"
           for name in columns):
        return False
    known = {c.index for c in columns.values()}
    labels = tuple(c.index for name, c in columns.items() if name in AREA_FIELDS)
    for row in rows:
        if _row_kind(row, labels) != "data":
            continue
        for index, cell in enumerate(row):
            if index in known or cells.is_blank(cell) or type(cell) in (int, float):
                continue
            if type(cell) is not str or not _FIGURE.fullmatch(layout.compact(cell)):
                return False
    return True


def _rows_looked_at(rows: list[list[object]], count: int = 3) -> str:
    """The first non-blank rows among those searched for a header, as the clerk would read them."""
    shown = []
    person: set[int] = set()  # the columns under a person header (联系人): their names are never shown
    for index, row in enumerate(rows[: contract.MAX_TITLE_ROWS + 1]):
        values = [messages.PERSON_HIDDEN if c in person else _show(v)
                  for c, v in enumerate(row) if not cells.is_blank(v)]
        person |= {c for c, v in enumerate(row) if layout.is_person_cell(v)}
        if values and layout.row_kind(row) == "note":  # 填表人：王某某 names people: its kind, never its text
            shown.append(messages.row_of_kind(index + 1, layout.KIND_LABELS["note"]))
        elif values:
            text = "、".join(values)
            shown.append(messages.row_as_written(index + 1, text))
        if len(shown) == count:
            break
    return "；".join(shown)


def _show(cell: object) -> str:
    if cells.is_blank(cell):
        return ""
    if type(cell) is float and cell.is_integer() and abs(cell) < 1e15:
        cell = int(cell)  # the workbook's 2 as the clerk typed and sees it, not 2.0
    text = str(cell.isoformat() if isinstance(cell, (dt.date, dt.datetime)) else cell)
    return text if len(text) <= 200 else text[:200] + "…"


