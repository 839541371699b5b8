"""Values, names and dates as clerks write them, in shapes the other galleries do not hold (a sixth round):
each imports with the figures a clerk computes by hand, or is refused naming the real reason."""

from __future__ import annotations

import datetime as dt

import pytest
from support.clerk_rows import inspection as _inspection
from support.clerk_rows import ledger as _ledger
from support.clerk_rows import roster
from support.clerk_rows import stored as _stored
from support.ledgers import csv_bytes, memory_store, run, table, xlsx_bytes

from inspection import cells, metrics
from inspection.filters import Filters
from inspection.importer import InputFile
from inspection.importer.units import UnitIndex

# 李家村 is in two districts' 城关镇; 张庄村 in two townships of 东城区
ROSTER = [["东城区", "城关镇", "张庄村", "村", "否", "否"], ["东城区", "城关镇", "李家村", "村", "否", "否"],
          ["东城区", "河口镇", "张庄村", "村", "否", "否"], ["东城区", "河口镇", "王庄村", "村", "否", "否"],
          ["西城区", "城关镇", "李家村", "村", "否", "否"], ["西城区", "柳林镇", "柳村", "村", "否", "否"]]


def _roster(rows=ROSTER) -> InputFile:
    return roster(rows)


# ---------------------------------------------------------------- the roster that comes with the ledger

def test_a_ledger_without_its_places_takes_them_from_the_roster_in_the_same_upload():
    """A clerk drops the roster and the ledgers together into an empty store: the ledger without a 县区 or
    乡镇 column was refused for the columns (the roster was used only once stored)."""
    rows = [_inspection(**{"乡镇街道": "河口镇", "村(社区)": "王庄村"}),
            _inspection(**{"乡镇街道": "柳林镇", "村(社区)": "柳村", "发现问题数": 2})]
    issues = InputFile("问题清单.xlsx", xlsx_bytes({"问题": [["轮次", "村(社区)", "问题类别", "整改状态"],
                                                          ["2022年第一轮", "柳村", "党建", "已整改"]]}))
    with memory_store() as con:
        result = run(con, _ledger(rows, drop=("县区", "乡镇街道")), issues, _roster())
        assert result.status == "imported", result.problems
        assert [r[:3] for r in _stored(con)] == [("东城区", "河口镇", "王庄村"), ("西城区", "柳林镇", "柳村")]
        assert con.execute("SELECT unit_id FROM issues").fetchall() == [("n:西城区|柳林镇|柳村",)]
        figures = metrics.compute(con, Filters())
    assert (figures["units_total"], figures["units_covered"], figures["issues_found"]) == (6, 2, 5)
    assert "表中没有“县区”列，2 行的县区按名册中该村(社区)所在的县区取" in " ".join(result.warnings)


def test_without_a_roster_in_the_upload_or_for_a_name_it_has_twice_it_is_still_refused():
    rows = [_inspection(**{"乡镇街道": "河口镇", "村(社区)": "王庄村"})]
    with memory_store() as con:
        alone = run(con, _ledger(rows, drop=("县区", "乡镇街道")))
        twice = run(con, _ledger([_inspection(), *rows], drop=("县区", "乡镇街道")), _roster())
    assert alone.status == "rejected" and alone.problems[0].reason == "巡察情况缺少必填列：县区、乡镇"
    assert twice.status == "rejected"
    assert [(p.row, p.reason) for p in twice.problems] == [
        (2, "表中没有“县区”列，名册中有 2 个县区有同名的村(社区)（东城区、西城区），无法判断是哪一个")]


def test_a_ledger_missing_another_column_too_is_refused_for_that_one_alone():
    rows = [{k: v for k, v in _inspection(**{"乡镇街道": "河口镇", "村(社区)": "王庄村"}).items() if k != "轮次"}]
    with memory_store() as con:
        result = run(con, _ledger(rows, drop=("县区", "乡镇街道")), _roster())
    assert [p.reason for p in result.problems] == ["巡察情况缺少必填列：轮次"]


# ---------------------------------------------------------------- names as clerks write them

NAMED = [*ROSTER, ["东城区", "城关镇", "张庄社区", "社区", "否", "否"], ["东城区", "城关镇", "城关一村", "村", "否", "否"],
         ["东城区", "城关镇", "三〇村", "村", "否", "否"], ["东城区", "城关镇", "城关十二村", "村", "否", "否"]]


@pytest.mark.parametrize(("written", "unit"), [
    ("张庄村委员会", "张庄村"), ("李家村村党总支", "李家村"), ("张庄社区居委会", "张庄社区"),  # committees, branches
    ("张庄村*", "张庄村"), ("张庄村△", "张庄村"), ("张庄村※", "张庄村"), ("张庄社区＃", "张庄社区"),  # a footnote's mark
    ("李家村①", "李家村"), ("张庄村1", "张庄村"), ("（张庄村）", "张庄村"),  # a fill-down's number, brackets
    ("张庄村⑴", "张庄村"), ("张庄村。", "张庄村"), ("张庄村—", "张庄村"), ("城关镇张庄村*", "张庄村"),
    ("1.张庄村", "张庄村"), ("1、张庄村", "张庄村"), ("（1）张庄村", "张庄村"),  # its number in a list
    ("城关1村", "城关一村"), ("三0村", "三〇村"), ("三零村", "三〇村"), ("城关12村", "城关十二村"),  # numbers
])
def test_a_unit_written_with_noise_or_its_numbers_the_other_way_is_the_roster_unit(written, unit):
    """Each was refused as a unit the roster does not have."""
    index = UnitIndex([(f"n:{d}|{t}|{n}", None, d, t, n) for d, t, n, *_ in NAMED])
    name = cells.to_name(written)
    assert index.resolve({"district": "东城区", "township": "城关镇", "unit_name": name}) == (f"n:东城区|城关镇|{unit}", None)


def test_such_units_import_as_the_roster_units():
    rows = [_inspection(**{"村(社区)": "张庄村*", "发现问题数": 2}), _inspection(**{"村(社区)": "李家村村党总支"}),
            _inspection(**{"轮次": "2022年第二轮", "村(社区)": "张庄村1", "发现问题数": 4}),
            _inspection(**{"村(社区)": "城关1村", "发现问题数": 1})]
    with memory_store() as con:
        result = run(con, _roster(NAMED), _ledger(rows))
        assert result.status == "imported", result.problems
        assert sorted(con.execute("SELECT round, unit_id FROM inspections").fetchall()) == [
            ("2022年第一轮", "n:东城区|城关镇|城关一村"), ("2022年第一轮", "n:东城区|城关镇|张庄村"),
            ("2022年第一轮", "n:东城区|城关镇|李家村"), ("2022年第二轮", "n:东城区|城关镇|张庄村")]
        figures = metrics.compute(con, Filters())
    assert (figures["units_covered"], figures["issues_found"]) == (3, 10)


def test_a_name_without_its_village_is_the_one_unit_of_it_and_two_stay_refused():
    """王庄 is 河口镇's 王庄村; 城关镇 has both 张庄村 and 张庄社区, and a mark before a name or a number inside it
    is no noise."""
    rows = [_inspection(**{"乡镇街道": "河口镇", "村(社区)": "王庄"}), _inspection(**{"村(社区)": "张庄"}),
            _inspection(**{"村(社区)": "*张庄"}), _inspection(**{"村(社区)": "城关2村"})]
    with memory_store() as con:
        result = run(con, _roster(NAMED), _ledger(rows))
    assert [(p.row, p.value, p.reason) for p in result.problems] == [
        (3, "张庄", "名册中没有这个村(社区)"), (4, "*张庄", "名册中没有这个村(社区)"), (5, "城关2村", "名册中没有这个村(社区)")]


# ---------------------------------------------------------------- due dates written as a month

@pytest.mark.parametrize(("written", "due"), [
    ("2023年6月", dt.date(2023, 6, 30)), ("2023.6", dt.date(2023, 6, 30)), ("2023-06", dt.date(2023, 6, 30)),
    ("2023年6月前", dt.date(2023, 6, 30)), ("2023年6月份", dt.date(2023, 6, 30)), ("2023.6之前", dt.date(2023, 6, 30)),
    ("2023年6月内完成", dt.date(2023, 6, 30)), ("Jun-23", dt.date(2023, 6, 30)), ("2023年2月", dt.date(2023, 2, 28)),
    ("二季度末", cells.DueText("no_year", 6)), ("第二季度", cells.DueText("no_year", 6)),
    ("4季度前", cells.DueText("no_year", 12)), ("上半年", cells.DueText("no_year", 6)),
    ("下半年完成整改", cells.DueText("no_year", 12)),
    ("2023年6月中旬", dt.date(2023, 6, 20)), ("2023年6月上旬前", dt.date(2023, 6, 10)),  # a third of a month: its end
    ("2023年2月下旬", dt.date(2023, 2, 28)), ("2023年", dt.date(2023, 12, 31)), ("2023年年中", dt.date(2023, 6, 30)),
    ("2023年Q3", dt.date(2023, 9, 30)), ("2023q4前", dt.date(2023, 12, 31)), ("今年年底前", cells.DueText("no_year", 12)),
    ("半年内", cells.DueText("months", 6)), ("一年内", cells.DueText("months", 12)),  # after the feedback
    ("两周内", cells.DueText("days", None, 14)), ("2个星期内", cells.DueText("days", None, 14)),
])
def test_a_due_month_is_by_its_end_and_a_quarter_without_its_year_is_the_inspections(written, due):
    """A due date written as a month was its first day (2023年6月前 and 二季度末 were refused): a clerk means
    "by the end of June", as 2023年6月底前 says; a third of a month was its first day, the others refused."""
    assert cells.to_due(written) == due


def test_a_start_or_rectified_date_written_as_a_month_stays_its_first_day():
    assert (cells.to_date("2023年6月"), cells.to_date("2023年6月中旬")) == (dt.date(2023, 6, 1), dt.date(2023, 6, 11))
    assert cells.to_due("2023年6月1日") == dt.date(2023, 6, 1)


def test_such_due_dates_count_overdue_from_the_months_end():
    """Due 2022年6月 and 二季度末 (the inspection ended 2022-04-20): not overdue on 2022-06-15 (they were, from
    the 1st), overdue on 2022-07-01."""
    header = ["轮次", "县区", "乡镇街道", "村(社区)", "问题类别", "整改状态", "整改时限"]
    issues = [["2022年第一轮", "东城区", "城关镇", "李家村", "党建", "整改中", due] for due in ("2022年6月", "二季度末")]
    with memory_store() as con:
        result = run(con, _roster(), _ledger([_inspection()]),
                     InputFile("问题清单.csv", csv_bytes(table(header, issues))))
        assert result.status == "imported", result.problems
        june = metrics.compute(con, Filters(as_of=dt.date(2022, 6, 15)))
        july = metrics.compute(con, Filters(as_of=dt.date(2022, 7, 1)))
    assert (june["overdue"], july["overdue"]) == (0, 2)


# ---------------------------------------------------------------- dates as systems and clerks write them

@pytest.mark.parametrize(("written", "start", "end"), [
    ("2023年3月1日至4月", "2023-03-01", "2023-04-30"), ("2023年3月1日至2023年4月", "2023-03-01", "2023-04-30"),
    ("2023.3.1-2023.4", "2023-03-01", "2023-04-30"), ("2023.3.1-4月", "2023-03-01", "2023-04-30"),
    ("2023年3月1日至4月底", "2023-03-01", "2023-04-30"), ("2022年12月20日至1月", "2022-12-20", "2023-01-31"),
    ("2023年3月1日-5日", "2023-03-01", "2023-03-05"), ("自2023年3月1日起至4月底止", "2023-03-01", "2023-04-30"),
])
def test_a_period_from_a_day_to_a_month_ends_on_that_months_last_day(written, start, end):
    """It was refused (2023年3月1日至4月)."""
    assert cells.to_range(written) == cells.DateRange(dt.date.fromisoformat(start), dt.date.fromisoformat(end))


@pytest.mark.parametrize("written", ["2023.3.1-4", "2023年3月15日至2月", "2023年3月1日至13月"])
def test_a_period_whose_end_may_be_a_day_or_is_before_its_start_is_still_refused(written):
    with pytest.raises(cells.CellError):
        cells.to_range(written)


@pytest.mark.parametrize("written", [
    "1 Mar 2023", "01-Mar-2023", "1-Mar-23", "Mar 1, 2023", "March 1st, 2023", "Mar. 1 2023", "2023.03.01.",
    "2023年3月1号", "23.3.1", "2023/03/01 00:00:00", "2023-03-01T00:00:00", "二〇二三年三月一日",
])
def test_a_date_from_an_english_export_or_with_a_full_stop_after_it_is_that_day(written):
    """An English export's dates (1 Mar 2023, Excel's d-mmm-yy 1-Mar-23) were refused; the others guard
    what earlier rounds read."""
    assert cells.to_date(written) == dt.date(2023, 3, 1)


@pytest.mark.parametrize("written", ["1 Foo 2023", "Sep 31 2023", "March"])
def test_an_english_date_that_is_none_is_still_refused(written):
    with pytest.raises(cells.CellError):
        cells.to_date(written)


@pytest.mark.parametrize("written", [
    "自2023年3月1日至3月31日", "2023年3月1日起至3月31日", "2023年3月1日至3月31日止", "2023年3月1日至3月31日（共31天）",
    "自2023年3月1日起至2023年3月31日止（共31天）", "从2023.3.1到3.31",
])
def test_a_period_with_the_words_around_it_is_that_period(written):
    """自 … 起至 … 止（共31天）, as a work plan writes it: it was refused."""
    assert cells.to_range(written) == cells.DateRange(dt.date(2023, 3, 1), dt.date(2023, 3, 31))


def test_a_start_with_qi_is_that_start_and_the_words_alone_are_no_date():
    assert cells.to_range("2023年3月1日起") == dt.date(2023, 3, 1)
    for written in ("自", "起", "止"):
        with pytest.raises(cells.CellError):
            cells.to_range(written)


# ---------------------------------------------------------------- counts

@pytest.mark.parametrize(("written", "count"), [
    ("1，234", 1234), ("12.0", 12), ("3（其中1个已整改）", 3), ("3件（已整改1件）", 3), ("5(包括立行立改2个)", 5),
    ("'3", 3), ("＇3", 3),
])
def test_a_count_with_its_breakdown_or_after_a_text_mark_is_that_count(written, count):
    """3件（已整改1件） and ＇3 (a full-width text mark) were refused."""
    assert cells.CONVERTERS["count"](written) == count




@pytest.mark.parametrize(("written", "count"), [
    ("3个（1个已整改）", 3), ("3（已整改）", 3), ("3件次", 3), ("3宗", 3), ("3份", 3),
])
def test_a_count_with_what_is_done_of_it_or_another_unit_is_that_count(written, count):
    """Each was refused as text."""
    assert cells.to_count(written) == count


@pytest.mark.parametrize("written", ["3(1)", "3个(1个)", "3/5"])
def test_a_count_with_a_bracket_that_says_no_share_is_still_refused(written):
    with pytest.raises(cells.CellError, match="应为数字"):
        cells.to_count(written)


def test_an_amount_in_yi_is_ten_thousand_wan():
    assert (cells.to_money("1.2亿元"), cells.to_money_yuan("1.2亿"), cells.to_money("1.2万元")) == (12000.0, 12000.0, 1.2)


@pytest.mark.parametrize("written", ["2023.3.1日", "2023-3-1日", "2023年3月1曰"])
def test_a_dotted_date_with_its_ri_or_ri_mistyped_is_that_day(written):
    """曰 typed for 日 (they look alike), 日 after a dotted date: each was refused."""
    assert cells.to_date(written) == dt.date(2023, 3, 1)
    assert cells.to_range("2023年3月1曰至3月31曰") == cells.DateRange(dt.date(2023, 3, 1), dt.date(2023, 3, 31))
