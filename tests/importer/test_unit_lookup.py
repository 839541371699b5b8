"""Unit resolution reads from the store only the units an import names (UnitIndex.load), with the
same outcome as an index of every stored unit: the same problems (reasons and suggestions), unit
ids, warnings and stored rows, through the row-at-a-time path and the vectorised CSV path. The problems and unit ids expected
here are what the importer gave before it looked units up this way."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path

import duckdb
import pytest
from support.ledgers import INSPECTION_HEADER, ROSTER_HEADER, csv_bytes, data_dump, memory_store, table

from inspection import importer, readers, settings, store
from inspection.importer import InputFile

CODED_ROSTER = [*ROSTER_HEADER, "对象编码"]
ISSUE_HEADER = ["轮次", "县区", "乡镇街道", "村(社区)", "对象编码", "问题类别", "二级类别", "问题描述", "整改状态",
                "整改时限", "整改完成时间"]
ROUND = "2022年第一轮"


def roster(rows, name="roster.csv") -> InputFile:
    """rows: (district, township, name, code)."""
    return InputFile(name, csv_bytes(table(CODED_ROSTER, [[d, t, n, "村", "否", "否", c] for d, t, n, c in rows])))


def inspections(units, name="inspections.csv", round_=ROUND) -> InputFile:
    """units: (district, township, name[, code])."""
    return InputFile(name, csv_bytes(table([*INSPECTION_HEADER, "对象编码"], [
        [round_, "县级", "一组", "常规", "2022-03-01", "2022-05-01", *u[:3], 2, "", "", "", (*u, "")[3]]
        for u in units])))


def issues(rows, name="issues.csv") -> InputFile:
    """rows: (round, district, township, name, code)."""
    return InputFile(name, csv_bytes(table(ISSUE_HEADER, [
        [r, d, t, n, c, "基层党组织建设", "组织生活", f"问题{k}", "整改中", "2022-08-01", ""]
        for k, (r, d, t, n, c) in enumerate(rows)])))


# a city of 3 districts x 4 townships x 5 villages, coded, each inspected in ROUND
UNITS = [(f"{d}区", f"{d}{t}镇", f"{d}{t}{v}村", f"C{d}{t}{v}") for d in "东西南" for t in "一二三四" for v in range(5)]
CITY = [roster(UNITS), inspections([u[:3] for u in UNITS])]


def eager_index(self, table_name, incoming):
    """The index as it was built before: every stored unit, then the incoming ones."""
    sql = ("SELECT unit_id, unit_code, district, township, unit_name FROM live_units" if table_name == "roster" else
           "SELECT DISTINCT unit_id, unit_code, district, township, unit_name FROM inspections "
           "WHERE superseded_by IS NULL")
    return importer.UnitIndex(self.con.execute(sql).fetchall() + incoming)


def eager_known(self, unit_ids):
    if not self._known_units:
        self.con.execute("INSERT INTO fast_known SELECT DISTINCT round, unit_id FROM inspections "
                         "WHERE superseded_by IS NULL EXCEPT SELECT round, unit_id FROM fast_known")
        self._known_units.add(None)


# the stores `setup` leaves, imported once per test process for each index (lazy, eager) and copied
# for every run that starts from them: the lazy and the fast runs import `setup` the same way (the
# row-at-a-time path, the lazy index), and several tests start from the same city
_SETUPS: dict[tuple, Path] = {}


def setup_store(monkeypatch, setup, eager: bool) -> duckdb.DuckDBPyConnection:
    """A store in memory holding what importing `setup` (step by step, the row-at-a-time path, with
    the index `eager` chooses, as patched by the caller) leaves: the first time imported, then a copy."""
    key = (eager, tuple(tuple((f.name, f.data) for f in step) for step in setup))
    if key not in _SETUPS:
        con = memory_store()
        try:
            for step in setup:
                monkeypatch.setattr(readers, "FAST_CSV_MIN_BYTES", 1 << 40)
                first = importer.import_files(con, step, "tester")
                assert first.status == "imported", first.problems[:3]
            folder = Path(tempfile.mkdtemp(prefix="unit-lookup-"))
            atexit.register(shutil.rmtree, folder, True)
            saved = folder / "setup.duckdb"
            con.execute(f"ATTACH '{saved}' AS saved")
            con.execute("COPY FROM DATABASE memory TO saved")
            con.execute("DETACH saved")
        finally:
            con.close()
        _SETUPS[key] = saved
    con = duckdb.connect(":memory:")
    con.execute(f"SET memory_limit = '{settings.get('INSPECTION_MEMORY_LIMIT')}'")
    con.execute(f"ATTACH '{_SETUPS[key]}' AS saved (READ_ONLY)")
    con.execute("COPY FROM DATABASE saved TO memory")
    con.execute("DETACH saved")
    store.migrate(con)  # as store.connect does (nothing to do: the views are applied)
    return con


def run(monkeypatch, setup, files, eager=False, fast=False):
    """Import `setup`, then `files`: (result, stored rows)."""
    if eager:
        monkeypatch.setattr(importer.Importer, "_unit_index", eager_index)
        monkeypatch.setattr(importer.Importer, "_load_known", eager_known)
    con = setup_store(monkeypatch, setup, eager)
    try:
        monkeypatch.setattr(readers, "FAST_CSV_MIN_BYTES", 0 if fast else 1 << 40)
        result = importer.import_files(con, files, "tester")
        temp = con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary AND (table_name LIKE '%lookup%' "
                           "OR table_name LIKE 'fast%')").fetchall()
        assert temp == [], temp  # lookup tables are dropped
        return result, data_dump(con)
    finally:
        con.close()
        monkeypatch.undo()


def outcome(result):
    return (result.status, result.added, result.replaced, result.skipped, result.warnings,
            [asdict(p) for p in result.problems])


def check(monkeypatch, setup, files, fast_too=True):
    """The lazy index gives what the eager one gives, through both paths; returns the result and rows."""
    lazy, lazy_rows = run(monkeypatch, setup, files)
    eager, eager_rows = run(monkeypatch, setup, files, eager=True)
    assert outcome(lazy) == outcome(eager)
    assert lazy_rows == eager_rows
    if fast_too:
        fast, fast_rows = run(monkeypatch, setup, files, fast=True)
        assert outcome(fast) == outcome(lazy)
        assert fast_rows == lazy_rows
    return lazy, lazy_rows


def issue_units(rows) -> list[str]:
    return sorted({r[1] for r in rows["issues"]})


def reasons(result) -> list[tuple]:
    return [(p.row, p.column, p.value, p.reason, p.suggestion) for p in result.problems]


def test_by_code_even_with_another_name(monkeypatch):
    result, rows = check(monkeypatch, [CITY], [issues([(ROUND, "东区", "东一镇", "别名村", "C东一0"),
                                                       (ROUND, "西区", "西二镇", "西二3村", "C西二3")])])
    assert result.status == "imported"
    assert issue_units(rows) == ["c:C东一0", "c:C西二3"]


def test_by_name_with_and_without_code(monkeypatch):
    # no code, and a code the roster does not have: both resolve by (district, township, name)
    result, rows = check(monkeypatch, [CITY], [issues([(ROUND, "南区", "南四镇", "南四4村", ""),
                                                       (ROUND, "东区", "东三镇", "东三2村", "NOPE")])])
    assert result.status == "imported"
    assert issue_units(rows) == ["c:C东三2", "c:C南四4"]


def test_unit_only_in_the_incoming_roster(monkeypatch):
    new = ("北区", "北一镇", "新建村", "")
    files = [roster([*UNITS, new]), inspections([new[:3]], name="i2.csv"),
             issues([(ROUND, *new[:3], ""), (ROUND, "东区", "东一镇", "东一1村", "")])]
    result, rows = check(monkeypatch, [CITY], files)
    assert result.status == "imported"
    assert issue_units(rows) == ["c:C东一1", "n:北区|北一镇|新建村"]


def test_typos_unknown_units_and_rounds(monkeypatch):
    files = [issues([
        (ROUND, "东区", "东一镇", "东一1屯", ""),      # a typo: suggestions from its district
        (ROUND, "西区", "不存在镇", "某某村", ""),      # unknown township
        (ROUND, "南市", "南二镇", "南二3村", ""),       # unknown district: every name is a candidate
        ("2030年第九轮", "东区", "东一镇", "东一1村", ""),  # a known unit without that round
        (ROUND, "东区", "东一镇", "东一2村", ""),       # fine
    ])]
    result, _ = check(monkeypatch, [CITY], files)
    assert result.status == "rejected"
    assert reasons(result) == [
        (2, "村(社区)", "东一1屯", "名册中没有这个村(社区)", "是否为：东一镇/东一1村、东一镇/东一4村、东一镇/东一3村"),
        (3, "村(社区)", "某某村", "名册中没有这个村(社区)", None),
        (4, "村(社区)", "南二3村", "名册中没有这个村(社区)",
         "名册中没有县区「南市」，是否为：南区；是否为：南二镇/南二3村、南二镇/南二4村、南二镇/南二2村"),
        (5, "轮次", "2030年第九轮", "该村(社区)在轮次「2030年第九轮」没有巡察记录", "请先导入巡察情况表，或与问题清单一起导入"),
    ]


def test_same_name_twice_needs_a_code(monkeypatch):
    twins = [("东区", "东一镇", "双胞村", "T1"), ("东区", "东一镇", "双胞村", "T2")]
    setup = [[roster([*UNITS, *twins]), inspections([twins[0], *UNITS])]]
    result, _ = check(monkeypatch, setup, [issues([(ROUND, "东区", "东一镇", "双胞村", "")])])
    assert reasons(result) == [(2, "村(社区)", "双胞村", "名册中有多个同名对象，请填写对象编码",
                                "是否为：东一镇/双胞村、东一镇/东一4村、东一镇/东一3村")]
    result, rows = check(monkeypatch, setup, [issues([(ROUND, "东区", "东一镇", "双胞村", "T1")])])
    assert issue_units(rows) == ["c:T1"]


def test_a_renamed_unit(monkeypatch):
    renamed = [u if u[3] != "C东一0" else ("东区", "东一镇", "新名村", "C东一0") for u in UNITS]
    setup = [CITY, [roster(renamed, name="roster_v2.csv")]]
    result, rows = check(monkeypatch, setup, [issues([(ROUND, "东区", "东一镇", "东一0村", "C东一0")])])
    assert issue_units(rows) == ["c:C东一0"]
    result, _ = check(monkeypatch, setup, [issues([(ROUND, "东区", "东一镇", "东一0村", "")])])
    assert reasons(result) == [(2, "村(社区)", "东一0村", "名册中没有这个村(社区)",
                                "是否为：东一镇/东一4村、东一镇/东一3村、东一镇/东一2村")]


def test_inspections_relinked_to_a_later_roster(monkeypatch):
    # inspected before the roster (ids by name), then the roster: the issues go to the roster's ids
    setup = [[inspections([u[:3] for u in UNITS])], [roster(UNITS)]]
    result, rows = check(monkeypatch, setup, [issues([(ROUND, "西区", "西四镇", "西四4村", ""),
                                                      (ROUND, "西区", "西四镇", "别名", "C西四1")])])
    assert result.status == "imported"
    assert issue_units(rows) == ["c:C西四1", "c:C西四4"]


def test_incoming_roster_codes_a_stored_unit(monkeypatch):
    # the stored unit has no code; the incoming roster lists it with one: two ids of that name
    plain = [(d, t, n, "") for d, t, n, _ in UNITS]
    setup = [[roster(plain), inspections([u[:3] for u in UNITS])]]
    coded = [roster([("东区", "东一镇", "东一0村", "NEW0")], name="r2.csv"),
             inspections([("东区", "东一镇", "东一0村")], name="i2.csv", round_="2023年第一轮")]
    result, _ = check(monkeypatch, setup, coded, fast_too=False)
    assert reasons(result) == [(2, "村(社区)", "东一0村", "名册中有多个同名对象，请填写对象编码",
                                "是否为：东一镇/东一0村、东一镇/东一4村、东一镇/东一3村")]


def test_no_roster_issues_resolve_through_inspections(monkeypatch):
    units = [u[:3] for u in UNITS]
    files = [issues([(ROUND, *units[0], ""), (ROUND, "东区", "东一镇", "东一0屯", ""),
                     (ROUND, "北区", "北一镇", "北一1村", "")])]
    result, _ = check(monkeypatch, [[inspections(units)]], files)
    assert reasons(result) == [
        (3, "村(社区)", "东一0屯", "没有这个村(社区)的巡察记录", "是否为：东一镇/东一0村、东一镇/东一4村、东一镇/东一3村"),
        (4, "村(社区)", "北一1村", "没有这个村(社区)的巡察记录",
         "名册中没有县区「北区」，是否为：西区、南区、东区；是否为：西一镇/西一1村、南一镇/南一1村、东一镇/东一1村"),
    ]
    # inspections stored and in the same import
    more = [("北区", "北一镇", "北一1村")]
    result, rows = check(monkeypatch, [[inspections(units)]],
                         [inspections(more, name="i2.csv"), issues([(ROUND, *more[0], ""), (ROUND, *units[3], "")])])
    assert result.status == "imported"
    assert issue_units(rows) == ["n:东区|东一镇|东一3村", "n:北区|北一镇|北一1村"]


def test_two_issue_files_number_on(monkeypatch):
    one = issues([(ROUND, "东区", "东一镇", "东一0村", "")] * 2, name="a.csv")
    two = issues([(ROUND, "东区", "东一镇", "东一0村", ""), (ROUND, "南区", "南一镇", "南一1村", "")], name="b.csv")
    result, rows = check(monkeypatch, [CITY], [one, two])
    assert result.status == "imported"
    assert sorted((r[1], r[2]) for r in rows["issues"]) == [("c:C东一0", 1), ("c:C东一0", 2), ("c:C东一0", 3),
                                                           ("c:C南一1", 1)]


def test_reads_only_the_units_named(monkeypatch):
    """A big roster and an issue list naming two units: the lookups read a few units, not the roster."""
    big = [(f"区{d}", f"镇{t}", f"村{v}", f"B{d}-{t}-{v}") for d in range(20) for t in range(10) for v in range(10)]
    read: list[int] = []
    real = importer.UnitIndex._read

    def spy(self, join=""):
        rows = real(self, join)
        read.append(len(rows))
        return rows

    monkeypatch.setattr(importer.UnitIndex, "_read", spy)
    for fast in (False, True):
        read.clear()
        con = memory_store()
        try:
            monkeypatch.setattr(readers, "FAST_CSV_MIN_BYTES", 1 << 40)
            assert importer.import_files(con, [roster(big), inspections([u[:3] for u in big])],
                                         "tester").status == "imported"
            read.clear()
            monkeypatch.setattr(readers, "FAST_CSV_MIN_BYTES", 0 if fast else 1 << 40)
            result = importer.import_files(con, [issues([(ROUND, "区1", "镇2", "村3", ""),
                                                         (ROUND, "区5", "镇5", "x", "B5-5-5")])], "tester")
            assert result.status == "imported"
            assert sum(read) == 2
        finally:
            con.close()


@pytest.mark.parametrize("fast", [False, True])
def test_typo_reads_its_district_only(monkeypatch, fast):
    big = [(f"区{d}", f"镇{t}", f"村{v}", f"B{d}-{t}-{v}") for d in range(20) for t in range(10) for v in range(10)]
    read: list[str] = []
    real = importer.UnitIndex._read
    monkeypatch.setattr(importer.UnitIndex, "_read", lambda self, join="": read.append(join) or real(self, join))
    con = memory_store()
    try:
        monkeypatch.setattr(readers, "FAST_CSV_MIN_BYTES", 1 << 40)
        importer.import_files(con, [roster(big), inspections([u[:3] for u in big])], "tester")
        read.clear()
        monkeypatch.setattr(readers, "FAST_CSV_MIN_BYTES", 0 if fast else 1 << 40)
        result = importer.import_files(con, [issues([(ROUND, "区1", "镇2", "村3X", "")])], "tester")
        (problem,) = result.problems
        assert problem.suggestion == "是否为：镇2/村3、镇9/村3、镇8/村3"
        assert "" not in read  # never the whole roster
        assert any("district" in j for j in read)
    finally:
        con.close()
