"""Compare the checked rows with the store, write them in one transaction, keep the originals; undo."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
from pathlib import Path

import duckdb
import pandas as pd

from .. import cells, contract, lake, store
from ..errors import ImportAlreadyUndone, ImportNotFound, StoreError
from . import messages
from .model import EARLIEST_START, ISSUE_COLUMNS, KEYS, LARGE_FUNDS, MAX_CHANGES, DiffPlan, InputFile, StagedRows


def _hidden(old: object) -> object:
    """A value the store kept before names were hidden at import (a team 第一巡察组（组长：李某某） of an
    earlier release), as the change list shows it: without the name (cells.hide_leader)."""
    return cells.hide_leader(old) if type(old) is str else old


# an issue's description that lists several, numbered inside the cell: it opens with item 1 (1. 1、
# （1）) and holds item 2 after a separator (；2. ，2、), or in brackets anywhere (text is stored NFKC:
# full-width brackets half-width, and circled numbers plain digits, too loose to tell)
# (not 1.5万元: a dot before a digit is a decimal point)
_FIRST_ITEM = r"^\s*(?:1\s*(?:\.[^\d]|、)|\(\s*1\s*\))"
_SECOND_ITEM = r"(?:[；;。，,\s]\s*2\s*(?:\.[^\d]|、)|\(\s*2\s*\))"

# a replaced issue list's entries in the change list: its rows, and its rectified ones when they changed
_ISSUE_FIELDS = {"rows": messages.ISSUE_LIST_ROWS, "rectified_rows": messages.ISSUE_LIST_RECTIFIED}

_BOOLEAN_FIELDS = frozenset(f.name for t in contract.TABLES for f in t.fields if f.kind == "bool")


def _shown(field: str, value: object) -> object:
    """A stored value as a clerk writes it, in the change list: 县级 / 市级 for the level's codes, 是 / 否
    for a mark (是否贫困村) the store keeps as true / false."""
    if field == "level":
        return contract.LEVEL_LABELS.get(value, value)
    if field in _BOOLEAN_FIELDS:
        return messages.BOOLEAN_WORDS.get(value, value)
    return value


def _with_inspection(inspections: StagedRows) -> str:
    """The joins that give rows `l` of an issue list (round, unit_id) their inspection: `n`, staged by
    this import, else `i`, the stored one (coalesce(n.x, i.x))."""
    return f"""LEFT JOIN {inspections.table} n ON n.round = l.round AND n.unit_id = l.unit_id
            LEFT JOIN inspections i ON i.round = l.round AND i.unit_id = l.unit_id AND i.superseded_by IS NULL"""


class Loader:
    """The diff and load of `Importer` (a mixin: `self` is the Importer)."""

    def diff(self, table: str, frame: StagedRows) -> DiffPlan:
        """Make the validated rows the stage (TEMP table stage_<table>) and compare each group with the store.

        A group is a roster unit, or the rows of one (round, unit). Groups are compared by a
        fingerprint of all their rows, computed the same way for both sides in SQL.
        """
        keys = KEYS[table]
        cols = list(frame.columns)
        stage, plan = f"stage_{table}", f"plan_{table}"
        con = self.con
        # the validated rows, typed as the table already, become the stage
        con.execute(f"DROP TABLE IF EXISTS {stage}")
        con.execute(f"ALTER TABLE {frame.table} RENAME TO {stage}")
        frame.table = stage
        if frame.empty:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {plan} AS SELECT {', '.join(keys)}, 0 AS n, "
                        f"'same' AS state FROM {table} LIMIT 0")
            return DiffPlan(table, cols, keys, 0, 0, 0)
        # an issue's seq is its place in the file's list: a list exported again in another order (the
        # clerk sorted it by status) holds the same issues, so it is compared without it ('same': the
        # store keeps the order it had)
        row_text = "concat_ws(chr(31), " + ", ".join(
            f"coalesce(CAST(x.{c} AS VARCHAR), chr(1))" for c in cols if c != "seq") + ")"
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

    def changes(self, plans: dict[str, DiffPlan]) -> list[dict]:
        """What the replaced rows change, for the clerk to check: a roster unit's or an inspection's
        fields one by one (old -> new), an issue list as a whole (its rows before and after; its
        descriptions are not repeated here). At most MAX_CHANGES entries, the first by table, round
        and unit."""
        parts = []
        for table in ("roster", "inspections"):
            plan = plans[table]
            if not plan.replaced:
                continue
            on_x = " AND ".join(f"x.{k} = s.{k}" for k in plan.keys)
            on_p = " AND ".join(f"p.{k} = s.{k}" for k in plan.keys)
            round_ = "s.round" if "round" in plan.keys else "NULL"
            for column in plan.columns:
                if column in plan.keys or column == "unit_id":
                    continue
                parts.append(
                    f"SELECT '{table}' AS tbl, {round_} AS round, s.district, s.township, s.unit_name, "
                    f"'{column}' AS field, CAST(x.{column} AS VARCHAR) AS old, CAST(s.{column} AS VARCHAR) AS new "
                    f"FROM stage_{table} s JOIN plan_{table} p ON {on_p} AND p.state = 'replaced' "
                    f"JOIN {table} x ON {on_x} AND x.superseded_by IS NULL "
                    f"WHERE x.{column} IS DISTINCT FROM s.{column}")
        if plans["issues"].replaced:
            parts.append("""
                SELECT 'issues' AS tbl, p.round, u.district, u.township, u.unit_name, 'rows' AS field,
                       CAST((SELECT count(*) FROM issues x WHERE x.round = p.round AND x.unit_id = p.unit_id
                             AND x.superseded_by IS NULL) AS VARCHAR) AS old, CAST(p.n AS VARCHAR) AS new
                FROM plan_issues p LEFT JOIN roster u ON u.unit_id = p.unit_id AND u.superseded_by IS NULL
                WHERE p.state = 'replaced'""")
            # and its rectified issues before and after, when they differ: a rectification ledger
            # exported again says what moved on (the same number of rows, more 已整改)
            parts.append("""
                SELECT * FROM (
                    SELECT 'issues' AS tbl, p.round, u.district, u.township, u.unit_name, 'rectified_rows' AS field,
                           CAST((SELECT count(*) FROM issues x WHERE x.round = p.round AND x.unit_id = p.unit_id
                                 AND x.superseded_by IS NULL AND x.status = 'rectified') AS VARCHAR) AS old,
                           CAST((SELECT count(*) FROM stage_issues s WHERE s.round = p.round AND s.unit_id = p.unit_id
                                 AND s.status = 'rectified') AS VARCHAR) AS new
                    FROM plan_issues p LEFT JOIN roster u ON u.unit_id = p.unit_id AND u.superseded_by IS NULL
                    WHERE p.state = 'replaced')
                WHERE old <> new""")
        if not parts:
            return []
        rows = self.con.execute(
            "SELECT * FROM (" + " UNION ALL ".join(parts) + ") ORDER BY CASE tbl WHEN 'roster' THEN 0 "
            "WHEN 'inspections' THEN 1 ELSE 2 END, round NULLS FIRST, "
            "district, "
            f"township, unit_name, field LIMIT {MAX_CHANGES + 1}").fetchall()
        if len(rows) > MAX_CHANGES:
            self.warnings.append(messages.changes_cut(MAX_CHANGES))
        labels = {f.name: f.label for t in contract.TABLES for f in t.fields}
        tables = {t.name: t.label for t in contract.TABLES}
        return [{"table": tables[r[0]], "round": r[1], "district": r[2], "township": r[3], "unit": r[4],
                 "field": _ISSUE_FIELDS[r[5]] if r[0] == "issues" else labels.get(r[5], r[5]),
                 "old": _shown(r[5], _hidden(r[6])), "new": _shown(r[5], r[7])} for r in rows[:MAX_CHANGES]]

    def _changed_count_warnings(self, plans: dict[str, DiffPlan]) -> None:
        """A replaced inspection whose 发现问题数 changed while its issue list (already in the store,
        not in this import) now counts a different number of rows."""
        if not plans["inspections"].replaced:
            return
        rows = self.con.execute("""
            WITH changed AS (
                SELECT s.round, s.unit_id, s.unit_name, x.issues_found AS old, s.issues_found AS new
                FROM stage_inspections s
                JOIN plan_inspections p ON p.round = s.round AND p.unit_id = s.unit_id AND p.state = 'replaced'
                JOIN inspections x ON x.round = s.round AND x.unit_id = s.unit_id AND x.superseded_by IS NULL
                WHERE x.issues_found IS DISTINCT FROM s.issues_found AND s.issues_found IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM stage_issues n WHERE n.round = s.round AND n.unit_id = s.unit_id)
            )
            SELECT c.round, c.unit_name, c.old, c.new, count(*) AS listed
            FROM changed c JOIN issues i ON i.round = c.round AND i.unit_id = c.unit_id AND i.superseded_by IS NULL
            GROUP BY ALL HAVING count(*) <> c.new ORDER BY 1, 2
        """).fetchall()
        if rows:
            self.warnings.append(messages.found_changed(rows))

    def _level_changed_warning(self, plans: dict[str, DiffPlan]) -> None:
        """A replaced inspection of another level: a municipal team's inspection of a village the county
        team inspected in a round written the same way (2023年第一轮 in both offices' ledgers) replaces the
        county's, as a corrected level would. The import says so, with how to keep both."""
        if not plans["inspections"].replaced:
            return
        rows = self.con.execute("""
            SELECT s.round, s.unit_name, x.level, s.level
            FROM stage_inspections s
            JOIN plan_inspections p ON p.round = s.round AND p.unit_id = s.unit_id AND p.state = 'replaced'
            JOIN inspections x ON x.round = s.round AND x.unit_id = s.unit_id AND x.superseded_by IS NULL
            WHERE x.level IS DISTINCT FROM s.level
            ORDER BY 1, 2""").fetchall()
        if rows:
            self.warnings.append(messages.level_replaced(
                [(r, u, _shown("level", old), _shown("level", new)) for r, u, old, new in rows]))

    def _roster_kept_warning(self) -> None:
        """Roster units of the townships a roster file lists that the file leaves out: kept (offices
        import the roster by district or township, so a unit missing from a file is no deletion), and
        the import says so instead of a bare 'nothing changed'."""
        kept = self.con.execute("""
            SELECT unit_name FROM roster r
            WHERE r.superseded_by IS NULL
              AND (r.district, r.township) IN (SELECT DISTINCT district, township FROM stage_roster)
              AND r.unit_id NOT IN (SELECT unit_id FROM stage_roster)
            ORDER BY district, township, unit_name""").fetchall()
        if kept:
            self.warnings.append(messages.roster_units_kept(len(kept), [n for (n,) in kept]))

    def _left_out_warning(self) -> None:
        """Rows the store holds that a file of their round leaves out: kept (a file may hold part of a
        round: one township's, one team's; an issue list is replaced per (round, unit) as a whole), and
        the import names them instead of a bare 'nothing changed': a row the clerk deleted from the
        ledger is no deletion. Inspections: the stored ones of the file's rounds and townships missing
        from it. Issue lists: the stored lists of inspections the file states, in a round its issue list
        covers, with no row in it."""
        # the unit's place as the roster has it now (a unit moved to another township since)
        inspections = self.con.execute("""
            SELECT i.round || ' ' || coalesce(r.unit_name, i.unit_name) FROM inspections i
            LEFT JOIN roster r ON r.unit_id = i.unit_id AND r.superseded_by IS NULL
            WHERE i.superseded_by IS NULL
              AND (i.round, coalesce(r.district, i.district), coalesce(r.township, i.township))
                  IN (SELECT DISTINCT round, district, township FROM stage_inspections)
              AND NOT EXISTS (SELECT 1 FROM stage_inspections s WHERE s.round = i.round AND s.unit_id = i.unit_id)
            ORDER BY 1""").fetchall()
        if inspections:
            self.warnings.append(messages.inspections_kept(len(inspections), [n for (n,) in inspections]))
        lists = self.con.execute("""
            SELECT n.round || ' ' || n.unit_name FROM stage_inspections n
            WHERE n.round IN (SELECT DISTINCT round FROM stage_issues)
              AND EXISTS (SELECT 1 FROM issues x WHERE x.round = n.round AND x.unit_id = n.unit_id
                          AND x.superseded_by IS NULL)
              AND NOT EXISTS (SELECT 1 FROM stage_issues s WHERE s.round = n.round AND s.unit_id = n.unit_id)
            ORDER BY n.round, n.district, n.township, n.unit_name""").fetchall()
        if lists:
            self.warnings.append(messages.issue_lists_kept(len(lists), [n for (n,) in lists]))

    def _outside_roster_warning(self) -> None:
        """A roster imported after inspections taken without one: the stored inspections of units it
        does not list (the names as the inspections wrote them) count as inspections but in no unit's
        coverage; the import names them instead of leaving them out of the coverage silently."""
        rows = self.con.execute("""
            SELECT DISTINCT i.district, i.township, i.unit_name FROM inspections i
            WHERE i.superseded_by IS NULL
              AND EXISTS (SELECT 1 FROM stage_roster)
              AND i.unit_id NOT IN (SELECT unit_id FROM stage_roster)
              AND i.unit_id NOT IN (SELECT unit_id FROM roster WHERE superseded_by IS NULL)
              AND NOT EXISTS (SELECT 1 FROM stage_inspections n WHERE n.round = i.round AND n.unit_id = i.unit_id)
            ORDER BY 1, 2, 3""").fetchall()
        if rows:
            self.warnings.append(messages.inspected_outside_roster(len(rows), [r[2] for r in rows]))

    def _round_spelling_warnings(self) -> None:
        """New round labels that differ from another round's (stored, or in this import) only in how
        they are written (第1轮 / 第一轮, a trailing 巡察): kept as written, so a corrected file would add
        twins of the inspections; the import says so."""
        from ..layout import round_key, same_round

        new = [r for (r,) in self.con.execute(
            "SELECT DISTINCT round FROM stage_inspections EXCEPT SELECT round FROM inspections "
            "WHERE superseded_by IS NULL ORDER BY 1").fetchall()]
        if not new:
            return
        known = [r for (r,) in self.con.execute(
            "SELECT DISTINCT round FROM inspections WHERE superseded_by IS NULL UNION "
            "SELECT DISTINCT round FROM stage_inspections ORDER BY 1").fetchall()]
        pairs = [(label, other) for label in new for other in known
                 if other != label and same_round(round_key(other), round_key(label))
                 and (other not in new or other < label)]
        if pairs:
            self.warnings.append(messages.round_spelt_otherwise(pairs))

    def _place_spelling_warnings(self) -> None:
        """With no roster (the units are the inspected ones, as written), a new district or township that
        is a known one with or without its suffix (东城 / 东城区, 城关 / 城关镇): kept as written, so the
        figures by district show both and a unit inspected under each counts twice; the import says so."""
        staged = self.con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'stage_roster'").fetchone()[0]
        if self.con.execute("SELECT EXISTS (SELECT 1 FROM live_units)" + (
                " OR EXISTS (SELECT 1 FROM stage_roster)" if staged else "")).fetchone()[0]:
            return  # a roster names the places (a row must match one of its units)
        pairs = []
        for level, suffixes, within in (("district", contract.DISTRICT_SUFFIXES, ""),
                                        ("township", contract.TOWNSHIP_SUFFIXES, "district, ")):
            new = self.con.execute(
                f"SELECT DISTINCT {within}{level} FROM stage_inspections EXCEPT "
                f"SELECT {within}{level} FROM inspections WHERE superseded_by IS NULL ORDER BY ALL").fetchall()
            if not new:
                continue
            known = set(self.con.execute(
                f"SELECT DISTINCT {within}{level} FROM inspections WHERE superseded_by IS NULL UNION "
                f"SELECT DISTINCT {within}{level} FROM stage_inspections").fetchall())
            for key in new:
                name = key[-1]
                for other in [*(name + s for s in suffixes),
                              *(name[: -len(s)] for s in suffixes if name.endswith(s) and len(name) > len(s) + 1)]:
                    if (*key[:-1], other) in known and ((*key[:-1], other) not in new or other < name):
                        pairs.append((name, other))
        if pairs:
            self.warnings.append(messages.place_spelt_otherwise(pairs))

    def _count_warnings(self, frames: dict[str, StagedRows]) -> None:
        """A warning naming the inspections whose issue list has another count than their issues_found."""
        issues, inspections = frames["issues"], frames["inspections"]
        if issues.empty:
            return
        rows = self.con.execute(f"""
            WITH listed AS (SELECT round, unit_id, count(*) AS listed FROM {issues.table} GROUP BY round, unit_id)
            SELECT l.round, coalesce(n.unit_name, i.unit_name), l.listed, coalesce(n.issues_found, i.issues_found)
            FROM listed l {_with_inspection(inspections)}
            WHERE coalesce(n.issues_found, i.issues_found) IS NOT NULL
              AND coalesce(n.issues_found, i.issues_found) <> l.listed
            ORDER BY 1, 2
        """).fetchall()
        if rows:
            self.warnings.append(messages.listed_differs(rows))

    def _several_in_one_warning(self, frames: dict[str, StagedRows]) -> None:
        """A warning naming the inspections whose issue list holds descriptions numbered inside the cell
        (1.三会一课不规范；2.发展党员不规范 / （1）账目不清（2）白条入账): a row is one issue, so such a
        row counts once in every issue figure, however many it lists."""
        issues, inspections = frames["issues"], frames["inspections"]
        if issues.empty:
            return
        rows = self.con.execute(f"""
            SELECT l.round, coalesce(n.unit_name, i.unit_name), count(*)
            FROM {issues.table} l {_with_inspection(inspections)}
            WHERE regexp_matches(l.description, ?) AND regexp_matches(l.description, ?)
            GROUP BY ALL ORDER BY 1, 2
        """, [_FIRST_ITEM, _SECOND_ITEM]).fetchall()
        if rows:
            self.warnings.append(messages.several_in_one(rows))

    def _twin_rows_warning(self, frames: dict[str, StagedRows]) -> None:
        """A warning naming the inspections whose issue list holds a row that repeats another in every
        field, its description written (a row is one issue, so both count: most likely entered twice;
        the clerk who removes it later sees the list replaced with one row fewer)."""
        issues, inspections = frames["issues"], frames["inspections"]
        if issues.empty:
            return
        same = ", ".join(f"l.{c}" for c in ISSUE_COLUMNS if c != "seq")
        rows = self.con.execute(f"""
            SELECT round, name, sum(n - 1)::INTEGER FROM (
                SELECT l.round, coalesce(n.unit_name, i.unit_name) AS name, count(*) AS n
                FROM {issues.table} l
                LEFT JOIN {inspections.table} n ON n.round = l.round AND n.unit_id = l.unit_id
                LEFT JOIN inspections i ON i.round = l.round AND i.unit_id = l.unit_id AND i.superseded_by IS NULL
                WHERE l.description IS NOT NULL AND l.description <> ''
                GROUP BY {same}, n.unit_name, i.unit_name HAVING count(*) > 1)
            GROUP BY ALL ORDER BY 1, 2
        """).fetchall()
        if rows:
            self.warnings.append(messages.twin_issue_rows(rows))

    def _parts_over_whole_warning(self, frames: dict[str, StagedRows]) -> None:
        """A warning naming the inspections that report more rectified (已整改数) or immediately fixed
        (立行立改数) issues than they found: imported as written, but the rectification rate of such a
        ledger reads over 100%, and the clerk should check the row."""
        inspections = frames["inspections"]
        if inspections.empty:
            return
        rows = self.con.execute(f"""
            SELECT round, unit_name, issues_found, rectified, immediate_fixes FROM {inspections.table}
            WHERE rectified > issues_found OR immediate_fixes > issues_found ORDER BY round, unit_name
        """).fetchall()
        if rows:
            self.warnings.append(messages.parts_over_whole(rows))

    def _amount_warnings(self, frames: dict[str, StagedRows]) -> None:
        """A warning naming the inspections whose funds_recovered reads LARGE_FUNDS 万元 or more (a
        village's inspection recovers tens of 万元, not tens of millions): most likely yuan under a
        header that does not say （元）, ¥35,000 in a 万元 column. Imported as written all the same."""
        inspections = frames["inspections"]
        if inspections.empty:
            return
        rows = self.con.execute(f"""
            SELECT round, unit_name, funds_recovered FROM {inspections.table}
            WHERE funds_recovered >= {LARGE_FUNDS} ORDER BY funds_recovered DESC, round, unit_name
        """).fetchall()
        if rows:
            self.warnings.append(messages.large_funds(rows, LARGE_FUNDS))

    def _date_warnings(self, frames: dict[str, StagedRows]) -> None:
        """A warning naming the inspections that start after today or before EARLIEST_START (a typo of
        the year: 2032 for 2023, 1920 for 2020). Imported as written all the same: a planned
        inspection may start later, and the contract's dates run from 1990."""
        inspections = frames["inspections"]
        if inspections.empty:
            return
        rows = self.con.execute(f"""
            SELECT round, unit_name, start_date FROM {inspections.table}
            WHERE start_date > current_date OR start_date < DATE '{EARLIEST_START}'
            ORDER BY start_date, round, unit_name
        """).fetchall()
        if rows:
            self.warnings.append(messages.unlikely_start(rows, EARLIEST_START))

    def _load(self, plans: dict, added: int, replaced: int, skipped: int, unchanged: int = 0) -> int:
        """The write, in one transaction; a StoreError (nothing written, no original kept) when the
        store or the originals folder cannot take it."""
        try:
            return self._write(plans, added, replaced, skipped, unchanged)
        except duckdb.Error as exc:
            raise StoreError(key="err_import_write", reason=first_line(exc)) from exc
        except OSError as exc:  # the originals folder: a full disk, no permission
            raise StoreError(key="err_import_originals", reason=exc.strerror or first_line(exc)) from exc

    def _write(self, plans: dict, added: int, replaced: int, skipped: int, unchanged: int) -> int:
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
                if plan.unchanged:  # stated again as the store has them: kept by whoever wrote them (undo)
                    round_ = "round" if "round" in plan.keys else "NULL"
                    con.execute(f"INSERT INTO restated SELECT ?, '{table}', {round_}, unit_id "
                                f"FROM plan_{table} WHERE state = 'same'", [import_id])
            # the units whose rows changed: only theirs are rewritten in the materialised tables
            # (the (round, unit) pairs whose issue lists alone changed: only their issue rows)
            con.execute("CREATE OR REPLACE TEMP TABLE touched_units AS "
                        "SELECT unit_id FROM plan_roster WHERE state <> 'same' "
                        "UNION SELECT unit_id FROM plan_inspections WHERE state <> 'same'")
            con.execute("CREATE OR REPLACE TEMP TABLE touched_issue_units AS "
                        "SELECT round, unit_id FROM plan_issues WHERE state <> 'same'")
            if plans["roster"].added or plans["roster"].replaced:
                relink_units(con)
            renumbered = refresh_rounds(con)
            store.refresh_derived(con, "touched_units", "touched_issue_units", renumbered=renumbered)
            files = []
            for item in self.files:
                stored_as = self._keep_original(import_id, item, stored)
                files.append({"name": item.name, "sha256": item.sha256, "stored_as": stored_as,
                              "tables": self.file_tables.get(item.name, [])})
                if item.name in self.stated:  # 统计截至 in its title rows
                    files[-1]["stated_as_of"] = self.stated[item.name].isoformat()
            content_hash = hashlib.sha256("".join(sorted(f.sha256 for f in self.files)).encode()).hexdigest()
            snapshot = lake.commit_snapshot(con, f"import {import_id}", self.user)  # None: embedded file
            con.execute(
                "INSERT INTO imports (import_id, imported_at, imported_by, files, content_hash, added, replaced,"
                " skipped, unchanged, warnings, status, snapshot)"
                " VALUES (?, now()::TIMESTAMP, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?)",
                [import_id, self.user, json.dumps(files, ensure_ascii=False), content_hash, added, replaced,
                 skipped, unchanged, json.dumps(self.warnings, ensure_ascii=False), snapshot])
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
    for table in ("inspections", "issues", "restated"):
        con.execute(f"UPDATE {table} SET unit_id = r.new_id FROM relink r WHERE {table}.unit_id = r.old_id")
    # both ids' rows change in the materialised tables (the caller made touched_units)
    con.execute("INSERT INTO touched_units SELECT old_id FROM relink UNION SELECT new_id FROM relink")
    con.execute("DROP TABLE relink")


def refresh_rounds(con: duckdb.DuckDBPyConnection) -> bool:
    """Write the rounds again from the active inspections. Whether a round there before and after
    moved in their order (its rows in the materialised tables then take the new round_ord:
    store.refresh_derived's `renumbered`)."""
    before = dict(con.execute("SELECT round, ord FROM rounds").fetchall())
    con.execute("DELETE FROM rounds")
    con.execute("""
        INSERT INTO rounds
        SELECT round, min(start_date), max(coalesce(end_date, start_date)), year(min(start_date)),
               row_number() OVER (ORDER BY min(start_date), round)
        FROM inspections WHERE superseded_by IS NULL GROUP BY round
    """)
    return any(before.get(name, ord_) != ord_ for name, ord_ in con.execute("SELECT round, ord FROM rounds").fetchall())


def lake_notice(message: str) -> None:
    """Who holds the lake's writer lock, while this import or undo waits for it."""
    print(message, file=sys.stderr)


def undo(con: duckdb.DuckDBPyConnection, import_id: int, user: str) -> str:
    """Undo one import: delete its rows and revive what it superseded. Returns a message.
    ImportNotFound / ImportAlreadyUndone, or a StoreError when the store cannot take it (nothing changed)."""
    with lake.write_lock(con, user, notify=lake_notice):
        try:
            return _undo(con, import_id, user)
        except duckdb.Error as exc:
            raise StoreError(key="err_undo_write", import_id=import_id, reason=first_line(exc)) from exc


def first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _undo(con: duckdb.DuckDBPyConnection, import_id: int, user: str) -> str:
    row = con.execute("SELECT status FROM imports WHERE import_id = ?", [import_id]).fetchone()
    if row is None:
        raise ImportNotFound(import_id)
    if row[0] != "active":
        raise ImportAlreadyUndone(import_id)
    con.execute("BEGIN TRANSACTION")
    try:
        # the units whose rows are deleted or revived: only theirs are rewritten in the materialised tables
        con.execute("CREATE OR REPLACE TEMP TABLE touched_units AS " + " UNION ".join(
            f"SELECT unit_id FROM {table} WHERE import_id = $id OR superseded_by = $id"
            for table in ("roster", "inspections", "issues")), {"id": import_id})
        outside = _outside_roster(con)
        removed = restored = kept = 0
        for table, keys in (("roster", ["unit_id"]), ("inspections", ["round", "unit_id"]),
                            ("issues", ["round", "unit_id"])):
            kept += hand_on(con, table, keys, import_id)
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
        con.execute("DELETE FROM restated WHERE import_id = ?", [import_id])  # an undone import states nothing
        relink_units(con)
        renumbered = refresh_rounds(con)
        store.refresh_derived(con, "touched_units", renumbered=renumbered)
        lake.commit_snapshot(con, f"undo {import_id}", user)
        con.execute("UPDATE imports SET status = 'undone', undone_at = now()::TIMESTAMP, undone_by = ? "
                    "WHERE import_id = ?", [user, import_id])
        left_out = [n for n in _outside_roster(con) if n not in outside]
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    text = messages.undone(import_id, removed, restored, kept)
    if left_out:  # a roster undone under inspections of units only it listed (a new community)
        text += "；" + messages.inspected_outside_roster(len(left_out), left_out)
    return text


def _outside_roster(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The units (as the inspections name them) of standing inspections that no standing roster unit
    is, while there is a roster: their inspections count, in no unit's coverage."""
    return [n for (n,) in con.execute("""
        SELECT DISTINCT i.unit_name FROM inspections i
        WHERE i.superseded_by IS NULL AND EXISTS (SELECT 1 FROM roster WHERE superseded_by IS NULL)
          AND i.unit_id NOT IN (SELECT unit_id FROM roster WHERE superseded_by IS NULL)
        ORDER BY 1""").fetchall()]


def hand_on(con: duckdb.DuckDBPyConnection, table: str, keys: list[str], import_id: int) -> int:
    """Before undoing `import_id`: its rows of `table` that a later import still standing stated again
    unchanged (table restated) become that import's rows (the earliest such), so undo keeps them.
    A row was stated again only if it was the row in force then (not superseded before that later
    import). Returns how many rows were handed on."""
    match = " AND ".join(f"{table}.{k} = h.{k}" for k in keys)
    later = f"""(SELECT {', '.join(f'r.{k}' for k in keys)}, min(r.import_id) AS later
                  FROM restated r JOIN imports i ON i.import_id = r.import_id AND i.status = 'active'
                  WHERE r.tbl = '{table}' AND r.import_id > $id GROUP BY ALL) h"""
    where = (f"WHERE {match} AND {table}.import_id = $id "
             f"AND ({table}.superseded_by IS NULL OR {table}.superseded_by > h.later)")
    count = con.execute(f"SELECT count(*) FROM {table}, {later} {where}", {"id": import_id}).fetchone()[0]
    if count:
        con.execute(f"UPDATE {table} SET import_id = h.later FROM {later} {where}", {"id": import_id})
    return count


def list_imports(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute("""
        SELECT import_id, imported_at, imported_by, files, added, replaced, unchanged, skipped, status, undone_at
        FROM imports ORDER BY import_id DESC
    """).df()
