"""Sheet and workbook shapes offices keep (a sixth round, the layout side): one sheet stacking the ledgers of
several townships, each under its own heading and header, ... Each imports with the figures a clerk computes
by hand, or is refused naming the real reason."""

from __future__ import annotations

import pytest
from support.ledgers import csv_bytes, fresh_store, roster_csv, rows_of, run, xlsx_bytes

from inspection.importer import InputFile

con = pytest.fixture(fresh_store)

ROSTER = [["东城区", "城关镇", "张家村", "村", "是", "否"], ["东城区", "城关镇", "李家村", "村", "否", "否"],
          ["东城区", "河口镇", "王庄村", "村", "是", "否"], ["东城区", "河口镇", "刘庄村", "村", "否", "否"]]
UNITS = [("东城区", "城关镇", "张家村"), ("东城区", "城关镇", "李家村"), ("东城区", "河口镇", "刘庄村"),
         ("东城区", "河口镇", "王庄村")]


def _units(con) -> list[tuple]:
    return [tuple(r.values()) for r in rows_of(
        con, "SELECT district, township, unit_name FROM roster WHERE superseded_by IS NULL ORDER BY 2, 3")]


def _inspections(con) -> list[tuple]:
    return [tuple(r.values()) for r in rows_of(
        con, "SELECT township, unit_name, issues_found, clues FROM inspections WHERE superseded_by IS NULL "
             "ORDER BY 1, 2")]


# ---------------------------------------------------------------- townships stacked on one sheet

_ROSTER_HEADER = ["序号", "县区", "村(社区)", "对象类型", "是否贫困村", "是否软弱涣散"]
_CHENGGUAN = [[1, "东城区", "张家村", "村", "是", "否"], [2, "东城区", "李家村", "村", "否", "否"]]
_HEKOU = [[1, "东城区", "王庄村", "村", "是", "否"], [2, "东城区", "刘庄村", "村", "否", "否"]]


@pytest.mark.parametrize(("first", "second", "header_again"), [
    (["一、城关镇"], ["二、河口镇"], True),  # the heading above each block's header: the first one above the table's
    (["城关镇（共2个村）"], ["河口镇（共2个村）"], True),  # unnumbered, a count after it
    (["一、城关镇（2个）"], ["二、河口镇（2个）"], True),
    (["乡镇：城关镇"], ["乡镇：河口镇"], True),
    (["城关镇"], ["河口镇"], False),  # the header once, the township alone on its row
    (["城关镇："], ["河口镇："], False),
    (["城关镇"] * 6, ["河口镇"] * 6, False),  # merged across the table
])
def test_townships_stacked_on_one_sheet(con, first, second, header_again):
    """A roster (or any ledger) without a township column, kept as one block per township under a line naming
    it: each block's rows take their township, whether the line stands above the block's own header or inside
    the table, numbered or not. The first block's line stood above the header and was not read: its rows were
    refused for having no township, and an unnumbered line (城关镇（共2个村）) was not read at all."""
    if header_again:
        rows = [first, _ROSTER_HEADER, *_CHENGGUAN, [], second, _ROSTER_HEADER, *_HEKOU]
    else:
        rows = [_ROSTER_HEADER, first, *_CHENGGUAN, second, *_HEKOU]
    result = run(con, InputFile("名册.xlsx", xlsx_bytes({"名册": [["东城区村（社区）名册"], *rows]})))
    assert result.status == "imported", result.problems
    assert _units(con) == UNITS
    assert any("取自其上方的分类标题行" in w for w in result.warnings)


def test_a_township_line_with_a_township_column_is_skipped(con):
    """With a township column of its own, a block's line (城关镇) is a heading: skipped, never a record missing
    its cells; the rows keep their column's township (the same path for a CSV)."""
    header = ["序号", "轮次", "巡察组", "开始日期", "县区", "乡镇", "村(社区)", "发现问题数", "移交问题线索数"]

    def row(i, township, unit, found, clues):
        return [i, "2021年第一轮", "市委第一巡察组", "2021-03-15", "东城区", township, unit, found, clues]

    rows = [header, ["城关镇"], row(1, "城关镇", "张家村", 2, 1), row(2, "城关镇", "李家村", 3, 0),
            ["河口镇"], row(1, "河口镇", "王庄村", 1, 0), row(2, "河口镇", "刘庄村", 4, 2)]
    expected = [("城关镇", "张家村", 2, 1), ("城关镇", "李家村", 3, 0), ("河口镇", "刘庄村", 4, 2), ("河口镇", "王庄村", 1, 0)]
    for file in (InputFile("巡察.xlsx", xlsx_bytes({"巡察": rows})), InputFile("巡察.csv", csv_bytes(rows))):
        result = run(con, roster_csv(ROSTER), file)
        assert result.status in ("imported", "unchanged"), result.problems
        assert _inspections(con) == expected
        assert any("分类标题行 2 行（第 2、5 行）" in w for w in result.warnings)


def test_an_issue_list_stacked_by_township_under_category_headings(con):
    """An issue list without township or category columns: a township's line, then the numbered category
    headings of its issues; the township line is no category."""
    inspections = [["轮次", "巡察组", "开始日期", "县区", "乡镇", "村(社区)", "发现问题数"],
                   ["2021年第一轮", "市委第一巡察组", "2021-03-15", "东城区", "城关镇", "张家村", 2],
                   ["2021年第一轮", "市委第一巡察组", "2021-03-15", "东城区", "河口镇", "王庄村", 1]]
    issues = [["序号", "轮次", "县区", "村(社区)", "问题描述", "整改状态"], ["城关镇（2个问题）"], ["一、党的建设方面"],
              [1, "2021年第一轮", "东城区", "张家村", "问题甲", "已整改"], ["二、廉洁方面"],
              [2, "2021年第一轮", "东城区", "张家村", "问题乙", "整改中"],
              ["河口镇（1个问题）"], ["一、党的建设方面"], [1, "2021年第一轮", "东城区", "王庄村", "问题丙", "未整改"]]
    result = run(con, roster_csv(ROSTER), InputFile("台账.xlsx", xlsx_bytes({"巡察": inspections, "问题": issues})))
    assert result.status == "imported", result.problems
    got = [tuple(r.values()) for r in rows_of(
        con, "SELECT unit_id, category, status FROM issues WHERE superseded_by IS NULL ORDER BY description")]
    assert sorted(got) == [("n:东城区|城关镇|张家村", "党的建设", "rectified"),
                           ("n:东城区|城关镇|张家村", "廉洁", "in_progress"),
                           ("n:东城区|河口镇|王庄村", "党的建设", "not_started")]


def test_a_sheet_per_township_named_by_it(con):
    """One sheet per township named by it (城关镇, 河口镇（2个村）) and no township column: each sheet's rows take
    its township, with the roster in the same import (before, refused for the missing column unless a roster
    was stored) and for a roster itself."""
    header = ["序号", "轮次", "巡察组", "开始日期", "县区", "村(社区)", "发现问题数", "移交问题线索数"]

    def row(i, unit, found, clues):
        return [i, "2021年第一轮", "市委第一巡察组", "2021-03-15", "东城区", unit, found, clues]

    sheets = {"城关镇": [header, row(1, "张家村", 2, 1), row(2, "李家村", 3, 0)],
              "河口镇（2个村）": [header, row(1, "王庄村", 1, 0), row(2, "刘庄村", 4, 2)]}
    result = run(con, roster_csv(ROSTER), InputFile("巡察.xlsx", xlsx_bytes(sheets)))
    assert result.status == "imported", result.problems
    assert _inspections(con) == [("城关镇", "张家村", 2, 1), ("城关镇", "李家村", 3, 0), ("河口镇", "刘庄村", 4, 2),
                                 ("河口镇", "王庄村", 1, 0)]
    assert any("取自工作表名称「城关镇」" in w for w in result.warnings)
    roster = {"城关镇": [_ROSTER_HEADER, *_CHENGGUAN], "河口镇": [_ROSTER_HEADER, *_HEKOU]}
    result = run(con, InputFile("名册.xlsx", xlsx_bytes(roster)))
    assert result.status in ("imported", "unchanged"), result.problems
    assert _units(con) == UNITS


# ---------------------------------------------------------------- one issue over several rows

_INSPECTIONS = ["轮次", "巡察组", "开始日期", "县区", "乡镇", "村(社区)", "发现问题数"]
_ISSUE_HEADER = ["序号", "轮次", "县区", "乡镇", "村(社区)", "问题类别", "问题描述", "整改措施", "整改状态"]
_FIRST = [1, "2021年第一轮", "东城区", "城关镇", "张家村", "党的建设", "会议记录不全", "1.补齐记录", "已整改"]
_OTHERS = [[2, "2021年第一轮", "东城区", "城关镇", "张家村", "廉洁", "账目不清", "1.清理账目", "整改中"],
           [3, "2021年第一轮", "东城区", "城关镇", "李家村", "廉洁", "公示不及时", "1.按时公示", "未整改"]]
_MEASURES = [[None] * 7 + ["2.建立制度"], [None] * 7 + ["3.加强学习"]]
_ISSUES = [("张家村", "党的建设", "rectified"), ("张家村", "廉洁", "in_progress"), ("李家村", "廉洁", "not_started")]


def _with_issues(issues: InputFile) -> list[InputFile]:
    inspections = [_INSPECTIONS, ["2021年第一轮", "市委第一巡察组", "2021-03-15", "东城区", "城关镇", "张家村", 2],
                   ["2021年第一轮", "市委第一巡察组", "2021-03-15", "东城区", "城关镇", "李家村", 1]]
    return [roster_csv(ROSTER), InputFile("巡察.csv", csv_bytes(inspections)), issues]


def _issues(con) -> list[tuple]:
    return [(r["unit_id"].rsplit("|", 1)[1], r["category"], r["status"]) for r in rows_of(
        con, "SELECT unit_id, category, status FROM issues WHERE superseded_by IS NULL ORDER BY unit_id, seq")]


@pytest.mark.parametrize("merged", [
    ["A2:A4", "B2:B4", "C2:C4", "D2:D4", "E2:E4", "F2:F4", "G2:G4", "I2:I4"],  # every cell of the issue merged down
    ["A2:A4", "G2:G4"],  # only its number and text merged, the other cells blank below them
])
def test_one_issue_merged_over_its_measures(con, merged):
    """An issue whose cells are merged down over three rows, its measures (整改措施) listed 1. 2. 3. one per
    row: one issue. It was read as three (every merged cell filled into each row), counting the
    issue three times; with only 序号 and 问题描述 merged it was refused for blank cells."""
    rows = [_ISSUE_HEADER, _FIRST, *_MEASURES, *_OTHERS]
    result = run(con, *_with_issues(InputFile("问题.xlsx", xlsx_bytes({"问题": rows}, merges={"问题": merged}))))
    assert result.status == "imported", result.problems
    assert _issues(con) == _ISSUES
    assert any("同一问题的续行（合并的问题描述、接续的描述或整改措施） 2 行（第 3、4 行）" in w for w in result.warnings)


def test_a_merged_issue_whose_rows_disagree_is_refused(con):
    """Merged as one issue, but a row's own status differs from the issue's: refused naming the cell (which
    is the issue's status?), never three issues nor a guess."""
    rows = [_ISSUE_HEADER, _FIRST, [None] * 7 + ["2.建立制度", "整改中"], *_OTHERS]
    merged = ["A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:E3", "F2:F3", "G2:G3"]
    result = run(con, *_with_issues(InputFile("问题.xlsx", xlsx_bytes({"问题": rows}, merges={"问题": merged}))))
    assert result.status == "rejected"
    assert [(p.row, p.column, p.value) for p in result.problems] == [(3, "整改状态", "整改中")]
    assert "合并为同一个问题" in result.problems[0].reason
    merged_same = [_ISSUE_HEADER, _FIRST, [None] * 7 + ["2.建立制度", "已整改"], *_OTHERS]  # the same typed again
    result = run(con, *_with_issues(InputFile("问题.xlsx", xlsx_bytes({"问题": merged_same}, merges={"问题": merged}))))
    assert result.status == "imported", result.problems
    assert _issues(con) == _ISSUES


@pytest.mark.parametrize("name", ["问题.xlsx", "问题.csv"])
def test_rows_going_on_with_the_issue_above(con, monkeypatch, name):
    """Not merged (or a CSV): rows under an issue with its serial number blank and nothing the import reads
    but its measures (整改措施 2.…, 3.…), or the next line of its description alone, go on with it: one
    issue, its text joined. They were refused for their blank cells. The vectorised CSV path leaves such a
    file to the row-by-row path."""
    from inspection import readers

    monkeypatch.setattr(readers, "FAST_CSV_MIN_BYTES", 0)
    rows = [_ISSUE_HEADER, _FIRST, *_MEASURES, [None] * 6 + ["组织生活不规范"], *_OTHERS]
    data = csv_bytes(rows) if name.endswith(".csv") else xlsx_bytes({"问题": rows})
    result = run(con, *_with_issues(InputFile(name, data)))
    assert result.status == "imported", result.problems
    assert _issues(con) == _ISSUES
    assert rows_of(con, "SELECT description FROM issues WHERE seq = 1 AND unit_id LIKE '%张家村'") == [
        {"description": "会议记录不全\n组织生活不规范"}]


def test_a_lone_text_row_without_serial_numbers_stays_refused(con):
    """Without a 序号 column nothing says where an issue starts: a row holding only a description may be an
    issue whose other cells were left blank, and stays refused for them."""
    rows = [row[1:] for row in [_ISSUE_HEADER, _FIRST, [None] * 6 + ["组织生活不规范"], *_OTHERS]]
    result = run(con, *_with_issues(InputFile("问题.xlsx", xlsx_bytes({"问题": rows}))))
    assert result.status == "rejected"
    assert {p.row for p in result.problems} == {3}


# ---------------------------------------------------------------- what a printed form writes under its table

@pytest.mark.parametrize("tail", [
    [[None, None, None, None, None, "2023年5月1日"]],  # the form's date alone, under the signatures
    [[None, None, None, None, "二〇二三年五月一日"]],
    [[None, None, None, "东城区委巡察办（盖章）"], [None, None, None, "2023-05-01"]],
])
def test_a_forms_seal_and_date_under_the_table(con, tail):
    """The office's name to be sealed and the day, alone on their rows under the table (no 填报日期：): notes,
    skipped. They were read as records missing every cell."""
    header = ["序号", "县区", "乡镇街道", "村(社区)", "对象类型", "是否贫困村", "是否软弱涣散"]
    rows = [header, *([i + 1, *r[:2], r[2], *r[3:]] for i, r in enumerate(ROSTER)), *tail]
    result = run(con, InputFile("名册.xlsx", xlsx_bytes({"名册": rows})))
    assert result.status == "imported", result.problems
    assert _units(con) == UNITS
    assert any("表外说明行" in w for w in result.warnings)


# ---------------------------------------------------------------- a template's hint in its headers

def test_a_templates_fill_hint_in_its_headers(con):
    """A template tells how to fill a column in brackets after its name (问题类别（填：党的建设/…）,
    整改状态(已整改/整改中/未整改), 整改时限（例：2023-01-01）, 对象类型（填：村/社区）): the column is the one it
    names. The list was refused for missing its category and status columns; 县（市、区） and 问题类别（一级） keep
    their brackets."""
    roster = [["县（市、区）", "乡镇（街道）", "村（社区）", "对象类型（填：村/社区）", "是否贫困村(是/否)", "是否软弱涣散（请选择）"],
              *(r for r in ROSTER)]
    header = ["轮次（例：2021年第一轮）", "县区", "乡镇", "村(社区)", "问题类别（填：党的建设/廉洁/其他）", "问题描述",
              "整改状态（已整改、整改中、未整改三选一）", "整改时限（格式：2023-01-01）"]
    issues = [header, ["2021年第一轮", "东城区", "城关镇", "张家村", "党的建设", "会议记录不全", "已整改", "2021-06-30"],
              ["2021年第一轮", "东城区", "城关镇", "张家村", "廉洁", "账目不清", "整改中", "2021-06-30"],
              ["2021年第一轮", "东城区", "城关镇", "李家村", "廉洁", "公示不及时", "未整改", "2021-06-30"]]
    files = _with_issues(InputFile("问题.xlsx", xlsx_bytes({"问题": issues})))
    result = run(con, InputFile("名册.xlsx", xlsx_bytes({"名册": roster})), *files[1:])
    assert result.status == "imported", result.problems
    assert not [w for w in result.warnings if "未识别的列" in w]
    assert _issues(con) == _ISSUES
    assert rows_of(con, "SELECT count(*) AS n FROM roster WHERE unit_type = '村' AND superseded_by IS NULL") == [{"n": 4}]


@pytest.mark.parametrize("mark", [["续表"], [None] * 6 + ["（续表）"], ["续上表"]])
def test_a_pages_continued_mark_without_the_header_again(con, mark):
    """A printed table going on over a page with its 续表 mark alone on a row (the header not repeated): a note
    row, skipped. It was read as a record missing every cell."""
    header = ["序号", "县区", "乡镇街道", "村(社区)", "对象类型", "是否贫困村", "是否软弱涣散"]
    rows = [header, *([i + 1, *r] for i, r in enumerate(ROSTER[:2])), mark,
            *([i + 3, *r] for i, r in enumerate(ROSTER[2:]))]
    result = run(con, InputFile("名册.xlsx", xlsx_bytes({"名册": rows})))
    assert result.status == "imported", result.problems
    assert _units(con) == UNITS


@pytest.mark.parametrize("name", ["名册.xlsx", "名册.csv"])
def test_the_same_as_above_written_in_a_cell(con, monkeypatch, name):
    """A form filled by hand and typed in writes 同上 or 〃 for "the same as the row above" in its district and
    township: the record above's value, and a warning names the rows. They were stored as a district called 〃
    and a township called 同上 (a new place in every figure by area). The vectorised CSV path leaves such a
    file to the row-by-row path."""
    from inspection import readers

    monkeypatch.setattr(readers, "FAST_CSV_MIN_BYTES", 0)
    header = ["序号", "县区", "乡镇街道", "村(社区)", "对象类型", "是否贫困村", "是否软弱涣散"]
    rows = [header, [1, *ROSTER[0]], [2, "〃", "同上", "李家村", "村", "否", "否"], [3, *ROSTER[2]],
            [4, "同上", "〃", "刘庄村", "同上", "否", "否"]]
    data = csv_bytes(rows) if name.endswith(".csv") else xlsx_bytes({"名册": rows})
    result = run(con, InputFile(name, data))
    assert result.status == "imported", result.problems
    assert _units(con) == UNITS
    assert any("第 3、5 行中写“同上”或“〃”的单元格，按上一行的值读取" in w for w in result.warnings), result.warnings


def test_the_same_as_above_on_the_first_record_is_refused(con):
    header = ["县区", "乡镇街道", "村(社区)", "对象类型", "是否贫困村", "是否软弱涣散"]
    result = run(con, InputFile("名册.xlsx", xlsx_bytes({"名册": [header, ["同上", *ROSTER[0][1:]], ROSTER[1]]})))
    assert result.status == "rejected"
    assert [(p.row, p.column, p.value) for p in result.problems] == [(2, "县区", "同上")]
    assert "上方没有记录" in result.problems[0].reason


def test_a_units_count_under_its_issues_is_a_summary_row(con):
    """共2个问题 alone in the description's column under a unit's issues: a summary row, not the issue's text."""
    rows = [_ISSUE_HEADER, _FIRST, _OTHERS[0], [None] * 6 + ["共2个问题"], _OTHERS[1]]
    result = run(con, *_with_issues(InputFile("问题.xlsx", xlsx_bytes({"问题": rows}))))
    assert result.status == "imported", result.problems
    assert _issues(con) == _ISSUES
    assert rows_of(con, "SELECT count(*) AS n FROM issues WHERE description LIKE '%共2个%'") == [{"n": 0}]
    assert any("合计/小计行 1 行（第 4 行）" in w for w in result.warnings)


# ---------------------------------------------------------------- a roster of 行政村 listing their 自然村

@pytest.mark.parametrize("name", ["名册.xlsx", "名册.csv"])
@pytest.mark.parametrize("unit_header", ["村(社区)", "行政村"])
def test_a_roster_listing_each_villages_hamlets(con, monkeypatch, name, unit_header):
    """A roster whose rows are the 自然村 (natural villages) under their 行政村: the unit inspected is the
    行政村, once; its other hamlets' rows are skipped and reported (they were refused as duplicate units). A
    行政村 column names the unit (it was not recognised). Rows of one 行政村 that differ in a read value stay
    refused as duplicates."""
    from inspection import readers

    monkeypatch.setattr(readers, "FAST_CSV_MIN_BYTES", 0)
    header = ["县区", "乡镇街道", unit_header, "自然村", "对象类型", "是否贫困村", "是否软弱涣散"]
    rows = [header]
    for district, township, unit, kind, poor, weak in ROSTER:
        rows += [[district, township, unit, f"{unit[:2]}{n}组", kind, poor, weak] for n in (1, 2)]
    data = csv_bytes(rows) if name.endswith(".csv") else xlsx_bytes({"名册": rows})
    result = run(con, InputFile(name, data))
    assert result.status == "imported", result.problems
    assert _units(con) == UNITS
    assert any("同一行政村其他自然村的行（对象为行政村，只计一次） 4 行（第 3、5、7、9 行）" in w for w in result.warnings)
    rows[2][5] = "否"  # 张家村's second hamlet says it is no poverty village: which is the village's?
    data = csv_bytes(rows) if name.endswith(".csv") else xlsx_bytes({"名册": rows})
    assert run(con, InputFile(name, data)).status == "rejected"
