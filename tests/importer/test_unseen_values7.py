"""Values, names and dates as clerks write them, in shapes the other galleries do not hold (a seventh round):
each imports with the figures a clerk computes by hand, or is refused naming the real reason."""

from __future__ import annotations

import datetime as dt

import pytest
from support.clerk_rows import HEADER, inspection, ledger, roster, stored
from support.ledgers import csv_bytes, memory_store, run, table, xlsx_bytes

from inspection import cells, metrics, readers
from inspection.filters import Filters
from inspection.importer import InputFile

# 张庄村 is in two townships of 东城区; 王庄村 and 柳村 are one unit each
ROSTER = [["东城区", "城关镇", "张庄村", "村", "否", "否"], ["东城区", "城关镇", "李家村", "村", "否", "否"],
          ["东城区", "河口镇", "张庄村", "村", "否", "否"], ["东城区", "河口镇", "王庄村", "村", "否", "否"],
          ["西城区", "柳林镇", "柳村", "村", "否", "否"]]


# ---------------------------------------------------------------- names with noise, no place columns

def test_a_unit_with_noise_in_a_ledger_without_its_places_takes_them_from_the_roster():
    """The places were filled from the roster by the name exactly, so each was refused as a name the roster
    does not have (with the places it was already the roster unit). One round each: 王庄村 twice, 柳村 four times."""
    written = ["王庄村*", "1.王庄村", "1、柳村", "柳村※", "新柳村（原柳村）", "柳村（已撤并）"]
    rows = [inspection(**{"轮次": f"2022年第{n + 1}轮", "村(社区)": name}) for n, name in enumerate(written)]
    with memory_store() as con:
        run(con, roster(ROSTER))
        result = run(con, ledger(rows, drop=("县区", "乡镇街道")))
        assert result.status == "imported", result.problems
        assert [r[:2] for r in stored(con)] == [("东城区", "河口镇")] * 2 + [("西城区", "柳林镇")] * 4
        figures = metrics.compute(con, Filters())
    assert (figures["units_covered"], figures["inspections"], figures["issues_found"]) == (2, 6, 18)


def test_a_unit_with_noise_that_is_in_two_townships_or_none_is_still_refused_naming_why():
    rows = [inspection(**{"村(社区)": "张庄村*"}), inspection(**{"村(社区)": "赵庄村*"})]
    with memory_store() as con:
        result = run(con, roster(ROSTER), ledger(rows, drop=("乡镇街道",)))
    assert [(p.row, p.value, p.reason) for p in result.problems] == [
        (2, "张庄村*", "表中没有“乡镇”列，名册中东城区有 2 个同名的村(社区)（在城关镇、河口镇），无法判断是哪一个"),
        (3, "赵庄村*", "表中没有“乡镇”列，名册中东城区没有这个村(社区)")]


# ---------------------------------------------------------------- due dates as feedback letters write them

@pytest.mark.parametrize(("written", "due"), [
    ("2023年3月1日至4月30日", dt.date(2023, 4, 30)), ("2023.3.1-2023.4.30", dt.date(2023, 4, 30)),  # a period
    ("2023年3月至6月", dt.date(2023, 6, 30)), ("2022年12月20日至1月", dt.date(2023, 1, 31)),
    ("半个月内", cells.DueText("days", None, 15)), ("反馈后半月内完成", cells.DueText("days", None, 15)),
    ("明年6月底前", cells.DueText("next_year", 6)), ("次年3月31日前", cells.DueText("next_year", 3, 31)),
    ("明年底前", cells.DueText("next_year", 12)), ("次年年底", cells.DueText("next_year", 12)),
])
def test_a_due_period_is_by_its_end_half_a_month_is_15_days_and_next_year_is_the_feedbacks_next(written, due):
    """A period was its first day (2023年3月1日至4月30日 due 1 March: overdue from the start); 半个月内 and
    明年6月底前 were refused."""
    assert cells.to_due(written) == due


@pytest.mark.parametrize("written", ["明年", "明年2月30日前"])  # 2023年3月上旬至4月: test_unseen_values8
def test_a_next_year_without_its_month_is_still_refused(written):
    with pytest.raises(cells.CellError):
        cells.to_due(written)


@pytest.mark.parametrize(("written", "holiday"), [("2024年春节前", "春节"), ("中秋节前完成", "中秋节")])
def test_a_due_date_before_a_holiday_whose_day_moves_is_refused_saying_so(written, holiday):
    """It was refused as 无法识别的日期格式, which does not say what to write instead."""
    with pytest.raises(cells.CellError, match=f"{holiday}的日期每年不同") as refused:
        cells.to_due(written)
    assert refused.value.suggestion == "请写成具体日期，如 2024年2月9日前 或 2024年1月底前"


def test_such_due_dates_count_overdue_as_a_clerk_counts():
    """The inspection ended 2022-11-20: due 2022年11月1日至12月31日, 半个月内 (2022-12-05), 明年6月底前
    (2023-06-30). On 2022-12-10 one is overdue (half a month), on 2023-01-01 two, on 2023-07-01 three."""
    header = ["轮次", "县区", "乡镇街道", "村(社区)", "问题类别", "整改状态", "整改时限"]
    issues = [["2022年第一轮", "东城区", "城关镇", "李家村", "党建", "整改中", due]
              for due in ("2022年11月1日至12月31日", "半个月内", "明年6月底前")]
    with memory_store() as con:
        result = run(con, roster(ROSTER), ledger([inspection(**{"开始日期": "2022-10-10", "结束日期": "2022-11-20"})]),
                     InputFile("问题清单.csv", csv_bytes(table(header, issues))))
        assert result.status == "imported", result.problems
        overdue = [metrics.compute(con, Filters(as_of=day))["overdue"]
                   for day in (dt.date(2022, 12, 10), dt.date(2023, 1, 1), dt.date(2023, 7, 1))]
    assert overdue == [1, 2, 3]


# ---------------------------------------------------------------- capital numerals, amounts in words

@pytest.mark.parametrize(("written", "count"), [("叁", 3), ("叁个", 3), ("拾贰", 12), ("贰拾件", 20)])
def test_a_count_in_capital_numerals_is_that_count(written, count):
    """Each was refused as text (三个 was read)."""
    assert cells.to_count(written) == count


@pytest.mark.parametrize(("written", "amount"), [
    ("壹万伍仟元", 1.5), ("人民币壹万伍仟元整", 1.5), ("一万五千元", 1.5), ("伍万元", 5.0), ("叁仟伍佰元伍角", 0.35005),
    ("拾贰万元", 12.0), ("两千元", 0.2),
])
def test_an_amount_in_words_as_a_receipt_writes_it_is_that_amount_in_wan(written, amount):
    """Each was refused as text; 1.5万 / 15000.00元 / ¥15,000 under a 万元 header were read already."""
    assert cells.to_money(written) == pytest.approx(amount)
    assert cells.to_money_yuan(written) == pytest.approx(amount)


@pytest.mark.parametrize("written", ["壹万伍仟", "一二元", "万元"])
def test_an_amount_in_words_without_its_yuan_or_not_a_number_is_still_refused(written):
    with pytest.raises(cells.CellError, match="应为金额数字"):
        cells.to_money(written)


def test_such_counts_and_amounts_give_the_figures():
    header = [*HEADER, "追回资金（万元）"]
    rows = [{**inspection(**{"发现问题数": "叁"}), "追回资金（万元）": "壹万伍仟元"},
            {**inspection(**{"村(社区)": "王庄村", "乡镇街道": "河口镇", "发现问题数": "拾贰"}), "追回资金（万元）": "2.5"}]
    with memory_store() as con:
        result = run(con, roster(ROSTER), InputFile("巡察情况.csv", csv_bytes(table(header, [[r[h] for h in header]
                                                                                          for r in rows]))))
        assert result.status == "imported", result.problems
        figures = metrics.compute(con, Filters())
    assert (figures["issues_found"], figures["funds_recovered"]) == (15, pytest.approx(4.0))


# ---------------------------------------------------------------- the level from a team's name

@pytest.mark.parametrize("team", ["市第3巡察组", "市巡察一组", "市巡察组"])
def test_a_team_of_the_city_without_its_committee_is_municipal(team):
    """Without a level column they were refused (市委第三巡察组 was municipal)."""
    assert cells.level_from_team(team) == "municipal"


@pytest.mark.parametrize("team", ["一组", "交叉巡察组", "联动巡察组", "舞钢市第一巡察组"])
def test_a_team_that_names_no_level_or_a_citys_own_is_still_refused_asking_for_the_column(team):
    with pytest.raises(cells.CellError, match="无法从巡察组名称判断巡察层级"):
        cells.level_from_team(team)


def test_the_level_of_such_teams_gives_the_municipal_and_county_figures():
    rows = [inspection(**{"巡察组": "市第3巡察组", "发现问题数": 8}),
            inspection(**{"巡察组": "县委第二巡察组", "村(社区)": "王庄村", "乡镇街道": "河口镇", "发现问题数": 4})]
    with memory_store() as con:
        result = run(con, roster(ROSTER), ledger(rows, drop=("巡察层级",)))
        assert result.status == "imported", result.problems
        levels = con.execute("SELECT level, issues_found FROM inspections ORDER BY level").fetchall()
    assert levels == [("county", 4), ("municipal", 8)]


# ---------------------------------------------------------------- a due date cell shown as its month

@pytest.mark.parametrize(("code", "month"), [
    ('yyyy"年"m"月"', True), ("mmm-yy", True), ("yyyy/mm", True), ('[$-804]yyyy"年"m"月";@', True),
    ("yyyy-mm-dd", False), ('yyyy"年"m"月"d"日"', False), ('m"月"d"日"', False), ("h:mm", False), ("yyyy-mm-dd h:mm", False),
])
def test_a_number_format_showing_a_date_as_its_month_is_told_apart(code, month):
    assert readers._month_format(code) is month


@pytest.mark.parametrize("shown", ['yyyy"年"m"月"', "mmm-yy"])
def test_a_due_date_cell_shown_as_its_month_is_by_that_months_end(shown):
    """Excel turns 2023年6月 typed into a due-date cell into 1 June shown as 2023年6月 (or Jun-23): it was due
    on the 1st, overdue on 15 June; as the text 2023年6月 it is due by 30 June. A start date so shown stays the
    day the cell holds."""
    header = ["轮次", "县区", "乡镇街道", "村(社区)", "问题类别", "整改状态", "整改时限"]
    book = xlsx_bytes({"问题": [header, ["2022年第一轮", "东城区", "城关镇", "李家村", "党建", "整改中", dt.date(2022, 6, 1)]]},
                      date_format=shown)
    with memory_store() as con:
        result = run(con, roster(ROSTER), ledger([inspection()]), InputFile("问题清单.xlsx", book))
        assert result.status == "imported", result.problems
        due = con.execute("SELECT due_date FROM issues").fetchall()
        overdue = [metrics.compute(con, Filters(as_of=day))["overdue"] for day in (dt.date(2022, 6, 15), dt.date(2022, 7, 1))]
    assert (due, overdue) == ([(dt.date(2022, 6, 30),)], [0, 1])


# ---------------------------------------------------------------- a round written otherwise in the issue list

def test_an_issue_lists_round_written_otherwise_is_its_units_one_inspection_of_that_round():
    """Each issue was refused: 该村(社区)在轮次「2023年度第1轮」没有巡察记录. The issue takes the round as its
    inspection writes it when exactly one inspection of its unit is that round written otherwise (第五轮 for
    十四届县委第五轮: the term left out); 第一轮 beside 2022年 and 2023年第一轮, and 第五轮 beside 第十五轮, stay refused."""
    inspections = [inspection(**{"轮次": "2023年第一轮"}), inspection(**{"轮次": "2022年第一轮"}),
                   inspection(**{"轮次": "第3轮", "乡镇街道": "河口镇", "村(社区)": "王庄村"}),
                   inspection(**{"轮次": "第一轮", "县区": "西城区", "乡镇街道": "柳林镇", "村(社区)": "柳村"}),
                   inspection(**{"轮次": "十四届县委第五轮", "村(社区)": "张庄村"}),
                   inspection(**{"轮次": "第十五轮", "乡镇街道": "河口镇", "村(社区)": "张庄村"})]
    header = ["轮次", "县区", "乡镇街道", "村(社区)", "问题类别", "整改状态"]
    issues = [["2023年度第1轮", "东城区", "城关镇", "李家村", "党建", "已整改"],
              ["三轮", "东城区", "河口镇", "王庄村", "党建", "整改中"], ["第1轮", "西城区", "柳林镇", "柳村", "党建", "整改中"],
              ["第五轮", "东城区", "城关镇", "张庄村", "党建", "整改中"], ["第一轮", "东城区", "城关镇", "李家村", "党建", "整改中"],
              ["第五轮", "东城区", "河口镇", "张庄村", "党建", "整改中"]]
    with memory_store() as con:
        refused = run(con, roster(ROSTER), ledger(inspections), InputFile("问题清单.csv", csv_bytes(table(header, issues))))
        result = run(con, roster(ROSTER), ledger(inspections), InputFile("问题清单.csv", csv_bytes(table(header, issues[:4]))))
        assert result.status == "imported", result.problems
        rounds = con.execute("SELECT round, unit_id FROM issues ORDER BY 1").fetchall()
    assert [(p.row, p.value, p.reason) for p in refused.problems] == [
        (6, "第一轮", "该村(社区)在轮次「第一轮」没有巡察记录"), (7, "第五轮", "该村(社区)在轮次「第五轮」没有巡察记录")]
    assert rounds == [("2023年第一轮", "n:东城区|城关镇|李家村"), ("十四届县委第五轮", "n:东城区|城关镇|张庄村"),
                      ("第3轮", "n:东城区|河口镇|王庄村"), ("第一轮", "n:西城区|柳林镇|柳村")]
    assert "问题清单.csv：4 行的轮次与该村(社区)巡察记录的轮次只是写法不同，按巡察记录的写法取：「2023年度第1轮」为「2023年第一轮」；" \
           "「三轮」为「第3轮」；「第1轮」为「第一轮」；「第五轮」为「十四届县委第五轮」" in result.warnings
