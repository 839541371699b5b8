"""Check the parsed rows against each other and the store: units, duplicates, inspections of issues."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pandas as pd

from .. import cells, contract
from ..contract import Table
from .model import INSPECTION_COLUMNS, ISSUE_COLUMNS, ROSTER_COLUMNS, Problem, Record, StagedRows, StagedSheet
from .parse_csv import _SQL_TYPES, _as_sql_text
from .units import UnitIndex, _key_table, _unit_id_sql, _unit_key, _unit_keys, unit_id_for


class Validator:
    """The checks of `Importer` (a mixin: `self` is the Importer)."""

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
