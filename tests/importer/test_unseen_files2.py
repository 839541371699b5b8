"""Files as offices and their software make them, in shapes neither the other galleries nor
test_unseen_files hold (a second round): each imports with the figures a clerk computes by hand, or is
refused naming the real reason."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from support.fast_path import run_both
from support.ledgers import (
    INSPECTION_HEADER,
    INSPECTION_ROWS,
    ISSUE_HEADER,
    ISSUE_ROWS,
    ROSTER_HEADER,
    ROSTER_ROWS,
    csv_bytes,
    fresh_store,
    inspection_row,
    inspections_csv,
    inspections_with,
    roster_csv,
    run,
    table,
    xlsx_bytes,
)

from inspection.importer import InputFile
from inspection.importer.model import INSPECTION_COLUMNS, ISSUE_COLUMNS, ROSTER_COLUMNS

con = pytest.fixture(fresh_store)


def _joined(rows, separator: str, encoding: str = "utf-8") -> bytes:
    return "\r\n".join(separator.join(str(c) for c in row) for row in rows).encode(encoding)


# ---------------------------------------------------------------- other separators

@pytest.mark.parametrize(("separator", "encoding", "name"), [
    ("|", "utf-8", "巡察情况.csv"),  # a web system's export
    ("|", "gbk", "巡察情况.txt"),
    ("，", "gbk", "巡察情况.txt"),  # typed by hand with the Chinese input method's comma
    ("，", "utf-8", "巡察情况.csv"),
])
def test_a_text_separated_by_bars_or_full_width_commas_gives_every_figure(con, separator, encoding, name):
    """Such a file was refused as having no header (its header row was read as one cell)."""
    data = _joined(table(INSPECTION_HEADER, INSPECTION_ROWS), separator, encoding)
    result = run(con, roster_csv(), InputFile(name, data))
    assert result.status == "imported", result.problems
    assert con.execute("SELECT list(issues_found ORDER BY unit_name), list(clues ORDER BY unit_name) "
                       "FROM inspections").fetchone() == ([2, 1], [1, 0])


def test_a_cell_holding_a_full_width_comma_in_such_a_text_is_refused_naming_its_row(con):
    """会议记录不全，账目不清 splits into two cells: the record is longer than its header, and its last
    cell would be dropped unseen."""
    header = ["轮次", "县区", "乡镇街道", "村(社区)", "问题类别", "整改状态", "问题描述"]
    rows = [["2021年第一轮", "东城区", "城关镇", "张家村", "基层党组织建设", "整改中", "三会一课不规范"],
            ["2021年第一轮", "东城区", "城关镇", "张家村", "基层党组织建设", "已整改", "会议记录不全，账目不清"]]
    result = run(con, InputFile("问题清单.txt", _joined(table(header, rows), "，")))
    assert result.status == "rejected"
    assert "全角逗号" in result.problems[0].reason and "第 3 行" in result.problems[0].reason


def test_a_comma_csv_whose_cells_hold_full_width_commas_stays_comma_separated(con):
    rows = [list(r) for r in INSPECTION_ROWS]
    rows[0][INSPECTION_HEADER.index("巡察组")] = "市委第一巡察组，第二小组"
    data = _joined(table(INSPECTION_HEADER, rows), ",")
    result = run(con, roster_csv(), InputFile("巡察情况.csv", data))
    assert result.status == "imported", result.problems
    assert con.execute("SELECT list(team ORDER BY unit_name) FROM inspections").fetchone()[0] == [
        "市委第一巡察组,第二小组", "县委第二巡察组"]  # (punctuation is stored half-width)


# ---------------------------------------------------------------- names that are not what the file is

@pytest.mark.parametrize(("name", "separator", "encoding"), [
    ("导出.xls", "\t", "gbk"),  # a web system's "Excel" export: tab-separated text
    ("导出.xls", "\t", "utf-16"),  # Excel's "Unicode 文本" saved under .xls
    ("导出.xlsx", ",", "utf-8-sig"),
])
def test_text_named_as_a_workbook_is_read_as_the_text_it_is(con, name, separator, encoding):
    """Excel opens such a file (after a warning) and shows the table: it was refused, asking to rename it."""
    data = _joined(table(INSPECTION_HEADER, INSPECTION_ROWS), separator).decode().encode(encoding)
    result = run(con, roster_csv(), InputFile(name, data))
    assert result.status == "imported", result.problems
    assert con.execute("SELECT sum(issues_found) FROM inspections").fetchone()[0] == 3


@pytest.mark.parametrize("name", ["台账模板.xltx", "台账模板.xltm"])
def test_a_template_saved_filled_in_is_read_as_a_workbook(con, name):
    from openpyxl import Workbook

    book = Workbook()
    for row in table(INSPECTION_HEADER, INSPECTION_ROWS):
        book.active.append(row)
    book.template = True
    out = io.BytesIO()
    book.save(out)
    result = run(con, roster_csv(), InputFile(name, out.getvalue()))
    assert result.status == "imported", result.problems
    assert con.execute("SELECT sum(issues_found) FROM inspections").fetchone()[0] == 3


# ---------------------------------------------------------------- a unit written with more than its name

@pytest.mark.parametrize(("written", "unit"), [
    ("张家村（城关镇）", "张家村"),  # its township in brackets after it
    ("张家村(东城区城关镇)", "张家村"),
    ("张家村（东城区）", "张家村"),
    ("新村（原张家村）", "张家村"),  # renamed or merged (撤并): the roster still has the former name
    ("张家村（原张庄村）", "张家村"),  # the roster has the new name
])
def test_a_unit_written_with_its_place_or_former_name_in_brackets_is_the_roster_unit_on_both_csv_paths(
        monkeypatch, written, unit):
    """Both were refused as not in the roster (the name with its brackets is no roster name)."""
    result, data = run_both(monkeypatch, [roster_csv()], [
        inspections_with("村(社区)", written)])
    assert result.status == "imported", result.problems
    unit_id = INSPECTION_COLUMNS.index("unit_id")
    assert sorted(r[unit_id] for r in data["inspections"]) == [f"n:东城区|城关镇|{unit}", "n:西城区|河口镇|王庄村"]


@pytest.mark.parametrize("written", ["张家村（河口镇）", "新村（原新庄村）", "张家村（城关）"])
def test_another_place_or_former_name_in_brackets_is_still_not_in_the_roster(con, written):
    result = run(con, roster_csv(), inspections_with("村(社区)", written))
    assert result.status == "rejected"
    assert [p.reason for p in result.problems] == ["名册中没有这个村(社区)"]


# ---------------------------------------------------------------- a count with its breakdown

@pytest.mark.parametrize(("written", "count"), [("3（其中移交1）", 3), ("5个（其中：市级2个）", 5),
                                                ("4件(含立行立改2件)", 4)])
def test_a_count_with_its_breakdown_in_brackets_is_that_count_on_both_csv_paths(monkeypatch, written, count):
    """It was refused as text in a count column."""
    result, data = run_both(monkeypatch, [roster_csv()], [inspections_with("发现问题数", written)])
    assert result.status == "imported", result.problems
    found = INSPECTION_COLUMNS.index("issues_found")
    assert sorted(r[found] for r in data["inspections"]) == sorted([count, 1])


@pytest.mark.parametrize("written", ["3（另移交1）", "（其中1）", "3（其中移交1）份"])
def test_a_count_with_other_words_in_brackets_is_still_refused(con, written):
    result = run(con, roster_csv(), inspections_with("发现问题数", written))
    assert result.status == "rejected"
    assert [p.value for p in result.problems] == [written]


# ---------------------------------------------------------------- dates in Chinese numerals

def test_dates_in_chinese_numerals_are_those_dates_on_both_csv_paths(monkeypatch):
    """As documents print them (二〇二一年三月十五日; ○ typed for 〇): they were refused as a date format
    not recognised."""
    rows = [list(r) for r in INSPECTION_ROWS]
    rows[0][INSPECTION_HEADER.index("开始日期")] = "二〇二一年三月十五日"
    rows[0][INSPECTION_HEADER.index("结束日期")] = "二○二一年五月二十日"
    result, data = run_both(monkeypatch, [roster_csv()], [
        InputFile("巡察情况.csv", csv_bytes(table(INSPECTION_HEADER, rows)))])
    assert result.status == "imported", result.problems
    start, end = INSPECTION_COLUMNS.index("start_date"), INSPECTION_COLUMNS.index("end_date")
    assert {(r[start], r[end]) for r in data["inspections"]} == {(dt.date(2021, 3, 15), dt.date(2021, 5, 20))}


def test_a_period_in_chinese_numerals_gives_both_dates(con):
    rows = [list(r) for r in INSPECTION_ROWS]
    rows[0][INSPECTION_HEADER.index("开始日期")] = "二〇二一年三月十五日至五月二十日"  # a range in the start column
    rows[0][INSPECTION_HEADER.index("结束日期")] = ""
    result = run(con, roster_csv(), InputFile("巡察情况.csv", csv_bytes(table(INSPECTION_HEADER, rows))))
    assert result.status == "imported", result.problems
    assert con.execute("SELECT DISTINCT start_date, end_date FROM inspections").fetchall() == [
        (dt.date(2021, 3, 15), dt.date(2021, 5, 20))]


@pytest.mark.parametrize("written", ["二〇二一年十三月一日", "二〇二一年三月三十二日"])
def test_a_date_in_chinese_numerals_that_does_not_exist_is_refused(con, written):
    result = run(con, roster_csv(), inspections_with("开始日期", written))
    assert result.status == "rejected"
    assert [(p.value, p.reason) for p in result.problems] == [(written, "不是有效日期（月份或日期超出范围）")]


# ---------------------------------------------------------------- Excel's text mark in a CSV

def test_numbers_dates_and_codes_after_excels_text_mark_are_read_without_it_on_both_csv_paths(monkeypatch):
    """A system writes '3 / '2021-03-15 / '320102001 into its CSV so that Excel keeps them as text: they
    were refused as text in a count or a date column, and a code kept its mark (no roster unit had it)."""
    header = [*ROSTER_HEADER, "对象编码"]
    roster = [[*r, f"'32010200{i}"] for i, r in enumerate(ROSTER_ROWS)]
    rows = [[*r, f"32010200{i * 3}"] for i, r in enumerate(INSPECTION_ROWS)]  # 张家村 0, 王庄村 3
    rows[0][INSPECTION_HEADER.index("发现问题数")] = "'2"
    rows[0][INSPECTION_HEADER.index("开始日期")] = "'2021-03-15"
    result, data = run_both(monkeypatch, [InputFile("名册.csv", csv_bytes(table(header, roster)))], [
        InputFile("巡察情况.csv", csv_bytes(table([*INSPECTION_HEADER, "对象编码"], rows)))])
    assert result.status == "imported", result.problems
    found, start = INSPECTION_COLUMNS.index("issues_found"), INSPECTION_COLUMNS.index("start_date")
    assert sorted((r[found], r[start]) for r in data["inspections"]) == [(1, dt.date(2021, 3, 15)),
                                                                         (2, dt.date(2021, 3, 15))]
    assert sorted(r[ROSTER_COLUMNS.index("unit_code")] for r in data["roster"]) == [
        "320102000", "320102001", "320102002", "320102003"]


@pytest.mark.parametrize("written", ["'三", "'"])
def test_excels_text_mark_before_no_number_is_still_refused(con, written):
    result = run(con, roster_csv(), inspections_with("发现问题数", written))
    assert result.status == "rejected"
    assert [p.value for p in result.problems] == [written]


# ---------------------------------------------------------------- a required figure written only as its parts

def test_issues_found_written_only_per_category_is_refused_naming_its_parts(con):
    """发现问题 merged over 党的领导方面 / 党的建设方面 / … with no total column: the refusal said only that
    the column 发现问题数 was missing, of a file whose header plainly says 发现问题."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["轮次", "巡察层级", "巡察组", "开始日期", "县区", "乡镇街道", "村(社区)", "发现问题", None, None])
    sheet.append([None] * 7 + ["党的领导方面", "党的建设方面", "全面从严治党方面"])
    sheet.append(["2021年第一轮", "市级", "市委第一巡察组", "2021-03-15", "东城区", "城关镇", "张家村", 1, 2, 0])
    for column in "ABCDEFG":
        sheet.merge_cells(f"{column}1:{column}2")
    sheet.merge_cells("H1:J1")
    out = io.BytesIO()
    book.save(out)
    result = run(con, roster_csv(), InputFile("巡察情况.xlsx", out.getvalue()))
    assert result.status == "rejected"
    [problem] = result.problems
    assert "缺少必填列：发现问题数" in problem.reason
    assert "「发现问题」下分为 3 个子列：党的领导方面、党的建设方面、全面从严治党方面，但没有合计列" in problem.reason
    assert "合计" in problem.suggestion


# ---------------------------------------------------------------- a heading row per township

PLACE_HEADER = ["序号", "轮次", "巡察层级", "巡察组", "开始日期", "县区", "村(社区)", "发现问题数"]
PLACE_ROWS = [["一、城关镇"],
              [1, "2021年第一轮", "市级", "市委第一巡察组", "2021-03-15", "东城区", "张家村", 3],
              [2, "2021年第一轮", "市级", "市委第一巡察组", "2021-03-15", "东城区", "李家村", 1],
              ["二、河口镇"],
              [1, "2021年第一轮", "县级", "县委第二巡察组", "2021-03-15", "西城区", "王庄村", 2]]  # 序号 restarts


def _by_township(con) -> list[tuple]:
    return con.execute("SELECT r.township, r.unit_name, i.issues_found FROM inspections i JOIN roster r "
                       "USING (unit_id) ORDER BY 1, 2").fetchall()


def test_a_heading_row_per_township_gives_the_township_of_the_units_below_it(con):
    """一、城关镇 alone on its row above its units, and no 乡镇 column: it was refused for the missing
    column (the heading rows were skipped as sections)."""
    result = run(con, roster_csv(), InputFile("巡察情况.xlsx", xlsx_bytes({"巡察情况": table(PLACE_HEADER, PLACE_ROWS)})))
    assert result.status == "imported", result.problems
    assert _by_township(con) == [("城关镇", "张家村", 3), ("城关镇", "李家村", 1), ("河口镇", "王庄村", 2)]
    assert any("取自其上方的分类标题行" in w for w in result.warnings)


def test_headings_per_district_and_township_give_both_on_both_csv_paths(monkeypatch):
    header = [h for h in PLACE_HEADER if h != "县区"]
    rows = [["一、东城区"], ["（一）城关镇"], [1, "2021年第一轮", "市级", "市委第一巡察组", "2021-03-15", "张家村", 3],
            ["二、西城区"], ["（一）河口镇"], [1, "2021年第一轮", "县级", "县委第二巡察组", "2021-03-15", "王庄村", 2]]
    result, data = run_both(monkeypatch, [roster_csv()], [InputFile("巡察情况.csv", csv_bytes(table(header, rows)))],
                            expect_fast=False)  # context from the rows above: the row-by-row path
    assert result.status == "imported", result.problems
    unit_id = INSPECTION_COLUMNS.index("unit_id")
    assert sorted(r[unit_id] for r in data["inspections"]) == ["n:东城区|城关镇|张家村", "n:西城区|河口镇|王庄村"]


def test_a_record_above_the_first_township_heading_is_refused_naming_why(con):
    rows = [PLACE_ROWS[1], *PLACE_ROWS[3:]]
    result = run(con, roster_csv(), InputFile("巡察情况.xlsx", xlsx_bytes({"巡察情况": table(PLACE_HEADER, rows)})))
    assert result.status == "rejected"
    assert [(p.row, p.reason) for p in result.problems] == [
        (2, "这一行之前没有写明乡镇的分类标题（如“一、城关镇”），表中也没有乡镇列")]


def test_headings_that_name_no_place_still_leave_the_township_column_missing(con):
    """Without a roster (one in the same upload gives the township: test_unseen_values6)."""
    rows = [["一、市级巡察"], PLACE_ROWS[1]]
    result = run(con, InputFile("巡察情况.xlsx", xlsx_bytes({"巡察情况": table(PLACE_HEADER, rows)})))
    assert result.status == "rejected"
    assert "缺少必填列：乡镇" in result.problems[0].reason


def test_an_issue_list_under_township_and_category_headings_takes_each_from_its_own(con):
    header = ["轮次", "县区", "村(社区)", "整改状态"]
    issues = [["一、城关镇"], ["（一）党的领导方面"], ["2021年第一轮", "东城区", "张家村", "已整改"],
              ["（二）党的建设方面"], ["2021年第一轮", "东城区", "张家村", "整改中"],
              ["二、河口镇"], ["（一）党的建设方面"], ["2021年第一轮", "西城区", "王庄村", "未整改"]]
    result = run(con, roster_csv(), InputFile("巡察情况.csv", csv_bytes(table(INSPECTION_HEADER, INSPECTION_ROWS))),
                 InputFile("问题清单.xlsx", xlsx_bytes({"问题清单": table(header, issues)})))
    assert result.status == "imported", result.problems
    assert con.execute("SELECT r.township, r.unit_name, s.category FROM issues s JOIN roster r USING (unit_id) "
                       "ORDER BY 1, 2, 3").fetchall() == [("城关镇", "张家村", "党的建设"), ("城关镇", "张家村", "党的领导"),
                                                          ("河口镇", "王庄村", "党的建设")]


# ---------------------------------------------------------------- a round written another way

@pytest.mark.parametrize("written", ["2021年度第一轮", "2021第一轮", "二〇二一年第一轮", "2021年一轮",
                                     "第一轮", "第1轮巡察"])  # the year left out (a sheet named 第一轮)
def test_a_round_written_another_way_is_named_by_the_warning(con, written):
    """Kept as written (README: rounds are stored as written), so a corrected file adds twins of its
    inspections: the import warned for 第1轮 / 第一轮 and a trailing 巡察, not for these (counted twice unsaid)."""
    assert run(con, roster_csv(), inspections_csv()).status == "imported"
    rows = [list(INSPECTION_ROWS[0])]
    rows[0][INSPECTION_HEADER.index("轮次")] = written
    result = run(con, inspections_csv(rows))
    assert result.status == "imported", result.problems
    assert any("只是写法不同" in w and f"「{written}」与「2021年第一轮」" in w for w in result.warnings), result.warnings


@pytest.mark.parametrize("written", ["2021年第二轮", "2022年第一轮", "2021-1", "第二轮"])
def test_another_round_is_not_named_by_that_warning(con, written):
    assert run(con, roster_csv(), inspections_csv()).status == "imported"
    rows = [list(INSPECTION_ROWS[0])]
    rows[0][INSPECTION_HEADER.index("轮次")] = written
    result = run(con, inspections_csv(rows))
    assert result.status == "imported", result.problems
    assert not any("只是写法不同" in w for w in result.warnings)


# ---------------------------------------------------------------- no roster: a place written another way

@pytest.mark.parametrize(("column", "written", "known"), [("县区", "东城", "东城区"), ("乡镇街道", "城关", "城关镇"),
                                                          ("县区", "东城区", "东城")])
def test_without_a_roster_a_place_written_without_or_with_its_suffix_is_named_by_a_warning(con, column, written,
                                                                                          known):
    """Without a roster the units are the inspected ones as written: 东城 beside 东城区 are two districts on
    the pages and a village inspected under each counts as two units. Kept (the contract has no roster to
    tell), but the import said nothing."""
    first = [list(r) for r in INSPECTION_ROWS]
    first[0][INSPECTION_HEADER.index(column)] = known
    assert run(con, inspections_csv(first)).status == "imported"
    rows = [list(INSPECTION_ROWS[0])]
    rows[0][INSPECTION_HEADER.index("轮次")] = "2022年第一轮"
    rows[0][INSPECTION_HEADER.index(column)] = written
    result = run(con, inspections_csv(rows))
    assert result.status == "imported", result.problems
    assert any(f"「{written}」与「{known}」" in w and "没有对象名册" in w for w in result.warnings), result.warnings


def test_with_a_roster_or_another_place_there_is_no_such_warning(con):
    rows = [list(INSPECTION_ROWS[0])]
    rows[0][INSPECTION_HEADER.index("县区")] = "东城"  # the roster's 东城区, written without its suffix
    result = run(con, roster_csv(), inspections_csv([*rows, INSPECTION_ROWS[1]]))
    assert result.status == "imported", result.problems
    rows[0][INSPECTION_HEADER.index("轮次")] = "2022年第一轮"
    rows[0][INSPECTION_HEADER.index("县区")] = "东城区"
    again = run(con, inspections_csv(rows))
    assert again.status == "imported", again.problems
    assert not any("没有对象名册" in w for w in result.warnings + again.warnings)


# ---------------------------------------------------------------- a hidden old copy of a column

TWIN_HEADER = ["轮次", "巡察层级", "巡察组", "开始日期", "县区", "乡镇街道", "村(社区)", "发现问题数", "发现问题数",
               "移交问题线索数"]
TWIN_ROWS = [["2021年第一轮", "市级", "市委第一巡察组", "2021-03-15", "东城区", "城关镇", "张家村", 3, 2, 1],
             ["2021年第一轮", "县级", "县委第二巡察组", "2021-03-15", "西城区", "河口镇", "王庄村", 1, 1, 0]]


def _twin_workbook(kind: str, hidden: int | None) -> InputFile:
    if kind == "xls":
        import xlwt

        book = xlwt.Workbook(encoding="utf-8")
        sheet = book.add_sheet("巡察情况")
        for r, row in enumerate(table(TWIN_HEADER, TWIN_ROWS)):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
        if hidden is not None:
            sheet.col(hidden).hidden = True
    else:
        from openpyxl import Workbook
        from openpyxl.utils import get_column_letter

        book = Workbook()
        sheet = book.active
        for row in table(TWIN_HEADER, TWIN_ROWS):
            sheet.append(row)
        if hidden is not None:
            sheet.column_dimensions[get_column_letter(hidden + 1)].hidden = True
    out = io.BytesIO()
    book.save(out)
    return InputFile(f"巡察情况.{kind}", out.getvalue())


@pytest.mark.parametrize("kind", ["xlsx", "xls"])
@pytest.mark.parametrize(("hidden", "found"), [(8, [1, 3]), (7, [1, 2])])
def test_a_hidden_old_copy_of_a_column_is_not_read_the_visible_one_is(con, kind, hidden, found):
    """发现问题数 twice, one hidden (an old copy kept out of sight): the clerk sees one column. The import
    was refused for the two disagreeing, naming a column the clerk cannot see."""
    result = run(con, roster_csv(), _twin_workbook(kind, hidden))
    assert result.status == "imported", result.problems
    assert con.execute("SELECT list(issues_found ORDER BY issues_found) FROM inspections").fetchone()[0] == found
    assert any("隐藏的列「发现问题数」" in w for w in result.warnings)


def test_two_visible_copies_that_disagree_are_still_refused(con):
    result = run(con, roster_csv(), _twin_workbook("xlsx", None))
    assert result.status == "rejected"
    assert "两列的值不同" in result.problems[0].reason


def test_a_hidden_column_of_its_own_is_still_read(con):
    from openpyxl import Workbook

    book = Workbook()
    for row in table(TWIN_HEADER[:8] + TWIN_HEADER[9:], [r[:8] + r[9:] for r in TWIN_ROWS]):
        book.active.append(row)
    book.active.column_dimensions["I"].hidden = True  # 移交问题线索数, the only clues column
    out = io.BytesIO()
    book.save(out)
    result = run(con, roster_csv(), InputFile("巡察情况.xlsx", out.getvalue()))
    assert result.status == "imported", result.problems
    assert con.execute("SELECT sum(clues) FROM inspections").fetchone()[0] == 1


# ---------------------------------------------------------------- a Chinese date with its time

@pytest.mark.parametrize("written", ["2021年3月15日 9:30", "2021年3月15日 下午 2:30", "2021年3月15日9时30分"])
def test_a_chinese_date_with_its_time_is_that_date_on_both_csv_paths(monkeypatch, written):
    """WPS's and Excel's Chinese date-time formats, kept as text: refused as a date format not recognised,
    while 2021-03-15 上午 09:30 was read."""
    result, data = run_both(monkeypatch, [roster_csv()], [inspections_with("开始日期", written)])
    assert result.status == "imported", result.problems
    start = INSPECTION_COLUMNS.index("start_date")
    assert {r[start] for r in data["inspections"]} == {dt.date(2021, 3, 15)}


@pytest.mark.parametrize("written", ["3/4/2021", "04/03/2021"])  # 3/15/2021: test_unseen_values8
def test_a_date_with_its_year_last_is_refused_saying_the_order_cannot_be_told(con, written):
    """An English-region export (month or day first): it was refused as a format not recognised."""
    result = run(con, roster_csv(), inspections_with("开始日期", written))
    assert result.status == "rejected"
    [problem] = result.problems
    assert problem.value == written and "年份写在最后" in problem.reason and "月和日的先后无法确定" in problem.reason


# ---------------------------------------------------------------- a web system's export lines

@pytest.mark.parametrize("footer", ["共 2 条记录", "第1页/共1页", "数据来源：巡察工作管理系统", "导出时间：2022-06-01 10:00",
                                    "打印人：张某"])
def test_the_lines_a_web_system_writes_below_its_export_are_notes_on_both_csv_paths(monkeypatch, footer):
    """They were skipped as a template's empty rows (只有序号、预填的地区…), which they are not."""
    rows = table(INSPECTION_HEADER, [*INSPECTION_ROWS, [footer]], [["导出时间：2022-06-01 10:00"]])
    result, _ = run_both(monkeypatch, [roster_csv()], [InputFile("导出.csv", csv_bytes(rows))])
    assert result.status == "imported", result.problems
    assert result.warnings == ["导出.csv：已跳过表外说明行（填表人、审核人、说明、示例等） 1 行（第 5 行）"]


def test_a_round_or_unit_that_starts_like_those_lines_is_still_a_record(con):
    rows = [list(r) for r in INSPECTION_ROWS]
    rows[0][INSPECTION_HEADER.index("轮次")] = "第1轮"
    rows[1][INSPECTION_HEADER.index("轮次")] = "共建第2轮"
    result = run(con, roster_csv(), InputFile("巡察情况.csv", csv_bytes(table(INSPECTION_HEADER, rows))))
    assert result.status == "imported", result.problems
    assert con.execute("SELECT count(*) FROM inspections").fetchone()[0] == 2


# ---------------------------------------------------------------- a record holding a header's name

def test_a_first_record_holding_a_header_name_is_a_record_not_part_of_the_header(con):
    """贫困村 written under 是否贫困村 in the first row (a header name of that column): the row was taken as
    a second header row and the unit silently left out of the roster (and of the coverage)."""
    rows = [list(r) for r in ROSTER_ROWS]
    rows[0][ROSTER_HEADER.index("是否贫困村")] = "贫困村"
    result = run(con, InputFile("名册.csv", csv_bytes(table(ROSTER_HEADER, rows))))
    assert result.status == "rejected"  # 贫困村 is no yes/no: a question about that cell, of row 2
    assert [(p.row, p.value) for p in result.problems] == [(2, "贫困村")]
    rows[0][ROSTER_HEADER.index("是否贫困村")] = "是"
    assert run(con, InputFile("名册.csv", csv_bytes(table(ROSTER_HEADER, rows)))).status == "imported"
    assert con.execute("SELECT count(*) FROM roster").fetchone()[0] == 4


# ---------------------------------------------------------------- an inspection still under way

@pytest.mark.parametrize("written", ["2022.3.1—", "2022年3月1日至今", "2022-03-01 ~"])
@pytest.mark.parametrize("header", ["巡察时间", "进驻时间"])
def test_a_period_without_its_end_gives_the_start_alone(con, written, header):
    """An inspection still under way: its period written with an open end was refused as a date format
    not recognised."""
    head = ["轮次", "巡察层级", "巡察组", header, "县区", "乡镇街道", "村(社区)", "发现问题数"]
    rows = [["2022年第一轮", "市级", "市委第一巡察组", written, "东城区", "城关镇", "张家村", 3]]
    result = run(con, roster_csv(), InputFile("巡察情况.csv", csv_bytes(table(head, rows))))
    assert result.status == "imported", result.problems
    assert con.execute("SELECT start_date, end_date FROM inspections").fetchall() == [(dt.date(2022, 3, 1), None)]


# ---------------------------------------------------------------- more of how ledgers write a status

@pytest.mark.parametrize(("written", "status"), [
    ("整改完毕", "rectified"), ("已整改完毕", "rectified"), ("已落实整改", "rectified"),
    ("已完成整改并销号", "rectified"), ("正在整改中", "in_progress"), ("尚未完成", "not_started"),
    ("未开始", "not_started"), ("持续整改中", "long_term"), ("基本完成整改", "long_term"),
])
def test_more_status_phrases_offices_write_are_their_status_on_both_csv_paths(monkeypatch, written, status):
    """Each was a question to map (不是可识别的整改状态)."""
    row = list(ISSUE_ROWS[0])
    row[ISSUE_HEADER.index("整改状态")] = written
    result, data = run_both(monkeypatch, [roster_csv(), inspections_csv()], [
        InputFile("问题清单.csv", csv_bytes(table(ISSUE_HEADER, [row])))])
    assert result.status == "imported", result.problems
    assert [r[ISSUE_COLUMNS.index("status")] for r in data["issues"]] == [status]


# ---------------------------------------------------------------- an amount in yuan under a 万元 header

@pytest.mark.parametrize(("written", "warned"), [("¥35,000", True), ("1000", True), ("66.57", False), ("999.99", False)])
def test_funds_of_a_thousand_wan_yuan_or_more_from_one_inspection_are_imported_and_named(monkeypatch, written,
                                                                                         warned):
    """¥35,000 under 追回资金（万元） is most likely yuan (a village's inspection recovers tens of 万元): the
    cell says nothing the header does not, so it is imported as 万元 as written, and the import names it
    for the clerk to check; it said nothing."""
    rows = [[*INSPECTION_ROWS[0], written], [*INSPECTION_ROWS[1], ""]]
    result, data = run_both(monkeypatch, [roster_csv()], [
        InputFile("巡察情况.csv", csv_bytes(table([*INSPECTION_HEADER, "追回资金（万元）"], rows)))])
    assert result.status == "imported", result.problems
    funds = INSPECTION_COLUMNS.index("funds_recovered")
    assert [r[funds] for r in data["inspections"] if r[funds] is not None] == [float(written.lstrip("¥").replace(",", ""))]
    large = [w for w in result.warnings if "追回资金在 1,000 万元以上" in w]
    assert bool(large) == warned
    if warned:
        assert "张家村" in large[0] and "（元）" in large[0]


# ---------------------------------------------------------------- a separator inside a cell, unquoted

@pytest.mark.parametrize("where", ["middle", "last"])
def test_a_cell_holding_an_unquoted_comma_is_refused_naming_its_row_and_the_reason(con, where):
    """会议记录不全,账目不清 written without quotes (a web system's or hand-made CSV): in the middle of a
    record 账目不清 was read as the status and the status as the due date (the refusal named an unknown
    status, and offered to map it); at its end the text after the comma was dropped unseen."""
    header = ["轮次", "县区", "乡镇街道", "村(社区)", "问题类别", "问题描述", "整改状态", "整改时限"]
    rows = [["2021年第一轮", "东城区", "城关镇", "张家村", "基层党组织建设", "三会一课不规范", "整改中", "2021-08-01"],
            ["2021年第一轮", "东城区", "城关镇", "张家村", "基层党组织建设", "会议记录不全,账目不清", "已整改",
             "2021-08-01"]]
    if where == "last":
        order = [0, 1, 2, 3, 4, 6, 7, 5]
        header, rows = [header[i] for i in order], [[r[i] for i in order] for r in rows]
    text = "\n".join(",".join(row) for row in [header, *rows])  # no quotes around the comma
    result = run(con, roster_csv(), inspections_csv(), InputFile("问题清单.csv", text.encode("gbk")))
    assert result.status == "rejected"
    assert len(result.problems) == 1, result.problems
    assert "第 3 行分出的列比表头多" in result.problems[0].reason and "逗号" in result.problems[0].reason
    assert con.execute("SELECT count(*) FROM issues").fetchone()[0] == 0


def test_a_csv_saved_by_excel_with_a_note_right_of_the_table_still_imports(con):
    """Excel writes every record as wide as the widest: a note typed right of the table makes the
    header as long as the records (its extra cells blank), and the note's column is ignored, as in a
    workbook."""
    rows = [[*INSPECTION_HEADER, ""], *[[*r, ""] for r in INSPECTION_ROWS]]
    rows[1][-1] = "已复核"
    result = run(con, roster_csv(), InputFile("巡察情况.csv", csv_bytes(rows, "gbk")))
    assert result.status == "imported", result.problems


# ---------------------------------------------------------------- both levels in a round written alike

def test_a_municipal_inspection_replacing_a_county_one_is_said_with_how_to_keep_both(con):
    """The city's ledger writes its round as the county's does (2021年第一轮) for a village the county
    team inspected too: the second import replaces the county's inspection as a corrected level would,
    and says so (the change list said 巡察层级：county → municipal in the store's codes)."""
    county = inspection_row(巡察层级="县级", 巡察组="县委第一巡察组")
    assert run(con, roster_csv(), inspections_csv([county])).status == "imported"
    result = run(con, inspections_csv([inspection_row()], name="市委巡察情况.csv"))
    assert result.status == "imported" and result.replaced == 1
    level = next(c for c in result.changes if c["field"] == "巡察层级")
    assert (level["old"], level["new"]) == ("县级", "市级")
    warning = next(w for w in result.warnings if "被另一层级的巡察记录替换" in w)
    assert "2021年第一轮 张家村：县级 → 市级" in warning and "在轮次中写明层级" in warning


def test_both_levels_in_one_round_of_one_file_are_refused_with_how_to_keep_both(con):
    county = inspection_row(巡察层级="县级", 巡察组="县委第一巡察组")
    result = run(con, roster_csv(), inspections_csv([inspection_row(), county]))
    assert result.status == "rejected"
    assert "同一轮次同一村(社区)出现两次" in result.problems[0].reason
    assert "一为市级、一为县级" in result.problems[0].suggestion
    twice = run(con, roster_csv(), inspections_csv([inspection_row(), inspection_row(巡察组="市委第二巡察组")]))
    assert twice.problems[0].suggestion is None  # the same level twice: no word on levels


def test_the_change_list_shows_a_roster_mark_as_written(con):
    """是否贫困村 changed from 是 to 否 read 'true → false' (the store's values)."""
    rows = [list(r) for r in ROSTER_ROWS]
    assert run(con, roster_csv(rows)).status == "imported"
    mark = ROSTER_HEADER.index("是否贫困村")
    rows[0][mark] = "否" if rows[0][mark] == "是" else "是"
    result = run(con, roster_csv(rows))
    change = next(c for c in result.changes if c["field"] == "是否贫困村")
    assert {change["old"], change["new"]} == {"是", "否"}


# ---------------------------------------------------------------- several issues in one row

@pytest.mark.parametrize("written", ["1.三会一课不规范；2.发展党员程序不规范", "（1）账目不清（2）白条入账",
                                     "1.账目不清\n2.白条入账", "1、账目不清，2、白条入账"])
def test_a_description_listing_several_issues_is_said_to_count_once(con, written):
    """A rectification ledger kept a row per feedback item, its issues numbered inside the cell: each row
    counts as one issue (the contract's row), and the import says which inspections hold such rows (the
    only word was that the list counts fewer issues than 发现问题数, 'the list may be partial')."""
    rows = [list(r) for r in ISSUE_ROWS]
    rows[1][ISSUE_HEADER.index("问题类别")] = rows[0][ISSUE_HEADER.index("问题类别")]
    header = [*ISSUE_HEADER, "问题描述"]
    rows = [[*r, d] for r, d in zip(rows, [written, "1.5万元未入账；2.3万元白条", "三会一课不规范"], strict=True)]
    result = run(con, roster_csv(), inspections_csv(), InputFile("问题清单.csv", csv_bytes(table(header, rows))))
    assert result.status == "imported", result.problems
    assert con.execute("SELECT count(*) FROM issues").fetchone()[0] == 3
    warning = next(w for w in result.warnings if "在一格里列了几个问题" in w)
    assert warning.startswith("1 行") and "2021年第一轮 张家村：1 行" in warning


def test_more_rectified_or_fixed_than_found_is_named_for_the_clerk_to_check(con):
    """9 rectified of 3 found (a typo, or the count of measures): imported as written, the rate reads
    300%, and the import said nothing (the screen now explains the rate; the clerk is told here)."""
    rows = [inspection_row(已整改数=9), inspection_row(已整改数=1)]
    rows[1][INSPECTION_HEADER.index("村(社区)")] = "李家村"
    result = run(con, roster_csv(), inspections_csv(rows))
    assert result.status == "imported", result.problems
    warning = next(w for w in result.warnings if "大于发现问题数" in w)
    assert warning.startswith("1 个巡察记录") and "2021年第一轮 张家村：已整改数 9，发现问题数 2" in warning
