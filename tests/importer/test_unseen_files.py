"""Files as offices and their software make them, in shapes the other galleries do not hold: each
imports with the figures a clerk computes by hand, or is refused naming the real reason."""

from __future__ import annotations

import io

import pytest
from support.fast_path import run_both
from support.ledgers import (
    INSPECTION_HEADER,
    INSPECTION_ROWS,
    ISSUE_HEADER,
    ISSUE_ROWS,
    csv_bytes,
    fresh_store,
    inspections_csv,
    issues_with,
    roster_csv,
    run,
    table,
    xlsx_bytes,
)

from inspection.importer import InputFile
from inspection.importer.model import INSPECTION_COLUMNS, ISSUE_COLUMNS

con = pytest.fixture(fresh_store)


# ---------------------------------------------------------------- amounts with a currency sign

@pytest.mark.parametrize(("header", "written", "wan_yuan", "encoding"), [
    ("追回资金（万元）", "￥66.57", 66.57, "gbk"),
    # Excel's 会计专用 format, as a CSV (UTF-8) saved from it keeps it
    ("追回资金（元）", " ¥15,000.00 ", 1.5, "utf-8-sig"),
    ("追回资金（元）", " ¥-   ", 0.0, "utf-8-sig"),  # the same format writes a zero as its sign and a dash
    ("追回资金", "人民币1.5万元", 1.5, "gbk"),
    ("追回资金", "RMB 15000元", 1.5, "gbk"),
])
def test_an_amount_with_its_currency_sign_is_that_amount_on_both_csv_paths(monkeypatch, header, written, wan_yuan,
                                                                           encoding):
    """A currency-formatted column (货币 / 会计专用) is saved into a CSV as Excel shows it: ¥15,000.00."""
    rows = [[*INSPECTION_ROWS[0], written], [*INSPECTION_ROWS[1], ""]]
    result, data = run_both(monkeypatch, [roster_csv()], [
        InputFile("巡察情况.csv", csv_bytes(table([*INSPECTION_HEADER, header], rows), encoding))],
        expect_fast=encoding != "gbk" and "," not in written)  # a quoted cell with spaces: the row path
    assert result.status == "imported", result.problems
    funds = INSPECTION_COLUMNS.index("funds_recovered")
    assert sorted(r[funds] for r in data["inspections"] if r[funds] is not None) == [pytest.approx(wan_yuan)]


@pytest.mark.parametrize(("written", "reason"), [("-￥15.00", "负数"), ("¥-15.00", "负数"), ("￥", "不能填文字")])
def test_a_currency_sign_with_no_amount_or_a_negative_one_is_refused(con, written, reason):
    rows = [[*INSPECTION_ROWS[0], written], [*INSPECTION_ROWS[1], ""]]
    result = run(con, roster_csv(), InputFile("巡察情况.csv", csv_bytes(table([*INSPECTION_HEADER, "追回资金"], rows))))
    assert result.status == "rejected"
    [problem] = result.problems
    assert (problem.row, problem.column) == (2, "追回资金") and reason in problem.reason


# ---------------------------------------------------------------- a status written as a sentence

@pytest.mark.parametrize(("written", "status"), [
    ("整改完成，已销号", "rectified"), ("已整改、已销号", "rectified"), ("已整改。", "rectified"),
    ("已完成/已销号", "rectified"), ("整改中。", "in_progress"), ("长期坚持；", "long_term"),
    ("已整改（2021年6月10日）", "rectified"), ("已整改（已销号）", "rectified"),
])
def test_a_status_said_twice_or_ending_in_a_full_stop_is_that_status_on_both_csv_paths(monkeypatch, written,
                                                                                      status):
    result, data = run_both(monkeypatch, [roster_csv(), inspections_csv()],
                            [issues_with(0, "整改状态", written)])
    assert result.status == "imported", result.problems
    column = ISSUE_COLUMNS.index("status")
    assert sorted(r[column] for r in data["issues"]) == sorted([status, "in_progress", "not_started"])


# (已整改并建立长效机制 and 已整改（见附件） say one state, rectified: tests/importer/test_progress_status.py)
@pytest.mark.parametrize("written", ["已整改，整改中", "未整改（正在推进）", "已整改，建立长效机制并长期坚持", "见附件"])
def test_a_status_whose_parts_disagree_or_are_unknown_is_still_a_question(con, written):
    rows = [list(r) for r in ISSUE_ROWS]
    rows[0][ISSUE_HEADER.index("整改状态")] = written
    result = run(con, roster_csv(), inspections_csv(),
                 InputFile("问题清单.xlsx", xlsx_bytes({"问题清单": table(ISSUE_HEADER, rows)})))
    assert result.status == "rejected"
    [problem] = result.problems
    assert problem.value == written and "整改状态" in problem.reason
    assert result.questions is not None  # the clerk may still map the office's own word


# ---------------------------------------------------------------- a date that lost its year

def test_a_date_saved_without_its_year_is_refused_naming_the_missing_year_on_both_csv_paths(monkeypatch):
    """A date column formatted 3月15日 shows no year; a CSV saved from it keeps only the month and day
    (read in the year of its round when the round states one: test_unseen_values4)."""
    rows = [list(r) for r in INSPECTION_ROWS]
    rows[0][INSPECTION_HEADER.index("轮次")] = "第一轮"
    rows[0][INSPECTION_HEADER.index("开始日期")] = "3月15日"
    rows[0][INSPECTION_HEADER.index("结束日期")] = "5/20"
    result, _ = run_both(monkeypatch, [roster_csv()],
                         [InputFile("巡察情况.csv", csv_bytes(table(INSPECTION_HEADER, rows)))], expect_fast=False)
    assert result.status == "rejected"
    assert [(p.row, p.column, p.value) for p in result.problems] == [(2, "开始日期", "3月15日"), (2, "结束日期", "5/20")]
    for problem in result.problems:
        assert "没有年份" in problem.reason and "完整日期" in problem.suggestion, problem


# ---------------------------------------------------------------- levels and unit types as offices write them

@pytest.mark.parametrize(("municipal", "county"), [("市委巡察", "县级巡察"), ("提级巡察", "区级"), ("市", "县"),
                                                   ("市级", "县(市、区)委"), ("市级", "旗委"), ("市级", "区委巡察组")])
def test_a_level_with_the_suffix_xuncha_or_written_for_districts_and_banners_is_that_level(con, municipal, county):
    rows = [list(r) for r in INSPECTION_ROWS]
    level = INSPECTION_HEADER.index("巡察层级")
    rows[0][level], rows[1][level] = municipal, county
    result = run(con, roster_csv(), InputFile("巡察情况.xlsx", xlsx_bytes({"巡察情况": table(INSPECTION_HEADER, rows)})))
    assert result.status == "imported", result.problems
    assert con.execute("SELECT unit_name, level FROM inspections ORDER BY unit_name").fetchall() == [
        ("张家村", "municipal"), ("王庄村", "county")]


def test_a_unit_type_naming_a_kind_of_village_or_community_or_a_two_new_organisation_is_that_type(con):
    header = ["县区", "乡镇街道", "对象名称", "对象类型"]
    rows = [["东城区", "城关镇", "张家村", "行政村"], ["东城区", "城关镇", "张家墩社区", "城市社区"],
            ["东城区", "城关镇", "李家村", "村委会"], ["西城区", "河口镇", "河口社区", "社区居委会"],
            ["西城区", "河口镇", "宏达公司", "非公企业"], ["西城区", "河口镇", "个体劳动者协会", "社会组织"],
            ["西城区", "河口镇", "河口镇中心学校", "学校"]]
    result = run(con, InputFile("名册.csv", csv_bytes(table(header, rows), "gbk")))
    assert result.status == "imported", result.problems
    assert dict(con.execute("SELECT unit_name, unit_type FROM roster").fetchall()) == {
        "张家村": "村", "张家墩社区": "社区", "李家村": "村", "河口社区": "社区", "宏达公司": "两新组织",
        "个体劳动者协会": "两新组织", "河口镇中心学校": "学校"}


@pytest.mark.parametrize(("column", "written"), [("巡察层级", "市县联动"), ("对象类型", "事业单位")])
def test_a_level_or_type_the_contract_cannot_tell_is_still_a_question(con, column, written):
    if column == "巡察层级":
        rows = [list(r) for r in INSPECTION_ROWS]
        rows[0][INSPECTION_HEADER.index(column)] = written
        files = [roster_csv(), InputFile("巡察情况.csv", csv_bytes(table(INSPECTION_HEADER, rows)))]
    else:
        files = [InputFile("名册.csv", csv_bytes(table(["县区", "乡镇街道", "对象名称", "对象类型"],
                                                     [["东城区", "城关镇", "城关镇卫生院", written]])))]
    result = run(con, *files)
    assert result.status == "rejected"
    [problem] = result.problems
    assert (problem.column, problem.value) == (column, written) and result.questions is not None


# ---------------------------------------------------------------- a formula an .xls keeps no result of

def _xls_with_formula(column: str) -> bytes:
    """An .xls as a program writes it (xlwt, as old systems export): a title row, and in `column` of the
    first record a formula nothing ever calculated (its result is kept as an empty string)."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("巡察情况")
    sheet.write(0, 0, "东城区巡察情况统计表")
    header = [*INSPECTION_HEADER, "其中：甲", "其中：乙"]
    rows = [[*r, 1, 1] for r in INSPECTION_ROWS]
    rows[0][header.index(column)] = xlwt.Formula("N3+O3")
    for r, row in enumerate([header, *rows], start=1):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_required_figure_an_xls_keeps_as_a_formula_without_a_result_is_refused_naming_the_formula(con):
    result = run(con, roster_csv(), InputFile("巡察情况.xls", _xls_with_formula("发现问题数")))
    assert result.status == "rejected"
    [problem] = result.problems
    assert (problem.row, problem.column) == (3, "发现问题数")
    assert "公式" in problem.reason and "计算结果为空" in problem.reason and "保存" in problem.suggestion


def test_an_optional_figure_an_xls_keeps_as_a_formula_without_a_result_is_not_reported(con):
    """Excel keeps a formula returning "" the same way: an optional figure stays not reported (NULL), never 0."""
    result = run(con, roster_csv(), InputFile("巡察情况.xls", _xls_with_formula("移交问题线索数")))
    assert result.status == "imported", result.problems
    assert con.execute("SELECT unit_name, issues_found, clues FROM inspections ORDER BY unit_name").fetchall() == [
        ("张家村", 2, None), ("王庄村", 1, 0)]


# ---------------------------------------------------------------- a due date as a time after the feedback

@pytest.mark.parametrize(("written", "due"), [
    ("反馈后3个月内", "2021-08-20"), ("三个月内完成整改", "2021-08-20"), ("自反馈之日起30天内", "2021-06-19"),
    ("两个月", "2021-07-20"), ("6个月内完成，并长期坚持", "2021-11-20"),
])
def test_a_due_date_written_as_a_time_after_the_feedback_counts_from_the_end_date(con, written, due):
    """Rectification notices give the time from the feedback (the inspection's end_date, 2021-05-20)."""
    result = run(con, roster_csv(), inspections_csv(), issues_with(1, "整改时限", written))
    assert result.status == "imported", result.problems
    assert [str(d) for (d,) in con.execute("SELECT due_date FROM live_issues ORDER BY unit_id, seq").fetchall()] == [
        "2021-08-01", due, "2021-08-01"]


@pytest.mark.parametrize("written", ["3月内", "30日", "0个月"])
def test_a_time_after_the_feedback_that_could_be_a_date_is_still_refused(con, written):
    result = run(con, roster_csv(), inspections_csv(), issues_with(1, "整改时限", written))
    assert result.status == "rejected"
    assert [(p.row, p.column, p.value) for p in result.problems] == [(3, "整改时限", written)]


# ---------------------------------------------------------------- a template's example row

@pytest.mark.parametrize("marker", ["示例", "例", "填写示例：", "（示例）", "样例"])
def test_a_templates_example_row_left_above_the_records_is_skipped_not_counted_on_both_csv_paths(monkeypatch,
                                                                                               marker):
    """A template sent down by the upper office carries an example row (示例 in its 序号 column); a clerk
    fills the rows below it. Its made-up unit must not be counted as inspected."""
    example = [marker, "2020年第一轮", "市级", "市委第一巡察组", "常规", "2020-03-15", "2020-05-20", "东城区", "城关镇",
               "李家村", 5, 1, 1, 2]
    rows = [example, [1, *INSPECTION_ROWS[0]], [2, *INSPECTION_ROWS[1]]]
    result, data = run_both(monkeypatch, [roster_csv()], [
        InputFile("巡察情况.csv", csv_bytes(table(["序号", *INSPECTION_HEADER], rows)))])
    assert result.status == "imported", result.problems
    assert result.skipped == 1 and "示例" in result.warnings[0] and "第 2 行" in result.warnings[0]
    unit = INSPECTION_COLUMNS.index("unit_name")
    assert sorted(r[unit] for r in data["inspections"]) == ["张家村", "王庄村"]


def test_a_round_whose_first_cell_starts_like_an_example_word_is_still_a_record(con):
    rows = [list(r) for r in INSPECTION_ROWS]
    rows[0][INSPECTION_HEADER.index("巡察方式")] = "例行"
    header = ["巡察方式", *[h for h in INSPECTION_HEADER if h != "巡察方式"]]
    rows = [[r[INSPECTION_HEADER.index(h)] for h in header] for r in rows]
    result = run(con, roster_csv(), InputFile("巡察情况.csv", csv_bytes(table(header, rows))))
    assert result.status == "imported", result.problems
    assert result.skipped == 0


# ---------------------------------------------------------------- header names offices write

def test_a_ledger_in_the_words_of_another_office_gives_every_figure(con):
    """Every header here was ignored or refused before; an optional figure's column ignored is a figure
    read as not reported, silently wrong."""
    header = ["巡察批次", "巡察层级", "巡察组组别", "所在县区", "乡镇名称", "巡察对象名称", "巡察开始时间", "巡察结束时间",
              "发现问题数量", "移送问题线索数", "立行立改问题数", "党纪政务处分人次", "组织处理人次", "移送司法机关",
              "已整改问题", "追缴违纪资金（万元）"]
    rows = [["2021年第一轮", "市级", "市委第一巡察组", "东城区", "城关镇", "张家村", "2021-03-15", "2021-05-20",
             9, 2, 3, 1, 2, 1, 8, 12.5],
            ["2021年第一轮", "县级", "县委第二巡察组", "西城区", "河口镇", "王庄村", "2021-03-15", "2021-05-20",
             4, 0, 1, 0, 0, 0, 4, 0]]
    result = run(con, roster_csv(), InputFile("巡察情况.xlsx", xlsx_bytes({"巡察情况": table(header, rows)})))
    assert result.status == "imported", result.problems
    assert not any("未识别" in w for w in result.warnings), result.warnings
    assert con.execute(
        "SELECT unit_name, round, level, team, start_date::VARCHAR, end_date::VARCHAR, issues_found, clues, "
        "immediate_fixes, disciplined, org_handled, judicial, rectified, funds_recovered FROM inspections "
        "ORDER BY unit_name").fetchall() == [
        ("张家村", "2021年第一轮", "municipal", "市委第一巡察组", "2021-03-15", "2021-05-20", 9, 2, 3, 1, 2, 1, 8, 12.5),
        ("王庄村", "2021年第一轮", "county", "县委第二巡察组", "2021-03-15", "2021-05-20", 4, 0, 1, 0, 0, 0, 4, 0.0)]


def test_a_part_of_a_figure_is_not_taken_for_the_figure(con):
    """党纪处分 alone is a part of 党纪政务处分 (政务处分 beside it): still no header of the figure."""
    header = [*INSPECTION_HEADER[:11], "党纪处分", "政务处分"]
    rows = [[*r[:11], 1, 1] for r in INSPECTION_ROWS]
    result = run(con, roster_csv(), InputFile("巡察情况.csv", csv_bytes(table(header, rows))))
    assert result.status == "imported", result.problems
    assert con.execute("SELECT count(*) FROM inspections WHERE disciplined IS NOT NULL").fetchone() == (0,)


def test_an_issue_list_and_a_roster_in_the_words_of_another_office_give_every_value(con):
    roster = table(["所在县区", "乡镇名称", "单位名称", "村（社区）类型", "是否为贫困村（是/否）", "是否软弱涣散村"],
                   [["东城区", "城关镇", "张家村", "村", "是", "否"], ["西城区", "河口镇", "王庄村", "村", "否", "是"]])
    issues = table(["巡察批次", "所在县区", "乡镇名称", "巡察对象", "一级分类", "二级分类", "主要问题", "是否完成整改",
                    "计划完成时间", "实际完成日期"],
                   [["2021年第一轮", "东城区", "城关镇", "张家村", "基层党组织建设", "组织生活", "会议记录不全", "是",
                     "2021-08-01", "2021-06-10"],
                    ["2021年第一轮", "西城区", "河口镇", "王庄村", "群众身边腐败问题", "三资管理", "账目不清", "否",
                     "2021-09-01", ""]])
    result = run(con, InputFile("名册.xlsx", xlsx_bytes({"名册": roster})), inspections_csv(),
                 InputFile("问题清单.xlsx", xlsx_bytes({"问题清单": issues})))
    assert result.status == "imported", result.problems
    assert not any("未识别" in w for w in result.warnings), result.warnings
    assert con.execute("SELECT unit_name, unit_type, is_poverty_village, is_weak_org FROM roster "
                       "ORDER BY unit_name").fetchall() == [("张家村", "村", True, False), ("王庄村", "村", False, True)]
    assert con.execute("SELECT category, subcategory, description, status, due_date::VARCHAR, rectified_date::VARCHAR "
                       "FROM issues ORDER BY unit_id").fetchall() == [
        ("基层党组织建设", "组织生活", "会议记录不全", "rectified", "2021-08-01", "2021-06-10"),
        ("群众身边腐败问题", "三资管理", "账目不清", "not_started", "2021-09-01", None)]


# ---------------------------------------------------------------- a unit written after its place

@pytest.mark.parametrize("written", ["城关镇张家村", "东城区城关镇张家村", "东城区张家村", "中共城关镇张家村支部委员会"])
def test_a_unit_written_after_its_own_township_or_district_is_the_roster_unit_on_both_csv_paths(monkeypatch,
                                                                                              written):
    """A 巡察对象 column often names the unit in full: 城关镇张家村(党支部)."""
    rows = [list(r) for r in INSPECTION_ROWS]
    rows[0][INSPECTION_HEADER.index("村(社区)")] = written
    issues = [list(r) for r in ISSUE_ROWS]
    issues[0][ISSUE_HEADER.index("村(社区)")] = written
    result, data = run_both(monkeypatch, [roster_csv()], [
        InputFile("巡察情况.csv", csv_bytes(table(INSPECTION_HEADER, rows))),
        InputFile("问题清单.csv", csv_bytes(table(ISSUE_HEADER, issues)))])
    assert result.status == "imported", result.problems
    unit = INSPECTION_COLUMNS.index("unit_id")
    assert sorted(r[unit] for r in data["inspections"]) == ["n:东城区|城关镇|张家村", "n:西城区|河口镇|王庄村"]
    assert sorted(r[ISSUE_COLUMNS.index("unit_id")] for r in data["issues"]) == [
        "n:东城区|城关镇|张家村", "n:东城区|城关镇|张家村", "n:西城区|河口镇|王庄村"]


@pytest.mark.parametrize("written", ["城关镇", "河口镇张家村", "城关张家村"])
def test_a_place_alone_or_another_place_before_a_unit_is_still_not_in_the_roster(con, written):
    rows = [list(r) for r in INSPECTION_ROWS]
    rows[0][INSPECTION_HEADER.index("村(社区)")] = written
    result = run(con, roster_csv(), InputFile("巡察情况.csv", csv_bytes(table(INSPECTION_HEADER, rows))))
    assert result.status == "rejected"
    [problem] = result.problems
    assert (problem.row, problem.value) == (2, written) and "名册中没有" in problem.reason


@pytest.mark.parametrize(("district", "township"), [("东城", "城关镇"), ("东城区", "城关"), ("东城", "城关")])
def test_a_district_or_township_written_without_its_suffix_is_the_one_the_roster_has_on_both_csv_paths(
        monkeypatch, district, township):
    """The roster says 东城区 / 城关镇; another office's ledger says 东城 / 城关."""
    rows = [list(r) for r in INSPECTION_ROWS]
    rows[0][INSPECTION_HEADER.index("县区")] = district
    rows[0][INSPECTION_HEADER.index("乡镇街道")] = township
    result, data = run_both(monkeypatch, [roster_csv()], [
        InputFile("巡察情况.csv", csv_bytes(table(INSPECTION_HEADER, rows)))])
    assert result.status == "imported", result.problems
    unit = INSPECTION_COLUMNS.index("unit_id")
    assert sorted(r[unit] for r in data["inspections"]) == ["n:东城区|城关镇|张家村", "n:西城区|河口镇|王庄村"]


def test_a_roster_without_suffixes_takes_a_ledger_with_them(con):
    header = ["县区", "乡镇街道", "村(社区)"]
    assert run(con, InputFile("名册.csv", csv_bytes(table(header, [["东城", "城关", "张家村"], ["西城", "河口", "王庄村"]])))
               ).status == "imported"
    result = run(con, inspections_csv())
    assert result.status == "imported", result.problems
    assert con.execute("SELECT count(*) FROM live_inspections WHERE in_roster").fetchone() == (2,)


@pytest.mark.parametrize(("district", "township"), [("东城县", "城关镇"), ("东城区", "城关街道"), ("东", "城关镇")])
def test_another_suffix_or_two_places_it_could_be_are_still_not_in_the_roster(con, district, township):
    """东城县 is not 东城区, nor 城关街道 城关镇; 城关 where both 城关镇 and 城关乡 exist could be either."""
    rows = [list(r) for r in INSPECTION_ROWS]
    rows[0][INSPECTION_HEADER.index("县区")] = district
    rows[0][INSPECTION_HEADER.index("乡镇街道")] = township
    result = run(con, roster_csv(), InputFile("巡察情况.csv", csv_bytes(table(INSPECTION_HEADER, rows))))
    assert result.status == "rejected"
    assert [(p.row, p.value) for p in result.problems] == [(2, "张家村")]


def test_a_township_that_could_be_two_of_the_roster_is_still_not_in_it(con):
    header = ["县区", "乡镇街道", "村(社区)"]
    roster = [["东城区", "城关镇", "张家村"], ["东城区", "城关乡", "张家村"], ["西城区", "河口镇", "王庄村"]]
    rows = [list(r) for r in INSPECTION_ROWS]
    rows[0][INSPECTION_HEADER.index("乡镇街道")] = "城关"
    result = run(con, InputFile("名册.csv", csv_bytes(table(header, roster))),
                 InputFile("巡察情况.csv", csv_bytes(table(INSPECTION_HEADER, rows))))
    assert result.status == "rejected"
    assert [(p.row, p.value) for p in result.problems] == [(2, "张家村")]


# ---------------------------------------------------------------- a round stated by a title or a file name

@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_ledger_without_a_round_column_takes_the_round_its_title_states(con, kind):
    titles = [["东城区委2021年第一轮巡察反馈问题整改台账"], ["填报单位：东城区委巡察办"]]
    rows = table(ISSUE_HEADER[1:], [r[1:] for r in ISSUE_ROWS], titles=titles)
    data = xlsx_bytes({"Sheet1": rows}) if kind == "xlsx" else csv_bytes(rows, "gbk")
    result = run(con, roster_csv(), inspections_csv(), InputFile(f"整改台账.{kind}", data))
    assert result.status == "imported", result.problems
    assert any("按表格标题取为「2021年第一轮」" in w for w in result.warnings), result.warnings
    assert con.execute("SELECT DISTINCT round FROM issues").fetchall() == [("2021年第一轮",)]


def test_a_csv_without_a_round_column_takes_the_round_its_file_name_states(con):
    rows = table(INSPECTION_HEADER[1:], [r[1:] for r in INSPECTION_ROWS])
    result = run(con, roster_csv(), InputFile("东城区2021年第一轮巡察情况.csv", csv_bytes(rows, "gbk")))
    assert result.status == "imported", result.problems
    assert any("按文件名取为「2021年第一轮」" in w for w in result.warnings), result.warnings
    assert con.execute("SELECT DISTINCT round FROM inspections").fetchall() == [("2021年第一轮",)]


def test_a_round_column_wins_over_the_title_and_the_sheet_name_over_both(con):
    titles = [["2020年第三轮巡察情况统计表"]]
    with_column = InputFile("2019年第一轮.xlsx", xlsx_bytes({"Sheet1": table(INSPECTION_HEADER, INSPECTION_ROWS,
                                                                              titles=titles)}))
    assert run(con, roster_csv(), with_column).status == "imported"
    assert con.execute("SELECT DISTINCT round FROM inspections").fetchall() == [("2021年第一轮",)]
    rows = [[*r[1:9], 5, 1, 1, 2] for r in INSPECTION_ROWS]  # no round column
    named = InputFile("2019年第一轮.xlsx", xlsx_bytes({"2022年第二轮": table(INSPECTION_HEADER[1:], rows, titles=titles)}))
    result = run(con, named)
    assert result.status == "imported", result.problems
    assert con.execute("SELECT DISTINCT round FROM inspections WHERE superseded_by IS NULL ORDER BY 1").fetchall() == [
        ("2021年第一轮",), ("2022年第二轮",)]


def test_a_title_that_states_no_round_leaves_the_column_missing(con):
    rows = table(INSPECTION_HEADER[1:], [r[1:] for r in INSPECTION_ROWS], titles=[["东城区巡察情况统计表"]])
    result = run(con, roster_csv(), InputFile("巡察情况.xlsx", xlsx_bytes({"Sheet1": rows})))
    assert result.status == "rejected"
    assert "缺少必填列：轮次" in result.problems[0].reason


# ---------------------------------------------------------------- a date with what happened on it

@pytest.mark.parametrize("written", ["2021年6月10日完成", "2021-06-10 已销号", "已于2021年6月10日完成整改", "2021.6.10已完成",
                                     "2021年6月10日，已销号"])
def test_a_completion_date_with_the_word_for_what_happened_is_that_date_on_both_csv_paths(monkeypatch, written):
    result, data = run_both(monkeypatch, [roster_csv(), inspections_csv()],
                            [issues_with(0, "整改完成时间", written)])
    assert result.status == "imported", result.problems
    done = ISSUE_COLUMNS.index("rectified_date")
    assert sorted(str(r[done]) for r in data["issues"] if r[done] is not None) == ["2021-06-10"]


@pytest.mark.parametrize("written", ["完成", "2021年6月完成", "2021年6月10日前"])
def test_a_completion_word_without_a_whole_date_or_a_date_before_which_is_still_refused(con, written):
    result = run(con, roster_csv(), inspections_csv(), issues_with(0, "整改完成时间", written))
    assert result.status == "rejected"
    assert [(p.row, p.column, p.value) for p in result.problems] == [(2, "整改完成时间", written)]


# ---------------------------------------------------------------- a template's rows left empty

def _template_rows(filled: list[list[object]], prefill: dict[int, object], up_to: int = 12) -> list[list[object]]:
    """序号 numbered down the template past the records, with `prefill` (column -> value) in the empty rows."""
    rows = [[n + 1, *r] for n, r in enumerate(filled)]
    for n in range(len(filled) + 1, up_to + 1):
        row = [n] + [None] * len(INSPECTION_HEADER)
        for col, value in prefill.items():
            row[1 + col] = value
        rows.append(row)
    return rows


@pytest.mark.parametrize("prefill", [
    {},
    {INSPECTION_HEADER.index("县区"): "东城区", INSPECTION_HEADER.index("轮次"): "2021年第一轮"},
    {INSPECTION_HEADER.index("发现问题数"): 0, INSPECTION_HEADER.index("移交问题线索数"): "0",
     INSPECTION_HEADER.index("巡察层级"): "县级"},
], ids=["serial", "area-and-round", "zeros-and-level"])
def test_a_templates_numbered_rows_left_empty_are_skipped_not_refused_on_both_csv_paths(monkeypatch, prefill):
    """A template comes with 序号 numbered down to row 50 (and the area, the round or 0 filled in ahead); the
    clerk fills the first rows. The rest name no unit: no records, skipped and reported, never refused."""
    rows = _template_rows(INSPECTION_ROWS, prefill)
    result, data = run_both(monkeypatch, [roster_csv()], [
        InputFile("巡察情况.csv", csv_bytes(table(["序号", *INSPECTION_HEADER], rows)))])
    assert result.status == "imported", result.problems
    assert result.skipped == 10 and "模板空行" in result.warnings[-1] and " 10 行（第 4、5、6、" in result.warnings[-1]
    assert len(data["inspections"]) == 2


def test_a_templates_empty_rows_in_a_workbook_are_skipped_too(con):
    rows = _template_rows(INSPECTION_ROWS, {INSPECTION_HEADER.index("乡镇街道"): "城关镇"})
    result = run(con, roster_csv(), InputFile("巡察情况.xlsx", xlsx_bytes({"巡察情况": table(["序号", *INSPECTION_HEADER],
                                                                                          rows)})))
    assert result.status == "imported", result.problems
    assert result.skipped == 10


@pytest.mark.parametrize(("column", "value"), [("巡察组", "市委第三巡察组"), ("开始日期", "2021-03-15"), ("发现问题数", 3)])
def test_a_row_naming_no_unit_but_holding_a_record_is_still_refused_for_its_unit(con, column, value):
    rows = _template_rows(INSPECTION_ROWS, {INSPECTION_HEADER.index(column): value}, up_to=3)
    result = run(con, roster_csv(), InputFile("巡察情况.csv", csv_bytes(table(["序号", *INSPECTION_HEADER], rows))))
    assert result.status == "rejected"
    assert (4, "村(社区)") in [(p.row, p.column) for p in result.problems]


# ---------------------------------------------------------------- a percentage where a count belongs

@pytest.mark.parametrize(("cell", "shown"), [(0.5, "0.5"), ("50%", "50%")])
def test_a_percentage_in_a_count_is_refused_saying_it_is_one(con, cell, shown):
    """A count column formatted as a percentage shows 0.5 as 50% (a CSV keeps 50%)."""
    rows = [list(r) for r in INSPECTION_ROWS]
    rows[0][INSPECTION_HEADER.index("移交问题线索数")] = cell
    result = run(con, roster_csv(), InputFile("巡察情况.xlsx", xlsx_bytes({"巡察情况": table(INSPECTION_HEADER, rows)})))
    assert result.status == "rejected"
    [problem] = result.problems
    assert (problem.row, problem.value) == (2, shown)
    assert "百分比" in problem.reason and "常规" in problem.suggestion


# ---------------------------------------------------------------- a name wrapped over two lines

def test_a_team_or_category_wrapped_over_two_lines_in_its_cell_is_the_same_one(con):
    """Alt+Enter wraps a long name in its cell (市委第一\\n巡察组); another file writes it on one line."""
    rows = [list(r) for r in INSPECTION_ROWS]
    rows[0][INSPECTION_HEADER.index("巡察组")] = "市委第一\n巡察组"
    issues = [list(r) for r in ISSUE_ROWS]
    issues[1][ISSUE_HEADER.index("问题类别")] = "基层党组织\r\n建设"
    result = run(con, roster_csv(), InputFile("巡察情况.xlsx", xlsx_bytes({"巡察情况": table(INSPECTION_HEADER, rows)})),
                 InputFile("问题清单.csv", csv_bytes(table(ISSUE_HEADER, issues))))
    assert result.status == "imported", result.problems
    assert con.execute("SELECT team FROM inspections ORDER BY unit_name").fetchall() == [("市委第一巡察组",),
                                                                                       ("县委第二巡察组",)]
    assert con.execute("SELECT category, count(*) FROM issues GROUP BY 1 ORDER BY 1").fetchall() == [
        ("基层党组织建设", 2), ("群众身边腐败问题", 1)]


# ---------------------------------------------------------------- a level stated by the title

_NO_LEVEL = [h for h in INSPECTION_HEADER if h != "巡察层级"]


def _numbered_teams(teams=("第一巡察组", "第二巡察组")) -> list[list[object]]:
    rows = [[v for h, v in zip(INSPECTION_HEADER, r, strict=True) if h != "巡察层级"] for r in INSPECTION_ROWS]
    for row, team in zip(rows, teams, strict=True):
        row[_NO_LEVEL.index("巡察组")] = team
    return rows


@pytest.mark.parametrize(("titles", "level"), [
    ([["东城区委2021年第一轮巡察情况统计表"]], "county"),
    ([["2021年第一轮巡察情况统计表"], ["填报单位：东城区委巡察办"]], "county"),
    ([["市委2021年第一轮巡察情况"]], "municipal"),
])
def test_teams_numbered_without_their_committee_take_the_level_the_title_states(con, titles, level):
    """A county office numbers its teams (第一巡察组) under a title naming the committee (东城区委…)."""
    data = csv_bytes(table(_NO_LEVEL, _numbered_teams(), titles=titles), "gbk")
    result = run(con, roster_csv(), InputFile("巡察情况.csv", data))
    assert result.status == "imported", result.problems
    assert any("按表格标题取为" in w for w in result.warnings)
    assert con.execute("SELECT DISTINCT level FROM inspections").fetchall() == [(level,)]


def test_a_team_that_names_its_committee_keeps_its_own_level_under_any_title(con):
    rows = _numbered_teams(("市委第一巡察组", "第二巡察组"))
    result = run(con, roster_csv(), InputFile("巡察情况.xlsx", xlsx_bytes({"巡察情况": table(
        _NO_LEVEL, rows, titles=[["东城区委2021年第一轮巡察情况统计表"]])})))
    assert result.status == "imported", result.problems
    assert con.execute("SELECT unit_name, level FROM inspections ORDER BY 1").fetchall() == [
        ("张家村", "municipal"), ("王庄村", "county")]


@pytest.mark.parametrize("titles", [[["舞钢市委巡察办2021年第一轮巡察情况"]], []])
def test_a_title_that_cannot_tell_the_level_leaves_the_rows_refused_asking_for_the_column(con, titles):
    result = run(con, roster_csv(), InputFile("巡察情况.xlsx", xlsx_bytes({"巡察情况": table(
        _NO_LEVEL, _numbered_teams(), titles=titles)})))
    assert result.status == "rejected"
    assert all("巡察层级" in p.suggestion for p in result.problems) and len(result.problems) == 2


def test_a_roster_that_writes_the_township_before_each_name_takes_the_bare_name(con):
    header = ["县区", "乡镇街道", "村(社区)"]
    roster = [["东城区", "城关镇", "城关镇张家村"], ["西城区", "河口镇", "河口镇王庄村"]]
    assert run(con, InputFile("名册.csv", csv_bytes(table(header, roster)))).status == "imported"
    result = run(con, inspections_csv())
    assert result.status == "imported", result.problems
    assert con.execute("SELECT unit_name FROM live_inspections ORDER BY 1").fetchall() == [("城关镇张家村",),
                                                                                          ("河口镇王庄村",)]


# ---------------------------------------------------------------- a UTF-8 mark before GBK text

def test_a_gbk_csv_behind_a_utf8_byte_order_mark_is_read_as_gbk(con):
    """Some exporting programs write the UTF-8 mark for Excel and then the text in GBK."""
    data = b"\xef\xbb\xbf" + csv_bytes(table(INSPECTION_HEADER, INSPECTION_ROWS), "gbk")
    result = run(con, roster_csv(), InputFile("巡察情况.csv", data))
    assert result.status == "imported", result.problems
    assert con.execute("SELECT unit_name FROM inspections ORDER BY 1").fetchall() == [("张家村",), ("王庄村",)]


def test_utf8_and_gbk_mixed_behind_the_mark_are_still_refused_naming_the_line(con):
    utf8 = csv_bytes(table(INSPECTION_HEADER, INSPECTION_ROWS[:1]), "utf-8")
    gbk = csv_bytes([INSPECTION_ROWS[1]], "gbk")
    result = run(con, roster_csv(), InputFile("巡察情况.csv", b"\xef\xbb\xbf" + utf8 + gbk))
    assert result.status == "rejected"
    assert "UTF-8" in result.problems[0].reason and "第 3 行" in result.problems[0].reason
