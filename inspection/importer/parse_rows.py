"""Parse a recognised sheet row by row (every reader; the CSVs the vectorised path leaves): cells to values, records."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from collections import defaultdict
from collections.abc import Callable

from .. import cells, contract, layout, mappings, readers
from . import messages
from .model import ParsedSheet, Problem, Record
from .recognise import Column, HeaderRows, _maybe_section, _recognise, _row_kind, _show, _template_row, table_lead


def _parse_sheet(file: str, raw: readers.RawSheet, problems: list[Problem], warnings: list[str],
                 applied: mappings.Applied | None = None):
    applied = applied or mappings.Applied()
    if raw.round_group is None and (groups := layout.column_groups(raw.rows, applied.all_headers)):
        return _parse_wide(file, raw, groups, problems, warnings, applied)
    found, unread = _recognise(file, raw, problems, warnings, applied)
    if found is None:
        return unread
    header_index, table, columns = found.header_index, found.table, found.columns
    sheet_label = raw.name or None
    converters = []
    dated = set()  # the date columns, whose dates without a year may take the round's (3.1-4.4)
    for name, (col, as_written) in columns.items():
        kind = found.kinds.get(name, table.field(name).kind)
        convert = _separated(raw, kind, _dated(raw, kind, applied.converter(table.name, name, kind)))
        converters.append((name, col, as_written, convert, {}))
        if kind in ("date", "range") and table is contract.INSPECTIONS and ("round" in columns or found.round_from_sheet):
            dated.add(name)  # not an issue's rectified date: 5月10日 may be the next year's
    yearless_rows: list[int] = []
    ditto_rows: list[int] = []
    read_columns = sorted({col for _, col, _, _, _ in converters})
    columns_by_header = {as_written: col for _, col, as_written, _, _ in converters}
    names_by_column = {col: as_written for _, col, as_written, _, _ in converters}
    records, skipped = [], 0
    required = table.required  # a property: computed once, not per row
    header_labels = {name: as_written for name, (_, as_written) in columns.items()}
    period = columns.get("period")
    if period:  # the range column stands for start and end where they have no column of their own
        header_labels.setdefault("start_date", period.header)
        header_labels.setdefault("end_date", period.header)
        header_labels.pop("period")
    if found.level_from_team:
        header_labels["level"] = header_labels["team"]
    if found.round_from_sheet:
        header_labels["round"] = found.round_source
    if found.title_district:
        header_labels["district"] = found.district_source
    if found.title_township:
        header_labels["township"] = found.township_source
    blank_hint = messages.CSV_BLANK_HINT if not raw.name else None
    labels = found.labels
    unit = columns["unit_name"].index if "unit_name" in columns else None
    lead = table_lead(raw.rows, header_index, found.header_rows)
    place_columns = [columns[f].index for f in ("district", "township") if f in columns]  # the higher first
    filled_rows: list[int] = []  # the rows whose place was written only on their group's first row
    previous_number = 0  # the row of `previous`
    filled_columns: set[int] = set()
    rows = raw.rows[header_index + 1:]
    district = columns["district"].index if "district" in columns and unit is not None else None
    sole_district = functools.cache(lambda: _sole_value(rows, district, unit))  # asked only for a blank 县区
    # section headings: the highest style used is the first level (category), the next the second
    # (a heading naming a township or district that has no column of its own is no category: place_sections)
    styles = sorted({h[0] for row in rows if _maybe_section(row) and (h := layout.section_heading(row))
                     and not (found.place_sections and _place_of(row, found.place_sections))}
                    if table is contract.ISSUES else ())
    category = subcategory = None
    places: dict[str, str] = {}  # the district and township the latest headings name (place_sections)
    for row in [[raw.name], *raw.rows[:header_index + 1 - found.header_rows]]:  # the sheet's name (a sheet per
        # township), a heading above the header (the first block's)
        if _row_kind(row) == "section" and (place := _place_of(row, found.place_sections)):
            _enter(places, place)
    for name in found.place_sections:
        header_labels[name] = layout.KIND_LABELS["section"]
    skipped_rows: dict[str, list[int]] = defaultdict(list)
    header_rows = HeaderRows(table, columns, applied)
    previous: list[object] | None = None  # the record above: its value where this one is blank may mean "the same"
    continued = _Continued(raw, header_index, columns) if table is contract.ISSUES else None
    hamlets = set() if table is contract.ROSTER and any(
        type(c) is str and contract.normalise_header(c) in layout.HAMLET_HEADERS for c in raw.rows[header_index]) else None
    last = None  # the kind of the row above (blank rows included): a continuation follows its issue's row
    figures = figure_fields(found)
    segment = 0  # the first record after the latest summary row
    block_round = None  # no round column: the round the latest block title states, for the records below it
    block_rounds: list[tuple[int, str]] = []
    for offset, row in enumerate(rows):
        row_number = header_index + 2 + offset
        kind, above_kind, last = _row_kind(row, labels, unit, lead), last, None
        if kind == "blank":
            continue
        if kind == "data" and continued is not None and above_kind in ("data", "continued") \
                and (how := continued.of(row, row_number - 1, previous)) is not None:
            kind = "summary" if how == "summary" else "continued"
            if how == "text":  # the description goes on in this row: one issue, its text joined
                text = _description_text(row[continued.description], converters)
                if text:
                    before = records[-1].values.get("description")
                    records[-1].values["description"] = f"{before}\n{text}" if before else text
            elif how not in ("same", "summary"):  # merged with the issue above, but a column of its own says otherwise
                problems.append(Problem(file, sheet_label, row_number, how, _show(row[columns_by_header[how]]),
                                        messages.CONTINUED_DIFFERS, messages.CONTINUED_DIFFERS_HINT))
        if kind == "data" and (again := header_rows.kind(row)) is not None:
            if again == "other":  # the rows below are another table's: each would only repeat this
                problems.append(Problem(file, sheet_label, row_number, None, None,
                                        messages.another_table(table.label, header_index + 1),
                                        messages.ANOTHER_TABLE_HINT))
                break
            kind = "header"
        elif kind == "data" and (title := _title_above_header(row, rows[offset + 1:], header_rows)):
            if title == "other":
                continue  # the other table's title (巡察情况表): the next row refuses the sheet
            kind = "title"  # a block's title (西城区) above its header repeated
        elif kind == "section" and not found.place_sections and not layout.section_heading(row) \
                and _title_above_header(row, rows[offset + 1:], header_rows) == "repeat":
            kind = "title"  # a block's place alone (西城区) above its header repeated, the table has its column
        if kind == "data" and _template_row(row, columns, table):
            kind = "empty"
        elif kind == "data" and figures and unit is not None and total_like(row, unit, columns, figures) \
                and _sums_above(row, converters, figures, records[segment:], records):
            kind = "sums"
        last = kind
        if kind == "title" and found.round_from_sheet and not raw.round_group \
                and (stated := layout.round_from_titles([row])) and stated != (block_round or found.round_from_sheet):
            block_round = stated  # a block's title naming its round (2021年第二轮巡察情况) above its header again
            block_rounds.append((row_number, stated))
        if kind != "data":
            if kind in ("summary", "sums"):
                segment = len(records)  # a subtotal: the next one sums the records below it
            skipped += 1
            skipped_rows[kind].append(row_number)
            if kind == "section" and found.place_sections and (place := layout.place_heading(row)):
                _enter(places, place, found.place_sections)
                if place[0] in found.place_sections:
                    continue
            if kind == "section" and styles and (heading := layout.section_heading(row)):
                style, title = heading
                if style == styles[0]:
                    category, subcategory = layout.category_title(title), None
                elif len(styles) > 1 and style == styles[1]:
                    subcategory = re.sub(r"\s+", "", title)
            continue
        above, previous = previous, row
        if layout.DITTO.isdisjoint(row):  # most rows, at C speed
            pass
        elif above is not None and any(row[c] in layout.DITTO for c in read_columns if c < len(row)):
            row = previous = [above[c] if c < len(above) and type(cell) is str and cell in layout.DITTO else cell
                              for c, cell in enumerate(row)]  # 同上 / 〃: the record above's value
            ditto_rows.append(row_number)
        elif above is None and any(row[c] in layout.DITTO for c in read_columns if c < len(row)):
            for c in read_columns:  # the first record: no value above to take
                if c < len(row) and row[c] in layout.DITTO:
                    problems.append(Problem(file, sheet_label, row_number, names_by_column[c], _show(row[c]),
                                            messages.DITTO_FIRST, messages.DITTO_FIRST_HINT))
            continue
        if place_columns and above is not None and previous_number == row_number - 1 and unit is not None \
                and (filled := _places_filled(row, above, place_columns, unit, sole_district)) is not None:
            filled_columns.update(c for c in place_columns if cells.is_blank(row[c]))
            row = previous = filled
            filled_rows.append(row_number)
        previous_number = row_number
        values = {}
        yearless = []
        for name, col, as_written, convert, memo in converters:
            cell = row[col] if col < len(row) else None
            key = cell if type(cell) is str else (type(cell), cell)  # 1 == 1.0 == True: keep types apart
            try:
                value = memo[key]
            except KeyError:
                try:
                    value = convert(cell)
                except cells.CellError as exc:
                    if name in dated and layout.yearless_date(cell):
                        yearless.append((name, cell, as_written, convert))
                        continue
                    hint = exc.suggestion
                    if hint is None and blank_hint is None and _same_above(above, col, cell):
                        hint = messages.SAME_AS_ABOVE_HINT  # a required cell its converter refuses blank
                    problems.append(Problem(file, sheet_label, row_number, as_written, _show(cell),
                                            exc.reason, hint, mappings.unknown_value(table.name, name, exc)))
                    continue
                except TypeError:  # unhashable never happens for cell values; be safe
                    value = convert(cell)
                if len(memo) < 50_000:
                    memo[key] = value
            values[name] = value
        for name, others in found.twins.items():
            _check_twins(file, sheet_label, row_number, row, values.get(name), columns[name], others,
                         dict((c[0], c[3]) for c in converters)[name], problems)
        if found.round_from_sheet:
            values["round"] = block_round or found.round_from_sheet
        if yearless:
            _with_the_rounds_year(file, sheet_label, row_number, values, yearless, problems)
            if any(name in values for name, *_ in yearless):
                yearless_rows.append(row_number)
        if found.title_district:
            values["district"] = found.title_district
        if found.title_township:
            values["township"] = found.title_township
        if isinstance(status := values.get("status"), cells.RectifiedOn):  # 已整改（2023.5.10）
            values["status"] = str(status)
            if values.get("rectified_date") is None:  # its own column, where it has one, wins
                values["rectified_date"] = status.on
        if found.issue_count is not None:
            _one_issue(file, sheet_label, row_number, row, found.issue_count, problems)
        if period or "start_date" in values or "end_date" in values:
            _split_range(values)
        if found.level_from_team and values.get("team") is not None:
            try:
                values["level"] = cells.level_from_team(values["team"])
            except cells.CellError as exc:
                if found.title_level:  # 第一巡察组 under a title 东城区委…巡察情况
                    values["level"] = found.title_level
                else:
                    problems.append(Problem(file, sheet_label, row_number, header_labels["team"], values["team"],
                                            exc.reason, exc.suggestion))
        for name in found.place_sections:
            if name in places:
                values[name] = places[name]
            else:
                label = found.table.field(name).label
                problems.append(Problem(file, sheet_label, row_number, None, None,
                                        messages.NO_PLACE_SECTION.format(label, label), messages.NO_PLACE_SECTION_HINT))
        if category is not None and values.get("category") is None:
            values["category"] = category
            if subcategory is not None and values.get("subcategory") is None:
                values["subcategory"] = subcategory
        for name in required:
            if name in values and values[name] is None:
                cell = row[columns[name].index] if name in columns and columns[name].index < len(row) else None
                if name in columns and (row_number - 1, columns[name].index) in raw.formula_blanks:
                    problems.append(Problem(file, sheet_label, row_number, header_labels[name], "",
                                            messages.FORMULA_BLANK, messages.FORMULA_BLANK_HINT))
                elif cells.is_blank(cell):
                    same = blank_hint is None and name in columns and _same_above(above, columns[name].index, cell)
                    problems.append(Problem(file, sheet_label, row_number, header_labels[name], "",
                                            messages.BLANK_REQUIRED, messages.SAME_AS_ABOVE_HINT if same else blank_hint))
                else:  # "/" or "—": not reported
                    problems.append(Problem(file, sheet_label, row_number, header_labels[name], _show(cell),
                                            messages.not_reported_required(_show(cell)), messages.NOT_REPORTED_HINT))
            elif name == "category" and found.sections and name not in values:
                problems.append(Problem(file, sheet_label, row_number, None, None,
                                        messages.NO_SECTION, messages.NO_SECTION_HINT))
        if hamlets is not None:  # a roster listing each 行政村's 自然村: the village once
            key = repr(sorted(values.items()))
            if key in hamlets:
                skipped += 1
                skipped_rows["hamlet"].append(row_number)
                if filled_rows and filled_rows[-1] == row_number:  # not read: its places were filled for nothing
                    filled_rows.pop()
                continue
            hamlets.add(key)
        records.append(Record(file, sheet_label, row_number, values, header_labels))
    message = layout.skipped_message(messages.where(file, raw.name), skipped_rows)
    if message:
        warnings.append(message)
    if block_rounds:
        warnings.append(messages.round_from_block_titles(messages.where(file, raw.name), block_rounds))
    if yearless_rows:
        warnings.append(messages.year_from_round(messages.where(file, raw.name), yearless_rows))
    if ditto_rows:
        warnings.append(messages.ditto_read(messages.where(file, raw.name), ditto_rows))
    if filled_rows:
        warnings.append(messages.places_filled_down(
            messages.where(file, raw.name), [names_by_column[c] for c in place_columns if c in filled_columns], filled_rows))
    if raw.hidden_rows and (hidden := [r.row for r in records if r.row - 1 in raw.hidden_rows]):
        warnings.append(messages.hidden_rows_read(messages.where(file, raw.name), hidden))
    return ParsedSheet(file, raw.name, table, records, skipped), None


def _parse_wide(file: str, raw: readers.RawSheet, found: tuple[int, list[tuple[str, int, int]]],
                problems: list[Problem], warnings: list[str], applied: mappings.Applied):
    """A wide ledger (one row per unit, a group of columns per round under a heading naming the round,
    `layout.column_groups`) read as one sheet per round side by side: each group with the columns
    outside every group (县区, 村(社区)…) is parsed as a sheet of its round, in place (the rows and
    columns keep their numbers); a unit whose group is blank has no record of that round. Refused,
    naming why, when the headings are not distinct rounds or a 轮次 column already gives them."""
    heading_row, groups = found
    bottom, headers, _ = layout.find_header(raw.rows, applied.all_headers)
    rounds = [cells.to_key(heading) or "" for heading, _, _ in groups]
    inside = {c for _, first, last in groups for c in range(first, last + 1)}
    round_column = any(index.get(h) == "round" for c, h in enumerate(headers) if c not in inside
                       for index in applied.index.values())
    if (round_column or len({layout.round_key(r) for r in rounds}) < len(rounds)
            or not all(layout.round_in_text(r) or layout.round_from_sheet_name(r) for r in rounds)):
        _, first, last = groups[0]
        repeated = [h for h in dict.fromkeys(headers[first:last + 1]) if h
                    and any(h in headers[start:end + 1] for _, start, end in groups[1:])]
        problems.append(Problem(file, raw.name or None, heading_row + 1, None, None,
                                messages.wide_not_rounds([h for h, _, _ in groups], repeated), messages.WIDE_HINT))
        return ParsedSheet(file, raw.name, contract.INSPECTIONS, [], 0), None
    records, skipped, seen, table = [], 0, set(), None
    for number, (heading, first, last) in enumerate(groups):
        others = [c for _, start, end in groups if start != first for c in range(start, end + 1)]
        rows = []
        for index, row in enumerate(raw.rows):
            row = list(row)
            for c in others:
                if c < len(row):
                    row[c] = None
            if index > bottom and all(cells.is_blank(c) for c in row[first:last + 1]) \
                    and layout.row_kind(row) == "data":  # not inspected in this round
                row = [None] * len(row)
            rows.append(row)
        part = dataclasses.replace(raw, rows=rows, round_group=(heading, first, last))
        part_problems: list[Problem] = []
        part_warnings: list[str] = []
        parsed, unread = _parse_sheet(file, part, part_problems, part_warnings, applied)
        for problem in part_problems:  # a place column's problem is every group's: once
            key = (problem.row, problem.column, problem.value, problem.reason)
            if key not in seen:
                seen.add(key)
                problems.append(problem)
        warnings.extend(w for w in part_warnings if w not in warnings)
        if parsed is None:
            return parsed, unread
        records.extend(parsed.records)
        skipped = skipped if number else parsed.skipped  # the same rows in every group: counted once
        table = parsed.table
    warnings.append(messages.wide_rounds(messages.where(file, raw.name), rounds))
    return ParsedSheet(file, raw.name, table, records, skipped), None


def _same_above(above: list[object] | None, col: int, cell: object) -> bool:
    """A blank cell under a record holding a value in its column (a workbook's "the same as above")."""
    return above is not None and cells.is_blank(cell) and col < len(above) and not cells.is_blank(above[col])


_FIGURES = frozenset({"count", "money", "money_yuan"})
_SHARED = frozenset({"round", "district", "township"})  # what a total row may copy along from its records


def figure_fields(found) -> frozenset[str]:
    """The recognised columns holding a count or an amount."""
    return frozenset(name for name in found.columns if found.kinds.get(name, found.table.field(name).kind) in _FIGURES)


def total_like(row: list[object], unit: int, columns: dict[str, Column], figures: frozenset[str]) -> bool:
    """Cheap: the row names no unit, has a figure and nothing but figures, the round and the places (a total
    row whose label cell is blank, `_sums_above`)."""
    if unit < len(row) and not cells.is_blank(row[unit]):
        return False
    allowed = {c.index for name, c in columns.items() if name in figures or name in _SHARED}
    return any(c.index < len(row) and not cells.is_blank(row[c.index]) for name, c in columns.items() if name in figures) \
        and all(c in allowed or cells.is_blank(cell) for c, cell in enumerate(row))


def _sums_above(row: list[object], converters: list, figures: frozenset[str], since: list[Record],
                every: list[Record]) -> bool:
    """A total row whose label cell is blank (no 合计: its figures =SUM of the rows above, or typed;
    `total_like`): each figure it has is the sum of that column over the records above it (since the latest
    summary row, or all of the sheet's), at least two of them and one figure not 0, and its round and places
    are blank or the value every one of those records has (东城区). A record whose unit, team and dates were
    left blank and whose figures happen to be those sums cannot be told from it: it is skipped with the rest,
    named as one."""
    mine: dict[str, object] = {}
    for name, col, _, convert, _ in converters:
        cell = row[col] if col < len(row) else None
        if cells.is_blank(cell):
            continue
        try:
            mine[name] = convert(cell)
        except cells.CellError:
            return False
    sums = {name: value for name, value in mine.items() if name in figures}
    if not sums or not any(sums.values()) or any(type(v) not in (int, float) for v in sums.values()):
        return False
    for records in (since, every):
        if len(records) < 2:
            continue
        if all(all(r.values.get(name) == value for r in records) for name, value in mine.items() if name not in figures) \
                and all(abs(sum((r.values.get(name) or 0) for r in records) - value) < 1e-6 for name, value in sums.items()):
            return True
    return False


def _places_filled(row: list[object], above: list[object], places: list[int], unit: int,
                   sole_district: Callable[[], tuple[int, object] | None]) -> list[object] | None:
    """The row with its blank place cells (县区, 乡镇: `places`, the higher first) taken from the record right
    above it, a place written only on its group's first row (not merged): when the row names a unit and its
    other places are blank too or the same as above's (a blank 县区 beside another township than above's may be
    another district's, unless the sheet's records name one district only: `sole_district()`, its column and
    value). None when nothing is filled."""
    if unit >= len(row) or cells.is_blank(row[unit]) or any(c >= len(row) or c >= len(above) for c in places):
        return None
    blank = [c for c in places if cells.is_blank(row[c])]
    if not blank or any(cells.is_blank(above[c]) for c in blank):
        return None
    filled = list(row)
    if any(row[c] != above[c] for c in places if c not in blank):
        sole = sole_district()
        if sole is None or blank != [sole[0]]:
            return None
        filled[sole[0]] = sole[1]  # a county's own ledger: its one district merged down over every township
        return filled
    for c in blank:
        filled[c] = above[c]
    return filled


def _sole_value(rows: list[list[object]], column: int | None, unit: int | None) -> tuple[int, object] | None:
    """(column, value) when the rows naming a unit write one value only in `column`, else None."""
    if column is None or unit is None:
        return None
    seen = {row[column] for row in rows if column < len(row) and unit < len(row) and not cells.is_blank(row[unit])
            and not cells.is_blank(row[column])}
    return (column, seen.pop()) if len(seen) == 1 else None


def _one_issue(file: str, sheet: str | None, row_number: int, row: list[object], column: Column,
               problems: list[Problem]) -> None:
    """An issue list's row is one issue: a count column (问题数量) may say 1 or nothing, never several
    (the row would be counted once for all of them)."""
    cell = row[column.index] if column.index < len(row) else None
    try:
        count = cells.to_count(cell)
    except cells.CellError as exc:
        problems.append(Problem(file, sheet, row_number, column.header, _show(cell), exc.reason))
        return
    if count is not None and count != 1:
        problems.append(Problem(file, sheet, row_number, column.header, _show(cell), messages.issue_count(count),
                                messages.ISSUE_COUNT_HINT))


def _dated(raw: readers.RawSheet, kind: str, convert):
    """`convert`, reading a serial date (a five-digit number) of a 1904 workbook from 1904, a date in a
    cell formatted as a duration ([h]:mm:ss: the reader gives the days it holds) as that serial, and a
    count or amount in a cell formatted as a date as the number it holds (`cells.date_as_number`)."""
    if kind in ("count", "money", "money_yuan"):
        def figure(value: object):
            return convert(cells.date_as_number(value, raw.date1904, raw.opendocument))
        return figure
    if kind not in ("date", "range", "due"):
        return convert

    def converter(value: object):
        if isinstance(value, dt.timedelta):
            value = cells.date_as_number(value)
        if raw.date1904 and type(value) in (int, float) and 10_000 <= value < 100_000:
            value += cells.EXCEL_1904_OFFSET
        return convert(value)
    return converter


# a number with a decimal comma (1,5) or thousands grouped by dots (1.500): either may be the other
_COMMA_OR_DOTTED = re.compile(r"\d,\d|\d\.\d{3}(?!\d)")


def _separated(raw: readers.RawSheet, kind: str, convert):
    """`convert`, refusing in a CSV separated by semicolons a number whose "," or "." may be a decimal
    point or a thousands separator (1,500 and 1.500 are 1.5 or 1500 there)."""
    if not raw.semicolons or kind not in ("count", "money", "money_yuan"):
        return convert

    def converter(value: object):
        if type(value) is str and _COMMA_OR_DOTTED.search(contract.normalise_text(value)):
            raise cells.CellError(messages.SEMICOLON_NUMBER, messages.SEMICOLON_NUMBER_HINT)
        return convert(value)
    return converter


def _check_twins(file: str, sheet: str | None, row_number: int, row: list[object], value: object,
                 first: Column, others: list[Column], convert, problems: list[Problem]) -> None:
    """A second column of the same identifying field must say what the first says (both filled)."""
    if value is None:
        return
    for other in others:
        cell = row[other.index] if other.index < len(row) else None
        if cells.is_blank(cell):
            continue
        try:
            same = convert(cell) == value
        except cells.CellError:
            same = False
        if not same:
            problems.append(Problem(file, sheet, row_number, other.header, _show(cell),
                                    messages.twin_differs(other.index, first.index, _show(row[first.index])),
                                    messages.TWIN_HINT))


def _with_the_rounds_year(file: str, sheet: str | None, row_number: int, values: dict, yearless: list,
                          problems: list[Problem]) -> None:
    """An inspection's dates written without their year (3.1-4.4, 3月1日至4月4日, 3月1日) in a row whose round
    states its year (2022年第一轮, 二〇二二年第一轮, 22年1轮): read in that year; else refused saying so."""
    year = layout.round_year(values.get("round"))
    for name, cell, as_written, convert in yearless:
        try:
            if year is None:
                raise cells.CellError(*messages.NO_YEAR_IN_ROUND)
            values[name] = convert(layout.in_year(cell, year))
        except cells.CellError as error:
            problems.append(Problem(file, sheet, row_number, as_written, _show(cell), error.reason, error.suggestion))






class _Continued:
    """Rows of an issue list that go on with the issue above them instead of starting one: its description
    merged down over them (整改措施 1. 2. 3. one per row beside one merged issue), or, in a list numbering its
    issues (序号), the serial number blank and the description's next line alone in its own row or only columns
    the import does not read filled (整改措施 2.…, 3.…). Each was counted as an issue of its own (merged) or
    refused for its blank cells (as a row without serial numbers still is: it may be an issue left blank)."""

    def __init__(self, raw: readers.RawSheet, header_index: int, columns: dict[str, Column]):
        self.description = columns["description"].index if "description" in columns else None
        self.read = sorted(c.index for c in columns.values())
        header = raw.rows[header_index]
        self.serial = next((c for c, text in enumerate(header) if type(text) is str
                            and layout.is_serial_header(contract.normalise_header(text))), None)
        self.names = {c.index: c.header for c in columns.values()}
        self.ranges = [r for r in raw.merged if r[1][0] > r[0][0] and r[1][0] > header_index]
        self.merged_text = {r for (r0, c0), (r1, c1) in self.ranges if self.description is not None
                            and c0 <= self.description <= c1 for r in range(r0 + 1, r1 + 1)}

    def _from_above(self, r: int, c: int) -> bool:
        return any(r0 < r <= r1 and c0 <= c <= c1 for (r0, c0), (r1, c1) in self.ranges)

    def of(self, row: list[object], r: int, above: list[object] | None) -> str | None:
        """For row `r` (0-based) below a record (`above`) or its continuation: 'same' (merged with it or
        only unread columns filled), 'text' (the description's next line), the header of a column whose own
        value differs from the merged issue's, or None (a record of its own)."""
        def blank(c: int) -> bool:
            return c >= len(row) or cells.is_blank(row[c])

        serial_own = self.serial is not None and not blank(self.serial) and not self._from_above(r, self.serial)
        if r in self.merged_text:  # the issue's text merged down over this row: the same issue
            if serial_own or above is None:
                return None
            for c in self.read:
                if not blank(c) and not self._from_above(r, c) and (c >= len(above) or row[c] != above[c]):
                    return self.names[c]
            return "same"
        if serial_own or self.serial is None:  # without serial numbers nothing says where an issue starts
            return None
        own = [c for c in self.read if not blank(c)]
        if not own:
            return "same" if any(not cells.is_blank(c) for c in row) else None
        if own == [self.description]:
            text = row[self.description]
            return "summary" if type(text) is str and layout.COUNT_LINE.fullmatch(layout.compact(text)) else "text"
        return None




def _description_text(cell: object, converters) -> str | None:
    convert = next(c[3] for c in converters if c[0] == "description")
    try:
        return convert(cell)
    except cells.CellError:
        return None


def _place_of(row: list[object], fields: frozenset[str]) -> tuple[str, str] | None:
    """The (field, name) a heading row names when `fields` (the place_sections) has its field."""
    place = layout.place_heading(row) if fields else None
    return place if place is not None and place[0] in fields else None


def _enter(places: dict[str, str], place: tuple[str, str], fields: frozenset[str] | None = None) -> None:
    """The district or township a heading names, for the records below it (a district's starts its townships anew)."""
    field, name = place
    if field == "district":
        places.pop("township", None)
    if fields is None or field in fields:
        places[field] = cells.to_name(name)


def _title_above_header(row: list[object], below: list[list[object]], header_rows: HeaderRows) -> str | None:
    """For a row with one cell filled (or one text merged across it: a printed form's title again) whose next
    non-blank row, past note rows (填报单位：…), is a header: that header's kind ('repeat' or 'other', see
    `HeaderRows.kind`); else None."""
    filled = [c for c in row if not cells.is_blank(c)]
    if not filled or any(c != filled[0] for c in filled[1:]):
        return None
    following = next((r for r in below if any(not cells.is_blank(c) for c in r) and layout.row_kind(r) != "note"), None)
    return header_rows.kind(following) if following is not None else None


def _split_range(values: dict) -> None:
    """A date range (in the range column or a start_date cell) as start_date and end_date."""
    had_period = "period" in values
    period = values.pop("period", None)
    start = values.get("start_date")
    if isinstance(start, cells.DateRange):
        values["start_date"] = start.start
        if values.get("end_date") is None:
            values["end_date"] = start.end
    if isinstance(period, cells.DateRange):
        if values.get("start_date") is None:
            values["start_date"] = period.start
        if values.get("end_date") is None:
            values["end_date"] = period.end
    elif period is not None and values.get("start_date") is None:
        values["start_date"] = period
    if had_period:  # read: a blank one is a blank start_date
        values.setdefault("start_date", None)
    start, end = values.get("start_date"), values.get("end_date")
    if isinstance(end, cells.MonthAlone) and start is not None and end < start \
            and (end.year, end.month) == (start.year, start.month):
        values["end_date"] = cells.month_end(end)  # 撤离 2022年3月 after 进驻 2022-03-15: by the end of March
