"""read -> recognise -> normalise -> validate -> load, all or nothing.

One code path for the command line and the upload page: `import_files(con, files, user)`.
Every problem of an import is collected before anything is written; with any problem the
store is not touched. A loaded import supersedes the rows of the same (round, unit) (or the
same roster unit) and records itself in `imports`, so it can be undone.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import hashlib
import json
import re
import shutil
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from .. import cells, contract, lake, layout, mappings, readers, store
from ..contract import Table


@dataclass
class Problem:
    file: str
    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    reason: str
    suggestion: str | None = None
    unknown: mappings.Unknown | None = None  # what a mapping could answer (the import page asks)


@dataclass
class ImportResult:
    status: str  # imported | unchanged | rejected
    added: int = 0
    replaced: int = 0
    skipped: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    import_id: int | None = None
    tables: dict[str, int] = field(default_factory=dict)
    mappings: list[mappings.Mapping] = field(default_factory=list)  # the mappings this import used
    questions: mappings.Questions | None = None  # rejected only for what mappings could answer

    def to_json(self) -> dict:
        return {
            "status": self.status,
            "added": self.added,
            "replaced": self.replaced,
            "skipped": self.skipped,
            # the problems as a clerk reads them; what mappings could answer is in "questions"
            "problems": [{k: v for k, v in asdict(p).items() if k != "unknown"} for p in self.problems],
            "warnings": self.warnings,
            "import_id": self.import_id,
            "mappings_used": [m.to_json() for m in self.mappings],
            "questions": self.questions.to_json() if self.questions else None,
        }


@dataclass
class InputFile:
    name: str
    data: bytes

    @functools.cached_property
    def sha256(self) -> str:  # asked for several times per import; a large file takes a while
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class Record:
    file: str
    sheet: str
    row: int
    values: dict
    columns: dict  # field -> header as written, for messages


@dataclass
class ParsedSheet:
    file: str
    sheet: str
    table: Table
    records: list[Record]
    skipped: int


@dataclass
class StagedSheet:
    """The data rows of a large CSV read and converted in DuckDB (`Importer._parse_fast`).

    TEMP table `table` has `r` (the row number as Excel shows it) and one typed column per field of
    `fields`; it stands in by_table for the Records of that sheet, in the same place."""

    file: str
    sheet: str | None
    table: str
    fields: list[str]
    columns: dict  # field -> header as written, for messages
    rows: int


@dataclass
class StagedRows:
    """Validated rows waiting in a TEMP table, standing in for a DataFrame of `validate`."""

    table: str
    columns: list[str]
    count: int

    @property
    def empty(self) -> bool:
        return self.count == 0

    def __len__(self) -> int:
        return self.count


MAX_PROBLEMS = 5000
ISSUE_COLUMNS = ["round", "unit_id", "seq", "category", "subcategory", "description", "status", "due_date",
                 "rectified_date"]
KEYS = {"roster": ["unit_id"], "inspections": ["round", "unit_id"], "issues": ["round", "unit_id"]}
ROSTER_COLUMNS = ["unit_id", "district", "township", "unit_name", "unit_code", "unit_type", "is_poverty_village",
                  "is_weak_org"]
INSPECTION_COLUMNS = ["round", "unit_id", "district", "township", "unit_name", "unit_code", "level", "team", "mode",
                      "start_date", "end_date", *contract.COUNT_FIELDS, "funds_recovered"]


@dataclass
class DiffPlan:
    """What an import would do to one table; the rows wait in TEMP tables stage_/plan_<table>."""

    table: str
    columns: list[str]
    keys: list[str]
    added: int
    replaced: int
    unchanged: int


# ---------------------------------------------------------------- recognise


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
_MARKER_START = frozenset(m[0] for m in contract.SUMMARY_MARKERS + contract.NOTE_MARKERS + contract.NOTE_STARTS)
_SECTION_START = frozenset("一二三四五六七八九十百(（0123456789０１２３４５６７８９")
LABEL_FIELDS = ("district", "township", "unit_name", "round", "team", "category")


def _row_kind(row: list[object], labels: tuple[int, ...] = ()) -> str:
    """'blank', 'summary' (合计/总计/小计), 'note' (填表人, 说明, ...), 'section' (一、… with only the first
    one or two cells filled) or 'data'."""
    kind = layout.row_kind(row, labels)
    if kind == "data" and _maybe_section(row) and layout.section_heading(row):
        return "section"
    return kind


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


@dataclass
class Layout:
    """Where a sheet's header is, which table it holds, and its recognised columns."""

    header_index: int
    table: Table
    columns: dict[str, tuple[int, str]]  # field -> (column index, header as written)
    kinds: dict[str, str] = field(default_factory=dict)  # field -> converter kind, where not the field's own
    level_from_team: bool = False  # no level column: the level is read from the team's name
    sections: bool = False  # an issue list without a category column: section headings give it
    header_rows: int = 1

    @property
    def labels(self) -> tuple[int, ...]:
        return tuple(col for name, (col, _) in self.columns.items() if name in LABEL_FIELDS)

    @property
    def plain(self) -> bool:
        """Nothing that needs the row-by-row path (context-dependent values, a header block)."""
        return (not self.level_from_team and not self.sections and self.header_rows == 1
                and "period" not in self.columns)


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
                             and not layout.note_kind(re.sub(r"\s+", "", contract.normalise_text(str(c))))])
    header_index, headers, written = found
    table = _classify(headers, applied.index)
    if table is None:
        return None, (None, [w for w in written if w])
    columns: dict[str, tuple[int, str]] = {}
    kinds: dict[str, str] = {}
    ignored, dropped = [], []
    for col, header in enumerate(headers):
        if not header:
            continue
        name = applied.field_for(table.name, header)
        as_written = written[col]
        if name is None and layout.is_serial_header(header):
            continue
        if name is None and layout.is_person_header(header):
            dropped.append(as_written)
        elif name is None:
            ignored.append(as_written)
        elif name in columns:
            warnings.append(f"{_where(file, raw.name)}：列「{as_written}」与「{columns[name][1]}」重复，已忽略后者")
        else:
            columns[name] = (col, as_written)
            if table.field(name).kind == "money" and contract.normalise_text(as_written).endswith("(元)"):
                kinds[name] = "money_yuan"
            elif name == "start_date":  # a start column may hold the whole range (2022年3月1日至4月4日)
                kinds[name] = "range"
    sheet_label = raw.name or None
    applied.note_unrecognised(file, sheet_label, table.name, ignored, list(columns))
    optional = set()
    if table is contract.INSPECTIONS:
        if "level" not in columns and "team" in columns:
            optional.add("level")
        if "start_date" not in columns and "period" in columns:
            optional.add("start_date")
    sections = table is contract.ISSUES and "category" not in columns
    if sections and any(_row_kind(row) == "section" for row in raw.rows[header_index + 1:]):
        optional.add("category")
    missing = [table.field(f).label for f in table.required if f not in columns and f not in optional]
    if missing:
        problems.append(Problem(file, sheet_label, header_index + 1, None, None,
                                f"{table.label}缺少必填列：{'、'.join(missing)}",
                                "表头可用的名称见数据规范（如 " + "、".join(
                                    table.field(f).headers[0] for f in table.required
                                    if f not in columns and f not in optional) + "）",
                                mappings.Unknown("header", table.name, fields=tuple(
                                    f for f in table.required if f not in columns and f not in optional))))
        return None, (ParsedSheet(file, raw.name, table, [], 0), None)
    if dropped:
        warnings.append(f"{_where(file, raw.name)}：人员姓名列不导入、不保存：{'、'.join(dropped)}")
    if ignored:
        warnings.append(f"{_where(file, raw.name)}：未识别的列已忽略：{'、'.join(ignored[:10])}")
    header_rows = 1 + sum(1 for r in raw.rows[max(0, header_index - 2):header_index]
                          if any(layout.known_header(contract.normalise_header(c)) for c in r if not cells.is_blank(c)))
    return Layout(header_index, table, columns, kinds, "level" in optional, sections, header_rows), None


CSV_BLANK_HINT = "CSV 没有合并单元格：原表中合并的单元格另存为 CSV 后只有第一格有值，请逐行填写，或直接导入 Excel 文件"


def _parse_sheet(file: str, raw: readers.RawSheet, problems: list[Problem], warnings: list[str],
                 applied: mappings.Applied | None = None):
    applied = applied or mappings.Applied()
    found, unread = _recognise(file, raw, problems, warnings, applied)
    if found is None:
        return unread
    header_index, table, columns = found.header_index, found.table, found.columns
    sheet_label = raw.name or None
    converters = [(name, col, as_written,
                   applied.converter(table.name, name, found.kinds.get(name, table.field(name).kind)), {})
                  for name, (col, as_written) in columns.items()]
    records, skipped = [], 0
    required = table.required  # a property: computed once, not per row
    header_labels = {name: as_written for name, (_, as_written) in columns.items()}
    period = columns.get("period")
    if period:  # the range column stands for start and end where they have no column of their own
        header_labels.setdefault("start_date", period[1])
        header_labels.setdefault("end_date", period[1])
        header_labels.pop("period")
    if found.level_from_team:
        header_labels["level"] = header_labels["team"]
    blank_hint = CSV_BLANK_HINT if not raw.name else None
    labels = found.labels
    rows = raw.rows[header_index + 1:]
    # section headings: the highest style used is the first level (category), the next the second
    styles = sorted({h[0] for row in rows if _maybe_section(row) and (h := layout.section_heading(row))}
                    if table is contract.ISSUES else ())
    category = subcategory = None
    skipped_rows: dict[str, list[int]] = defaultdict(list)
    for offset, row in enumerate(rows):
        row_number = header_index + 2 + offset
        kind = _row_kind(row, labels)
        if kind == "blank":
            continue
        if kind != "data":
            skipped += 1
            skipped_rows[kind].append(row_number)
            if kind == "section" and styles:
                style, title = layout.section_heading(row)
                if style == styles[0]:
                    category, subcategory = layout.category_title(title), None
                elif len(styles) > 1 and style == styles[1]:
                    subcategory = re.sub(r"\s+", "", title)
            continue
        values = {}
        for name, col, as_written, convert, memo in converters:
            cell = row[col] if col < len(row) else None
            key = cell if type(cell) is str else (type(cell), cell)  # 1 == 1.0 == True: keep types apart
            try:
                value = memo[key]
            except KeyError:
                try:
                    value = convert(cell)
                except cells.CellError as exc:
                    problems.append(Problem(file, sheet_label, row_number, as_written, _show(cell),
                                            exc.reason, exc.suggestion, mappings.unknown_value(table.name, name, exc)))
                    continue
                except TypeError:  # unhashable never happens for cell values; be safe
                    value = convert(cell)
                if len(memo) < 50_000:
                    memo[key] = value
            values[name] = value
        if period or "start_date" in values:
            _split_range(values)
        if found.level_from_team and values.get("team") is not None:
            try:
                values["level"] = cells.level_from_team(values["team"])
            except cells.CellError as exc:
                problems.append(Problem(file, sheet_label, row_number, header_labels["team"], values["team"],
                                        exc.reason, exc.suggestion))
        if category is not None and values.get("category") is None:
            values["category"] = category
            if subcategory is not None and values.get("subcategory") is None:
                values["subcategory"] = subcategory
        for name in required:
            if name in values and values[name] is None:
                problems.append(Problem(file, sheet_label, row_number, header_labels[name], "", "必填项为空",
                                        blank_hint))
            elif name == "category" and found.sections and name not in values:
                problems.append(Problem(file, sheet_label, row_number, None, None,
                                        "问题类别为空：这一行之前没有“一、……”这样的分类标题",
                                        "请在问题前加上分类标题行，或增加“问题类别”列"))
        records.append(Record(file, sheet_label, row_number, values, header_labels))
    message = layout.skipped_message(_where(file, raw.name), skipped_rows)
    if message:
        warnings.append(message)
    return ParsedSheet(file, raw.name, table, records, skipped), None


def _rows_looked_at(rows: list[list[object]], count: int = 3) -> str:
    """The first non-blank rows among those searched for a header, as the clerk would read them."""
    shown = []
    for index, row in enumerate(rows[: contract.MAX_TITLE_ROWS + 1]):
        values = [_show(c) for c in row if not cells.is_blank(c)]
        if values and layout.row_kind(row) == "note":  # 填表人：王某某 names people: its kind, never its text
            shown.append(f"第{index + 1}行（{layout.KIND_LABELS['note']}）")
        elif values:
            text = "、".join(values)
            shown.append(f"第{index + 1}行「{text if len(text) <= 80 else text[:80] + '…'}」")
        if len(shown) == count:
            break
    return "；".join(shown)


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


def _show(cell: object) -> str:
    if cells.is_blank(cell):
        return ""
    text = str(cell.isoformat() if isinstance(cell, (dt.date, dt.datetime)) else cell)
    return text if len(text) <= 200 else text[:200] + "…"


def _where(file: str, sheet: str) -> str:
    return f"{file}「{sheet}」" if sheet else file


# ---------------------------------------------------------------- large CSVs: the vectorised path
#
# A large, regular CSV (roster, inspections or issues) is read by DuckDB's CSV reader into a TEMP
# table (all VARCHAR); each converter of cells.py runs once per distinct value of its column and the
# results are joined back; problems are collected with a query. The outcome is the same as `_parse_sheet` would give
# row by row: the same values, the same problems (file, row, column, value, reason), the same
# skipped rows. Small or irregular files (title rows are fine; GBK, tabs, odd quoting, line breaks
# in cells, xlsx) keep the Python path.
# `validate` then checks the staged rows of a table in SQL too (duplicates, unit lookups once per
# distinct unit, end before start); the Records of the other files of that table are staged with them
# (`_gather`), so the checks that span files see every row in the same order.

FAST_TABLES = frozenset({"roster", "inspections", "issues"})
_WHITESPACE = [c for c in map(chr, range(0x3001)) if c.isspace()]
# a row whose first cell starts with any other character is a data row (see `_row_kind`)
_SURE_DATA = "^[^" + cells.char_class(_WHITESPACE + sorted(_MARKER_START)) + "]"
_SQL_TYPES = {"count": "BIGINT", "money": "DOUBLE", "date": "DATE", "bool": "BOOLEAN", "range": "DATE", "due": "DATE",
              "money_yuan": "DOUBLE"}


def _as_sql_text(value: object) -> str | None:
    """A converted value as text that CASTs back to the same value in SQL."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)


# ---------------------------------------------------------------- resolve units


def unit_id_for(code: str | None, district: str, township: str, name: str) -> str:
    return f"c:{code}" if code else f"n:{district}|{township}|{name}"


def _unit_id_sql(s: str) -> str:
    """`unit_id_for` over the columns of alias `s`."""
    return (f"CASE WHEN coalesce({s}.unit_code, '') <> '' THEN 'c:' || {s}.unit_code "
            f"ELSE 'n:' || {s}.district || '|' || {s}.township || '|' || {s}.unit_name END")


def _key_table(con: duckdb.DuckDBPyConnection, name: str, columns: list[str], rows) -> None:
    """TEMP table `name` of VARCHAR `columns` holding `rows` (the caller drops it)."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({', '.join(c + ' VARCHAR' for c in columns)})")
    frame = pd.DataFrame(list(rows), columns=columns, dtype=object)
    if frame.empty:
        return
    con.register("key_frame", frame)
    try:
        con.execute(f"INSERT INTO {name} SELECT {', '.join(columns)} FROM key_frame")
    finally:
        con.unregister("key_frame")


class UnitIndex:
    """The known units: the roster when there is one, else the inspected units.

    Given only `units`, it holds those. Given also a store (`con`; `source`: a relation with unit_id,
    unit_code, district, township, unit_name, the condition on its alias u that keeps the live
    units, and whether its rows repeat), it holds the incoming `units` and reads from the store only
    what lookups need: `load` the stored units that match the rows' keys by code or by
    (district, township, name), and the whole district of a key that does not resolve (for
    `suggest`; every unit only when a district is not known at all). Either way `resolve` and
    `suggest` answer as if every stored unit and then the incoming ones had been listed."""

    def __init__(self, units: list[tuple[str, str | None, str, str, str]],
                 con: duckdb.DuckDBPyConnection | None = None, source: tuple[str, str, bool] | None = None):
        self.by_code: dict[str, str] = {}
        self.by_name: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        self.names_by_district: dict[str, set[str]] = defaultdict(set)
        self._con, self._source = con, source
        self._pinned: set[str] = set()  # codes of the incoming units: they win over stored ones
        # what has been read from the store: codes, (district, township, name) keys, whole districts
        self._codes: set[str] = set()
        self._names: set[tuple[str, str, str]] = set()
        self._districts: set[str] = set()
        self._all = source is None  # every unit is held
        self._add(units, pinned=True)
        self.empty = not units and (self._all or not con.execute(
            f"SELECT EXISTS (SELECT 1 FROM {source[0]} u WHERE {source[1]})").fetchone()[0])

    def _add(self, units, pinned: bool) -> None:
        for unit_id, code, district, township, name in units:
            if code and (pinned or code not in self._pinned):
                self.by_code[code] = unit_id
                if pinned:
                    self._pinned.add(code)
            self.by_name[(district, township, name)].add(unit_id)
            self.names_by_district[district].add(f"{township}/{name}")

    def extend(self, units) -> None:
        """Add more incoming units (as if given to the constructor)."""
        if units:
            self._add(units, pinned=True)
            self.empty = False

    def _read(self, join: str = "") -> list[tuple]:
        relation, live, repeats = self._source
        return self._con.execute(f"SELECT {'DISTINCT ' if repeats else ''}u.unit_id, u.unit_code, u.district, "
                                 f"u.township, u.unit_name FROM {relation} u {join} WHERE {live}").fetchall()

    def load(self, keys) -> None:
        """Read the stored units these (unit_code, district, township, unit_name) keys may resolve to,
        and the districts of the keys that resolve to none (for their suggestions)."""
        if self._all:
            return
        keys = set(keys)
        codes = {k[0] for k in keys if k[0]} - self._codes
        names = {k[1:] for k in keys} - self._names
        if codes or names:
            con = self._con
            _key_table(con, "unit_lookup_codes", ["code"], [(c,) for c in codes])
            _key_table(con, "unit_lookup_names", ["district", "township", "unit_name"], names)
            try:
                # two equi-joins, not one join ON a OR b
                found = self._read("JOIN unit_lookup_codes k ON u.unit_code = k.code")
                found += self._read("JOIN unit_lookup_names k ON u.district = k.district "
                                    "AND u.township = k.township AND u.unit_name = k.unit_name")
            finally:
                con.execute("DROP TABLE IF EXISTS unit_lookup_codes")
                con.execute("DROP TABLE IF EXISTS unit_lookup_names")
            self._add(found, pinned=False)
            self._codes |= codes
            self._names |= names
        self.load_districts(k[1] for k in keys if self._lookup(k[0], k[1:])[0] is None)

    def load_districts(self, districts) -> None:
        """Read every stored unit of these districts."""
        todo = set(districts) - self._districts
        if self._all or not todo:
            return
        _key_table(self._con, "unit_lookup_districts", ["district"], [(d,) for d in todo])
        try:
            self._add(self._read("JOIN unit_lookup_districts k ON u.district = k.district"), pinned=False)
        finally:
            self._con.execute("DROP TABLE IF EXISTS unit_lookup_districts")
        self._districts |= todo

    def _lookup(self, code: str | None, key: tuple[str, str, str]) -> tuple[str | None, str | None]:
        if code and code in self.by_code:
            return self.by_code[code], None
        ids = self.by_name.get(key, set())
        if len(ids) == 1:
            return next(iter(ids)), None
        if len(ids) > 1:
            return None, "名册中有多个同名对象，请填写对象编码"
        return None, "名册中没有这个村(社区)"

    def resolve(self, values: dict) -> tuple[str | None, str | None]:
        """(unit_id, None) or (None, reason)."""
        code, key = values.get("unit_code"), (values["district"], values["township"], values["unit_name"])
        if not self._all and ((code and code not in self._codes) or key not in self._names):
            self.load([(code, *key)])  # not loaded beforehand: one query for this row
        return self._lookup(code, key)

    def suggest(self, values: dict) -> str | None:
        district, township, name = values["district"], values["township"], values["unit_name"]
        self.load_districts([district])
        if district not in self.names_by_district and not self._all:
            self._add(self._read(), pinned=False)  # a district no unit has: every name is a candidate
            self._all = True
        pool = self.names_by_district.get(district) or {n for s in self.names_by_district.values() for n in s}
        close = difflib.get_close_matches(f"{township}/{name}", sorted(pool), n=3, cutoff=0.5)
        hints = []
        if district not in self.names_by_district:
            # the unit itself may be right and only the district misspelt: say so first
            known = difflib.get_close_matches(district, sorted(self.names_by_district), n=3, cutoff=0.3)
            hints.append(f"名册中没有县区「{district}」" + (f"，是否为：{'、'.join(known)}" if known else ""))
        if close:
            hints.append("是否为：" + "、".join(close))
        return "；".join(hints) or None


def _unit_key(values: dict, *required: str) -> tuple | None:
    """The (unit_code, district, township, unit_name) a row is resolved by; None for a row that
    `validate` skips for a blank field (these and the `required` ones)."""
    key = (values.get("unit_code"), values.get("district"), values.get("township"), values.get("unit_name"))
    if None in key[1:] or None in (values.get("round"), *(values.get(f) for f in required)):
        return None
    return key


def _unit_keys(records: list[Record], *required: str) -> set[tuple]:
    return {k for rec in records if (k := _unit_key(rec.values, *required)) is not None}


# the problems of a row that names a unit or inspection another table of the import must hold
_REFERENCES = {"roster": ("名册中没有这个村(社区)", "名册中有多个同名对象"),
               "inspections": ("没有这个村(社区)的巡察记录", "没有巡察记录")}


def _refers_to(problem: Problem, tables: set[str]) -> bool:
    return any(problem.reason.startswith(r) or problem.reason.endswith(r)
               for t in tables for r in _REFERENCES.get(t, ()))


# ---------------------------------------------------------------- the import


class Importer:
    def __init__(self, con: duckdb.DuckDBPyConnection, files: list[InputFile], user: str,
                 originals_dir: Path | None, limits: readers.Limits | None = None):
        self.con = con
        self.files = files
        self.user = user
        self.originals_dir = originals_dir
        self.limits = limits or readers.Limits()
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.skipped = 0
        self.file_tables: dict[str, list[str]] = defaultdict(list)
        self.progress: Progress = _no_progress
        self._temp: list[str] = []  # TEMP tables of the vectorised CSV path, dropped after the run
        self._known_units: set[str] = set()  # units whose stored inspections are in validate's `known`
        self._fast_known: set[tuple] = set()  # the rows of TEMP table fast_known
        self.applied = mappings.Applied.of(con)  # the store's mappings of headers and values

    # read and parse every file; returns the records per table
    def parse(self) -> dict[str, list[Record]]:
        by_table: dict[str, list[Record]] = {t: [] for t in contract.APPLY_ORDER}
        seen_hashes: dict[str, str] = {}
        for number, item in enumerate(self.files, 1):
            if number > 1:
                self.progress("rows", {"rows": self._rows_read(by_table)})
            self.progress("read", {"file": number, "files": len(self.files), "name": item.name})
            if item.sha256 in seen_hashes:
                self.warnings.append(f"{item.name} 与 {seen_hashes[item.sha256]} 内容相同，已只导入一次")
                continue
            seen_hashes[item.sha256] = item.name
            fast = self._parse_fast(item, len(seen_hashes))
            if fast is not None:
                staged, skipped, table_name = fast
                self.skipped += skipped
                self.file_tables[item.name].append(table_name)
                if staged is not None:
                    by_table[table_name].append(staged)
                continue
            try:
                sheets = readers.read_file(item.name, item.data, self.limits)
            except readers.ReadError as exc:
                self.problems.append(Problem(item.name, None, None, None, None, str(exc)))
                continue
            recognised, found_headers = 0, []
            for raw in sheets:
                parsed, headers = _parse_sheet(item.name, raw, self.problems, self.warnings, self.applied)
                if parsed is None:
                    sheet = raw.name or "CSV"
                    if headers and layout.find_header(raw.rows, self.applied.all_headers):
                        found_headers.append(f"{sheet} 的表头：{'、'.join(map(str, headers[:15]))}")
                    elif looked := _rows_looked_at(raw.rows):
                        found_headers.append(f"{sheet} 中没有找到表头，查看过的前几行：{looked}")
                    continue
                recognised += 1
                self.skipped += parsed.skipped
                self.file_tables[item.name].append(parsed.table.name)
                by_table[parsed.table.name].extend(parsed.records)
            if not recognised:
                self.problems.append(Problem(
                    item.name, None, None, None, None,
                    "没有识别出对象名册、巡察情况或问题清单的表头",
                    "；".join(found_headers) if found_headers else "文件中没有内容（工作表都是空的）"))
            elif len(sheets) > recognised:
                ignored = [s.name for s in sheets if s.rows and any(not cells.is_blank(c) for r in s.rows[:12] for c in r)]
                extra = len(ignored) - recognised
                if extra > 0:
                    self.warnings.append(f"{item.name}：{extra} 个工作表未识别为台账，已忽略")
        return by_table

    @staticmethod
    def _rows_read(by_table: dict[str, list]) -> int:
        return sum(e.rows if isinstance(e, StagedSheet) else 1 for entries in by_table.values() for e in entries)

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
                             *(f"strpos(coalesce(c{c}, ''), '计') = 0" for c in shape.labels if c),
                             f"coalesce({', '.join(f'c{c}' for c in range(2, width))}) IS NOT NULL"
                             if width > 2 else "true"])
        skipped, extra = 0, []
        skipped_rows: dict[str, list[int]] = defaultdict(list)
        for rowid, *row in con.execute(f"SELECT rowid, * FROM {raw} WHERE rowid > {shape.header_index} "
                                       f"AND NOT ({sure}) ORDER BY rowid").fetchall():
            kind = _row_kind(row, shape.labels)
            if kind in ("summary", "note", "section"):
                skipped += 1
                skipped_rows[kind].append(rowid + 1)
            elif kind == "data":
                extra.append(rowid)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {raw}_extra (rid BIGINT)")
        self._temp.append(f"{raw}_extra")
        if extra:
            self._insert_frame(f"{raw}_extra", pd.DataFrame({"rid": extra}))
        rows = (f"(SELECT rowid + 1 AS r, * FROM {raw} WHERE rowid > {shape.header_index} "
                f"AND (({sure}) OR rowid IN (SELECT rid FROM {raw}_extra)))")

        # each converter once per distinct value (plain text needs none), joined back by value
        maps = []
        unknown: dict[tuple[str, object], mappings.Unknown] = {}  # (field, cell) -> what a mapping could answer
        for k, (name, (col, as_written)) in enumerate(columns.items()):
            kind = shape.kinds.get(name, table.field(name).kind)
            convert = self.applied.converter(table.name, name, kind)
            plain = cells.plain_sql(kind, f"c{col}")
            where = f"WHERE NOT coalesce({plain}, false)" if plain else ""
            found: dict[str, list] = {"raw": [], "val": [], "reason": [], "hint": []}
            errors = blanks = False
            for (cell,) in con.execute(f"SELECT DISTINCT c{col} FROM {rows} {where}").fetchall():
                try:
                    value, reason, hint = convert(cell), None, None
                except cells.CellError as exc:
                    value, reason, hint = None, exc.reason, exc.suggestion
                    if exc.unknown:
                        unknown[(name, cell)] = mappings.unknown_value(table.name, name, exc)
                if isinstance(value, (cells.DueText, cells.DateRange)):
                    return None  # a value that needs its row or inspection: the row-by-row path
                errors |= reason is not None
                blanks |= value is None and reason is None
                for key, item_value in zip(found, (cell, _as_sql_text(value), reason, hint), strict=True):
                    found[key].append(item_value)
            mapped = f"{raw}_map{k}"
            con.execute(f"CREATE OR REPLACE TEMP TABLE {mapped} (raw VARCHAR, val VARCHAR, reason VARCHAR, "
                        "hint VARCHAR, hit BOOLEAN DEFAULT true)")
            self._temp.append(mapped)
            if found["raw"]:
                self._insert_frame(mapped, pd.DataFrame(found, dtype=object), "raw, val, reason, hint")
            maps.append((name, col, as_written, kind, mapped, errors, blanks and name in table.required,
                         bool(found["raw"])))
        self.warnings.extend(warnings)
        message = layout.skipped_message(item.name, skipped_rows)
        if message:
            self.warnings.append(message)
        # an empty map: every cell of the column is plain text (a blank cell would be in the map)
        joins = " ".join(f"LEFT JOIN {m[4]} m{k} ON d.c{m[1]} IS NOT DISTINCT FROM m{k}.raw"
                         for k, m in enumerate(maps) if m[7])

        # problems, as `_parse_sheet` reports them: cell errors in column order, then blank required
        checked = [(k, m) for k, m in enumerate(maps) if m[5] or m[6]]
        if checked:
            picks = ", ".join(f"d.c{m[1]}, m{k}.reason, m{k}.hint, "
                              f"(m{k}.hit AND m{k}.val IS NULL AND m{k}.reason IS NULL)" for k, m in checked)
            bad = " OR ".join(f"m{k}.reason IS NOT NULL" if m[5] and not m[6] else
                              f"m{k}.hit AND (m{k}.reason IS NOT NULL OR m{k}.val IS NULL)" for k, m in checked)
            found_rows = con.execute(f"SELECT d.r, {picks} FROM {rows} d {joins} WHERE {bad} ORDER BY d.r").fetchall()
            for r, *cols in found_rows:
                blank = set()
                for i, (_, m) in enumerate(checked):
                    cell, reason, hint, empty = cols[4 * i: 4 * i + 4]
                    if reason is not None:
                        self.problems.append(Problem(item.name, None, r, m[2], _show(cell), reason, hint,
                                                     unknown.get((m[0], cell))))
                    elif empty:
                        blank.add(m[0])
                for name in table.required:
                    if name in blank:
                        self.problems.append(Problem(item.name, None, r, labels[name], "", "必填项为空",
                                                     CSV_BLANK_HINT))

        values = []
        for k, (name, col, _, kind, _, _, _, mapped) in enumerate(maps):
            converted = f"CAST(m{k}.val AS {_SQL_TYPES.get(kind, 'VARCHAR')})"
            plain = cells.plain_sql(kind, f"d.c{col}")
            if not mapped:
                values.append(f"d.c{col} AS {name}")
            elif plain:
                values.append(f"CASE WHEN {plain} THEN d.c{col} ELSE {converted} END AS {name}")
            else:
                values.append(f"{converted} AS {name}")
        staged = f"{raw}_rows"
        con.execute(f"CREATE OR REPLACE TEMP TABLE {staged} AS SELECT d.r, {', '.join(values)} "
                    f"FROM {rows} d {joins}")
        self._temp.append(staged)
        for name in [raw, f"{raw}_extra", *(m[4] for m in maps)]:
            con.execute(f"DROP TABLE IF EXISTS {name}")
        count = con.execute(f"SELECT count(*) FROM {staged}").fetchone()[0]
        if not count:
            return None, skipped, table.name
        return StagedSheet(item.name, None, staged, list(columns), labels, count), skipped, table.name

    def _insert_frame(self, table: str, frame: pd.DataFrame, columns: str | None = None) -> None:
        self.con.register("fast_frame", frame)
        try:
            names = columns or ", ".join(frame.columns)
            self.con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM fast_frame")
        finally:
            self.con.unregister("fast_frame")

    def _staged_units(self, t: str, code: str, where: str, units: UnitIndex, reason: str | None) -> list[tuple]:
        """TEMP table {t}_units: each distinct unit as written in the rows of `t` (alias s) that meet
        `where`, resolved once as `validate` resolves it per row (uid, else reason and hint; `reason`
        replaces the index's own). Returns its rows."""
        con = self.con
        found = []
        keys = con.execute(f"SELECT DISTINCT {code}, s.district, s.township, s.unit_name FROM {t} s "
                           f"WHERE {where}").fetchall()
        units.load(keys)
        for unit_code, district, township, name in keys:
            v = {"unit_code": unit_code, "district": district, "township": township, "unit_name": name}
            uid, why = units.resolve(v)
            hint = None
            if uid is None:
                why = reason or why
                hint = units.suggest(v)
            found.append((unit_code, district, township, name, uid, why, hint))
        del keys
        names = ["unit_code", "district", "township", "unit_name", "uid", "reason", "hint"]
        con.execute(f"CREATE OR REPLACE TEMP TABLE {t}_units ({', '.join(n + ' VARCHAR' for n in names)})")
        self._temp.append(f"{t}_units")
        if found:
            self._insert_frame(f"{t}_units", pd.DataFrame(found, columns=names, dtype=object))
        return found

    def _stage_records(self, records: list[Record], table: Table, name: str) -> StagedSheet:
        """Records of one sheet (from `_parse_sheet`) as a StagedSheet in TEMP table `name`."""
        fields = list(records[0].values)
        types = {f: _SQL_TYPES.get(table.field(f).kind, "VARCHAR") for f in fields}
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} "
                         f"(r BIGINT{''.join(f', {f} {types[f]}' for f in fields)})")
        self._temp.append(name)
        frame = pd.DataFrame({f: [_as_sql_text(rec.values.get(f)) for rec in records] for f in fields},
                             dtype=object)
        frame.insert(0, "r", [rec.row for rec in records])
        self.con.register("fast_frame", frame)
        try:
            self.con.execute(f"INSERT INTO {name} SELECT r{''.join(f', CAST({f} AS {types[f]})' for f in fields)} "
                             "FROM fast_frame")
        finally:
            self.con.unregister("fast_frame")
        first = records[0]
        return StagedSheet(first.file, first.sheet, name, fields, first.columns, len(records))

    def _gather(self, entries: list, table: Table) -> tuple[str, list[StagedSheet]]:
        """Every entry of by_table[table] (StagedSheets, and Records a sheet at a time) in one TEMP table
        fast_<table>_in: f (the sheet's place in `entries`), r, and every field of the table."""
        sheets: list[StagedSheet] = []
        run: list[Record] = []

        def flush() -> None:
            if run:
                sheets.append(self._stage_records(run, table, f"fast_{table.name}_rec{len(sheets)}"))
                run.clear()

        for entry in entries:
            if isinstance(entry, StagedSheet):
                flush()
                sheets.append(entry)
            else:
                if run and (run[-1].columns is not entry.columns or run[-1].file != entry.file
                            or run[-1].sheet != entry.sheet):
                    flush()
                run.append(entry)
        flush()
        parts = []
        for f, sheet in enumerate(sheets):
            present = set(sheet.fields)
            picks = ", ".join(f"s.{x.name}" if x.name in present else
                              f"CAST(NULL AS {_SQL_TYPES.get(x.kind, 'VARCHAR')}) AS {x.name}" for x in table.fields)
            parts.append(f"SELECT {f} AS f, s.r, {picks} FROM {sheet.table} s")
        name = f"fast_{table.name}_in"
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {' UNION ALL '.join(parts)}")
        self._temp.append(name)
        for sheet in sheets:
            self.con.execute(f"DROP TABLE IF EXISTS {sheet.table}")
        return name, sheets

    def _validate_staged_roster(self, entries: list, units: UnitIndex) -> StagedRows:
        """`validate` for roster rows of which some are staged: the same problems; the rows in TEMP
        table fast_roster, the units added to `units`."""
        con = self.con
        t, sheets = self._gather(entries, contract.ROSTER)
        con.execute(f"""CREATE OR REPLACE TEMP TABLE fast_roster_v AS
            SELECT *, row_number() OVER w AS k, first_value(f) OVER w AS f0, first_value(r) OVER w AS r0
            FROM (SELECT s.*, {_unit_id_sql('s')} AS uid FROM {t} s
                  WHERE s.district IS NOT NULL AND s.township IS NOT NULL AND s.unit_name IS NOT NULL)
            WINDOW w AS (PARTITION BY uid ORDER BY f, r)""")
        self._temp.append("fast_roster_v")
        con.execute(f"DROP TABLE {t}")
        for f, r, f0, r0, code, name in con.execute(
                "SELECT f, r, f0, r0, unit_code, unit_name FROM fast_roster_v WHERE k > 1 ORDER BY f, r").fetchall():
            sheet, field_name = sheets[f], "unit_code" if code else "unit_name"
            self.problems.append(Problem(sheet.file, sheet.sheet, r, sheet.columns.get(field_name), code or name,
                                         f"名册中重复的对象（与 {sheets[f0].file} 第 {r0} 行相同）"))
        con.execute(f"CREATE OR REPLACE TEMP TABLE fast_roster AS SELECT {', '.join(ROSTER_COLUMNS)} "
                    "FROM roster LIMIT 0")
        self._temp.append("fast_roster")
        con.execute(f"""INSERT INTO fast_roster ({', '.join(ROSTER_COLUMNS)})
            SELECT uid, district, township, unit_name, unit_code,
                   coalesce(unit_type, {cells.default_unit_type_sql('unit_name')}),
                   coalesce(is_poverty_village, false), coalesce(is_weak_org, false)
            FROM fast_roster_v WHERE k = 1""")
        cursor = con.execute("SELECT uid, unit_code, district, township, unit_name FROM fast_roster_v WHERE k = 1")
        while batch := cursor.fetchmany(100_000):
            units.extend(batch)
        con.execute("DROP TABLE fast_roster_v")
        count = con.execute("SELECT count(*) FROM fast_roster").fetchone()[0]
        return StagedRows("fast_roster", list(ROSTER_COLUMNS), count)

    def _validate_staged_inspections(self, entries: list, units: UnitIndex) -> StagedRows:
        """`validate` for inspection rows of which some are staged: the same problems; the rows with
        their unit_id in TEMP table fast_inspections."""
        con = self.con
        t, sheets = self._gather(entries, contract.INSPECTIONS)
        complete = ("s.district IS NOT NULL AND s.township IS NOT NULL AND s.unit_name IS NOT NULL "
                    "AND s.round IS NOT NULL")
        if units.empty:
            resolved = f"SELECT s.*, {_unit_id_sql('s')} AS uid, NULL AS reason, NULL AS hint FROM {t} s WHERE {complete}"
        else:
            self._staged_units(t, "s.unit_code", complete, units, None)
            resolved = (f"SELECT s.*, u.uid, u.reason, u.hint FROM {t} s JOIN {t}_units u "
                        "ON s.unit_code IS NOT DISTINCT FROM u.unit_code AND s.district = u.district "
                        f"AND s.township = u.township AND s.unit_name = u.unit_name WHERE {complete}")
        # every check on every row: end before start is reported whatever else is wrong with the row
        for f, r, start, end in con.execute(f"SELECT f, r, start_date, end_date FROM {t} "
                                            "WHERE end_date < start_date ORDER BY f, r").fetchall():
            sheet = sheets[f]
            self.problems.append(Problem(sheet.file, sheet.sheet, r, sheet.columns.get("end_date"), str(end),
                                         f"结束日期早于开始日期（{start.isoformat()}）"))
        con.execute(f"""CREATE OR REPLACE TEMP TABLE fast_inspections_v AS
            SELECT *, row_number() OVER w AS k, first_value(f) OVER w AS f0, first_value(r) OVER w AS r0
            FROM ({resolved})
            WINDOW w AS (PARTITION BY round, uid, uid IS NULL ORDER BY f, r)""")
        self._temp.append("fast_inspections_v")
        con.execute(f"DROP TABLE {t}")
        con.execute(f"DROP TABLE IF EXISTS {t}_units")
        for f, r, uid, reason, hint, name, round_, f0, r0 in con.execute(
                "SELECT f, r, uid, reason, hint, unit_name, round, f0, r0 "
                "FROM fast_inspections_v WHERE uid IS NULL OR k > 1 ORDER BY f, r"
        ).fetchall():
            sheet = sheets[f]
            if uid is None:
                self.problems.append(Problem(sheet.file, sheet.sheet, r, sheet.columns.get("unit_name"), name,
                                             reason, hint))
            else:
                self.problems.append(Problem(sheet.file, sheet.sheet, r, sheet.columns.get("round"), round_,
                                             f"同一轮次同一村(社区)出现两次（另见 {sheets[f0].file} 第 {r0} 行）"))
        columns = ", ".join(INSPECTION_COLUMNS)
        con.execute(f"CREATE OR REPLACE TEMP TABLE fast_inspections AS SELECT {columns} FROM inspections LIMIT 0")
        self._temp.append("fast_inspections")
        picks = columns.replace("unit_id", "uid").replace("mode", f"coalesce(mode, '{contract.DEFAULT_MODE}')")
        con.execute(f"INSERT INTO fast_inspections ({columns}) SELECT {picks} FROM fast_inspections_v "
                    "WHERE uid IS NOT NULL AND k = 1 AND NOT coalesce(end_date < start_date, false)")
        con.execute("DROP TABLE fast_inspections_v")
        count = con.execute("SELECT count(*) FROM fast_inspections").fetchone()[0]
        return StagedRows("fast_inspections", list(INSPECTION_COLUMNS), count)

    def _validate_staged_issues(self, sheet: StagedSheet, units: UnitIndex, no_roster: bool,
                                known: set, seq: Counter, more: bool) -> None:
        """`validate` for the issue rows of a StagedSheet: the same checks and problems, the rows with
        their unit_id and seq appended to TEMP table fast_issues."""
        con, t = self.con, sheet.table
        present = set(sheet.fields)

        def col(name: str) -> str:
            return f"s.{name}" if name in present else "NULL"

        complete = " AND ".join(f"{col(f)} IS NOT NULL" for f in ("district", "township", "unit_name", "round",
                                                                   "category"))
        found = self._staged_units(t, col("unit_code"), complete, units,
                                   "没有这个村(社区)的巡察记录" if no_roster else None)
        self._load_known(known, {f[4] for f in found if f[4] is not None})
        if "fast_known" not in self._temp:
            con.execute("CREATE OR REPLACE TEMP TABLE fast_known (round VARCHAR, unit_id VARCHAR)")
            self._temp.append("fast_known")
        if len(known) > len(self._fast_known):  # what the table lacks of `known`
            self._insert_frame("fast_known", pd.DataFrame(list(known - self._fast_known),
                                                          columns=["round", "unit_id"], dtype=object))
            self._fast_known |= known
        if seq:  # issues of earlier files in this import: seq numbers on from theirs
            con.execute("CREATE OR REPLACE TEMP TABLE fast_seq (round VARCHAR, unit_id VARCHAR, base BIGINT)")
            self._temp.append("fast_seq")
            self._insert_frame("fast_seq", pd.DataFrame([(*key, n) for key, n in seq.items()],
                                                        columns=["round", "unit_id", "base"]))
        joined = (f"FROM {t} s JOIN {t}_units u ON {col('unit_code')} IS NOT DISTINCT FROM u.unit_code "
                  "AND s.district = u.district AND s.township = u.township AND s.unit_name = u.unit_name "
                  "LEFT JOIN fast_known k ON k.round = s.round AND k.unit_id = u.uid "
                  f"WHERE {complete}")
        for r, round_, name, uid, reason, hint in con.execute(
                f"SELECT s.r, s.round, s.unit_name, u.uid, u.reason, u.hint {joined} "
                "AND (u.uid IS NULL OR k.unit_id IS NULL) ORDER BY s.r").fetchall():
            if uid is None:
                self.problems.append(Problem(sheet.file, sheet.sheet, r, sheet.columns.get("unit_name"), name,
                                             reason, hint))
            else:
                self.problems.append(Problem(sheet.file, sheet.sheet, r, sheet.columns.get("round"), round_,
                                             f"该村(社区)在轮次「{round_}」没有巡察记录",
                                             "请先导入巡察情况表，或与问题清单一起导入"))
        if "fast_issues" not in self._temp:
            con.execute(f"CREATE OR REPLACE TEMP TABLE fast_issues AS SELECT {', '.join(ISSUE_COLUMNS)} "
                        "FROM issues LIMIT 0")
            self._temp.append("fast_issues")
        con.execute(f"""
            INSERT INTO fast_issues ({', '.join(ISSUE_COLUMNS)})
            SELECT s.round, u.uid,
                   {'coalesce(q.base, 0) + ' if seq else ''}row_number() OVER (PARTITION BY s.round, u.uid ORDER BY s.r),
                   s.category, {col('subcategory')}, {col('description')},
                   coalesce({col('status')}, '{contract.DEFAULT_STATUS}'), {col('due_date')},
                   {col('rectified_date')}
            {joined.replace('WHERE', 'LEFT JOIN fast_seq q ON q.round = s.round AND q.unit_id = u.uid WHERE', 1)
             if seq else joined}
              AND k.unit_id IS NOT NULL
        """)
        if more:
            for round_, uid, n in con.execute(
                    f"SELECT s.round, u.uid, count(*) {joined} AND k.unit_id IS NOT NULL GROUP BY ALL").fetchall():
                seq[(round_, uid)] += n

    def problem(self, record: Record, field_name: str | None, reason: str, suggestion: str | None = None):
        column = record.columns.get(field_name) if field_name else None
        value = record.values.get(field_name) if field_name else None
        self.problems.append(Problem(record.file, record.sheet, record.row, column,
                                     None if value is None else str(value), reason, suggestion))

    def _unit_index(self, table: str, incoming: list[tuple]) -> UnitIndex:
        """The stored units of the roster (else the inspected ones), read as lookups need them, and
        `incoming`."""
        source = (("live_units", "true", False) if table == "roster"
                  else ("inspections", "u.superseded_by IS NULL", True))
        return UnitIndex(incoming, self.con, source)

    def _load_known(self, known: set, unit_ids) -> None:
        """Add to `known` the stored (round, unit_id) of the live inspections of these units."""
        todo = set(unit_ids) - self._known_units
        if not todo:
            return
        _key_table(self.con, "known_lookup", ["unit_id"], [(u,) for u in todo])
        try:
            incoming = ("UNION SELECT round, unit_id FROM fast_inspections "
                        "WHERE unit_id IN (SELECT unit_id FROM known_lookup)" if "fast_inspections" in self._temp else "")
            known.update(self.con.execute(
                "SELECT DISTINCT round, unit_id FROM inspections WHERE superseded_by IS NULL "
                f"AND unit_id IN (SELECT unit_id FROM known_lookup) {incoming}").fetchall())
        finally:
            self.con.execute("DROP TABLE IF EXISTS known_lookup")
        self._known_units |= todo

    def validate(self, by_table: dict[str, list[Record]]) -> dict[str, pd.DataFrame]:
        frames: dict[str, pd.DataFrame] = {}
        roster_rows = []
        seen: dict[str, Record] = {}
        staged_roster = any(isinstance(rec, StagedSheet) for rec in by_table["roster"])
        for rec in by_table["roster"] if not staged_roster else ():
            v = rec.values
            if None in (v.get("district"), v.get("township"), v.get("unit_name")):
                continue
            v["unit_type"] = v.get("unit_type") or cells.default_unit_type(v["unit_name"])
            v["is_poverty_village"] = bool(v.get("is_poverty_village"))
            v["is_weak_org"] = bool(v.get("is_weak_org"))
            uid = unit_id_for(v.get("unit_code"), v["district"], v["township"], v["unit_name"])
            if uid in seen:
                other = seen[uid]
                self.problem(rec, "unit_code" if v.get("unit_code") else "unit_name",
                             f"名册中重复的对象（与 {other.file} 第 {other.row} 行相同）")
                continue
            seen[uid] = rec
            v["unit_id"] = uid
            roster_rows.append(v)
        incoming_roster = [(v["unit_id"], v.get("unit_code"), v["district"], v["township"], v["unit_name"])
                           for v in roster_rows]
        units = self._unit_index("roster", incoming_roster)
        frames["roster"] = pd.DataFrame(roster_rows, columns=ROSTER_COLUMNS)
        if staged_roster:
            frames["roster"] = self._validate_staged_roster(by_table["roster"], units)

        inspection_rows = []
        seen_keys: dict[tuple, Record] = {}
        staged_inspections = any(isinstance(rec, StagedSheet) for rec in by_table["inspections"])
        if not units.empty and not staged_inspections:
            units.load(_unit_keys(by_table["inspections"]))
        for rec in by_table["inspections"] if not staged_inspections else ():
            v = rec.values
            # every check runs on every row, whatever else is wrong with it
            backwards = bool(v.get("end_date") and v.get("start_date") and v["end_date"] < v["start_date"])
            if backwards:
                self.problem(rec, "end_date", f"结束日期早于开始日期（{v['start_date'].isoformat()}）")
            if None in (v.get("district"), v.get("township"), v.get("unit_name"), v.get("round")):
                continue
            if units.empty:
                uid = unit_id_for(v.get("unit_code"), v["district"], v["township"], v["unit_name"])
            else:
                uid, reason = units.resolve(v)
                if uid is None:
                    self.problem(rec, "unit_name", reason, units.suggest(v))
                    continue
            key = (v["round"], uid)
            if key in seen_keys:
                other = seen_keys[key]
                self.problem(rec, "round", f"同一轮次同一村(社区)出现两次（另见 {other.file} 第 {other.row} 行）")
                continue
            seen_keys[key] = rec
            if backwards:
                continue
            v["unit_id"] = uid
            v.setdefault("mode", contract.DEFAULT_MODE)
            inspection_rows.append(v)
        frames["inspections"] = pd.DataFrame(inspection_rows, columns=INSPECTION_COLUMNS)
        incoming_units = [(v["unit_id"], v.get("unit_code"), v["district"], v["township"], v["unit_name"])
                          for v in inspection_rows]
        if staged_inspections:
            frames["inspections"] = self._validate_staged_inspections(by_table["inspections"], units)
            if units.empty:
                incoming_units = self.con.execute(
                    "SELECT DISTINCT unit_id, unit_code, district, township, unit_name FROM fast_inspections").fetchall()

        # issues belong to an inspection already loaded or in this import (the stored ones are read
        # for the units the issues name)
        known = set(seen_keys)
        issue_units = units if not units.empty else self._unit_index("inspections", incoming_units)
        listed = [rec for rec in by_table["issues"] if not isinstance(rec, StagedSheet)]
        issue_units.load(_unit_keys(listed, "category"))
        self._load_known(known, {issue_units.resolve(rec.values)[0] for rec in listed
                                 if _unit_key(rec.values, "category")} - {None})
        issue_rows = []
        seq: Counter = Counter()
        staged = False
        for number, rec in enumerate(by_table["issues"], 1):
            if isinstance(rec, StagedSheet):
                more = number < len(by_table["issues"])  # later rows number on from these (seq)
                self._validate_staged_issues(rec, issue_units, units.empty, known, seq, more)
                staged = True
                continue
            v = rec.values
            if None in (v.get("district"), v.get("township"), v.get("unit_name"), v.get("round"),
                        v.get("category")):
                continue
            uid, reason = issue_units.resolve(v)
            if uid is None:
                self.problem(rec, "unit_name", reason if not units.empty else "没有这个村(社区)的巡察记录",
                             issue_units.suggest(v))
                continue
            if (v["round"], uid) not in known:
                self.problem(rec, "round", f"该村(社区)在轮次「{v['round']}」没有巡察记录",
                             "请先导入巡察情况表，或与问题清单一起导入")
                continue
            seq[(v["round"], uid)] += 1
            v["unit_id"] = uid
            v["seq"] = seq[(v["round"], uid)]
            v.setdefault("status", contract.DEFAULT_STATUS)
            due = v.get("due_date")
            if isinstance(due, cells.DueText):
                v["due_date"] = due.resolve(self._end_date(v["round"], uid, seen_keys))
                if due.kind == "long_term" and v["status"] != "rectified":
                    v["status"] = "long_term"  # 长期坚持 as a due date: a long-term issue
            issue_rows.append(v)
        frames["issues"] = pd.DataFrame(issue_rows, columns=ISSUE_COLUMNS)
        if staged:
            if issue_rows:
                self._insert_frame("fast_issues", frames["issues"])
            count = self.con.execute("SELECT count(*) FROM fast_issues").fetchone()[0]
            frames["issues"] = StagedRows("fast_issues", list(ISSUE_COLUMNS), count)
        return frames

    def _end_date(self, round_: str, uid: str, incoming: dict) -> dt.date | None:
        """The end_date of inspection (round, unit): in this import, else in the store."""
        if (round_, uid) in incoming:
            return incoming[(round_, uid)].values.get("end_date")
        sources = ["SELECT end_date FROM inspections WHERE round = $r AND unit_id = $u AND superseded_by IS NULL"]
        if "fast_inspections" in self._temp:
            sources.insert(0, "SELECT end_date FROM fast_inspections WHERE round = $r AND unit_id = $u")
        for sql in sources:
            row = self.con.execute(sql, {"r": round_, "u": uid}).fetchone()
            if row is not None:
                return row[0]
        return None

    # -------------------------------------------------------------- diff and load

    def diff(self, table: str, frame: pd.DataFrame | StagedRows) -> DiffPlan:
        """Stage the incoming rows (typed as the table) and compare each group with the store.

        A group is a roster unit, or the rows of one (round, unit). Groups are compared by a
        fingerprint of all their rows, computed the same way for both sides in SQL.
        """
        keys = KEYS[table]
        cols = list(frame.columns)  # StagedRows: its column names
        stage, plan = f"stage_{table}", f"plan_{table}"
        con = self.con
        con.execute(f"CREATE OR REPLACE TEMP TABLE {stage} AS SELECT {', '.join(cols)} FROM {table} LIMIT 0")
        if frame.empty:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {plan} AS SELECT {', '.join(keys)}, 0 AS n, "
                        f"'same' AS state FROM {table} LIMIT 0")
            return DiffPlan(table, cols, keys, 0, 0, 0)
        if isinstance(frame, StagedRows):  # typed as the table already: it becomes the stage
            con.execute(f"DROP TABLE {stage}")
            con.execute(f"ALTER TABLE {frame.table} RENAME TO {stage}")
            frame.table = stage
        else:
            con.register("incoming_rows", frame)
            try:
                con.execute(f"INSERT INTO {stage} SELECT {', '.join(cols)} FROM incoming_rows")
            finally:
                con.unregister("incoming_rows")
        row_text = "concat_ws(chr(31), " + ", ".join(
            f"coalesce(CAST(x.{c} AS VARCHAR), chr(1))" for c in cols) + ")"
        key_list = ", ".join(keys)
        on = " AND ".join(f"x.{k} = n.{k}" for k in keys)
        # only groups the store already holds need fingerprints (on both sides): new ones are 'added'
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE {plan} AS
            WITH n AS (
                SELECT {key_list}, count(*) AS n FROM {stage} GROUP BY {key_list}
            ), o AS (
                SELECT {key_list}, md5(string_agg(rt, chr(30) ORDER BY rt)) AS fp
                FROM (SELECT {', '.join(f'x.{k}' for k in keys)}, {row_text} AS rt
                      FROM {table} x SEMI JOIN n ON {on}
                      WHERE x.superseded_by IS NULL)
                GROUP BY {key_list}
            ), f AS (
                SELECT {key_list}, md5(string_agg(rt, chr(30) ORDER BY rt)) AS fp
                FROM (SELECT {', '.join(f'x.{k}' for k in keys)}, {row_text} AS rt
                      FROM {stage} x SEMI JOIN o n ON {on})
                GROUP BY {key_list}
            )
            SELECT n.{keys[0]}{''.join(f', n.{k}' for k in keys[1:])}, n.n,
                   CASE WHEN o.fp IS NULL THEN 'added' WHEN o.fp = f.fp THEN 'same' ELSE 'replaced' END AS state
            FROM n LEFT JOIN o USING ({key_list}) LEFT JOIN f USING ({key_list})
        """)
        counts = dict(con.execute(f"SELECT state, sum(n) FROM {plan} GROUP BY state").fetchall())
        return DiffPlan(table, cols, keys, int(counts.get("added", 0)), int(counts.get("replaced", 0)),
                        int(counts.get("same", 0)))

    def run(self) -> ImportResult:
        try:
            return self._run()
        finally:
            for table in self._temp:
                self.con.execute(f"DROP TABLE IF EXISTS {table}")

    def _run(self) -> ImportResult:
        by_table = self.parse()
        # the tables with rows that could not be read: rows that refer to them are not checked against
        # them (their units or inspections may be on those rows); every other check runs on every row
        unread = {t for f, ts in self.file_tables.items() for t in ts
                  if any(p.file == f for p in self.problems)} | (
            set(contract.APPLY_ORDER) if any(p.file not in self.file_tables for p in self.problems) else set())
        parse_problems = len(self.problems)
        if not self.problems and not any(by_table.values()) and not self.skipped:
            self.problems.append(Problem(", ".join(f.name for f in self.files), None, None, None, None,
                                         "文件中没有数据行"))
            return self._rejected()
        rows = self._rows_read(by_table)
        self.progress("rows", {"rows": rows})
        self.progress("check", {"rows": rows})
        frames = self.validate(by_table)
        if unread:
            self.problems[parse_problems:] = [p for p in self.problems[parse_problems:]
                                              if not _refers_to(p, unread)]
        if self.problems:
            return self._rejected()

        plans = {t: self.diff(t, frames[t]) for t in contract.APPLY_ORDER}
        added = sum(p.added for p in plans.values())
        replaced = sum(p.replaced for p in plans.values())
        unchanged = sum(p.unchanged for p in plans.values())
        self._count_warnings(frames)
        skipped = self.skipped + unchanged
        if added == 0 and replaced == 0:
            self.warnings.insert(0, "这些文件已经导入过，数据没有变化")
            return ImportResult("unchanged", 0, 0, skipped, [], self.warnings, mappings=self.applied.used_list())
        self.progress("write", {"rows": added + replaced})
        import_id = self._load(plans, added, replaced, skipped)
        return ImportResult("imported", added, replaced, skipped, [], self.warnings, import_id,
                            {t: len(frames[t]) for t in contract.APPLY_ORDER}, self.applied.used_list())

    def _rejected(self) -> ImportResult:
        self.problems.sort(key=lambda p: (p.file, p.sheet or "", p.row or 0))
        questions = mappings.questions(self.problems, self.applied)  # counts every row, before the cut
        if len(self.problems) > MAX_PROBLEMS:
            extra = len(self.problems) - MAX_PROBLEMS
            self.problems = self.problems[:MAX_PROBLEMS]
            self.warnings.append(f"另有 {extra} 个问题未列出")
        return ImportResult("rejected", problems=self.problems, warnings=self.warnings, skipped=self.skipped,
                            mappings=self.applied.used_list(), questions=questions)

    def _count_warnings(self, frames: dict[str, pd.DataFrame]) -> None:
        issues = frames["issues"]
        if issues.empty:
            return
        if isinstance(issues, StagedRows):
            listed = self.con.execute(f"SELECT round, unit_id, count(*) AS listed FROM {issues.table} "
                                      "GROUP BY round, unit_id ORDER BY round, unit_id").df()
        else:
            listed = issues.groupby(["round", "unit_id"]).size().rename("listed").reset_index()
        rows = self._mismatches(frames, listed)
        if rows:
            examples = "；".join(f"{r[0]} {r[1]}：清单 {r[2]} 条，发现问题数 {r[3]}" for r in rows[:5])
            self.warnings.append(f"{len(rows)} 个巡察记录的问题清单条数与发现问题数不一致（清单可以不完整）：{examples}")

    def _mismatches(self, frames: dict[str, pd.DataFrame], listed: pd.DataFrame) -> list[tuple]:
        inspections = frames["inspections"]
        self.con.register("listed", listed)
        if isinstance(inspections, StagedRows):
            self.con.execute("CREATE OR REPLACE TEMP VIEW incoming AS SELECT round, unit_id, unit_name, issues_found "
                             f"FROM {inspections.table}")
        else:
            self.con.register("incoming", inspections[["round", "unit_id", "unit_name", "issues_found"]])
        try:
            return self.con.execute(
            """
            SELECT l.round, coalesce(n.unit_name, i.unit_name), l.listed, coalesce(n.issues_found, i.issues_found)
            FROM listed l
            LEFT JOIN incoming n ON n.round = l.round AND n.unit_id = l.unit_id
            LEFT JOIN inspections i ON i.round = l.round AND i.unit_id = l.unit_id AND i.superseded_by IS NULL
            WHERE coalesce(n.issues_found, i.issues_found) IS NOT NULL
              AND coalesce(n.issues_found, i.issues_found) <> l.listed
            ORDER BY 1, 2
            """
            ).fetchall()
        finally:
            self.con.unregister("listed")
            if isinstance(inspections, StagedRows):
                self.con.execute("DROP VIEW IF EXISTS incoming")
            else:
                self.con.unregister("incoming")

    def _load(self, plans: dict, added: int, replaced: int, skipped: int) -> int:
        con = self.con
        stored: list[Path] = []
        con.execute("BEGIN TRANSACTION")
        try:
            import_id = con.execute("SELECT coalesce(max(import_id), 0) + 1 FROM imports").fetchone()[0]
            for table in contract.APPLY_ORDER:
                plan = plans[table]
                on = " AND ".join(f"{table}.{k} = p.{k}" for k in plan.keys)
                using = ", ".join(plan.keys)
                cols = ", ".join(plan.columns)
                if plan.replaced:
                    con.execute(f"UPDATE {table} SET superseded_by = ? FROM plan_{table} p "
                                f"WHERE {on} AND p.state = 'replaced' AND {table}.superseded_by IS NULL",
                                [import_id])
                if plan.added or plan.replaced:
                    con.execute(f"INSERT INTO {table} ({cols}, import_id) SELECT {cols}, ? "
                                f"FROM stage_{table} JOIN plan_{table} USING ({using}) WHERE state <> 'same'",
                                [import_id])
            # the units whose rows changed: only theirs are rewritten in the materialised tables
            # (units whose issue lists alone changed: only their issue rows)
            con.execute("CREATE OR REPLACE TEMP TABLE touched_units AS "
                        "SELECT unit_id FROM plan_roster WHERE state <> 'same' "
                        "UNION SELECT unit_id FROM plan_inspections WHERE state <> 'same'")
            con.execute("CREATE OR REPLACE TEMP TABLE touched_issue_units AS "
                        "SELECT unit_id FROM plan_issues WHERE state <> 'same'")
            if plans["roster"].added or plans["roster"].replaced:
                relink_units(con)
            refresh_rounds(con)
            store.refresh_derived(con, "touched_units", "touched_issue_units")
            files = []
            for item in self.files:
                stored_as = self._keep_original(import_id, item, stored)
                files.append({"name": item.name, "sha256": item.sha256, "stored_as": stored_as,
                              "tables": self.file_tables.get(item.name, [])})
            content_hash = hashlib.sha256("".join(sorted(f.sha256 for f in self.files)).encode()).hexdigest()
            snapshot = lake.commit_snapshot(con, f"import {import_id}", self.user)  # None: embedded file
            con.execute(
                "INSERT INTO imports (import_id, imported_at, imported_by, files, content_hash, added, replaced,"
                " skipped, warnings, status, snapshot) VALUES (?, now()::TIMESTAMP, ?, ?, ?, ?, ?, ?, ?, 'active', ?)",
                [import_id, self.user, json.dumps(files, ensure_ascii=False), content_hash, added, replaced,
                 skipped, json.dumps(self.warnings, ensure_ascii=False), snapshot])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            for path in reversed(stored):  # the files, then the folder made for them
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
            raise
        return import_id

    def _keep_original(self, import_id: int, item: InputFile, stored: list[Path]) -> str | None:
        if self.originals_dir is None:
            return None
        # a generated name (the original name is recorded in the import log, files[].name): any
        # length, any characters, and two files whose names differ only in unsafe characters
        # (col?.csv, col*.csv) are both kept
        folder = self.originals_dir / f"{import_id:05d}"
        if not folder.exists():
            folder.mkdir(parents=True, exist_ok=True)
            stored.append(folder)  # removed again when the import fails
        suffix = Path(item.name).suffix.lower()
        suffix = suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else ""
        path = folder / f"{sum(p.parent == folder for p in stored):03d}-{item.sha256[:16]}{suffix}"
        path.write_bytes(item.data)
        stored.append(path)
        return str(path)


def relink_units(con: duckdb.DuckDBPyConnection) -> None:
    """Point inspections and issues written before a roster at the roster's units; adds the old and
    new ids to the TEMP table touched_units."""
    con.execute("""
        CREATE OR REPLACE TEMP TABLE relink AS
        WITH orphans AS (
            SELECT DISTINCT unit_id, unit_code, district, township, unit_name FROM inspections
            WHERE unit_id NOT IN (SELECT unit_id FROM live_units)
        )
        -- two equi-joins, not one join ON a OR b (a nested loop: minutes at 50,000 units)
        SELECT o.unit_id AS old_id, u.unit_id AS new_id
        FROM orphans o JOIN live_units u ON o.unit_code = u.unit_code
        UNION
        SELECT o.unit_id, u.unit_id
        FROM orphans o JOIN live_units u
          ON o.district = u.district AND o.township = u.township AND o.unit_name = u.unit_name
    """)
    con.execute("""
        DELETE FROM relink WHERE old_id IN (SELECT old_id FROM relink GROUP BY old_id HAVING count(*) > 1)
    """)
    for table in ("inspections", "issues"):
        con.execute(f"UPDATE {table} SET unit_id = r.new_id FROM relink r WHERE {table}.unit_id = r.old_id")
    # both ids' rows change in the materialised tables (the caller made touched_units)
    con.execute("INSERT INTO touched_units SELECT old_id FROM relink UNION SELECT new_id FROM relink")
    con.execute("DROP TABLE relink")


def refresh_rounds(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DELETE FROM rounds")
    con.execute("""
        INSERT INTO rounds
        SELECT round, min(start_date), max(coalesce(end_date, start_date)), year(min(start_date)),
               row_number() OVER (ORDER BY min(start_date), round)
        FROM inspections WHERE superseded_by IS NULL GROUP BY round
    """)


def import_files(con: duckdb.DuckDBPyConnection, files: list[InputFile], user: str,
                 originals_dir: Path | None = None, limits: readers.Limits | None = None,
                 progress: Progress | None = None) -> ImportResult:
    """`progress(stage, info)` is told what the import is doing (see `Progress`); it must not raise."""
    # on a DuckLake: one writer at a time (a second one waits); nothing to do for the embedded file
    with lake.write_lock(con, user, notify=lake_notice):
        importer = Importer(con, files, user, originals_dir, limits)
        importer.progress = progress or _no_progress
        return importer.run()


Progress = Callable[[str, dict], None]
"""Stages: ("read", {"file": k, "files": n, "name": name}) before each file; ("rows", {"rows": n})
after each, the data rows read so far; ("check", {"rows": n}) before the rows are checked against each
other and the store; ("write", {"rows": n}) before the store is written."""

PROGRESS_TEXT = {
    "read": ("正在读取第 {file}/{files} 个文件：{name}", "Reading file {file} of {files}: {name}"),
    "rows": ("已读取 {rows:,} 行", "{rows:,} rows read"),
    "check": ("正在检查 {rows:,} 行数据", "Checking {rows:,} rows"),
    "write": ("正在写入 {rows:,} 行数据", "Writing {rows:,} rows"),
}


def progress_text(stage: str, info: dict, lang: str = "zh") -> str:
    zh, en = PROGRESS_TEXT[stage]
    return (zh if lang == "zh" else en).format(**info)


def _no_progress(stage: str, info: dict) -> None:
    return None


def lake_notice(message: str) -> None:
    """Who holds the lake's writer lock, while this import or undo waits for it."""
    print(message, file=sys.stderr)


def undo(con: duckdb.DuckDBPyConnection, import_id: int, user: str) -> str:
    """Undo one import: delete its rows and revive what it superseded. Returns a message."""
    with lake.write_lock(con, user, notify=lake_notice):
        return _undo(con, import_id, user)


def _undo(con: duckdb.DuckDBPyConnection, import_id: int, user: str) -> str:
    row = con.execute("SELECT status FROM imports WHERE import_id = ?", [import_id]).fetchone()
    if row is None:
        raise ValueError(f"没有编号为 {import_id} 的导入记录")
    if row[0] != "active":
        raise ValueError(f"导入 {import_id} 已经撤销过了")
    con.execute("BEGIN TRANSACTION")
    try:
        # the units whose rows are deleted or revived: only theirs are rewritten in the materialised tables
        con.execute("CREATE OR REPLACE TEMP TABLE touched_units AS " + " UNION ".join(
            f"SELECT unit_id FROM {table} WHERE import_id = $id OR superseded_by = $id"
            for table in ("roster", "inspections", "issues")), {"id": import_id})
        removed = restored = 0
        for table, keys in (("roster", ["unit_id"]), ("inspections", ["round", "unit_id"]),
                            ("issues", ["round", "unit_id"])):
            removed += con.execute(f"SELECT count(*) FROM {table} WHERE import_id = ?", [import_id]).fetchone()[0]
            con.execute(f"DELETE FROM {table} WHERE import_id = ?", [import_id])
            match = " AND ".join(f"a.{k} = {table}.{k}" for k in keys)
            restored += con.execute(f"""
                SELECT count(*) FROM {table} WHERE superseded_by = ? AND NOT EXISTS (
                    SELECT 1 FROM {table} a WHERE {match} AND a.superseded_by IS NULL)""", [import_id]).fetchone()[0]
            # a revived row stays superseded when a later import wrote the same key
            con.execute(f"""
                UPDATE {table} SET superseded_by = (
                    SELECT min(a.import_id) FROM {table} a WHERE {match} AND a.superseded_by IS NULL)
                WHERE superseded_by = ?""", [import_id])
        relink_units(con)
        refresh_rounds(con)
        store.refresh_derived(con, "touched_units")
        lake.commit_snapshot(con, f"undo {import_id}", user)
        con.execute("UPDATE imports SET status = 'undone', undone_at = now()::TIMESTAMP, undone_by = ? "
                    "WHERE import_id = ?", [user, import_id])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return f"已撤销导入 {import_id}：删除该次导入写入的 {removed} 行，恢复被它替换的 {restored} 行"


def list_imports(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("""
        SELECT import_id, imported_at, imported_by, files, added, replaced, skipped, status, undone_at
        FROM imports ORDER BY import_id DESC
    """).df()
