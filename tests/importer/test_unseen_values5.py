"""Values, names and totals as clerks write them, in shapes the other galleries do not hold (a fifth round):
each imports with the figures a clerk computes by hand, or is refused naming the real reason."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from support.clerk_rows import HEADER, roster
from support.clerk_rows import inspection as _inspection
from support.clerk_rows import ledger as _ledger
from support.clerk_rows import stored as _stored
from support.fast_path import run_both
from support.ledgers import csv_bytes, memory_store, run, table

from inspection import cells, metrics
from inspection.filters import Filters
from inspection.importer import InputFile
from inspection.importer.model import INSPECTION_COLUMNS, ISSUE_COLUMNS

# 李家村 is in two districts' 城关镇; 张庄村 in two townships of 东城区
ROSTER = [["东城区", "城关镇", "张庄村", "村", "否", "否"], ["东城区", "城关镇", "李家村", "村", "否", "否"],
          ["东城区", "河口镇", "张庄村", "村", "否", "否"], ["东城区", "河口镇", "王庄村", "村", "否", "否"],
          ["西城区", "城关镇", "李家村", "村", "否", "否"], ["西城区", "柳林镇", "柳村", "村", "否", "否"],
          ["西城区", "东关街道", "新华社区", "社区", "否", "否"]]


def _roster(rows=ROSTER) -> InputFile:
    return roster(rows)


def _field(data, field: str) -> list[object]:
    rows = sorted(data["inspections"], key=lambda r: r[INSPECTION_COLUMNS.index("unit_id")])
    return [r[INSPECTION_COLUMNS.index(field)] for r in rows]


# ---------------------------------------------------------------- totals labelled in English

def test_a_total_row_labelled_in_english_is_a_summary_row_on_both_csv_paths(monkeypatch):
    """An office's template or Excel's total row (汇总行) writes Total / Subtotal: they were records, refused
    for their blank cells or as a unit the roster lacks (or counted, where they named one)."""
    blank = dict.fromkeys(HEADER, "")
    rows = [_inspection(), _inspection(**{"村(社区)": "张庄村", "发现问题数": 4}),
            {**blank, "轮次": "Subtotal", "发现问题数": 7},
            _inspection(**{"乡镇街道": "河口镇", "村(社区)": "王庄村", "发现问题数": 2}),
            _inspection(**{"乡镇街道": "河口镇", "村(社区)": "城关镇 Sub-total", "发现问题数": 2}),
            {**blank, "轮次": "Grand total", "发现问题数": 9}, {**blank, "轮次": "TOTAL:", "发现问题数": 9},
            {**blank, "村(社区)": "Sum", "发现问题数": 9}]
    result, data = run_both(monkeypatch, [_roster()], [_ledger(rows)])
    assert result.status == "imported", result.problems
    assert sorted(_field(data, "issues_found")) == [2, 3, 4]
    assert "已跳过合计/小计行 5 行（第 4、6、7、8、9 行）" in " ".join(result.warnings)


def test_an_english_word_that_is_no_total_is_still_a_record():
    rows = [_inspection(**{"村(社区)": "Summit村"}), _inspection(**{"村(社区)": "Totally"})]
    with memory_store() as con:
        result = run(con, _roster(), _ledger(rows))
    assert result.status == "rejected"
    assert [(p.row, p.value) for p in result.problems] == [(2, "Summit村"), (3, "Totally")]


# ---------------------------------------------------------------- counts with words or in numerals

@pytest.mark.parametrize(("written", "count"), [
    ("共3个", 3), ("合计5件", 5), ("共计12条", 12), ("问题3个", 3), ("3个问题", 3), ("线索2条", 2), ("问题共3个", 3),
    ("三", 3), ("十二", 12), ("两", 2), ("二十三个", 23), ("两人", 2), ("零", 0), ("无问题", 0), ("空", None),
])
def test_a_count_in_words_around_it_or_in_chinese_numerals_is_that_count(written, count):
    """Counts a clerk writes in words (they were refused as text)."""
    assert cells.to_count(written) == count


@pytest.mark.parametrize("written", ["约3个", "3个以上", "十几", "三四个", "3个左右", "问题较多"])
def test_a_count_that_is_not_one_number_is_still_refused(written):
    with pytest.raises(cells.CellError, match="应为数字"):
        cells.to_count(written)


def test_such_counts_import_as_written_and_empty_is_not_reported_on_both_csv_paths(monkeypatch):
    header = HEADER + ["移交问题线索数"]
    rows = [dict(_inspection(**{"发现问题数": "共3个"}), 移交问题线索数="空"),
            dict(_inspection(**{"村(社区)": "张庄村", "发现问题数": "十二"}), 移交问题线索数="两"),
            dict(_inspection(**{"乡镇街道": "河口镇", "村(社区)": "王庄村", "发现问题数": "3个问题"}), 移交问题线索数="无")]
    result, data = run_both(monkeypatch, [_roster()], [_ledger([{h: r[h] for h in header} for r in rows])])
    assert result.status == "imported", result.problems
    with memory_store() as con:
        run(con, _roster(), _ledger(rows))
        figures = metrics.compute(con, Filters())
    assert (figures["issues_found"], figures["clues"]) == (18, 2)
    assert (figures["not_reported"]["issues_found"], figures["not_reported"]["clues"]) == (0, 1)


# ---------------------------------------------------------------- a period of months

@pytest.mark.parametrize(("written", "start", "end"), [
    ("2023年3月至4月", "2023-03-01", "2023-04-30"), ("2023年3月—4月", "2023-03-01", "2023-04-30"),
    ("2023年3-4月", "2023-03-01", "2023-04-30"), ("2023.3-4", "2023-03-01", "2023-04-30"),
    ("2023.03—04", "2023-03-01", "2023-04-30"), ("2023.3-2023.5", "2023-03-01", "2023-05-31"),
    ("2023/2-3", "2023-02-01", "2023-03-31"), ("2023年12月至2024年1月", "2023-12-01", "2024-01-31"),
])
def test_a_period_of_months_runs_from_the_first_day_to_the_last(written, start, end):
    """It was refused (2023年3月至4月) or read as one day (2023.3-4 was 4 March)."""
    assert cells.to_range(written) == cells.DateRange(dt.date.fromisoformat(start), dt.date.fromisoformat(end))


@pytest.mark.parametrize(("written", "day"), [("2023-3-4", "2023-03-04"), ("2023.3.4", "2023-03-04"),
                                              ("2023.3-15", "2023-03-15"), ("2023.4-3", "2023-04-03")])
def test_a_date_with_its_separators_alike_or_no_month_after_it_is_still_that_day(written, day):
    assert cells.to_range(written) == cells.to_date(written) == dt.date.fromisoformat(day)


def test_a_date_whose_separators_differ_before_a_later_month_is_refused_saying_both_readings():
    with pytest.raises(cells.CellError, match=re.escape("可能是 3月4日，也可能是 3月至4月")):
        cells.to_date("2023.3-4")


def test_a_period_of_months_imports_as_both_dates():
    rows = [_inspection(**{"开始日期": "2022年3月至4月"}), _inspection(**{"村(社区)": "张庄村", "开始日期": "2022.3-4"})]
    with memory_store() as con:
        result = run(con, _roster(), _ledger(rows, drop=("结束日期",)))
        assert result.status == "imported", result.problems
        assert {(s, e) for *_, s, e, _ in _stored(con)} == {("2022-03-01", "2022-04-30")}


# ---------------------------------------------------------------- due dates, statuses

@pytest.mark.parametrize("written", ["本轮巡察结束前", "巡察结束前", "巡察期间", "本次巡察期间完成", "巡察反馈前", "即查即改",
                                     "边查边改", "立即整改到位"])
def test_a_due_date_before_the_inspection_ends_is_its_end_as_li_xing_li_gai_is(written):
    assert cells.to_due(written) == cells.to_due("立行立改")


@pytest.mark.parametrize(("written", "status"), [
    ("整改中（已完成60%）", "in_progress"), ("完成80%", "in_progress"), ("已完成整改50%", "in_progress"),
    ("整改进度100%", "rectified"), ("已销号", "rectified"), ("已办结", "rectified"), ("已完成整改并销号", "rectified"),
    ("部分整改", "in_progress"), ("持续整改", "long_term"), ("阶段性完成", "long_term"), ("未整改", "not_started"),
])
def test_a_status_with_its_share_done_or_struck_off_is_that_status(written, status):
    assert cells.to_status(written) == status


@pytest.mark.parametrize("written", ["暂缓", "暂缓整改", "不再整改（已撤并）"])
def test_a_status_none_of_the_four_states_says_is_still_a_question(written):
    with pytest.raises(cells.CellError) as refused:
        cells.to_status(written)
    assert refused.value.unknown


ISSUE_HEADER = ["轮次", "县区", "乡镇街道", "村(社区)", "问题类别", "整改状态", "整改时限"]


def test_a_rectified_status_saying_its_day_gives_the_rectified_date_on_both_csv_paths(monkeypatch):
    """已整改（2023.5.10） with no completion column: the one-month rate and the as-of views need that day
    (it was dropped); a month alone gives none."""
    issues = [["2022年第一轮", "东城区", "城关镇", "李家村", "党建", "已整改（2022.5.10）", "2022-04-30"],
              ["2022年第一轮", "东城区", "城关镇", "李家村", "党建", "2022年6月30日已整改完成", "2022年6月底前"],
              ["2022年第一轮", "东城区", "城关镇", "李家村", "党建", "2022年5月已整改", ""],
              ["2022年第一轮", "东城区", "城关镇", "李家村", "党建", "整改中（已完成60%）", ""]]
    setup = [_roster(), _ledger([_inspection()])]
    files = [InputFile("问题清单.csv", csv_bytes(table(ISSUE_HEADER, issues)))]
    result, data = run_both(monkeypatch, setup, files)
    assert result.status == "imported", result.problems
    picks = [ISSUE_COLUMNS.index(c) for c in ("status", "rectified_date", "due_date")]
    assert sorted([tuple(r[i] for i in picks) for r in data["issues"]], key=str) == sorted([
        ("rectified", dt.date(2022, 5, 10), dt.date(2022, 4, 30)),
        ("rectified", dt.date(2022, 6, 30), dt.date(2022, 6, 30)),
        ("rectified", None, None), ("in_progress", None, None)], key=str)


def test_the_rows_own_rectified_date_wins_over_the_day_its_status_says_on_both_csv_paths(monkeypatch):
    issues = [["2022年第一轮", "东城区", "城关镇", "李家村", "党建", "已整改（2022.5.10）", "", "2022-05-12"],
              ["2022年第一轮", "东城区", "城关镇", "李家村", "党建", "2022年6月30日已整改完成", "", ""]]
    files = [InputFile("问题清单.csv", csv_bytes(table(ISSUE_HEADER + ["整改完成时间"], issues)))]
    result, data = run_both(monkeypatch, [_roster(), _ledger([_inspection()])], files)
    assert result.status == "imported", result.problems
    column = ISSUE_COLUMNS.index("rectified_date")
    assert sorted(r[column] for r in data["issues"]) == [dt.date(2022, 5, 12), dt.date(2022, 6, 30)]


# ---------------------------------------------------------------- names

def test_a_township_that_became_a_town_is_the_roster_ones(monkeypatch):
    """柳林乡 became 柳林镇 (撤乡设镇): the ledger keeps the old name (it was refused); a 党群服务中心 is its unit."""
    rows = [_inspection(**{"县区": "西城区", "乡镇街道": "柳林乡", "村(社区)": "柳村"}),
            _inspection(**{"县区": "西城区", "乡镇街道": "东关街道办事处", "村(社区)": "新华社区党群服务中心"}),
            _inspection(**{"乡镇街道": "河口乡", "村(社区)": "王庄村党群服务站"})]
    result, data = run_both(monkeypatch, [_roster()], [_ledger(rows)])
    assert result.status == "imported", result.problems
    with memory_store() as con:
        run(con, _roster(), _ledger(rows))
        assert con.execute("SELECT count(*) FROM live_inspections WHERE in_roster").fetchone() == (3,)
        assert metrics.compute(con, Filters())["units_covered"] == 3


def test_a_town_written_as_a_subdistrict_or_a_renamed_district_is_still_not_in_the_roster():
    """A 镇 is no 街道 (both may be there), nor 东城县 东城区 (test_unseen_files)."""
    rows = [_inspection(**{"县区": "西城区", "乡镇街道": "柳林街道", "村(社区)": "柳村"}),
            _inspection(**{"县区": "东城县", "乡镇街道": "河口镇", "村(社区)": "王庄村"})]
    with memory_store() as con:
        result = run(con, _roster(), _ledger(rows))
    assert result.status == "rejected"
    assert [(p.row, p.value) for p in result.problems] == [(2, "柳村"), (3, "王庄村")]


# ---------------------------------------------------------------- the district from the roster

def test_a_ledger_without_a_district_takes_the_one_its_roster_unit_is_in():
    """No district column, title or file name: 河口镇 王庄村 and 柳林镇 柳村 are each one roster unit (it was
    refused for the missing column); the issue list likewise."""
    rows = [_inspection(**{"乡镇街道": "河口镇", "村(社区)": "王庄村"}),
            _inspection(**{"乡镇街道": "柳林镇", "村(社区)": "柳村", "发现问题数": 2})]
    issues = [["2022年第一轮", "柳林镇", "柳村", "党建", "已整改"]]
    with memory_store() as con:
        assert run(con, _roster()).status == "imported"
        result = run(con, _ledger(rows, drop=("县区",)),
                     InputFile("问题清单.csv", csv_bytes(table(["轮次", "乡镇街道", "村(社区)", "问题类别", "整改状态"],
                                                              issues))))
        assert result.status == "imported", result.problems
        assert [r[:3] for r in _stored(con)] == [("东城区", "河口镇", "王庄村"), ("西城区", "柳林镇", "柳村")]
        assert con.execute("SELECT unit_id FROM issues").fetchall() == [("n:西城区|柳林镇|柳村",)]
        figures = metrics.compute(con, Filters())
    assert (figures["units_covered"], figures["issues_found"]) == (2, 5)
    assert "表中没有“县区”列，2 行的县区按名册中该村(社区)所在的县区取" in " ".join(result.warnings)


def test_a_unit_in_two_districts_or_in_none_without_a_district_column_is_refused_naming_them():
    rows = [_inspection(), _inspection(**{"乡镇街道": "河口镇", "村(社区)": "王家村"}),
            _inspection(**{"乡镇街道": "河口镇", "村(社区)": "王庄村"})]
    with memory_store() as con:
        assert run(con, _roster()).status == "imported"
        result = run(con, _ledger(rows, drop=("县区",)))
    assert result.status == "rejected"
    assert [(p.row, p.reason) for p in result.problems] == [
        (2, "表中没有“县区”列，名册中有 2 个县区的城关镇有同名的村(社区)（东城区、西城区），无法判断是哪一个"),
        (3, "表中没有“县区”列，名册中河口镇没有这个村(社区)")]
