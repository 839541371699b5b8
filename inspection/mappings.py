"""Mappings: a header or a value the contract does not know, answered once.

DATA_CONTRACT.md, "Mapping what the contract does not know": an office's own name for a column
(巡察反馈问题描述 = description) or its own word for a vocabulary value (已闭环销账 = rectified)
is kept in the store's table `mappings` and applied to every later import. A mapping never
overrides a header or value the contract itself defines: it is refused when saved, and at import
time the contract is always asked first (a spelling the contract learns later wins over a mapping).

The importer asks `Applied` (the mappings of one import) for its header index and its converters,
and Applied records which mappings were used and which columns were not recognised; `questions`
turns a rejected import's problems into the questions of the import page's form.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb

from . import cells, contract, i18n, lake, layout
from .errors import SettingsError
from .store import transaction

TABLE_NAMES = tuple(t.name for t in contract.TABLES)
# field kinds whose values come from a vocabulary: only these take value mappings
VOCABULARY_KINDS = ("status", "level", "mode", "unit_type", "bool")
FILE_FORMAT = "inspection-mappings"
FILE_VERSION = 1


class MappingError(SettingsError):
    """A mapping that cannot be saved (or a file of them that cannot be read), with a message for the user."""


@dataclass(frozen=True)
class Mapping:
    table: str
    field: str
    header: str | None = None  # a header mapping: the header as normalised
    value: str | None = None  # a value mapping: the value as normalised (value_key)
    means: str | None = None  # a value mapping: the contract's value
    mapping_id: int | None = None
    created_by: str | None = None
    created_at: dt.datetime | None = None

    @property
    def kind(self) -> str:
        return "header" if self.header is not None else "value"

    def same_rule(self, other: Mapping) -> bool:
        return (self.table, self.field, self.header, self.value, self.means) == (
            other.table, other.field, other.header, other.value, other.means)

    def to_json(self) -> dict:
        out = {"id": self.mapping_id, "table": self.table, "field": self.field}
        if self.kind == "header":
            out["header"] = self.header
        else:
            out["value"], out["means"] = self.value, self.means
        out["created_by"] = self.created_by
        out["created_at"] = self.created_at.isoformat(sep=" ", timespec="seconds") if self.created_at else None
        return out

    def describe(self, lang: str = "zh") -> str:
        """One line for a clerk: 问题清单：列「巡察反馈问题描述」= 问题描述 / 问题清单·整改状态：「已闭环销账」= 已整改."""
        table = table_label(self.table, lang)
        label = field_label(self.table, self.field, lang)
        if self.kind == "header":
            return f"{table}：列「{self.header}」= {label}" if lang == "zh" else \
                f"{table}: column '{self.header}' = {label}"
        means = means_label(self.table, self.field, self.means, lang)
        return f"{table}·{label}：「{self.value}」= {means}" if lang == "zh" else \
            f"{table} {label}: '{self.value}' = {means}"


# ---------------------------------------------------------------- the contract's names and values


def table_of(name: str) -> contract.Table:
    for table in contract.TABLES:
        if table.name == name:
            return table
    raise MappingError(f"没有这张表：{name}（可填 {'、'.join(TABLE_NAMES)}）")


def field_of(table_name: str, name: str) -> contract.Field:
    table = table_of(table_name)
    for item in table.fields:
        if item.name == name:
            return item
    raise MappingError(f"{table.label}（{table.name}）没有字段 {name}（可填 {'、'.join(f.name for f in table.fields)}）")


def table_label(name: str, lang: str = "zh") -> str:
    return next((t.label if lang == "zh" else t.name for t in contract.TABLES if t.name == name), name)


def field_label(table_name: str, name: str, lang: str = "zh") -> str:
    try:
        return field_of(table_name, name).label if lang == "zh" else name
    except MappingError:
        return name


def header_key(header: object) -> str:
    return contract.normalise_header(header)


def value_key(value: object) -> str:
    """A cell as the vocabularies look it up (cells._vocabulary): NFKC, no whitespace, lower case, and
    without a name after its role, an ID or a phone number (cells.hide_personal): a mapping never keeps one."""
    return contract.compact_text(cells.hide_personal(str(value if value is not None else ""))).lower()


def contract_value(kind: str, value: object) -> object | None:
    """What the contract itself makes of `value` for a field of `kind`; None when it does not know it."""
    if cells.is_blank(value):
        return None
    try:
        converted = cells.CONVERTERS[kind](value)
    except cells.CellError:
        return None
    if kind == "mode" and converted not in contract.MODES:
        return None  # an unknown mode is kept as written, not known
    return converted


def _as_means(kind: str, converted: object) -> str:
    if kind == "bool":
        return "是" if converted else "否"
    return str(converted)


def choices(kind: str) -> list[str]:
    """The contract's values for a field of `kind`, as stored in `means`."""
    if kind == "status":
        return list(dict.fromkeys(contract.STATUSES.values()))
    if kind == "level":
        return list(dict.fromkeys(contract.LEVELS.values()))
    if kind == "mode":
        return list(contract.MODES)
    if kind == "unit_type":
        return list(dict.fromkeys(contract.UNIT_TYPES.values()))
    if kind == "bool":
        return ["是", "否"]
    return []


def means_label(table_name: str, name: str, means: str | None, lang: str = "zh") -> str:
    if means in i18n.VALUES:
        return i18n.VALUES[means][0 if lang == "zh" else 1]
    return str(means)


def _dropped_headers() -> set[str]:
    """Headers the contract recognises only to drop them (serial numbers, people's names), when it has them."""
    names = [*getattr(contract, "SERIAL_HEADERS", ()), *getattr(contract, "PERSON_HEADERS", ())]
    return {header_key(h) for h in names}


def checked(mapping: Mapping) -> Mapping:
    """The mapping normalised (header and value as looked up, `means` as the contract's value), or
    MappingError saying why it cannot be saved."""
    target = field_of(mapping.table, mapping.field)
    table = table_of(mapping.table)
    if (mapping.header is None) == (mapping.value is None):
        raise MappingError("一条映射要么映射表头（header），要么映射取值（value 和 means）")
    if mapping.header is not None:
        key = header_key(mapping.header)
        if not key:
            raise MappingError("表头不能为空")
        known = contract.HEADER_INDEX[table.name].get(key)
        if known is not None:
            raise MappingError(f"「{mapping.header}」是数据规范已定义的{table.label}表头（{field_label(table.name, known)}），"
                               "不能再映射")
        if key in _dropped_headers() or layout.is_person_header(key):
            raise MappingError(f"「{mapping.header}」是数据规范规定不导入的列（序号，或人员姓名、联系方式、问题线索等"
                               "保密内容），不能映射")
        return Mapping(table.name, target.name, header=key)
    if target.kind not in VOCABULARY_KINDS:
        fields = [f"{t.name}.{f.name}" for t in contract.TABLES for f in t.fields if f.kind in VOCABULARY_KINDS]
        raise MappingError(f"字段 {target.name}（{target.label}）的取值不是固定的几种，不能映射取值"
                           f"（可映射取值的字段：{'、'.join(dict.fromkeys(fields))}）")
    key = value_key(mapping.value)
    if not key:
        raise MappingError("要映射的取值不能为空")
    own = contract_value(target.kind, mapping.value)
    if own is not None:
        raise MappingError(f"「{mapping.value}」是数据规范已定义的{target.label}取值"
                           f"（{means_label(table.name, target.name, _as_means(target.kind, own))}），不能再映射")
    means = contract_value(target.kind, mapping.means)
    if means is None:
        allowed = "、".join(means_label(table.name, target.name, c) for c in choices(target.kind))
        raise MappingError(f"「{mapping.means or ''}」不是数据规范中{target.label}的取值（可填：{allowed}，"
                           "或数据规范接受的其他写法）")
    return Mapping(table.name, target.name, value=key, means=_as_means(target.kind, means))


# ---------------------------------------------------------------- the store


def load(con: duckdb.DuckDBPyConnection | None) -> list[Mapping]:
    """Every stored mapping, in the order they were made. A store without the table (read-only and
    not yet migrated) has none."""
    if con is None:
        return []
    try:
        rows = con.execute("SELECT mapping_id, table_name, field, header, value, means, created_by, created_at "
                           "FROM mappings ORDER BY mapping_id").fetchall()
    except duckdb.CatalogException:
        return []
    return [Mapping(table, name, header, value, means, mapping_id, by, at)
            for mapping_id, table, name, header, value, means, by, at in rows]


def _conflict(new: Mapping, stored: list[Mapping]) -> Mapping | None:
    for old in stored:
        if old.table != new.table:
            continue
        if new.header is not None and old.header == new.header:
            return old
        if new.value is not None and (old.field, old.value) == (new.field, new.value):
            return old
    return None


def _refuse_conflict(new: Mapping, old: Mapping) -> MappingError:
    what = "同一个表头" if new.kind == "header" else "同一个取值"
    return MappingError(f"{what}已有映射 #{old.mapping_id}：{old.describe()}（如要改，请先删除它）")


def add(con: duckdb.DuckDBPyConnection, mapping: Mapping, user: str) -> Mapping:
    """Save one mapping (checked); returns it with its id. MappingError when refused."""
    return add_all(con, [mapping], user, keep_same=False)[0][0]


def add_all(con: duckdb.DuckDBPyConnection, wanted: list[Mapping], user: str,
            keep_same: bool = True) -> tuple[list[Mapping], int]:
    """Save several mappings, all or nothing: (the saved ones, how many were already stored as they
    are; with keep_same False such a one is refused). MappingError (nothing saved) when any is
    refused or two of them disagree."""
    ready = []
    for number, mapping in enumerate(wanted, 1):
        try:
            ready.append(checked(mapping))
        except MappingError as exc:
            raise MappingError(f"第 {number} 条映射：{exc}" if len(wanted) > 1 else str(exc)) from None
    with lake.write_lock(con, user):
        stored = load(con)
        todo: list[Mapping] = []
        kept = 0
        for number, new in enumerate(ready, 1):
            old = _conflict(new, stored + todo)
            if old is not None and old.same_rule(new) and (keep_same or old.mapping_id is None):
                kept += old.mapping_id is not None  # (the same twice in one batch: once)
                continue
            if old is not None:
                error = _refuse_conflict(new, old) if old.mapping_id is not None else MappingError(
                    f"{new.describe()}与同一批中的另一条映射矛盾")
                raise MappingError(f"第 {number} 条映射：{error}" if len(wanted) > 1 else str(error))
            todo.append(new)
        saved = []
        with transaction(con, lambda reason: MappingError(f"映射无法保存：{reason}")):
            next_id = con.execute("SELECT coalesce(max(mapping_id), 0) + 1 FROM mappings").fetchone()[0]
            now = dt.datetime.now().replace(microsecond=0)
            for offset, new in enumerate(todo):  # (no RETURNING: a DuckLake table has none)
                con.execute(
                    "INSERT INTO mappings (mapping_id, table_name, field, header, value, means, created_by,"
                    " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [next_id + offset, new.table, new.field, new.header, new.value, new.means, user or "", now])
                saved.append(Mapping(new.table, new.field, new.header, new.value, new.means, next_id + offset,
                                     user, now))
            if todo:
                lake.commit_snapshot(con, "mappings", user)
    return saved, kept


def remove(con: duckdb.DuckDBPyConnection, mapping_id: int, user: str) -> Mapping:
    """Delete one mapping; returns it. MappingError when there is none with that id."""
    with lake.write_lock(con, user):
        found = [m for m in load(con) if m.mapping_id == mapping_id]
        if not found:
            raise MappingError(f"没有编号为 {mapping_id} 的映射")
        with transaction(con, lambda reason: MappingError(f"映射无法删除：{reason}")):
            con.execute("DELETE FROM mappings WHERE mapping_id = ?", [mapping_id])
            lake.commit_snapshot(con, f"mapping {mapping_id} removed", user)
    return found[0]


# ---------------------------------------------------------------- the exchange file


def export_text(found: list[Mapping]) -> str:
    """A small UTF-8 JSON document another store can import."""
    rules = []
    for m in found:
        rule = {"table": m.table, "field": m.field}
        rule.update({"header": m.header} if m.kind == "header" else {"value": m.value, "means": m.means})
        rules.append(rule)
    return json.dumps({"format": FILE_FORMAT, "version": FILE_VERSION, "mappings": rules},
                      ensure_ascii=False, indent=2) + "\n"


def parse_text(text: str) -> list[Mapping]:
    """The mappings of an exchange file; MappingError naming what is wrong."""
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise MappingError(f"不是映射文件（JSON 无法读取：{exc}）") from None
    if not isinstance(doc, dict) or doc.get("format") != FILE_FORMAT or not isinstance(doc.get("mappings"), list):
        raise MappingError(f"不是映射文件（应为 python -m inspection mappings export 写出的文件，format = {FILE_FORMAT}）")
    if doc.get("version") != FILE_VERSION:
        raise MappingError(f"映射文件版本 {doc.get('version')!r} 无法读取（本程序读取版本 {FILE_VERSION}）")
    out = []
    for number, rule in enumerate(doc["mappings"], 1):
        if not isinstance(rule, dict) or not all(isinstance(rule.get(k), str) for k in ("table", "field")):
            raise MappingError(f"第 {number} 条映射缺少 table 或 field")
        values = {k: rule.get(k) for k in ("header", "value", "means")}
        if any(v is not None and not isinstance(v, str) for v in values.values()):
            raise MappingError(f"第 {number} 条映射的 header、value、means 应为文字")
        out.append(Mapping(rule["table"], rule["field"], **values))
    return out


# ---------------------------------------------------------------- an import's view of the mappings


@dataclass(frozen=True)
class Unknown:
    """What a mapping could answer, attached to a problem (importer.Problem.unknown).

    kind 'header': required `fields` of `table` not found in a sheet; kind 'value': `value` (as
    looked up, see value_key) is not in the vocabulary of `field`."""

    kind: str
    table: str
    fields: tuple[str, ...] = ()
    field: str | None = None
    value: str | None = None


@dataclass(frozen=True)
class Unrecognised:
    """A recognised sheet's columns that match no field, and the fields it does have."""

    file: str
    sheet: str | None
    table: str
    columns: tuple[str, ...]
    present: tuple[str, ...]


def unknown_value(table: str, name: str, exc: cells.CellError) -> Unknown | None:
    """The Unknown of a converter's error, when the value is one a mapping could answer."""
    return Unknown("value", table, field=name, value=exc.unknown) if exc.unknown else None


class Applied:
    """The mappings one import applies; records the ones it used and the columns it did not recognise."""

    def __init__(self, found: list[Mapping] | None = None):
        self.headers: dict[str, dict[str, Mapping]] = {name: {} for name in TABLE_NAMES}
        self.values: dict[tuple[str, str], dict[str, Mapping]] = {}
        for m in found or ():
            if m.kind == "header":  # keyed as the header is looked up now (a mark dropped since: *村名)
                if layout.is_person_header(header_key(m.header)):
                    continue  # saved before its column was known to name people: never read (checked())
                self.headers.setdefault(m.table, {})[header_key(m.header)] = m
            else:
                self.values.setdefault((m.table, m.field), {})[m.value] = m
        self.index: dict[str, dict[str, str]] = {
            name: {**{h: m.field for h, m in self.headers.get(name, {}).items()}, **contract.HEADER_INDEX[name]}
            for name in TABLE_NAMES}
        self.all_headers = frozenset(h for index in self.index.values() for h in index)
        self.used: dict[int | None, Mapping] = {}
        self.roster = False  # the store holds a roster (a row's township may come from it: recognise)
        self.unrecognised: dict[tuple[str, str | None], Unrecognised] = {}

    @classmethod
    def of(cls, con: duckdb.DuckDBPyConnection | None) -> Applied:
        return cls(load(con))

    def field_for(self, table: str, header: str) -> str | None:
        """The field a (normalised) header names: the contract's synonym, else a mapping (noted as used)."""
        name = contract.HEADER_INDEX[table].get(header)
        if name is None:
            mapping = self.headers.get(table, {}).get(header)
            if mapping is not None:
                self.used[mapping.mapping_id] = mapping
                name = mapping.field
        return name

    def note_unrecognised(self, file: str, sheet: str | None, table: str, columns: list[str],
                          present: list[str]) -> None:
        self.unrecognised[(file, sheet)] = Unrecognised(file, sheet, table, tuple(columns), tuple(present))

    def converter(self, table: str, name: str, kind: str) -> Callable[[object], object]:
        """The contract's converter for the field, answering the values it does not know from the mappings."""
        convert = cells.CONVERTERS[kind]
        mapped = self.values.get((table, name))
        if not mapped:
            return convert

        def answer(key: str) -> object:
            mapping = mapped.get(key)
            if mapping is None:
                return None
            self.used[mapping.mapping_id] = mapping
            return convert(mapping.means)

        if kind == "mode":  # an unknown mode is kept as written, not refused
            def converted(cell: object) -> object:
                value = convert(cell)
                if value in contract.MODES:
                    return value
                mapped_value = answer(value_key(cell))
                return value if mapped_value is None else mapped_value
            return converted

        def converted(cell: object) -> object:
            try:
                return convert(cell)
            except cells.CellError as exc:
                if exc.unknown:
                    mapped_value = answer(exc.unknown)
                    if mapped_value is not None:
                        return mapped_value
                raise
        return converted

    def used_list(self) -> list[Mapping]:
        return sorted(self.used.values(), key=lambda m: m.mapping_id or 0)


# ---------------------------------------------------------------- questions of a rejected import


@dataclass(frozen=True)
class HeaderQuestion:
    """A sheet's unrecognised columns: which field is each (required fields not found: `missing`)?"""

    file: str
    sheet: str | None
    table: str
    missing: tuple[str, ...]
    columns: tuple[str, ...]
    present: tuple[str, ...]

    def optional_fields(self) -> list[str]:
        """The fields an unrecognised column may still be: not in the sheet, not required-and-missing."""
        table = table_of(self.table)
        return [f.name for f in table.fields if f.name not in self.present and f.name not in self.missing]


@dataclass(frozen=True)
class ValueQuestion:
    """A value not in the vocabulary of `field`, in `rows` rows: which of the contract's values is it?"""

    table: str
    field: str
    value: str
    rows: int

    def choices(self) -> list[str]:
        return choices(field_of(self.table, self.field).kind)


@dataclass
class Questions:
    headers: list[HeaderQuestion] = field(default_factory=list)
    values: list[ValueQuestion] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"headers": [vars(q) for q in self.headers], "values": [vars(q) for q in self.values]}


def questions(problems: list, applied: Applied) -> Questions | None:
    """The questions that would answer a rejected import, or None when any problem is not one a
    mapping can answer (the rejection then stays a plain rejection)."""
    if not problems or any(getattr(p, "unknown", None) is None for p in problems):
        return None
    missing = {(p.file, p.sheet): p.unknown for p in problems if p.unknown.kind == "header"}
    counts = Counter((p.unknown.table, p.unknown.field, p.unknown.value) for p in problems
                     if p.unknown.kind == "value")
    headers = []
    for (file, sheet), seen in applied.unrecognised.items():
        lack = missing.get((file, sheet))
        if seen.columns or lack:
            headers.append(HeaderQuestion(file, sheet, seen.table, lack.fields if lack else (), seen.columns,
                                          seen.present))
    if any(q.missing and not q.columns for q in headers):
        return None  # a required field is missing and no column could be it
    values = [ValueQuestion(table, name, value, rows) for (table, name, value), rows in counts.items()]
    return Questions(headers, values)


def answers(found: Questions, header_answers: dict[tuple[int, str], str],
            value_answers: dict[int, str]) -> list[Mapping]:
    """The mappings a filled form makes (before `checked`): header_answers maps (question index,
    column as written) to a field; value_answers maps a value question's index to the chosen value.
    MappingError when one column is given two fields or one field two columns in a sheet."""
    out = []
    for number, question in enumerate(found.headers):
        chosen = {column: name for (i, column), name in header_answers.items() if i == number and name}
        fields = Counter(chosen.values())
        twice = [field_label(question.table, f) for f, n in fields.items() if n > 1]
        if twice:
            raise MappingError(f"{question.file}：同一个字段选了两列（{'、'.join(twice)}）")
        out += [Mapping(question.table, name, header=column) for column, name in chosen.items()]
    for number, question in enumerate(found.values):
        if value_answers.get(number):
            out.append(Mapping(question.table, question.field, value=question.value, means=value_answers[number]))
    return out
