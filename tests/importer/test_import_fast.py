"""The vectorised CSV path (DuckDB read_csv + converters per distinct value) against the Python path.

Every test imports the same files twice, once with the fast path forced on (any size qualifies)
and once with it off, and requires the same result: status, counts, problems (file, row, column,
value, reason, suggestion, in order), warnings and stored rows.
"""

from __future__ import annotations

import csv
import io
import random
import unicodedata

import pytest
from support.fast_path import ISSUE_HEADER, city, issue_rows, run_both, spoiled_csv
from support.ledgers import (
    ROSTER_HEADER,
    csv_bytes,
    inspections_csv,
    issues_csv,
    memory_store,
    roster_csv,
    table,
)

from inspection import cells, importer, readers
from inspection.importer import InputFile


def issue_file(rows, name="issues.csv", titles=(), encoding="utf-8-sig", header=None) -> InputFile:
    return InputFile(name, csv_bytes(table(header or ISSUE_HEADER, rows, titles), encoding))


def test_clean_issue_list_same_rows(monkeypatch):
    result, data = run_both(monkeypatch, list(city()), [issue_file(issue_rows())])
    assert result.status == "imported" and result.added == 180
    assert len(data["issues"]) == 180
    seqs = sorted(r[2] for r in data["issues"] if r[1] == "n:第0区|第0镇|新0村")
    assert seqs == [1, 2, 3, 4, 5, 6]


def test_title_rows_summary_and_blank_rows(monkeypatch):
    rows = issue_rows()
    rows.insert(5, ["", "", "", "", "", "", "", "", "", "", ""])  # a row of empty cells: skipped silently
    rows.insert(9, ["合计", "", "", "", "", "", "", "", "", "", ""])
    rows.insert(12, ["  小计", "", "", "", "", "", "", "", "", "", ""])
    rows.insert(20, ["", "第0区", "第0镇", "新0村", "", "类别1", "", "", "", "", ""])  # no round: a problem
    rows.append(["注：本表由县委巡察办填报"])
    rows.append(["说明", "以上数据截至年底"])
    titles = [["XX市巡察问题清单"], ["填报单位：XX县委巡察办", "", "", "填报日期：2022年12月"]]
    result, _ = run_both(monkeypatch, list(city()), [issue_file(rows, titles=titles)])
    assert result.status == "rejected"
    assert [(p.row, p.column, p.reason) for p in result.problems] == [(24, "轮次", "必填项为空")]
    rows.pop(20)
    result, _ = run_both(monkeypatch, list(city()), [issue_file(rows, titles=titles)])
    assert result.status == "imported" and result.skipped == 4


def test_bad_rows_same_problems(monkeypatch):
    rows = [[*row, ""] for row in issue_rows()]  # a column the contract does not know: ignored
    header = [*ISSUE_HEADER, "填报人"]
    rows[3][9] = "2022-13-01"  # no such month
    rows[4][8] = "大概好了"  # unknown status
    rows[5][5] = ""  # required category blank
    rows[6][9] = "明年"  # not a date
    rows[6][10] = "1899-01-01"  # out of range: two problems in one row
    rows[7][3] = "新999村"  # not in the roster
    rows[8][1] = "第9区"  # unknown district
    rows[9][0] = "2023年第一轮"  # no inspection in that round
    rows.append(["", "", "", "", "", "", "", "", "", "", "", "只有这一列有内容"])  # data in an unknown column
    result, _ = run_both(monkeypatch, list(city()), [issue_file(rows, header=header)])
    assert result.status == "rejected"
    reasons = [(p.row, p.column, p.reason) for p in result.problems]
    assert (5, "整改时限", "不是有效日期（月份或日期超出范围）") in reasons
    assert any(r[0] == len(rows) + 1 and r[2] == "必填项为空" for r in reasons)
    # cell problems stop the import before units are checked; without them, unit problems show
    for i, col, good in ((3, 9, "2022-08-01"), (4, 8, "已整改"), (5, 5, "类别1"), (6, 9, ""), (6, 10, "")):
        rows[i][col] = good
    rows.pop()
    result, _ = run_both(monkeypatch, list(city()), [issue_file(rows, header=header)])
    assert [(p.row, p.column, p.value) for p in result.problems] == [
        (9, "村(社区)", "新999村"), (10, "村(社区)", "新1村"), (11, "轮次", "2023年第一轮")]
    assert result.problems[1].suggestion and "第9区" in result.problems[1].suggestion


def test_many_problems_truncated_the_same(monkeypatch):
    rows = issue_rows(30, 200)
    for row in rows:
        row[9] = "不是日期"
    result, _ = run_both(monkeypatch, list(city()), [issue_file(rows)])
    assert len(result.problems) == importer.MAX_PROBLEMS
    assert result.warnings[-1] == f"另有 {len(rows) - importer.MAX_PROBLEMS} 个问题未列出"


@pytest.mark.parametrize("order", ["gbk first", "gbk last", "two fast files"])
def test_with_inspections_in_the_same_import_and_a_second_issue_file(monkeypatch, order):
    """Issues of one (round, unit) spread over two files (fast and GBK, or both fast): seq runs on."""
    roster, inspections = city()
    rows = issue_rows()
    more = issue_file(rows[:10], name="more.csv", encoding="utf-8" if order == "two fast files" else "gbk")
    files = [inspections, issue_file(rows), more] if order != "gbk first" else [more, inspections, issue_file(rows)]
    result, data = run_both(monkeypatch, [roster], files)
    assert result.status == "imported"
    seqs = sorted(r[2] for r in data["issues"] if r[1] == "n:第0区|第0镇|新0村")
    assert seqs == list(range(1, 13))
    assert any("不一致" in w for w in result.warnings)


def test_no_roster_units_from_inspections(monkeypatch):
    _, inspections = city()
    rows = issue_rows()
    result, _ = run_both(monkeypatch, [inspections], [issue_file(rows)])
    assert result.status == "imported"
    rows[2][2] = "第9镇"
    result, _ = run_both(monkeypatch, [inspections], [issue_file(rows)])
    assert result.problems[0].reason == "没有这个村(社区)的巡察记录"


def test_corrected_file_replaces(monkeypatch):
    rows = issue_rows()
    roster, inspections = city()
    setup = [roster, inspections, issue_file(rows)]
    rows[0][8] = "已整改"
    rows = rows[:-3]
    result, _ = run_both(monkeypatch, setup, [issue_file(rows, name="issues_v2.csv")])
    assert result.status == "imported" and result.replaced > 0


def test_unit_codes(monkeypatch):
    roster_rows = [["东区", "一镇", f"村{u}", "村", "否", "否", f"C{u:03d}"] for u in range(5)]
    roster = roster_csv(roster_rows, header=[*ROSTER_HEADER, "对象编码"])
    insp = inspections_csv([["第一轮", "县级", "一组", "常规", "2022-01-01", "", "东区", "一镇", f"村{u}", 1, "", "",
                             ""] for u in range(5)])
    rows = [["第一轮", "东区", "一镇", "别名村", f"C{u:03d}", "类别", "", "", "", "", ""] for u in range(5)]
    result, data = run_both(monkeypatch, [roster, insp], [issue_file(rows)])
    assert result.status == "imported"
    assert sorted({r[1] for r in data["issues"]}) == [f"c:C{u:03d}" for u in range(5)]


@pytest.mark.parametrize("spoil", ["quoted line break", "tab separated", "gbk", "blank line", "space by quote",
                                   "long row", "roster"])
def test_irregular_files_take_the_python_path(monkeypatch, spoil):
    files = [InputFile("issues.csv", spoiled_csv(ISSUE_HEADER, issue_rows(), spoil, text_column=7))]
    if spoil == "roster":
        files = [roster_csv(encoding="gbk")]
    result, _ = run_both(monkeypatch, list(city()), files, expect_fast=False)
    assert result.status in ("imported", "rejected")


def test_the_base_ledgers_through_both_paths(monkeypatch):
    run_both(monkeypatch, [roster_csv(), inspections_csv()], [issues_csv()])


# ---------------------------------------------------------------- the pieces


def test_reader_agrees_with_csv_reader(monkeypatch):
    """Random small CSVs: whenever the DuckDB reader takes one, its rows are csv.reader's rows."""
    monkeypatch.setattr(readers, "FAST_CSV_MIN_BYTES", 0)
    con = memory_store()
    limits = readers.Limits()
    rng = random.Random(7)
    pieces = ["a", "中", ",", ",", '"', " ", "\n", '""', "x y", "\t"]
    taken = 0
    for _ in range(400):
        body = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        for text in (body + "\n", body.replace("\n", "\r\n") + "\r\n"):
            data = text.encode()
            if readers.fast_csv_text("t.csv", data, limits) is None:
                continue
            want = list(csv.reader(io.StringIO(text, newline="")))
            width = max(len(r) for r in want)
            if readers.load_csv(con, data, "t", width, limits) is None:
                continue
            got = con.execute("SELECT * FROM t ORDER BY rowid").fetchall()
            assert got == [tuple(c if c != "" else None for c in r) + (None,) * (width - len(r)) for r in want], text
            taken += 1
    con.close()
    assert taken > 50


def test_plain_text_converts_to_itself():
    con = memory_store()
    rng = random.Random(3)
    plain = cells.PLAIN_CHARS
    samples = ["".join(rng.choice(plain + [" "]) for _ in range(rng.randint(1, 12))) for _ in range(2000)]
    samples += ["ｆｕｌｌ", "a\u3000b", "…", "Ⅻ", "㈠", "e\u0301", "\u1100\u1161", "x" * 40_000, " a", "a "]
    for kind in ("text", "key"):
        condition = cells.plain_sql(kind, "v")  # every sample judged in one statement, each with its verdict
        judged = con.execute(f"SELECT v, {condition} FROM (SELECT unnest(?::VARCHAR[]) AS v)", [samples]).fetchall()
        assert sorted(v for v, _ in judged) == sorted(samples)
        for value, is_plain in judged:
            if is_plain:
                assert cells.CONVERTERS[kind](value) == value, (kind, value)
    con.close()
    for ch in plain:
        assert unicodedata.normalize("NFKC", ch) == ch and not ch.isspace()


def test_whitespace_list_is_complete():
    assert not [c for c in map(chr, range(0x3001, 0x110000)) if c.isspace()]


def test_long_term_and_new_status_words_both_paths(monkeypatch):
    words = {"长期坚持": "long_term", "按序时进度推进": "long_term", "基本完成": "long_term", "已办结": "rectified",
             "整改中（部分完成）": "in_progress", "正在推进": "in_progress", "尚未整改": "not_started"}
    rows = issue_rows(units=7, per_unit=len(words))
    for i, row in enumerate(rows):
        row[8] = list(words)[i % len(words)]
    result, data = run_both(monkeypatch, list(city(7)), [issue_file(rows)])
    assert result.status == "imported", result.problems[:3]
    assert sorted(r[6] for r in data["issues"]) == sorted(words[w] for w in list(words) * 7)
