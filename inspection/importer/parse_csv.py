"""Large regular CSVs: the vectorised path (DuckDB reads the file, each converter runs once per distinct value)."""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

import pandas as pd

from .. import cells, contract, layout, mappings, readers
from . import messages
from .model import InputFile, Problem, StagedSheet
from .parse_rows import figure_fields, total_like
from .recognise import _MARKER_START, _recognise, _row_kind, _show, _template_row, table_lead
from .temp import SQL_TYPES, as_sql_text, insert_frame

# ---------------------------------------------------------------- large CSVs: the vectorised path
#
# A large, regular CSV (roster, inspections or issues) is read by DuckDB's CSV reader into a TEMP
# table (all VARCHAR); each converter of cells.py runs once per distinct value of its column and the
# results are joined back; problems are collected with a query. The outcome is the same as `_parse_sheet` would give
# row by row: the same values, the same problems (file, row, column, value, reason), the same
# skipped rows. Small or irregular files (title rows are fine; GBK, tabs, odd quoting, line breaks
# in cells, xlsx) keep the Python path.
# validate.py then checks the staged rows with those of every other file (the Records of the
# row-by-row readers are staged beside them), the one validation of every path.

FAST_TABLES = frozenset({"roster", "inspections", "issues"})
_WHITESPACE = [c for c in map(chr, range(0x3001)) if c.isspace()]
# a row whose first cell starts with any other character is a data row (see `_row_kind`)
_WHOLE_FIRST = sorted({word[0] for word in contract.SUMMARY_WHOLE})
_SURE_DATA = "^[^" + cells.char_class(_WHITESPACE + sorted(_MARKER_START)) + "]"


class ColumnMap(NamedTuple):
    """One recognised column of a fast CSV and the TEMP table of its distinct values converted."""

    field: str
    col: int  # its place in the file: column c<col> of the raw table
    header: str  # as written, for messages
    kind: str  # the converter's
    table: str  # TEMP table: raw, val (as SQL text), reason, hint, hit
    errors: bool  # some value is refused
    blank_required: bool  # a required field with a blank value
    mapped: bool  # some value needs converting (else every cell is plain text, kept as is)


class CsvPath:
    """The vectorised path of `Importer` (a mixin: `self` is the Importer)."""

    def _parse_fast(self, item: InputFile, number: int) -> tuple[StagedSheet | None, int, str] | None:
        """Read a large regular CSV through DuckDB: (its staged rows or None when it has no data rows
        or has problems, rows skipped, table name); None when the file is for `_parse_sheet` instead.

        Adds the same problems and warnings as `_parse_sheet`, in the same order."""
        if self.con is None:
            return None
        text = readers.fast_csv_text(item.name, item.data, self.limits)
        if text is None:
            return None
        head = readers.head_rows(text, contract.MAX_TITLE_ROWS + 1, self.limits)
        del text
        problems: list[Problem] = []
        warnings: list[str] = []
        shape, _ = _recognise(item.name, readers.RawSheet("", head), problems, warnings, self.applied)
        if shape is None or shape.table.name not in FAST_TABLES or problems or not head or not shape.plain:
            return None
        if shape.table is contract.ROSTER and any(type(c) is str and contract.normalise_header(c) in layout.HAMLET_HEADERS
                                                  for c in head[shape.header_index]):
            return None  # a 行政村 once per 自然村 (parse_rows): the row-by-row path
        self._note_stated(item.name, head[:shape.header_index])
        con, raw = self.con, f"fast_raw_{number}"
        width = max(len(row) for row in head)
        if readers.load_csv(con, item.data, raw, width, self.limits) is None:
            return None
        self._temp.append(raw)
        # both readers must agree on the rows both have read
        got = con.execute(f"SELECT * FROM {raw} WHERE rowid < {len(head)} ORDER BY rowid").fetchall()
        if got != [tuple(c if c != "" else None for c in row) + (None,) * (width - len(row)) for row in head]:
            return None
        table, columns = shape.table, shape.columns
        labels = {name: as_written for name, (_, as_written) in columns.items()}

        # blank, summary, note and section rows: a first cell that starts with a plain character, no 计
        # (合计, 小计) in it or a label column, and more than two cells filled make a data row; any
        # other row is classified by `_row_kind` itself (few: blank, 合计, notes, headings)
        sure = " AND ".join([f"coalesce(regexp_matches(c0, '{_SURE_DATA}'), false)", "strpos(c0, '计') = 0",
                             *(f"strpos(c0, '{end[0]}') = 0" for end in contract.SUMMARY_ENDS),  # 汇总
                             *(f"strpos(coalesce(c{c}, ''), '计') = 0" for c in shape.labels if c),
                             # Total / Sum / Subtotal (layout._english_total)
                             *(f"NOT regexp_matches(coalesce(c{c}, ''), '{layout.ENGLISH_HINT_SQL}')"
                               for c in sorted({0, *shape.labels})),
                             *(f"strpos(coalesce(c{c}, ''), '{first}') = 0"  # 全县 (contract.SUMMARY_WHOLE)
                               for c in shape.labels if c for first in _WHOLE_FIRST),
                             f"coalesce({', '.join(f'c{c}' for c in range(2, width))}) IS NOT NULL"
                             if width > 2 else "true",
                             # a row naming no unit may be an empty template row (`_template_row`)
                             *(f"nullif(trim(c{shape.columns['unit_name'].index}), '') IS NOT NULL"
                               for _ in ("unit_name",) if "unit_name" in shape.columns)])
        skipped, extra = 0, []
        numbered = any(type(c) is str and layout.is_serial_header(contract.normalise_header(c))
                       for c in head[shape.header_index])  # 序号: a row without one may go on with the issue above
        skipped_rows: dict[str, list[int]] = defaultdict(list)
        unit = columns["unit_name"].index if "unit_name" in columns else None
        lead = table_lead(head, shape.header_index, shape.header_rows)
        for rowid, *row in con.execute(f"SELECT rowid, * FROM {raw} WHERE rowid > {shape.header_index} "
                                       f"AND NOT ({sure}) ORDER BY rowid").fetchall():
            kind = _row_kind(row, shape.labels, unit, lead)
            if kind == "data" and _template_row(row, shape.columns, shape.table):
                kind = "empty"
            if kind in ("summary", "note", "section", "empty"):
                skipped += 1
                skipped_rows[kind].append(rowid + 1)
            elif kind == "data":
                if unit is not None and total_like(row, unit, columns, figure_fields(shape)):
                    return None  # a total row with its label blank (parse_rows._sums_above): the row-by-row path
                if table is contract.ISSUES and numbered and _may_continue(row, columns):
                    return None  # the issue above may go on in this row (parse_rows._Continued): the row-by-row path
                extra.append(rowid)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {raw}_extra (rid BIGINT)")
        self._temp.append(f"{raw}_extra")
        if extra:
            insert_frame(self.con, f"{raw}_extra", pd.DataFrame({"rid": extra}))
        # the data rows, once (the row-kind test is not repeated by every query below)
        rows = f"{raw}_data"
        con.execute(f"CREATE OR REPLACE TEMP TABLE {rows} AS SELECT rowid + 1 AS r, * FROM {raw} "
                    f"WHERE rowid > {shape.header_index} AND (({sure}) OR rowid IN (SELECT rid FROM {raw}_extra))")
        self._temp.append(rows)
        con.execute(f"DROP TABLE {raw}")
        con.execute(f"DROP TABLE {raw}_extra")
        if self._header_rows(rows, [c.index for c in columns.values()]):
            return None  # a header again below the header (`HeaderRows`): the row-by-row path says which
        if con.execute(f"SELECT count(*) FROM {rows} WHERE "
                       + " OR ".join(f"c{c} IN (SELECT unnest($ditto))" for c in sorted({c.index for c in columns.values()})),
                       {"ditto": sorted(layout.DITTO)}).fetchone()[0]:
            return None  # 同上 / 〃 takes the record above's value: the row-by-row path
        blank = "^[" + cells.char_class(_WHITESPACE) + "]*$"
        places = [columns[f].index for f in ("district", "township") if f in columns]
        if places and "unit_name" in columns and con.execute(
                f"SELECT count(*) FROM {rows} WHERE NOT coalesce(regexp_matches(c{columns['unit_name'].index}, '{blank}'), "
                "true) AND (" + " OR ".join(f"coalesce(regexp_matches(c{c}, '{blank}'), true)" for c in places) + ")"
        ).fetchone()[0]:
            return None  # a place written on its group's first row only (parse_rows fills it): the row-by-row path

        # each converter once per distinct value (plain text needs none), joined back by value
        maps = []
        status_days = None  # the map of a status column some of whose cells say the day (RectifiedOn)
        unknown: dict[tuple[str, object], mappings.Unknown] = {}  # (field, cell) -> what a mapping could answer
        for k, (name, (col, as_written)) in enumerate(columns.items()):
            kind = shape.kinds.get(name, table.field(name).kind)
            convert = self.applied.converter(table.name, name, kind)
            plain = cells.plain_sql(kind, f"c{col}")
            where = f"WHERE NOT coalesce({plain}, false)" if plain else ""
            found: dict[str, list] = {"raw": [], "val": [], "reason": [], "hint": []}
            days: dict[object, object] = {}  # a rectified status's cell -> the day it says
            errors = blanks = False
            for (cell,) in con.execute(f"SELECT DISTINCT c{col} FROM {rows} {where}").fetchall():
                try:
                    value, reason, hint = convert(cell), None, None
                except cells.CellError as exc:
                    if kind in ("date", "range") and layout.yearless_date(cell):
                        return None  # a date without its year may take its row's round's: the row-by-row path
                    value, reason, hint = None, exc.reason, exc.suggestion
                    if exc.unknown:
                        unknown[(name, cell)] = mappings.unknown_value(table.name, name, exc)
                if isinstance(value, cells.RectifiedOn):  # 已整改（2023.5.10）: the day, where the row has none
                    days[cell], value = value.on, str(value)
                if isinstance(value, (cells.DueText, cells.DateRange)) or (
                        name == "end_date" and isinstance(value, cells.MonthAlone)):
                    return None  # a value that needs its row or inspection: the row-by-row path
                errors |= reason is not None
                blanks |= value is None and reason is None
                for key, item_value in zip(found, (cell, as_sql_text(value), reason, hint), strict=True):
                    found[key].append(item_value)
            mapped = f"{raw}_map{k}"
            con.execute(f"CREATE OR REPLACE TEMP TABLE {mapped} (raw VARCHAR, val VARCHAR, reason VARCHAR, "
                        "hint VARCHAR, hit BOOLEAN DEFAULT true, day DATE)")
            self._temp.append(mapped)
            if found["raw"]:
                if days:
                    found["day"] = [as_sql_text(days.get(cell)) for cell in found["raw"]]
                    status_days = k
                insert_frame(self.con, mapped, pd.DataFrame(found, dtype=object),
                             "raw, val, reason, hint" + (", day" if days else ""))
            maps.append(ColumnMap(name, col, as_written, kind, mapped, errors, blanks and name in table.required,
                                  bool(found["raw"])))
        self.warnings.extend(warnings)
        message = layout.skipped_message(item.name, skipped_rows)
        if message:
            self.warnings.append(message)
        # an empty map: every cell of the column is plain text (a blank cell would be in the map)
        joins = " ".join(f"LEFT JOIN {m.table} m{k} ON d.c{m.col} IS NOT DISTINCT FROM m{k}.raw"
                         for k, m in enumerate(maps) if m.mapped)

        # problems, as `_parse_sheet` reports them: cell errors in column order, then blank required
        checked = [(k, m) for k, m in enumerate(maps) if m.errors or m.blank_required]
        if checked:
            picks = ", ".join(f"d.c{m.col}, m{k}.reason, m{k}.hint, "
                              f"(m{k}.hit AND m{k}.val IS NULL AND m{k}.reason IS NULL)" for k, m in checked)
            bad = " OR ".join(f"m{k}.reason IS NOT NULL" if m.errors and not m.blank_required else
                              f"m{k}.hit AND (m{k}.reason IS NOT NULL OR m{k}.val IS NULL)" for k, m in checked)
            found_rows = con.execute(f"SELECT d.r, {picks} FROM {rows} d {joins} WHERE {bad} ORDER BY d.r").fetchall()
            for r, *cols in found_rows:
                blank = {}
                for i, (_, m) in enumerate(checked):
                    cell, reason, hint, empty = cols[4 * i: 4 * i + 4]
                    if reason is not None:
                        self.problems.append(Problem(item.name, None, r, m.header, _show(cell), reason, hint,
                                                     unknown.get((m.field, cell))))
                    elif empty:
                        blank[m.field] = cell
                for name in table.required:
                    if name in blank and cells.is_blank(blank[name]):
                        self.problems.append(Problem(item.name, None, r, labels[name], "", messages.BLANK_REQUIRED,
                                                     messages.CSV_BLANK_HINT))
                    elif name in blank:  # "/" or "—": not reported
                        shown = _show(blank[name])
                        self.problems.append(Problem(item.name, None, r, labels[name], shown,
                                                     messages.not_reported_required(shown), messages.NOT_REPORTED_HINT))

        values = []
        fields = list(columns)
        for k, m in enumerate(maps):
            converted = f"CAST(m{k}.val AS {SQL_TYPES.get(m.kind, 'VARCHAR')})"
            plain = cells.plain_sql(m.kind, f"d.c{m.col}")
            if not m.mapped:
                value = f"d.c{m.col}"
            elif plain:
                value = f"CASE WHEN {plain} THEN d.c{m.col} ELSE {converted} END"
            else:
                value = converted
            if m.field == "rectified_date" and status_days is not None:  # its own column wins
                value = f"coalesce({value}, m{status_days}.day)"
            values.append(f"{value} AS {m.field}")
        if status_days is not None and "rectified_date" not in columns:
            values.append(f"m{status_days}.day AS rectified_date")
            fields.append("rectified_date")
        staged = f"{raw}_rows"
        con.execute(f"CREATE OR REPLACE TEMP TABLE {staged} AS SELECT d.r, {', '.join(values)} "
                    f"FROM {rows} d {joins}")
        self._temp.append(staged)
        for name in [rows, *(m.table for m in maps)]:
            con.execute(f"DROP TABLE IF EXISTS {name}")
        count = con.execute(f"SELECT count(*) FROM {staged}").fetchone()[0]
        if not count:
            return None, skipped, table.name
        return StagedSheet(item.name, None, staged, fields, labels, count), skipped, table.name

    def _header_rows(self, rows: str, cols: list[int]) -> bool:
        """Whether a data row may be a header again: its first recognised column holds a header name
        written plainly (县区, 村（社区）), as `HeaderRows.kind` requires of the first filled cell; the
        row path then decides. One column is looked at: a scan of every column cost a 100,000-row
        file 1 s of CPU."""
        known = sorted(self.applied.all_headers | layout.DROPPED_HEADERS)
        first = min(cols)
        # as contract.normalise_header reads it, near enough to send every header row to the row path:
        # brackets half-width; invisible characters (a CSV joined to another keeps its BOM) and a
        # template's marks (*县区, 县区（必填）) dropped
        header = f"trim(translate(c{first}, $drop, '()'))"
        return bool(self.con.execute(
            f"SELECT count(*) FROM {rows} WHERE lower(regexp_replace({header}, $required, '')) IN (SELECT unnest($known))",
            {"known": known, "drop": "（）" + contract.INVISIBLE + contract.HEADER_MARKS + "＊",
             "required": contract.REQUIRED_MARK.pattern}).fetchone()[0])


def _may_continue(row: list[object], columns: dict) -> bool:
    """No column the import reads is filled but the description, if any: a row going on with the issue above."""
    return all(cells.is_blank(row[c.index]) for name, c in columns.items() if name != "description" and c.index < len(row))
