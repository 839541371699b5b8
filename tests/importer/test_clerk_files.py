"""Ledgers as clerks finish them for printing and as other systems write them, beyond test_office_exports.py:
the signature line under a printed form, and values written the way a form asks for them. Each imports
with the right figures or is refused naming the real reason."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from support.fast_path import run_both
from support.ledgers import (
    INSPECTION_HEADER,
    INSPECTION_ROWS,
    csv_bytes,
    fresh_store,
    inspections_csv,
    memory_store,
    roster_csv,
    run,
    table,
    xlsx_bytes,
)

from inspection import cells
from inspection.importer import InputFile

con = pytest.fixture(fresh_store)

# the signature line of a printed form, each in its own row or several in one row
SIGNATURES = [["单位负责人：张三", "", "审核：李四", "", "填表：王五"], ["制表：赵六"], ["审 核：钱七"], ["经办人：孙八"],
              ["填表日期：2021年6月1日"]]


def test_the_signature_line_under_a_printed_form_is_skipped_as_notes_naming_nobody(con, monkeypatch):
    rows = table(INSPECTION_HEADER, INSPECTION_ROWS) + [[]] + SIGNATURES
    result = run(con, roster_csv(), InputFile("巡察情况.xlsx", xlsx_bytes({"巡察情况": rows})))
    assert result.status == "imported", result.problems
    said = repr(result.warnings)
    assert "表外说明行" in said and "第 5、6、7、8、9 行" in said
    assert not any(name in said for name in ("张三", "李四", "王五", "赵六", "钱七", "孙八"))
    width = len(INSPECTION_HEADER)
    padded = [row + [""] * (width - len(row)) for row in rows]
    result, _ = run_both(monkeypatch, [roster_csv()], [InputFile("巡察情况.csv", csv_bytes(padded))])
    assert result.status == "imported", result.problems


@pytest.mark.parametrize(("written", "start", "end"), [
    ("2021年12月15日至1月20日", "2021-12-15", "2022-01-20"),  # over the new year: the end is in the next
    ("2021.12.15-1.20", "2021-12-15", "2022-01-20"),
    ("2021年3月15日至20日", "2021-03-15", "2021-03-20"),  # the end a day alone: the same month
])
def test_a_range_over_the_new_year_or_ending_on_a_day_alone_gives_both_dates(written, start, end):
    assert cells.to_range(written) == cells.DateRange(dt.date.fromisoformat(start), dt.date.fromisoformat(end))


@pytest.mark.parametrize("written", ["2021.3.1-4",  # the 4th or April: cannot be told
                                     "2021.3.15-20"])
def test_a_range_whose_end_is_a_bare_number_is_refused(written):
    with pytest.raises(cells.CellError):
        cells.to_range(written)


def test_a_range_that_would_run_past_half_a_year_is_not_moved_into_the_next_year(con):
    """2021.5.15-2.20 is a slip (the end before the start), not an inspection of nine months."""
    rows = [list(r) for r in INSPECTION_ROWS]
    start = INSPECTION_HEADER.index("开始日期")
    rows[0][start], rows[0][start + 1] = "2021.5.15-2.20", None
    result = run(con, roster_csv(), InputFile("巡察情况.csv", csv_bytes(table(INSPECTION_HEADER, rows))))
    assert result.status == "rejected"
    assert [p.reason for p in result.problems] == ["结束日期早于开始日期（2021-05-15）"]


LABELS = ["轮次", "巡察层级", "巡察组", "开始日期", "县区", "乡镇街道", "村(社区)"]


def _grouped(group: str, subs: list[str], figures: list[list[int]]) -> bytes:
    """An inspections sheet whose last columns are `subs` under `group` merged across them (labels merged
    down over both header rows)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append([*LABELS, group] + [None] * (len(subs) - 1))
    sheet.append([None] * len(LABELS) + subs)
    for row, extra in zip(INSPECTION_ROWS, figures, strict=True):
        sheet.append([row[0], row[1], row[2], row[4], row[6], row[7], row[8], *extra])
    first, last = len(LABELS) + 1, len(LABELS) + len(subs)
    sheet.merge_cells(start_row=1, start_column=first, end_row=1, end_column=last)
    for col in range(1, first):
        sheet.merge_cells(start_row=1, start_column=col, end_row=2, end_column=col)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("subs, figures", [
    (["党的建设方面", "廉洁方面", "小计"], [[4, 5, 9], [1, 2, 3]]),  # the total last
    (["合计", "其中：党的建设方面", "其中：廉洁方面"], [[9, 4, 5], [3, 1, 2]]),
    (["其中：党的建设方面", "总数", "其中：廉洁方面"], [[4, 9, 5], [1, 3, 2]]),
])
def test_a_figure_over_its_breakdown_is_read_from_its_total_sub_column(con, subs, figures):
    """发现问题数 merged over its parts and their total: the total is the figure, wherever it stands (the
    first sub-column was taken: 党的建设方面's 4 stored as the 9 issues found)."""
    result = run(con, roster_csv(), InputFile("巡察情况.xlsx", _grouped("发现问题数(个)", subs, figures)))
    assert result.status == "imported", result.problems
    assert con.execute("SELECT list(issues_found ORDER BY unit_name) FROM inspections").fetchone()[0] == [9, 3]
    assert "未识别的列已忽略" in repr(result.warnings)


def test_a_figure_split_into_parts_without_a_total_is_not_read_from_one_part(con):
    """党纪政务处分人数 over 党纪处分 / 政务处分: no column holds the figure; storing 党纪处分 alone as it would
    undercount. The parts are listed as columns not recognised (a mapping can name one), the figure is not
    reported."""
    data = _grouped("党纪政务处分人数", ["党纪处分", "政务处分"], [[2, 1], [1, 0]])
    data = _with_issues_found(data)
    result = run(con, roster_csv(), InputFile("巡察情况.xlsx", data))
    assert result.status == "imported", result.problems
    assert con.execute("SELECT list(disciplined) FROM inspections").fetchone()[0] == [None, None]
    assert "党纪政务处分人数党纪处分" in repr(result.warnings)


def _with_issues_found(data: bytes) -> bytes:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    col = sheet.max_column + 1
    sheet.cell(1, col, "发现问题数")
    sheet.merge_cells(start_row=1, start_column=col, end_row=2, end_column=col)
    sheet.cell(3, col, 2)
    sheet.cell(4, col, 1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


MONEY_HEADER = [*LABELS, "发现问题数", "追回资金"]


def _money_rows(amounts: list[object]) -> list[list[object]]:
    return [[r[0], r[1], r[2], r[4], r[6], r[7], r[8], r[9], amount] for r, amount in zip(INSPECTION_ROWS, amounts,
                                                                                         strict=True)]


def _funds(con) -> list[float]:
    return con.execute("SELECT list(funds_recovered ORDER BY unit_name) FROM inspections").fetchone()[0]


@pytest.mark.parametrize("above, header, below", [
    ([], "追回资金", [[None] * 7 + ["个", "元"]]),  # a statistical form's units row
    ([["XX县巡察情况统计表"], ["金额单位：元"]], "追回资金", []),  # a title row stating the unit
    ([["XX县巡察情况统计表"], [None] * 7 + ["单位：个、元"]], "追回资金", []),
    ([], "追回资金（单位：元）", []),
    ([["单位：万元"]], "追回资金（元）", []),  # the column's own unit wins
])
def test_amounts_whose_unit_is_stated_as_yuan_outside_the_header_cell_are_divided(con, above, header, below):
    """An amount in 元 read as 万元 is 10,000 times too large: 52,000 元 recovered is 5.2 万元."""
    rows = [*above, [*LABELS, "发现问题数", header], *below, *_money_rows([52000, 1000])]
    result = run(con, roster_csv(), InputFile("巡察情况.xlsx", xlsx_bytes({"巡察情况": rows})))
    assert result.status == "imported", result.problems
    assert _funds(con) == [5.2, 0.1]


@pytest.mark.parametrize("above", [[["填报单位：元宝区委巡察办"]], [["单位：万元"]], [["单位：个、万元"]], []])
def test_amounts_stay_in_wan_yuan_unless_something_says_yuan(con, above):
    rows = [*above, MONEY_HEADER, *_money_rows([5.2, 0.1])]
    result = run(con, roster_csv(), InputFile("巡察情况.xlsx", xlsx_bytes({"巡察情况": rows})))
    assert result.status == "imported", result.problems
    assert _funds(con) == [5.2, 0.1]


def test_a_title_stating_yuan_divides_the_amounts_on_both_csv_paths(monkeypatch):
    rows = [["金额单位：元"] + [""] * 8, MONEY_HEADER, *_money_rows([52000, 1000])]
    result, data = run_both(monkeypatch, [roster_csv()], [InputFile("巡察情况.csv", csv_bytes(rows))])
    assert result.status == "imported", result.problems
    assert sorted(v for row in data["inspections"] for v in row if isinstance(v, float)) == [0.1, 5.2]


def test_a_workbook_of_one_sheet_per_round_takes_each_sheets_round_from_its_name(con):
    """The rounds kept on sheets of their own (2021年第一轮, 2021年第二轮巡察) with no 轮次 column: each
    sheet's records are of its round (the import was refused for the missing column), and the issue
    list kept the same way matches them; one on a sheet 第二轮问题 (the round 第二轮) takes its unit's one
    second round, 2021年第二轮, saying so (it was refused: test_unseen_values7)."""
    header = INSPECTION_HEADER[1:]
    first, second = INSPECTION_ROWS[0][1:], INSPECTION_ROWS[1][1:]
    issues = [["东城区", "城关镇", "张家村", "基层党组织建设", "整改中"]]
    book = xlsx_bytes({"2021年第一轮": table(header, [first]), "2021年第二轮巡察": table(header, [second, first]),
                       "第二轮问题": table(["县区", "乡镇街道", "村(社区)", "问题类别", "整改状态"], issues)})
    with memory_store() as other:
        result = run(other, roster_csv(), InputFile("台账.xlsx", book))
        assert result.status == "imported", result.problems
        assert other.execute("SELECT list(round) FROM issues").fetchone()[0] == ["2021年第二轮"]
    assert "按巡察记录的写法取：「第二轮」为「2021年第二轮」" in repr(result.warnings)
    book = xlsx_bytes({"2021年第一轮": table(header, [first]), "2021年第二轮巡察": table(header, [second, first]),
                       "2021年第二轮问题": table(["县区", "乡镇街道", "村(社区)", "问题类别", "整改状态"], issues)})
    result = run(con, roster_csv(), InputFile("台账.xlsx", book))
    assert result.status == "imported", result.problems
    assert con.execute("SELECT list((round, unit_name) ORDER BY round, unit_name) FROM inspections").fetchone()[0] == [
        ("2021年第一轮", "张家村"), ("2021年第二轮", "张家村"), ("2021年第二轮", "王庄村")]
    assert con.execute("SELECT list(round) FROM issues").fetchone()[0] == ["2021年第二轮"]
    assert "按工作表名称取为「2021年第二轮」" in repr(result.warnings)


def test_a_sheet_whose_name_states_no_round_is_still_refused_for_the_missing_column(con):
    book = xlsx_bytes({"巡察情况": table(INSPECTION_HEADER[1:], [INSPECTION_ROWS[0][1:]])})
    result = run(con, roster_csv(), InputFile("台账.xlsx", book))
    assert result.status == "rejected"
    assert "缺少必填列：轮次" in result.problems[0].reason


ISSUE_LIST = ["轮次", "县区", "乡镇街道", "村(社区)", "问题类别", "问题数量", "整改状态"]


@pytest.mark.parametrize("header", ["问题数量", "问题个数", "数量（个）"])
def test_an_issue_list_row_that_counts_several_issues_is_refused_not_counted_once(con, header):
    """An issue list kept as counts by category (群众身边腐败问题 × 3): each row was imported as one issue
    and its count ignored as an unknown column, so the category charts counted 2 issues for 5."""
    rows = [["2021年第一轮", "东城区", "城关镇", "张家村", "群众身边腐败问题", 3, "已整改"],
            ["2021年第一轮", "西城区", "河口镇", "王庄村", "基层党组织建设", "2个", "整改中"]]
    issues = InputFile("问题清单.xlsx", xlsx_bytes({"问题": table([*ISSUE_LIST[:5], header, ISSUE_LIST[6]], rows)}))
    result = run(con, roster_csv(), inspections_csv(), issues)
    assert result.status == "rejected"
    assert [(p.row, p.value) for p in result.problems] == [(2, "3"), (3, "2个")]
    assert "这一行的数量为 3" in result.problems[0].reason


def test_an_issue_list_whose_count_column_says_one_for_each_row_imports(con):
    rows = [["2021年第一轮", "东城区", "城关镇", "张家村", "群众身边腐败问题", 1, "已整改"],
            ["2021年第一轮", "西城区", "河口镇", "王庄村", "基层党组织建设", None, "整改中"]]
    issues = InputFile("问题清单.csv", csv_bytes(table(ISSUE_LIST, rows)))
    result = run(con, roster_csv(), inspections_csv(), issues)
    assert result.status == "imported", result.problems
    assert con.execute("SELECT count(*) FROM issues").fetchone()[0] == 2


@pytest.mark.parametrize("second", ["问题数", "发现问题数"])
def test_two_columns_of_one_figure_that_disagree_are_refused_not_the_first_taken(con, second):
    """发现问题数 beside 问题数 (or an old column hidden beside the new one, both 发现问题数): the first was
    taken and the other ignored with a warning, whichever held the right figures."""
    found = INSPECTION_HEADER.index("发现问题数")
    rows = [[*r, r[found] + 5] for r in INSPECTION_ROWS]
    rows[1][-1] = rows[1][found]  # agreeing on a row is fine
    book = xlsx_bytes({"巡察情况": table([*INSPECTION_HEADER, second], rows)})
    result = run(con, roster_csv(), InputFile("巡察情况.xlsx", book))
    assert result.status == "rejected"
    assert [(p.row, p.column, p.value) for p in result.problems] == [(2, second, "7")]
    assert "同一字段" in result.problems[0].reason
    rows[0][-1] = rows[0][found]
    result = run(con, roster_csv(), InputFile("巡察情况.xlsx", xlsx_bytes({"巡察情况": table([*INSPECTION_HEADER, second],
                                                                                              rows)})))
    assert result.status == "imported", result.problems


@pytest.mark.parametrize("written", ["中共张家村支部委员会", "中共张家村总支部委员会", "中国共产党张家村支部委员会",
                                     "中共张家村委员会", "中共张家村党支部", "张家村党总支部"])
def test_a_unit_written_as_its_party_organisations_formal_name_is_the_roster_unit(con, written):
    """被巡察党组织 holds the party organisation's formal name: 中共张家村支部委员会 is 张家村 (it was refused as
    a unit not in the roster)."""
    rows = [list(r) for r in INSPECTION_ROWS]
    rows[0][INSPECTION_HEADER.index("村(社区)")] = written
    result = run(con, roster_csv(), inspections_csv(rows))
    assert result.status == "imported", result.problems
    assert con.execute("SELECT list(unit_name ORDER BY unit_name) FROM inspections").fetchone()[0] == ["张家村", "王庄村"]


@pytest.mark.parametrize("written", ["2021/3/15 上午 12:00:00", "2021/3/15 下午 3:00:00", "2021年3月15号",
                                     "2021 年 3 月 15 号"])
def test_a_date_time_as_chinese_windows_writes_it_or_a_day_written_hao_is_that_date(written):
    assert cells.to_date(written) == dt.date(2021, 3, 15)


@pytest.mark.parametrize("written", ["2021-03-14T16:00:00.000Z", "2021-03-15T00:00:00+09:00", "2021-03-15T00:00:00-05:00"])
def test_a_date_time_with_a_zone_is_refused_its_day_may_be_another_here(written):
    with pytest.raises(cells.CellError):
        cells.to_date(written)


@pytest.mark.parametrize("written", ["2021-03-15T00:00:00+08:00", "2021-03-15T23:59:59.000+08:00", "2021-03-15 09:30+0800"])
def test_a_date_time_at_beijings_offset_is_the_day_as_written(written):
    """As Java/JavaScript printouts in China's zone are (test_unseen_values4): the day is Beijing's."""
    assert cells.to_date(written) == dt.date(2021, 3, 15)


@pytest.mark.parametrize("total", [
    ["2021年第一轮", "市级", "市委第一巡察组", "常规", "2021-03-15", "2021-05-20", "东城区", "城关镇", "全镇", 2, 1, 1, 2],
    ["全县", "", "", "", "", "", "", "", "", 3, 1, 1, 2],
    ["", "", "", "", "", "", "东城区", "全区", "", 2, 1, 1, 2],
])
def test_a_row_labelled_with_a_whole_area_is_a_summary_on_every_path(monkeypatch, total):
    """全县 / 全镇 in place of a unit holds the area's totals: without a roster 全镇 was imported as a unit
    (its figures counted twice), and a 全县 row was refused for its blank cells."""
    rows = table(INSPECTION_HEADER, [*INSPECTION_ROWS, total])
    result, data = run_both(monkeypatch, [], [InputFile("巡察情况.csv", csv_bytes(rows))])
    assert result.status == "imported", result.problems
    assert "合计/小计行 1 行（第 4 行）" in repr(result.warnings)
    assert len(data["inspections"]) == 2
    with memory_store() as con:
        assert run(con, InputFile("巡察情况.xlsx", xlsx_bytes({"巡察情况": rows}))).status == "imported"
        assert con.execute("SELECT list(unit_name ORDER BY unit_name) FROM inspections").fetchone()[0] == [
            "张家村", "王庄村"]


def test_a_village_whose_name_starts_with_quan_is_still_a_unit(con):
    rows = [list(r) for r in INSPECTION_ROWS]
    rows[0][INSPECTION_HEADER.index("村(社区)")] = "全福村"
    result = run(con, inspections_csv(rows))
    assert result.status == "imported", result.problems
    assert con.execute("SELECT count(*) FROM inspections WHERE unit_name = '全福村'").fetchone()[0] == 1


@pytest.mark.parametrize("subs", [["起", "止"], ["开始", "结束"], ["进驻", "撤离"]])
def test_a_period_header_over_its_start_and_end_gives_both_dates(con, subs):
    """巡察时间 merged over 起 / 止: the end column was dropped as a duplicate of the start (end_date lost
    silently), or, for 开始 / 结束, the start was not found."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append([*LABELS[:3], *LABELS[4:], "发现问题数", "巡察时间", None])
    sheet.append([None] * 7 + subs)
    for r in INSPECTION_ROWS:
        sheet.append([r[0], r[1], r[2], r[6], r[7], r[8], r[9], r[4], r[5]])
    sheet.merge_cells("H1:I1")
    for col in "ABCDEFG":
        sheet.merge_cells(f"{col}1:{col}2")
    out = io.BytesIO()
    book.save(out)
    result = run(con, roster_csv(), InputFile("巡察情况.xlsx", out.getvalue()))
    assert result.status == "imported", result.problems
    assert con.execute("SELECT DISTINCT start_date, end_date FROM inspections").fetchall() == [
        (dt.date(2021, 3, 15), dt.date(2021, 5, 20))]


@pytest.mark.parametrize("subs", [["一级", "二级"], ["大类", "小类"]])
def test_a_category_header_over_its_two_levels_gives_category_and_subcategory(con, subs):
    from openpyxl import Workbook
    from support.ledgers import ISSUE_ROWS, base_files

    book = Workbook()
    sheet = book.active
    sheet.append(["轮次", "县区", "乡镇街道", "村(社区)", "问题类别", None, "整改状态"])
    sheet.append([None] * 4 + subs + [None])
    for r in ISSUE_ROWS:
        sheet.append(r[:7])
    sheet.merge_cells("E1:F1")
    for col in "ABCDG":
        sheet.merge_cells(f"{col}1:{col}2")
    out = io.BytesIO()
    book.save(out)
    result = run(con, *base_files()[:2], InputFile("问题清单.xlsx", out.getvalue()))
    assert result.status == "imported", result.problems
    assert sorted(con.execute("SELECT category, subcategory FROM issues").fetchall()) == sorted(
        (r[4], r[5]) for r in ISSUE_ROWS)


@pytest.mark.parametrize(("written", "expected"), [
    ("即知即改", cells.DueText("immediate")), ("已立行立改", cells.DueText("immediate")),
    ("马上就改", cells.DueText("immediate")), ("常态化", cells.DueText("long_term")),
    ("长效机制", cells.DueText("long_term")), ("2021年上半年", dt.date(2021, 6, 30)),
    ("2021年下半年", dt.date(2021, 12, 31)), ("2021年第二季度", dt.date(2021, 6, 30)),
    ("2021年第4季度", dt.date(2021, 12, 31)), ("2021年内", dt.date(2021, 12, 31)),
    ("年内", cells.DueText("no_year", 12)),
    ("2021年3月15日前，并在2021年内长效推进", dt.date(2021, 3, 15)),  # a whole date first still wins
])
def test_due_dates_written_as_offices_write_them(written, expected):
    assert cells.to_due(written) == expected
