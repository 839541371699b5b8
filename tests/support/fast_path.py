"""What the fast-path tests share (tests/importer/test_import_fast*.py, test_real_files): a small
city's ledgers, an issue list with every kind of messy cell, CSVs made irregular, and run_both, which
imports the same files with the vectorised CSV path forced on and off and requires the same result."""

from __future__ import annotations

import csv
import io
from dataclasses import asdict

from inspection import importer, readers
from inspection.importer import InputFile
from support.ledgers import INSPECTION_HEADER, ROSTER_HEADER, csv_bytes, data_dump, memory_store, table

ISSUE_HEADER = ["轮次", "县区", "乡镇街道", "村(社区)", "对象编码", "问题类别", "二级类别", "问题描述", "整改状态",
                "整改时限", "整改完成时间"]


def city(units: int = 30):
    """A roster and one round of inspections of `units` villages."""
    roster, inspections = [], []
    for u in range(units):
        district, township, name = f"第{u % 3}区", f"第{u % 5}镇", f"新{u}村"
        roster.append([district, township, name, "村", "是" if u % 4 == 0 else "否", "否"])
        inspections.append(["2022年第一轮", "市级" if u % 3 == 0 else "县级", f"第{u % 4}组", "常规",
                            "2022-03-01", "2022-05-15", district, township, name, 3, 1, 0, 1])
    return (InputFile("roster.csv", csv_bytes(table(ROSTER_HEADER, roster))),
            InputFile("inspections.csv", csv_bytes(table(INSPECTION_HEADER, inspections))))


def issue_rows(units: int = 30, per_unit: int = 6) -> list[list[object]]:
    statuses = ["已整改", "整改中", "未整改", "已销号", "", " 完成 ", "推进中"]
    descriptions = ["会议记录不全", "资金 管理不规范", "  前后有空格  ", "全角，标点（括号）", "ｆｕｌｌ　ｗｉｄｔｈ", "",
                    "含\"引号\"和,逗号", "１２３", "…省略号", "正常描述ABC-123"]
    rows = []
    for u in range(units):
        district, township, name = f"第{u % 3}区", f"第{u % 5}镇", f"新{u}村"
        if u % 7 == 0:
            name += "党支部"  # the same unit
        if u % 11 == 0:
            name = f" {name}　"  # spaces and a full-width space around it
        for k in range(per_unit):
            rows.append(["2022年第一轮", district, township, name, "", f"类别{(u + k) % 4}", f"子类{k % 3}",
                         descriptions[(u * 3 + k) % len(descriptions)] + (str(u * 100 + k) if k % 2 else ""),
                         statuses[(u + k) % len(statuses)], ["2022-08-01", "2022/9/1", "2022年10月", "20221115",
                                                             "２０２２－１２－０１", ""][k % 6],
                         "2022-07-01" if k % 3 == 0 else ""])
    return rows


def run_both(monkeypatch, setup: list[InputFile], files: list[InputFile], expect_fast: bool = True):
    """Import `setup` (through the Python path) then `files` with the fast path on and off."""
    outcome = []
    for fast in (True, False):
        monkeypatch.setattr(readers, "FAST_CSV_MIN_BYTES", 0 if fast else 1 << 40)
        used = []
        real = importer.Importer._parse_fast

        def spy(self, item, number, real=real, used=used):
            result = real(self, item, number)
            used.append(result is not None)
            return result

        monkeypatch.setattr(importer.Importer, "_parse_fast", spy)
        con = memory_store()
        try:
            if setup:
                monkeypatch.setattr(readers, "FAST_CSV_MIN_BYTES", 1 << 40)
                first = importer.import_files(con, setup, "tester")
                assert first.status == "imported", first.problems[:3]
                monkeypatch.setattr(readers, "FAST_CSV_MIN_BYTES", 0 if fast else 1 << 40)
                used.clear()
            result = importer.import_files(con, files, "tester")
            again = importer.import_files(con, files, "tester")
            temp = con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary "
                               "AND table_name LIKE 'fast%'").fetchall()
            outcome.append((result, again, data_dump(con), any(used), temp))
        finally:
            con.close()
    (fast, fast_again, fast_data, fast_used, fast_temp), (slow, slow_again, slow_data, slow_used, _) = outcome
    assert not slow_used
    assert fast_used == expect_fast
    assert fast_temp == []  # the path's TEMP tables are dropped after the import
    for a, b in ((fast, slow), (fast_again, slow_again)):
        assert [asdict(p) for p in a.problems] == [asdict(p) for p in b.problems]
        assert a.warnings == b.warnings
        assert (a.status, a.added, a.replaced, a.skipped, a.tables) == (b.status, b.added, b.replaced, b.skipped,
                                                                         b.tables)
    assert fast_data == slow_data
    return fast, fast_data


def spoiled_csv(header, rows, spoil: str, text_column: int) -> bytes:
    """header + rows as CSV made irregular in one of the ways that keep a file off the vectorised
    path (a line break inside a quoted cell goes into `text_column`)."""
    rows = [list(r) for r in rows]
    if spoil == "quoted line break":
        rows[3][text_column] = "第一行\n第二行"
    if spoil == "long row":
        rows[40].append("多出的一列")
    data = csv_bytes(table(header, rows), "gbk" if spoil == "gbk" else "utf-8")
    if spoil == "tab separated":
        out = io.StringIO(newline="")
        csv.writer(out, delimiter="\t").writerows(table(header, rows))
        data = out.getvalue().encode()
    if spoil == "blank line":
        data = data.replace(b"\r\n", b"\r\n\r\n", 3)
    if spoil == "space by quote":
        data = data.replace(b',"', b', "', 1)
    return data
