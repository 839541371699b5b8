"""Values, names and dates as clerks write them, an eighth round: each imports with the figures a clerk
computes by hand, or is refused naming the real reason."""

from __future__ import annotations

import datetime as dt

import pytest
from support.clerk_rows import inspection, ledger, roster
from support.ledgers import csv_bytes, memory_store, run, table

from inspection import cells, metrics
from inspection.filters import Filters
from inspection.importer import InputFile

ROSTER = [["东城区", "城关镇", "李家村", "村", "否", "否"], ["东城区", "河口镇", "王庄村", "村", "否", "否"]]
ISSUE_HEADER = ["轮次", "县区", "乡镇街道", "村(社区)", "问题类别", "整改状态", "整改时限"]


# ---------------------------------------------------------------- due dates that gave a wrong day

@pytest.mark.parametrize(("written", "due"), [
    ("2023年6月30日（延期至9月30日）", dt.date(2023, 9, 30)), ("原定2023年6月30日，延期至2023年9月30日", dt.date(2023, 9, 30)),
    ("由2023年6月30日调整为2023年12月31日", dt.date(2023, 12, 31)),
    ("2023年3月15日起3个月内", dt.date(2023, 6, 15)), ("自2023.3.15起30天内", dt.date(2023, 4, 14)),
])
def test_a_due_date_moved_or_counted_from_a_day_is_the_day_it_names(written, due):
    """Each was the first date in the text: the one the due date was moved from (6月30日 for 延期至9月30日), or the
    day a time is counted from (2023年3月15日起3个月内 due 15 March, overdue from the start)."""
    assert cells.to_due(written) == due


@pytest.mark.parametrize(("written", "reason"), [
    ("2022年12月31日前完成整改，2023年6月底前巩固提升", "整改时限写了 2 个不同的日期（2022-12-31、2023-06-30）"),
    ("2023年6月30日以后", "不是完成的期限"), ("2023年6月30日前后", "不是完成的期限"),
])
def test_a_due_text_of_two_dates_or_after_a_date_is_refused_saying_so(written, reason):
    """They were the first date written (2022-12-31; 2023-06-30 for 以后)."""
    with pytest.raises(cells.CellError, match=reason):
        cells.to_due(written)


# ---------------------------------------------------------------- due dates that were refused

@pytest.mark.parametrize(("written", "due"), [
    ("2024年元旦前", dt.date(2023, 12, 31)), ("2023年国庆节前", dt.date(2023, 9, 30)), ("2023年五一前", dt.date(2023, 4, 30)),
    ("元旦前", cells.DueText("no_year", 12)), ("国庆前", cells.DueText("no_year", 9)), ("十一前", cells.DueText("no_year", 9)),
    ("七一前完成", cells.DueText("no_year", 6)), ("五一前", cells.DueText("no_year", 4)),
    ("年中", cells.DueText("no_year", 6)), ("年中前", cells.DueText("no_year", 6)),
    ("2023年度", dt.date(2023, 12, 31)), ("2023年度内", dt.date(2023, 12, 31)), ("2023年全年", dt.date(2023, 12, 31)),
    ("2023年3月上旬至4月", dt.date(2023, 4, 30)), ("2023年3月至4月底", dt.date(2023, 4, 30)),
    ("2023年12月上旬至1月", dt.date(2024, 1, 31)), ("23年3月", dt.date(2023, 3, 31)), ("3/15/2023", dt.date(2023, 3, 15)),
])
def test_a_due_date_before_a_fixed_holiday_in_a_year_or_from_a_third_of_a_month_is_read(written, due):
    """Each was refused as 无法识别的日期格式. A holiday on a fixed day is by the day before it (元旦前 the 31st of
    December before it); without its year the next one after the feedback, as 9月底前 is."""
    assert cells.to_due(written) == due


@pytest.mark.parametrize("written", ["春节前", "2024年中秋节前", "国庆节后", "元旦"])
def test_a_holiday_that_moves_or_no_deadline_before_one_is_still_refused(written):
    with pytest.raises(cells.CellError):
        cells.to_due(written)


def test_such_due_dates_count_overdue_as_a_clerk_counts():
    """The inspection ended 2022-11-20: 元旦前 is 2022-12-31, 2022年11月20日起1个月内 2022-12-20,
    五一前 2023-04-30. On 2022-12-25 one is overdue, on 2023-01-02 two, on 2023-05-01 three."""
    issues = [["2022年第一轮", "东城区", "城关镇", "李家村", "党建", "整改中", due]
              for due in ("元旦前", "2022年11月20日起1个月内", "五一前")]
    with memory_store() as con:
        result = run(con, roster(ROSTER), ledger([inspection(**{"开始日期": "2022-10-10", "结束日期": "2022-11-20"})]),
                     InputFile("问题清单.csv", csv_bytes(table(ISSUE_HEADER, issues))))
        assert result.status == "imported", result.problems
        overdue = [metrics.compute(con, Filters(as_of=day))["overdue"]
                   for day in (dt.date(2022, 12, 25), dt.date(2023, 1, 2), dt.date(2023, 5, 1))]
    assert overdue == [1, 2, 3]


# ---------------------------------------------------------------- dates with the year last, two-digit years

@pytest.mark.parametrize(("written", "day"), [
    ("3/15/2023", dt.date(2023, 3, 15)), ("15/03/2023", dt.date(2023, 3, 15)), ("3/3/2023", dt.date(2023, 3, 3)),
    ("12/31/2023 0:00", dt.date(2023, 12, 31)), ("23年3月", dt.date(2023, 3, 1)),
])
def test_a_date_with_its_year_last_that_only_one_order_makes_a_date_is_that_day(written, day):
    """An English region's export: refused as a month and day whose order cannot be told, though 15 is no month."""
    assert cells.to_date(written) == day


def test_a_date_with_its_year_last_in_either_order_is_refused_naming_both_days():
    with pytest.raises(cells.CellError, match="可能是 2023年3月4日，也可能是 2023年4月3日"):
        cells.to_date("3/4/2023")


# ---------------------------------------------------------------- counts

@pytest.mark.parametrize(("written", "count"), [("3人（党纪处分2人）", 3), ("5起（移送2起）", 5), ("2个（1个市级）", 2),
                                                ("5（移交1）", 5), ("1 500", 1500)])
def test_a_count_with_a_named_part_of_it_in_brackets_is_that_count(written, count):
    """Refused as text (3件（其中2件）, with 其中 / 含 / 已, was read)."""
    assert cells.to_count(written) == count


@pytest.mark.parametrize("written", ["1 2", "3（2）", "3人（另有2人）", "5（应为3）", "3（党纪处分5人）", "约5", "5+", "5个以上"])
def test_a_count_of_two_numbers_or_a_bracket_that_adds_or_corrects_is_refused(written):
    """1 2 was 12 (the space dropped); the others were refused already and stay so."""
    with pytest.raises(cells.CellError):
        cells.to_count(written)


def test_such_counts_give_the_figures():
    rows = [inspection(**{"发现问题数": "3人（党纪处分2人）"}),
            inspection(**{"村(社区)": "王庄村", "乡镇街道": "河口镇", "发现问题数": "5（移交1）"})]
    with memory_store() as con:
        result = run(con, roster(ROSTER), ledger(rows))
        assert result.status == "imported", result.problems
        assert metrics.compute(con, Filters())["issues_found"] == 8


# ---------------------------------------------------------------- yes/no, levels

@pytest.mark.parametrize(("written", "answer"), [("非", False), ("不是", False), ("是的", True)])
def test_a_yes_or_no_as_spoken_is_that_answer(written, answer):
    assert cells.to_bool(written) is answer


@pytest.mark.parametrize(("team", "level"), [("提级巡察组", "municipal"), ("提级巡察一组", "municipal"),
                                             ("县委第一巡察组（组长：张某某）", "county")])
def test_the_level_from_a_team_of_the_higher_level_is_municipal(team, level):
    """提级巡察组 without a level column was refused asking for the column (the level 提级 is municipal)."""
    assert cells.level_from_team(team) == level


def test_a_team_without_a_level_column_gives_the_level_and_drops_its_leader():
    rows = [inspection(**{"巡察组": "提级巡察组", "发现问题数": 8}),
            inspection(**{"巡察组": "县委第二巡察组（组长：张某某）", "村(社区)": "王庄村", "乡镇街道": "河口镇"})]
    with memory_store() as con:
        result = run(con, roster(ROSTER), ledger(rows, drop=("巡察层级",)))
        assert result.status == "imported", result.problems
        teams = con.execute("SELECT level, team FROM inspections ORDER BY level").fetchall()
    assert teams == [("county", "县委第二巡察组"), ("municipal", "提级巡察组")]
    assert cells.to_level("市委提级巡察") == "municipal"


# ---------------------------------------------------------------- amounts with their unit typed after them

@pytest.mark.parametrize(("written", "amount"), [("1.5w", 1.5), ("1.5W", 1.5), ("1.5万元人民币", 1.5), ("15000元人民币", 1.5)])
def test_an_amount_in_w_or_with_the_currency_after_it_is_that_amount_in_both_columns(written, amount):
    """Each was refused as text (1.5万 and 人民币1.5万元 were read)."""
    assert cells.to_money(written) == pytest.approx(amount)
    assert cells.to_money_yuan(written) == pytest.approx(amount)


@pytest.mark.parametrize("written", ["w", "1.5ww", "3.2万余元", "约3万元"])
def test_an_amount_more_or_less_or_no_number_is_still_refused(written):
    with pytest.raises(cells.CellError, match="应为金额数字"):
        cells.to_money(written)
