"""read -> recognise -> normalise -> validate -> load, all or nothing.

One code path for the command line and the upload page: `import_files(con, files, user)`.
Every problem of an import is collected before anything is written; with any problem the
store is not touched. A loaded import supersedes the rows of the same (round, unit) (or the
same roster unit) and records itself in `imports`, so it can be undone.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from . import cells, contract, lake, readers, store
from .contract import Table


@dataclass
class Problem:
    file: str
    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    reason: str
    suggestion: str | None = None


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

    def to_json(self) -> dict:
        return {
            "status": self.status,
            "added": self.added,
            "replaced": self.replaced,
            "skipped": self.skipped,
            "problems": [asdict(p) for p in self.problems],
            "warnings": self.warnings,
            "import_id": self.import_id,
        }


@dataclass
class InputFile:
    name: str
    data: bytes

    @property
    def sha256(self) -> str:
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


MAX_PROBLEMS = 5000
KEYS = {"roster": ["unit_id"], "inspections": ["round", "unit_id"], "issues": ["round", "unit_id"]}


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


def _find_header(rows: list[list[object]]) -> tuple[int, list[str]] | None:
    best: tuple[int, int, list[str]] | None = None
    for index, row in enumerate(rows[: contract.MAX_TITLE_ROWS + 1]):
        headers = [contract.normalise_header(c) if not cells.is_blank(c) else "" for c in row]
        hits = sum(1 for h in headers if h in contract.ALL_HEADERS)
        if hits >= 2 and (best is None or hits > best[0]):
            best = (hits, index, headers)
    return (best[1], best[2]) if best else None


def _classify(headers: list[str]) -> Table | None:
    matched = {t.name: {contract.HEADER_INDEX[t.name][h] for h in headers if h in contract.HEADER_INDEX[t.name]}
               for t in contract.TABLES}
    issue_only = matched["issues"] - matched["roster"] - {"round"}
    inspection_only = matched["inspections"] - matched["roster"] - {"round"}
    roster_only = matched["roster"] - matched["inspections"]
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


_MARKER_START = frozenset(m[0] for m in contract.SUMMARY_MARKERS + contract.NOTE_MARKERS)


def _row_kind(row: list[object]) -> str:
    """'blank', 'summary' (合计/小计/说明... in the first non-empty cell) or 'data'."""
    for cell in row:
        if cell is None or cell == "":
            continue
        if type(cell) is str:
            head = cell.lstrip()
            if not head:
                continue
            if head[0] not in _MARKER_START and not head[0].isspace():
                return "data"
            text = re.sub(r"\s+", "", contract.normalise_text(cell))
            markers = contract.SUMMARY_MARKERS + contract.NOTE_MARKERS
            return "summary" if text.startswith(markers) or text.startswith("注:") else "data"
        return "data"
    return "blank"


def _parse_sheet(file: str, raw: readers.RawSheet, problems: list[Problem], warnings: list[str]):
    found = _find_header(raw.rows)
    if not found:
        return None, [c for c in (raw.rows[0] if raw.rows else []) if not cells.is_blank(c)]
    header_index, headers = found
    table = _classify(headers)
    if table is None:
        return None, [str(c) for c in raw.rows[header_index] if not cells.is_blank(c)]
    index = contract.HEADER_INDEX[table.name]
    written = raw.rows[header_index]
    columns: dict[str, tuple[int, str]] = {}
    ignored = []
    for col, header in enumerate(headers):
        if not header:
            continue
        name = index.get(header)
        as_written = re.sub(r"\s+", "", str(written[col]))
        if name is None:
            ignored.append(as_written)
        elif name in columns:
            warnings.append(f"{_where(file, raw.name)}：列「{as_written}」与「{columns[name][1]}」重复，已忽略后者")
        else:
            columns[name] = (col, as_written)
    sheet_label = raw.name or None
    missing = [table.field(f).label for f in table.required if f not in columns]
    if missing:
        problems.append(Problem(file, sheet_label, header_index + 1, None, None,
                                f"{table.label}缺少必填列：{'、'.join(missing)}",
                                "表头可用的名称见数据规范（如 " + "、".join(
                                    table.field(f).headers[0] for f in table.required if f not in columns) + "）"))
        return ParsedSheet(file, raw.name, table, [], 0), None
    if ignored:
        warnings.append(f"{_where(file, raw.name)}：未识别的列已忽略：{'、'.join(ignored[:10])}")

    converters = [(name, col, as_written, cells.CONVERTERS[table.field(name).kind], {})
                  for name, (col, as_written) in columns.items()]
    records, skipped = [], 0
    required = table.required  # a property: computed once, not per row
    header_labels = {name: as_written for name, (_, as_written) in columns.items()}
    for offset, row in enumerate(raw.rows[header_index + 1:]):
        row_number = header_index + 2 + offset
        kind = _row_kind(row)
        if kind == "blank":
            continue
        if kind == "summary":
            skipped += 1
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
                                            exc.reason, exc.suggestion))
                    continue
                except TypeError:  # unhashable never happens for cell values; be safe
                    value = convert(cell)
                if len(memo) < 50_000:
                    memo[key] = value
            values[name] = value
        for name in required:
            if name in values and values[name] is None:
                problems.append(Problem(file, sheet_label, row_number, header_labels[name], "", "必填项为空"))
        records.append(Record(file, sheet_label, row_number, values, header_labels))
    return ParsedSheet(file, raw.name, table, records, skipped), None


def _show(cell: object) -> str:
    if cells.is_blank(cell):
        return ""
    text = str(cell.isoformat() if isinstance(cell, (dt.date, dt.datetime)) else cell)
    return text if len(text) <= 200 else text[:200] + "…"


def _where(file: str, sheet: str) -> str:
    return f"{file}「{sheet}」" if sheet else file


# ---------------------------------------------------------------- resolve units


def unit_id_for(code: str | None, district: str, township: str, name: str) -> str:
    return f"c:{code}" if code else f"n:{district}|{township}|{name}"


class UnitIndex:
    """The known units: the roster when there is one, else the inspected units."""

    def __init__(self, units: list[tuple[str, str | None, str, str, str]]):
        self.by_code: dict[str, str] = {}
        self.by_name: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        self.names_by_district: dict[str, set[str]] = defaultdict(set)
        for unit_id, code, district, township, name in units:
            if code:
                self.by_code[code] = unit_id
            self.by_name[(district, township, name)].add(unit_id)
            self.names_by_district[district].add(f"{township}/{name}")
        self.empty = not units

    def resolve(self, values: dict) -> tuple[str | None, str | None]:
        """(unit_id, None) or (None, reason)."""
        code, key = values.get("unit_code"), (values["district"], values["township"], values["unit_name"])
        if code and code in self.by_code:
            return self.by_code[code], None
        ids = self.by_name.get(key, set())
        if len(ids) == 1:
            return next(iter(ids)), None
        if len(ids) > 1:
            return None, "名册中有多个同名对象，请填写对象编码"
        return None, "名册中没有这个村(社区)"

    def suggest(self, values: dict) -> str | None:
        district, township, name = values["district"], values["township"], values["unit_name"]
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

    # read and parse every file; returns the records per table
    def parse(self) -> dict[str, list[Record]]:
        by_table: dict[str, list[Record]] = {t: [] for t in contract.APPLY_ORDER}
        seen_hashes: dict[str, str] = {}
        for item in self.files:
            if item.sha256 in seen_hashes:
                self.warnings.append(f"{item.name} 与 {seen_hashes[item.sha256]} 内容相同，已只导入一次")
                continue
            seen_hashes[item.sha256] = item.name
            try:
                sheets = readers.read_file(item.name, item.data, self.limits)
            except readers.ReadError as exc:
                self.problems.append(Problem(item.name, None, None, None, None, str(exc)))
                continue
            recognised, found_headers = 0, []
            for raw in sheets:
                parsed, headers = _parse_sheet(item.name, raw, self.problems, self.warnings)
                if parsed is None:
                    if headers:
                        found_headers.append(f"{raw.name or 'CSV'}: {'、'.join(map(str, headers[:15]))}")
                    continue
                recognised += 1
                self.skipped += parsed.skipped
                self.file_tables[item.name].append(parsed.table.name)
                by_table[parsed.table.name].extend(parsed.records)
            if not recognised:
                self.problems.append(Problem(
                    item.name, None, None, None, None,
                    "没有识别出对象名册、巡察情况或问题清单的表头",
                    "找到的表头：" + ("；".join(found_headers) if found_headers else "（空）")))
            elif len(sheets) > recognised:
                ignored = [s.name for s in sheets if s.rows and any(not cells.is_blank(c) for r in s.rows[:12] for c in r)]
                extra = len(ignored) - recognised
                if extra > 0:
                    self.warnings.append(f"{item.name}：{extra} 个工作表未识别为台账，已忽略")
        return by_table

    def problem(self, record: Record, field_name: str | None, reason: str, suggestion: str | None = None):
        column = record.columns.get(field_name) if field_name else None
        value = record.values.get(field_name) if field_name else None
        self.problems.append(Problem(record.file, record.sheet, record.row, column,
                                     None if value is None else str(value), reason, suggestion))

    def _store_units(self, table: str) -> list[tuple]:
        if table == "roster":
            sql = "SELECT unit_id, unit_code, district, township, unit_name FROM live_units"
        else:
            sql = ("SELECT DISTINCT unit_id, unit_code, district, township, unit_name "
                   "FROM inspections WHERE superseded_by IS NULL")
        return self.con.execute(sql).fetchall()

    def validate(self, by_table: dict[str, list[Record]]) -> dict[str, pd.DataFrame]:
        frames: dict[str, pd.DataFrame] = {}
        roster_rows = []
        seen: dict[str, Record] = {}
        for rec in by_table["roster"]:
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
        units = UnitIndex(self._store_units("roster") + incoming_roster)
        frames["roster"] = pd.DataFrame(roster_rows, columns=[
            "unit_id", "district", "township", "unit_name", "unit_code", "unit_type",
            "is_poverty_village", "is_weak_org"])

        inspection_rows = []
        seen_keys: dict[tuple, Record] = {}
        for rec in by_table["inspections"]:
            v = rec.values
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
            if v.get("end_date") and v.get("start_date") and v["end_date"] < v["start_date"]:
                self.problem(rec, "end_date", f"结束日期早于开始日期（{v['start_date'].isoformat()}）")
                continue
            v["unit_id"] = uid
            v.setdefault("mode", contract.DEFAULT_MODE)
            inspection_rows.append(v)
        frames["inspections"] = pd.DataFrame(inspection_rows, columns=[
            "round", "unit_id", "district", "township", "unit_name", "unit_code", "level", "team", "mode",
            "start_date", "end_date", *contract.COUNT_FIELDS, "funds_recovered"])

        # issues belong to an inspection already loaded or in this import
        known = set(seen_keys)
        known.update(self.con.execute(
            "SELECT DISTINCT round, unit_id FROM inspections WHERE superseded_by IS NULL").fetchall())
        issue_units = units if not units.empty else UnitIndex(
            self._store_units("inspections")
            + [(v["unit_id"], v.get("unit_code"), v["district"], v["township"], v["unit_name"])
               for v in inspection_rows])
        issue_rows = []
        seq: Counter = Counter()
        for rec in by_table["issues"]:
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
            issue_rows.append(v)
        frames["issues"] = pd.DataFrame(issue_rows, columns=[
            "round", "unit_id", "seq", "category", "subcategory", "description", "status",
            "due_date", "rectified_date"])
        return frames

    # -------------------------------------------------------------- diff and load

    def diff(self, table: str, frame: pd.DataFrame) -> DiffPlan:
        """Stage the incoming rows (typed as the table) and compare each group with the store.

        A group is a roster unit, or the rows of one (round, unit). Groups are compared by a
        fingerprint of all their rows, computed the same way for both sides in SQL.
        """
        keys = KEYS[table]
        cols = list(frame.columns)
        stage, plan = f"stage_{table}", f"plan_{table}"
        con = self.con
        con.execute(f"CREATE OR REPLACE TEMP TABLE {stage} AS SELECT {', '.join(cols)} FROM {table} LIMIT 0")
        if frame.empty:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {plan} AS SELECT {', '.join(keys)}, 0 AS n, "
                        f"'same' AS state FROM {table} LIMIT 0")
            return DiffPlan(table, cols, keys, 0, 0, 0)
        con.register("incoming_rows", frame)
        try:
            con.execute(f"INSERT INTO {stage} SELECT {', '.join(cols)} FROM incoming_rows")
        finally:
            con.unregister("incoming_rows")
        row_text = "concat_ws(chr(31), " + ", ".join(
            f"coalesce(CAST(x.{c} AS VARCHAR), chr(1))" for c in cols) + ")"
        key_list = ", ".join(keys)
        on = " AND ".join(f"x.{k} = n.{k}" for k in keys)
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE {plan} AS
            WITH n AS (
                SELECT {key_list}, count(*) AS n, md5(string_agg(rt, chr(30) ORDER BY rt)) AS fp
                FROM (SELECT {', '.join(f'x.{k}' for k in keys)}, {row_text} AS rt FROM {stage} x)
                GROUP BY {key_list}
            ), o AS (
                SELECT {key_list}, md5(string_agg(rt, chr(30) ORDER BY rt)) AS fp
                FROM (SELECT {', '.join(f'x.{k}' for k in keys)}, {row_text} AS rt
                      FROM {table} x SEMI JOIN n ON {on}
                      WHERE x.superseded_by IS NULL)
                GROUP BY {key_list}
            )
            SELECT n.{keys[0]}{''.join(f', n.{k}' for k in keys[1:])}, n.n,
                   CASE WHEN o.fp IS NULL THEN 'added' WHEN o.fp = n.fp THEN 'same' ELSE 'replaced' END AS state
            FROM n LEFT JOIN o USING ({key_list})
        """)
        counts = dict(con.execute(f"SELECT state, sum(n) FROM {plan} GROUP BY state").fetchall())
        return DiffPlan(table, cols, keys, int(counts.get("added", 0)), int(counts.get("replaced", 0)),
                        int(counts.get("same", 0)))

    def run(self) -> ImportResult:
        by_table = self.parse()
        if self.problems:
            return self._rejected()
        if not any(by_table.values()) and not self.skipped:
            self.problems.append(Problem(", ".join(f.name for f in self.files), None, None, None, None,
                                         "文件中没有数据行"))
            return self._rejected()
        frames = self.validate(by_table)
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
            return ImportResult("unchanged", 0, 0, skipped, [], self.warnings)
        import_id = self._load(plans, added, replaced, skipped)
        return ImportResult("imported", added, replaced, skipped, [], self.warnings, import_id,
                            {t: len(frames[t]) for t in contract.APPLY_ORDER})

    def _rejected(self) -> ImportResult:
        self.problems.sort(key=lambda p: (p.file, p.sheet or "", p.row or 0))
        if len(self.problems) > MAX_PROBLEMS:
            extra = len(self.problems) - MAX_PROBLEMS
            self.problems = self.problems[:MAX_PROBLEMS]
            self.warnings.append(f"另有 {extra} 个问题未列出")
        return ImportResult("rejected", problems=self.problems, warnings=self.warnings, skipped=self.skipped)

    def _count_warnings(self, frames: dict[str, pd.DataFrame]) -> None:
        issues = frames["issues"]
        if issues.empty:
            return
        listed = issues.groupby(["round", "unit_id"]).size().rename("listed").reset_index()
        rows = self._mismatches(frames, listed)
        if rows:
            examples = "；".join(f"{r[0]} {r[1]}：清单 {r[2]} 条，发现问题数 {r[3]}" for r in rows[:5])
            self.warnings.append(f"{len(rows)} 个巡察记录的问题清单条数与发现问题数不一致（清单可以不完整）：{examples}")

    def _mismatches(self, frames: dict[str, pd.DataFrame], listed: pd.DataFrame) -> list[tuple]:
        incoming = frames["inspections"][["round", "unit_id", "unit_name", "issues_found"]]
        self.con.register("listed", listed)
        self.con.register("incoming", incoming)
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
            con.execute("CREATE OR REPLACE TEMP TABLE touched_units AS " + " UNION ".join(
                f"SELECT unit_id FROM plan_{table} WHERE state <> 'same'" for table in contract.APPLY_ORDER))
            if plans["roster"].added or plans["roster"].replaced:
                relink_units(con)
            refresh_rounds(con)
            store.refresh_derived(con, "touched_units")
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
            for path in stored:
                path.unlink(missing_ok=True)
            raise
        return import_id

    def _keep_original(self, import_id: int, item: InputFile, stored: list[Path]) -> str | None:
        if self.originals_dir is None:
            return None
        folder = self.originals_dir / f"{import_id:05d}"
        folder.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[\\/:*?\"<>|\x00-\x1f]", "_", Path(item.name).name)[:150] or "upload"
        path = folder / safe
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
                 originals_dir: Path | None = None, limits: readers.Limits | None = None) -> ImportResult:
    # on a DuckLake: one writer at a time (a second one waits); nothing to do for the embedded file
    with lake.write_lock(con, user, notify=lake_notice):
        return Importer(con, files, user, originals_dir, limits).run()


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
        for table, keys in (("roster", ["unit_id"]), ("inspections", ["round", "unit_id"]),
                            ("issues", ["round", "unit_id"])):
            con.execute(f"DELETE FROM {table} WHERE import_id = ?", [import_id])
            match = " AND ".join(f"a.{k} = {table}.{k}" for k in keys)
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
    return f"已撤销导入 {import_id}"


def list_imports(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("""
        SELECT import_id, imported_at, imported_by, files, added, replaced, skipped, status, undone_at
        FROM imports ORDER BY import_id DESC
    """).df()
