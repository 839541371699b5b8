"""The vectorised CSV path for rosters and inspections against the Python path (see test_import_fast; the shared helpers are in support/fast_path)."""

from __future__ import annotations

import pytest
from support.fast_path import ISSUE_HEADER, city, issue_rows, run_both, spoiled_csv
from support.ledgers import csv_bytes, inspections_csv, roster_csv, table

from inspection.importer import InputFile

ROSTER = ["县区", "乡镇街道", "村(社区)", "对象编码", "对象类型", "是否贫困村", "是否软弱涣散"]
INSPECTIONS = ["轮次", "巡察层级", "巡察组", "巡察方式", "开始日期", "结束日期", "县区", "乡镇街道", "村(社区)",
               "对象编码", "发现问题数", "移交问题线索数", "党纪政务处分人数", "已整改数", "追回资金"]


def roster_rows(units: int = 40) -> list[list[object]]:
    rows = []
    for u in range(units):
        name = f"新{u}村" if u % 6 else f"新{u}社区"
        rows.append([f"第{u % 3}区", f"第{u % 5}镇", name, f"C{u:04d}" if u % 4 == 0 else "",
                     ["村", "", "社区", "village", "其他"][u % 5], ["是", "否", "", "Y", "1"][u % 5],
                     ["否", "", "√", "0"][u % 4]])
    return rows


def inspection_rows(units: int = 40, rounds=("2022年第一轮", "2023年第二轮")) -> list[list[object]]:
    rows = []
    for k, round_ in enumerate(rounds):
        for u in range(units):
            name = f"新{u}村" if u % 6 else f"新{u}社区"
            if u % 7 == 0:
                name += "党支部"
            rows.append([round_, ["市级", "县级", "县委", "提级"][u % 4], f"第{u % 4}组",
                         ["常规", "专项巡察", "", "机动式"][u % 4], ["2022-03-01", "2022/3/5", "2022年4月"][u % 3],
                         ["2022-05-15", "", "20220601"][u % 3], f"第{u % 3}区", f"第{u % 5}镇", name,
                         f"C{u:04d}" if u % 8 == 0 else "", (u + k) % 5, u % 2, "", u % 3,
                         ["", "1.5", "２０", "3,000.25"][u % 4]])
    return rows


def csv_file(name: str, header, rows, encoding="utf-8-sig", titles=()) -> InputFile:
    return InputFile(name, csv_bytes(table(header, rows, titles), encoding))


def roster_file(rows=None, name="roster.csv", **kw) -> InputFile:
    return csv_file(name, ROSTER, roster_rows() if rows is None else rows, **kw)


def inspection_file(rows=None, name="inspections.csv", **kw) -> InputFile:
    return csv_file(name, INSPECTIONS, inspection_rows() if rows is None else rows, **kw)


def test_clean_roster_and_inspections(monkeypatch):
    result, data = run_both(monkeypatch, [], [roster_file(), inspection_file()])
    assert result.status == "imported" and result.added == 40 + 80
    assert {r[5] for r in data["roster"]} >= {"村", "社区", "其他"}


def test_summary_and_title_rows(monkeypatch):
    rows = roster_rows()
    rows.insert(10, ["合计", "", "", "", "", "", ""])
    rows.insert(20, ["", "", "", "", "", "", ""])
    result, _ = run_both(monkeypatch, [], [roster_file(rows, titles=[["2022年巡察对象名册"]]), inspection_file()])
    assert result.status == "imported" and result.skipped == 1


def test_inspections_against_a_stored_roster(monkeypatch):
    result, _ = run_both(monkeypatch, [roster_file()], [inspection_file()])
    assert result.status == "imported" and result.added == 80


def test_without_any_roster(monkeypatch):
    result, _ = run_both(monkeypatch, [], [inspection_file()])
    assert result.status == "imported" and result.added == 80


def test_roster_cell_problems(monkeypatch):
    rows = roster_rows()
    rows[3][0] = ""
    rows[5][2] = "  "
    rows[7][4] = "合作社"
    rows[8][5] = "也许"
    rows[9][6] = "2"
    result, _ = run_both(monkeypatch, [], [roster_file(rows), inspection_file()])
    assert result.status == "rejected" and len(result.problems) == 5


def test_roster_duplicates(monkeypatch):
    rows = roster_rows()
    rows.append(list(rows[2]))  # the same name
    rows.append(list(rows[1]))
    rows[-1][2] = rows[1][2] + "党支部"  # the same unit with the suffix
    rows.append(list(rows[4]))  # the same code, another name
    rows[-1][2] = "别名村"
    other = [list(rows[5]), list(rows[6])]
    result, _ = run_both(monkeypatch, [], [roster_file(rows), roster_file(other, name="roster2.csv")])
    assert result.status == "rejected" and len(result.problems) == 5
    assert all("名册中重复的对象" in p.reason for p in result.problems)


def test_inspection_cell_problems(monkeypatch):
    rows = inspection_rows()
    rows[0][0] = ""  # blank round
    rows[1][1] = ""  # blank level
    rows[2][1] = "省级"  # bad level
    rows[3][4] = "2022-13-45"  # bad date
    rows[4][4] = ""  # blank start
    rows[5][10] = "-3"  # negative count
    rows[6][10] = "三四个"  # not a number
    rows[7][10] = ""  # blank required count
    rows[8][11] = "1.5"
    rows[9][14] = "很多"  # bad money
    rows[10][5] = "1899-01-01"
    rows[11][2] = ""  # blank team
    rows[12][8] = ""  # blank unit
    result, _ = run_both(monkeypatch, [roster_file()], [inspection_file(rows)])
    assert result.status == "rejected" and len(result.problems) >= 13


def test_inspection_row_problems(monkeypatch):
    rows = inspection_rows()
    rows[1][8] = "不存在村"  # unknown unit
    rows[2][6] = "第9区"  # unknown district
    rows[3][6] = "第一区"
    rows.append(list(rows[5]))  # duplicate within the file
    rows.append(list(rows[6]))
    rows[-1][5] = "2022-01-01"  # a duplicate and the end before the start: both are reported (#24, item 5)
    rows[10][5] = "2022-02-01"  # end before start
    rows[11][9] = "C9999"  # an unknown code: the name still resolves
    other = [list(rows[20]), list(rows[21])]  # duplicates across files
    result, _ = run_both(monkeypatch, [roster_file()], [inspection_file(rows), inspection_file(other, "more.csv")])
    assert result.status == "rejected"
    reasons = [p.reason for p in result.problems]
    assert sum("出现两次" in r for r in reasons) == 4
    assert sum("结束日期早于开始日期" in r for r in reasons) == 2
    assert sum("名册中没有" in r for r in reasons) >= 3


def test_inspection_problems_without_roster(monkeypatch):
    rows = inspection_rows()
    rows.append(list(rows[5]))
    rows[10][5] = "2022-02-01"
    result, _ = run_both(monkeypatch, [], [inspection_file(rows)])
    assert result.status == "rejected" and len(result.problems) == 2


def test_same_name_twice_in_the_roster_needs_a_code(monkeypatch):
    roster = roster_rows()
    roster.append([roster[1][0], roster[1][1], roster[1][2], "X0001", "村", "否", "否"])
    result, _ = run_both(monkeypatch, [roster_file(roster)], [inspection_file()])
    assert result.status == "rejected"
    assert any("多个同名对象" in p.reason for p in result.problems)


@pytest.mark.parametrize("change", ["inspection", "roster", "new round"])
def test_changed_row_replaces(monkeypatch, change):
    roster, rows = roster_rows(), inspection_rows()
    if change == "inspection":
        rows[3][10] = 9
    elif change == "roster":
        roster[3][6] = "是"
    else:
        rows += inspection_rows(rounds=("2024年第一轮",))[:5]
    result, _ = run_both(monkeypatch, [roster_file(), inspection_file()], [roster_file(roster), inspection_file(rows)])
    assert result.status == "imported"
    assert (result.replaced, result.added) == ((0, 5) if change == "new round" else (1, 0))


def test_unchanged_reimport(monkeypatch):
    result, _ = run_both(monkeypatch, [roster_file(), inspection_file()], [roster_file(), inspection_file()])
    assert result.status == "unchanged"


@pytest.mark.parametrize("roster", [True, False])
def test_with_issues_in_the_same_import(monkeypatch, roster):
    insp = [["2022年第一轮", "市级", "第1组", "常规", "2022-03-01", "2022-05-15", f"第{u % 3}区", f"第{u % 5}镇",
             f"新{u}村", "", 6 if u % 2 else 5, 1, 0, 1, ""] for u in range(30)]
    roster_file_ = roster_file([[f"第{u % 3}区", f"第{u % 5}镇", f"新{u}村", "", "村", "否", "否"] for u in range(30)])
    issues = csv_file("issues.csv", ISSUE_HEADER, issue_rows())
    small = csv_file("issues_gbk.csv", ISSUE_HEADER, issue_rows(5, 2), encoding="gbk")
    files = ([roster_file_] if roster else []) + [inspection_file(insp), issues, small]
    result, _ = run_both(monkeypatch, [], files)
    assert result.status == "imported"
    assert any("问题清单条数与发现问题数不一致" in w for w in result.warnings)


def test_stored_inspections_with_new_issues_and_inspections(monkeypatch):
    setup = list(city())
    insp = [["2023年第一轮", "县级", "第1组", "常规", "2023-03-01", "2023-05-15", f"第{u % 3}区", f"第{u % 5}镇",
             f"新{u}村", "", 6, 1, 0, 1, ""] for u in range(30)]
    issues = [r for r in issue_rows()] + [["2023年第一轮", *r[1:]] for r in issue_rows(10, 2)]
    issues.append(["2024年第一轮", *issue_rows(1, 1)[0][1:]])  # no such inspection
    result, _ = run_both(monkeypatch, setup, [inspection_file(insp), csv_file("issues.csv", ISSUE_HEADER, issues)])
    assert result.status == "rejected" and len(result.problems) == 1


def test_mixed_with_a_python_path_file(monkeypatch):
    rows = inspection_rows()
    gbk = inspection_file(rows[:10], "old.csv", encoding="gbk")  # duplicates of the fast file's rows
    result, _ = run_both(monkeypatch, [roster_file()], [gbk, inspection_file(rows[5:])])
    assert result.status == "rejected" and len(result.problems) == 5
    result, _ = run_both(monkeypatch, [roster_file()], [gbk, inspection_file(rows[10:])])
    assert result.status == "imported" and result.added == 80
    roster = roster_rows()
    result, _ = run_both(monkeypatch, [], [roster_file(roster[:10], "a.csv", encoding="gbk"),
                                           roster_file(roster[5:], "b.csv")])
    assert result.status == "rejected" and len(result.problems) == 5


@pytest.mark.parametrize("spoil", ["gbk", "quoted line break", "tab separated", "blank line"])
@pytest.mark.parametrize("which", ["roster", "inspections"])
def test_irregular_files_take_the_python_path(monkeypatch, spoil, which):
    rows = roster_rows() if which == "roster" else inspection_rows()
    header = ROSTER if which == "roster" else INSPECTIONS
    data = spoiled_csv(header, rows, spoil, text_column=2)
    setup = [roster_file()] if which == "inspections" else []
    result, _ = run_both(monkeypatch, setup, [InputFile(f"{which}.csv", data)], expect_fast=False)
    assert result.status in ("imported", "rejected")


def test_the_base_ledgers(monkeypatch):
    run_both(monkeypatch, [], [roster_csv(), inspections_csv()])
