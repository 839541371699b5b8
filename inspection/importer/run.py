"""read -> recognise -> parse -> validate -> load, all or nothing.

One code path for the command line and the upload page: `import_files(con, files, user)`.
Every problem of an import is collected before anything is written; with any problem the
store is not touched. A loaded import supersedes the rows of the same (round, unit) (or the
same roster unit) and records itself in `imports`, so it can be undone.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

import duckdb

from .. import cells, contract, lake, layout, mappings, readers
from ..errors import StoreError
from . import messages
from .load import Loader, first_line, lake_notice
from .model import MAX_PROBLEMS, ImportResult, InputFile, Problem, Record, StagedSheet
from .parse_csv import CsvPath
from .parse_rows import _parse_sheet
from .recognise import _classify, _rows_looked_at
from .units import refers_to
from .validate import Validator


class Importer(CsvPath, Validator, Loader):
    def __init__(self, con: duckdb.DuckDBPyConnection, files: list[InputFile], user: str,
                 originals_dir: Path | None, limits: readers.Limits | None = None):
        self.con = con
        self.files = files
        self.user = user
        self.originals_dir = originals_dir
        self.limits = limits or readers.Limits()
        self.progress: Progress = _no_progress
        self._temp: list[str] = []  # TEMP tables of the vectorised CSV path, dropped after the run
        self._known_units: set[str] = set()  # units whose stored inspections are in TEMP table fast_known
        self.applied = mappings.Applied.of(con)  # the store's mappings of headers and values
        self.applied.roster = con is not None and con.execute("SELECT EXISTS (SELECT 1 FROM live_units)").fetchone()[0]
        self._reset_parse()

    def _reset_parse(self) -> None:
        """What reading the files finds: empty before the first reading and before reading again."""
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.skipped = 0
        self.file_tables: dict[str, list[str]] = defaultdict(list)
        self.stated: dict[str, dt.date] = {}  # file name -> the 统计截至 date its title rows state
        self.applied.unrecognised.clear()

    # read and parse every file; returns the records per table
    def parse(self) -> dict[str, list[Record]]:
        by_table: dict[str, list[Record]] = {t: [] for t in contract.APPLY_ORDER}
        seen_hashes: dict[str, str] = {}
        for number, item in enumerate(self.files, 1):
            if number > 1:
                self.progress("rows", {"rows": self._rows_read(by_table)})
            self.progress("read", {"file": number, "files": len(self.files), "name": item.name})
            if item.sha256 in seen_hashes:
                self.warnings.append(messages.same_content(item.name, seen_hashes[item.sha256]))
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
            recognised, found_headers, unread = 0, [], 0
            aside, read = [], defaultdict(list)  # example and statistics sheets; the sheets read, by table
            sheet_records: list[tuple[str, str, list[Record]]] = []  # (table, sheet, records) of each sheet read
            for raw in sheets:
                # a workbook's sheet may be left out once its other sheets are read: its problems wait
                problems, warnings = ([], []) if raw.name else (self.problems, self.warnings)
                parsed, headers = _parse_sheet(item.name, raw, problems, warnings, self.applied)
                if parsed is not None and raw.name and (parsed.statistics or layout.is_example_sheet(raw.name)):
                    aside.append((parsed, problems, warnings))
                    continue
                if parsed is not None and raw.hidden and parsed.records:
                    # a whole table on a hidden sheet (an old copy, last round's rows kept out of sight): the
                    # clerk sees no such sheet, and hiding a sheet is how a workbook leaves one out
                    self.warnings.append(messages.hidden_table_left_out(messages.where(item.name, raw.name),
                                                                        parsed.table.label, len(parsed.records)))
                    self.applied.unrecognised.pop((item.name, raw.name), None)  # no column of it to map
                    found_headers.append(messages.hidden_table_found(raw.name, parsed.table.label))
                    continue
                if raw.name:
                    self.problems.extend(problems)
                    self.warnings.extend(warnings)
                if parsed is None:
                    # a hidden sheet has a warning of its own; a blank one needs none
                    unread += not raw.hidden and any(not cells.is_blank(c) for r in raw.rows[:12] for c in r)
                    sheet = raw.name or "CSV"
                    if headers and layout.find_header(raw.rows, self.applied.all_headers):
                        found_headers.append(messages.headers_found(sheet, headers))
                    elif (low := self._header_below_titles(raw.rows)) is not None:
                        found_headers.append(messages.header_too_low(sheet, low + 1, contract.MAX_TITLE_ROWS))
                    elif (column := self._header_down_a_column(raw.rows)) is not None:
                        found_headers.append(messages.header_down_a_column(sheet, column + 1))
                    elif looked := _rows_looked_at(raw.rows):
                        found_headers.append(messages.no_header_in(sheet, looked))
                    continue
                recognised += 1
                read[parsed.table.name].append(raw.name)
                if raw.name and parsed.records:
                    sheet_records.append((parsed.table.name, raw.name, parsed.records))
                if (header := layout.find_header(raw.rows, self.applied.all_headers)) is not None:
                    self._note_stated(item.name, raw.rows[:header[0]])
                self.skipped += parsed.skipped
                self.file_tables[item.name].append(parsed.table.name)
                by_table[parsed.table.name].extend(parsed.records)
            for table_name, records in self._copies(item.name, sheet_records):
                dropped = {id(r) for r in records}
                by_table[table_name] = [r for r in by_table[table_name] if id(r) not in dropped]
            recognised += self._set_aside(item.name, aside, read)
            if not recognised:
                self.problems.append(Problem(
                    item.name, None, None, None, None,
                    messages.NO_HEADER, "；".join(found_headers) if found_headers else messages.EMPTY_SHEETS))
            elif unread:
                self.warnings.append(messages.sheets_ignored(item.name, unread))
        return by_table

    def _copies(self, file: str, sheets: list[tuple[str, str, list[Record]]]) -> list[tuple[str, list[Record]]]:
        """The sheets of a workbook whose every record is also, value for value, on another sheet of its
        table (a 汇总 sheet holding the rows of one sheet per township or per round, a copy of a sheet):
        a copy, read once, from the sheet holding more records (the first of two equal ones), with a
        warning. The round may be written another way (a sheet named 第一轮 beside a 汇总 whose column says
        2021年第一轮: read as two rounds, every inspection counted twice). Records that differ in any other
        value keep the duplicate refusal naming both rows; an issue list's identical rows on one sheet
        stay two issues. Returns (table, records) of the copies."""
        tables = Counter(table_name for table_name, _ in {(t, sheet) for t, sheet, _ in sheets})
        sheets = [entry for entry in sheets if tables[entry[0]] > 1]  # one sheet of a table has no copy
        found: dict[tuple[str, str], Counter] = {}
        rounds: dict[tuple[str, str], dict[str, set[str]]] = {}  # the round keys written for each record key
        for table_name, sheet, records in sheets:
            counts = found.setdefault((table_name, sheet), Counter())  # a wide ledger's rounds: one sheet
            written = rounds.setdefault((table_name, sheet), defaultdict(set))
            for record in records:
                key = repr(sorted((k, v) for k, v in record.values.items() if k != "round"))
                counts[key] += 1
                written[key].add(layout.round_key(str(record.values.get("round", ""))))
        copies, order = [], list(found)
        for index, (table_name, sheet) in enumerate(order):
            counts = found[(table_name, sheet)]
            size = counts.total()
            holder = next((other for position, (name, other) in enumerate(order)
                           if name == table_name and other != sheet and not counts - found[(name, other)]
                           and (found[(name, other)].total() > size or position < index)
                           and _same_rounds(rounds[(table_name, sheet)], rounds[(name, other)])), None)
            if holder is None:
                continue
            self.warnings.append(messages.sheet_copied(messages.where(file, sheet), holder, size))
            copies += [(table_name, records) for name, other, records in sheets if (name, other) == (table_name, sheet)]
        return copies

    def _header_down_a_column(self, rows: list[list[object]], limit: int = 200) -> int | None:
        """The column (0-based) of a table written across (fields down a column, a record per column,
        as a form per unit is laid out): its header is found in the sheet turned on its side. Named,
        not read: a sheet listing a template's fields down a column (填表说明) looks the same."""
        if not rows:
            return None
        turned = [list(column) for column in itertools.zip_longest(*rows[:limit], fillvalue=None)]
        found = layout.find_header(turned, self.applied.all_headers)
        if not found or _classify(found[1], self.applied.index) is None:
            return None
        return found[0]

    def _header_below_titles(self, rows: list[list[object]], search: int = 60) -> int | None:
        """The index of a header further down than the title rows a sheet may have (a form with a block of
        instructions above its table), within the first `search` rows, or None: for the refusal's words."""
        window = contract.MAX_TITLE_ROWS + 1
        for start in range(window, min(len(rows), search), window):
            if (found := layout.find_header(rows[start:start + window + layout.MAX_HEADER_ROWS],
                                            self.applied.all_headers)) is not None:
                return start + found[0]
        return None

    def _set_aside(self, file: str, aside: list[tuple], read: dict[str, list[str]]) -> int:
        """Decide the example and statistics sheets of a workbook once its other sheets are read. An
        example sheet (填写示例) is left out when another sheet holds its table, else refused naming it
        (a sample row is never a record); a statistics sheet (统计, a pivot table: no unit column) is
        left out when another sheet was read, else refused for its missing columns as before. A warning
        names the sheets read. Returns the number of sheets refused (they count as recognised)."""
        refused = 0
        for parsed, problems, warnings in aside:
            place = messages.where(file, parsed.sheet)
            others = [s for names in read.values() for s in names] if parsed.statistics else read[parsed.table.name]
            if others:
                self.warnings.append(messages.statistics_sheet_left_out(place, others, parsed.document) if parsed.statistics
                                     else messages.example_sheet_left_out(place, others))
                self.applied.unrecognised.pop((file, parsed.sheet), None)  # no column of it to map
                continue
            if parsed.statistics:
                self.problems.extend(problems)
                self.warnings.extend(warnings)
            else:
                self.problems.append(Problem(file, parsed.sheet, None, None, None,
                                             messages.example_sheet_only(parsed.table.label),
                                             messages.EXAMPLE_SHEET_HINT))
            self.file_tables[file].append(parsed.table.name)
            refused += 1
        return refused

    def _note_stated(self, name: str, title_rows: list[list[object]]) -> None:
        """Keep the latest 统计截至 date a file's title rows state (the store's 数据截至, queries/data_as_of.sql)."""
        day = layout.stated_as_of(title_rows)
        if day is not None and (name not in self.stated or day > self.stated[name]):
            self.stated[name] = day

    def _place_from_upload_roster(self, by_table: dict[str, list]) -> bool:
        """Whether a ledger was refused for its missing district or township column while the store
        holds no roster and this upload brings one (a clerk drops the roster and the ledger together): the
        place can come from that roster, as from a stored one (recognise, validate)."""
        return (not self.applied.roster and any(not isinstance(e, StagedSheet) or e.rows for e in by_table["roster"])
                and any(p.unknown is not None and p.unknown.kind == "header" and p.unknown.table != "roster"
                        and {"district", "township"} & set(p.unknown.fields) for p in self.problems))

    def _parse_again(self) -> dict[str, list]:
        """Every file read again, as if the store held the roster this upload brings."""
        self._reset_parse()
        self.applied.roster = True
        return self.parse()

    @staticmethod
    def _rows_read(by_table: dict[str, list]) -> int:
        return sum(e.rows if isinstance(e, StagedSheet) else 1 for entries in by_table.values() for e in entries)

    def run(self) -> ImportResult:
        try:
            return self._run()
        finally:
            for table in self._temp:
                self.con.execute(f"DROP TABLE IF EXISTS {table}")

    def _run(self) -> ImportResult:
        by_table = self.parse()
        if self._place_from_upload_roster(by_table):
            by_table = self._parse_again()
        # the tables with rows that could not be read: rows that refer to them are not checked against
        # them (their units or inspections may be on those rows); every other check runs on every row
        unread = {t for f, ts in self.file_tables.items() for t in ts
                  if any(p.file == f for p in self.problems)} | (
            set(contract.APPLY_ORDER) if any(p.file not in self.file_tables for p in self.problems) else set())
        parse_problems = len(self.problems)
        if not self.problems:
            # a blank template (a header, a 合计 row of zeros, a 填表人 line) holds no record: never
            # "already imported", nor imported beside the other files as if it had been read, which
            # would hide that the filled-in ledger was not the file chosen
            with_rows = {e.file for entries in by_table.values() for e in entries
                         if not isinstance(e, StagedSheet) or e.rows}
            empty = [f.name for f in self.files if f.name in self.file_tables and f.name not in with_rows]
            if empty or not self._rows_read(by_table):
                for name in empty or [", ".join(f.name for f in self.files)]:
                    self.problems.append(Problem(name, None, None, None, None, messages.NO_DATA_ROWS,
                                                 messages.NO_RECORD_HINT))
                return self._rejected()
        rows = self._rows_read(by_table)
        self.progress("rows", {"rows": rows})
        self.progress("check", {"rows": rows})
        frames = self.validate(by_table)
        if unread:
            self.problems[parse_problems:] = [p for p in self.problems[parse_problems:]
                                              if not refers_to(p, unread)]
        if self.problems:
            return self._rejected()

        plans = {t: self.diff(t, frames[t]) for t in contract.APPLY_ORDER}
        added = sum(p.added for p in plans.values())
        replaced = sum(p.replaced for p in plans.values())
        unchanged = sum(p.unchanged for p in plans.values())
        self._count_warnings(frames)
        self._several_in_one_warning(frames)
        self._roster_kept_warning()
        self._left_out_warning()
        if added == 0 and replaced == 0:
            self.warnings.insert(0, messages.ALREADY_IMPORTED)
            return ImportResult("unchanged", 0, 0, self.skipped, [], self.warnings, mappings=self.applied.used_list(),
                                unchanged=unchanged)
        self._changed_count_warnings(plans)
        self._level_changed_warning(plans)
        self._amount_warnings(frames)
        self._date_warnings(frames)
        self._parts_over_whole_warning(frames)
        self._twin_rows_warning(frames)
        self._round_spelling_warnings()
        self._place_spelling_warnings()
        self._outside_roster_warning()
        changes = self.changes(plans)
        self.progress("write", {"rows": added + replaced})
        import_id = self._load(plans, added, replaced, self.skipped, unchanged)
        return ImportResult("imported", added, replaced, self.skipped, [], self.warnings, import_id,
                            {t: len(frames[t]) for t in contract.APPLY_ORDER}, self.applied.used_list(),
                            unchanged=unchanged, changes=changes)

    def _rejected(self) -> ImportResult:
        self.problems.sort(key=lambda p: (p.file, p.sheet or "", p.row or 0))
        questions = mappings.questions(self.problems, self.applied)  # counts every row, before the cut
        if len(self.problems) > MAX_PROBLEMS:
            extra = len(self.problems) - MAX_PROBLEMS
            self.problems = self.problems[:MAX_PROBLEMS]
            self.warnings.append(messages.more_problems(extra))
        return ImportResult("rejected", problems=self.problems, warnings=self.warnings, skipped=self.skipped,
                            mappings=self.applied.used_list(), questions=questions)


def import_files(con: duckdb.DuckDBPyConnection, files: list[InputFile], user: str,
                 originals_dir: Path | None = None, limits: readers.Limits | None = None,
                 progress: Progress | None = None) -> ImportResult:
    """`progress(stage, info)` is told what the import is doing (see `Progress`); it must not raise.
    A StoreError (nothing changed) when the store cannot check or take the rows (duckdb.Error)."""
    # on a DuckLake: one writer at a time (a second one waits); nothing to do for the embedded file
    with lake.write_lock(con, user, notify=lake_notice):
        importer = Importer(con, files, user, originals_dir, limits)
        importer.progress = progress or _no_progress
        try:
            return importer.run()
        except duckdb.Error as exc:  # e.g. out of memory while checking: the load's own are StoreErrors already
            raise StoreError(key="err_import_write", reason=first_line(exc)) from exc


Progress = Callable[[str, dict], None]
"""Stages: ("read", {"file": k, "files": n, "name": name}) before each file; ("rows", {"rows": n})
after each, the data rows read so far; ("check", {"rows": n}) before the rows are checked against each
other and the store; ("write", {"rows": n}) before the store is written."""

def _no_progress(stage: str, info: dict) -> None:
    return None


def _same_rounds(part: dict[str, set[str]], whole: dict[str, set[str]]) -> bool:
    """Each record of `part` has its round in `whole` too, by the rule the round-spelling warning
    uses (layout.same_round: 第一轮 and 2021年第一轮; 2021年第一轮 and 2021年第二轮 are two rounds)."""
    return all(any(layout.same_round(a, b) for b in whole[key]) for key, keys in part.items() for a in keys)
