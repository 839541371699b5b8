"""Cell values, headers and names as offices write them, in shapes the other galleries do not hold (a
third round): each imports with the figures a clerk computes by hand, or is refused naming the real
reason. Each gallery is one small ledger (a village per written value) imported on both CSV paths."""

from __future__ import annotations

import pytest
from support.fast_path import run_both
from support.ledgers import ROSTER_HEADER, csv_bytes, memory_store, run, table

from inspection import cells
from inspection.importer import InputFile
from inspection.importer.model import INSPECTION_COLUMNS

HEADER = ["轮次", "巡察层级", "巡察组", "开始日期", "结束日期", "县区", "乡镇街道", "村(社区)", "发现问题数"]


def _roster(count: int) -> InputFile:
    rows = [["东城区", "城关镇", f"新{k}村", "村", "否", "否"] for k in range(count)]
    return InputFile("名册.csv", csv_bytes(table(ROSTER_HEADER, rows)))


def _gallery(header: str, written: list[object], issues: object = 3) -> InputFile:
    """Inspections of 新0村, 新1村, ... each with one of `written` under `header` (3 issues found unless
    the header is the issues' own)."""
    head = [*HEADER, header] if header not in HEADER else HEADER
    rows = []
    for k, value in enumerate(written):
        row = ["2022年第一轮", "县级", "县委第一巡察组", "2022-03-01", "2022-04-04", "东城区", "城关镇", f"新{k}村", issues]
        if header in HEADER:
            row[HEADER.index(header)] = value
        else:
            row.append(value)
        rows.append(row)
    return InputFile("巡察情况.csv", csv_bytes(table(head, rows)))


def _by_village(data, field: str) -> list[object]:
    """`field` of each inspection, in the order of the villages (新0村, 新1村, ...)."""
    units = {r[0]: int(r[3][1:-1]) for r in data["roster"]}  # unit_id -> k of 新k村
    found = {units[r[INSPECTION_COLUMNS.index("unit_id")]]: r[INSPECTION_COLUMNS.index(field)]
             for r in data["inspections"]}
    return [found[k] for k in sorted(found)]


# ---------------------------------------------------------------- counts as clerks write them

COUNTS = [
    ("3（个）", 3), ("2(人)", 2), ("3处", 3), ("4例", 4),  # the unit in brackets as a header writes it; 处, 例
    ("暂无", 0), ("没有", 0),  # none (so far), like 无
    ("N/A", None), ("na", None), ("未统计", None), ("不详", None),  # not counted: not reported, like "/"
]


@pytest.mark.parametrize(("written", "count"), COUNTS)
def test_a_count_written_with_its_unit_in_brackets_or_as_none_or_not_counted_is_that_count(written, count):
    """Each was refused as text in a count column (应为数字（非负整数），不能填文字)."""
    assert cells.to_count(written) == count


def test_such_counts_import_as_those_counts_on_both_csv_paths(monkeypatch):
    result, data = run_both(monkeypatch, [_roster(len(COUNTS))], [_gallery("移交问题线索数", [w for w, _ in COUNTS])])
    assert result.status == "imported", result.problems
    assert _by_village(data, "clues") == [c for _, c in COUNTS]


def test_a_required_count_written_as_not_counted_or_with_other_words_is_refused(monkeypatch):
    written = ["N/A", "未统计", "约3个", "2.5", "3个以上"]  # (共3个, 3个问题, 两个 are 3, 3, 2: test_unseen_values5)
    result, _ = run_both(monkeypatch, [_roster(len(written))], [_gallery("发现问题数", written)])
    assert result.status == "rejected"
    assert [(p.column, p.value) for p in result.problems] == [("发现问题数", w) for w in written]
    assert ["表示未填报" in p.reason for p in result.problems] == [True, True, False, False, False]


# ---------------------------------------------------------------- amounts as clerks write them

@pytest.mark.parametrize(("header", "written", "amount"), [
    ("追回资金（元）", "1.2万", 1.2),  # 万 says 万元 under a 元 header: it was divided by 10,000 again
    ("追回资金（元）", "1.2（万元）", 1.2),
    ("追回资金（元）", "3000", 0.3),
    ("追回资金（万元）", "12.5（万元）", 12.5),  # the unit in brackets: it was refused as text
    ("追回资金（万元）", "3,000（元）", 0.3),
])
def test_an_amount_whose_cell_says_wan_or_its_unit_in_brackets_is_in_that_unit(header, written, amount):
    convert = cells.to_money_yuan if header.endswith("（元）") else cells.to_money
    assert convert(written) == pytest.approx(amount)


def test_amounts_in_wan_under_a_yuan_header_import_in_wan_on_both_csv_paths(monkeypatch):
    written = ["1.2万", "1.2（万元）", "3000", "5000元"]
    result, data = run_both(monkeypatch, [_roster(len(written))], [_gallery("追回资金（元）", written)])
    assert result.status == "imported", result.problems
    assert _by_village(data, "funds_recovered") == pytest.approx([1.2, 1.2, 0.3, 0.5])


# ---------------------------------------------------------------- headers as clerks write them

def test_headers_with_a_label_colon_and_a_bare_count_of_clues_are_their_fields_on_both_csv_paths(monkeypatch):
    """发现问题数：(a label's colon, full- or half-width) left the required column missing; 线索数 was an
    unrecognised column, its clues silently not reported."""
    head = [*HEADER[:-1], "发现问题数：", "线索数", "已整改数:"]
    rows = [["2022年第一轮", "县级", "县委第一巡察组", "2022-03-01", "2022-04-04", "东城区", "城关镇", "新0村", 3, 1, 2]]
    result, data = run_both(monkeypatch, [_roster(1)], [InputFile("巡察情况.csv", csv_bytes(table(head, rows)))])
    assert result.status == "imported", result.problems
    assert not [w for w in result.warnings if "未识别的列" in w]
    assert [_by_village(data, f) for f in ("issues_found", "clues", "rectified")] == [[3], [1], [2]]


# ---------------------------------------------------------------- statuses and categories as clerks write them

ISSUE_HEADER = ["轮次", "县区", "乡镇街道", "村(社区)", "问题类别", "二级类别", "整改状态"]

STATUSES = [
    ("销号", "rectified"), ("已整改销号", "rectified"), ("立行立改", "rectified"), ("已立行立改", "rectified"),
    ("2022年5月已整改", "rectified"), ("已于2022年5月10日整改完成", "rectified"), ("2022.5.10已销号", "rectified"),
    ("基本整改", "long_term"), ("已基本整改", "long_term"),
]


@pytest.mark.parametrize(("written", "status"), STATUSES)
def test_a_status_struck_off_fixed_on_the_spot_or_with_its_date_before_it_is_that_status(written, status):
    """Each was a question to map (不是可识别的整改状态)."""
    assert cells.to_status(written) == status


@pytest.mark.parametrize("written", ["2022年5月", "已于2022年5月10日", "2022年5月已整改，整改中", "立即整改"])
def test_a_date_alone_or_states_that_disagree_are_still_not_a_status(written):
    with pytest.raises(cells.CellError):
        cells.to_status(written)


CATEGORIES = [
    ("一、党的领导方面", "（一）班子建设", "党的领导", "班子建设"),
    ("1.党的建设", "(1)组织生活", "党的建设", "组织生活"),
    ("二．全面从严治党方面问题", "①廉政教育", "全面从严治党", "廉政教育"),
    ("3、基层治理", "2.2 村务公开", "基层治理", "2.2 村务公开"),  # 2.2 is no heading's number
    ("党建", "三资管理", "党建", "三资管理"),  # a short form is kept as written
]


@pytest.mark.parametrize(("category", "subcategory", "stored", "stored_sub"), CATEGORIES)
def test_a_category_written_with_its_headings_number_is_the_category_its_heading_gives(category, subcategory,
                                                                                     stored, stored_sub):
    """一、党的领导方面 in the category column was stored as written: a category of its own beside the
    党的领导 a list under the heading 一、党的领导方面 gives."""
    assert (cells.to_category(category), cells.to_subcategory(subcategory)) == (stored, stored_sub)


def test_such_statuses_and_categories_import_on_both_csv_paths(monkeypatch):
    rows = [["2022年第一轮", "东城区", "城关镇", "新0村", c, s, w] for (c, s, _, _), (w, _) in zip(CATEGORIES, STATUSES, strict=False)]
    result, data = run_both(monkeypatch, [_roster(1), _gallery("发现问题数", [len(rows)])],
                            [InputFile("问题清单.csv", csv_bytes(table(ISSUE_HEADER, rows)))])
    assert result.status == "imported", result.problems
    got = sorted((r[3], r[4], r[6]) for r in data["issues"])
    assert got == sorted((c, s, st) for (_, _, c, s), (_, st) in zip(CATEGORIES, STATUSES, strict=False))


# ---------------------------------------------------------------- unit and place names as clerks write them

NAMES_ROSTER = [["东城区", "城关镇", "张庄村"], ["东城区", "城关镇", "张庄社区"], ["东城区", "河口街道", "李庄村"]]
NAMES = [  # (district, township, unit) as written -> the roster unit
    (("东城区", "城关镇", "张庄村委"), "张庄村"),
    (("东城区", "城关镇", "张庄行政村"), "张庄村"),
    (("东城区", "城关镇", "张庄村两委"), "张庄村"),
    (("东城区", "城关镇", "张庄村“两委”"), "张庄村"),
    (("东城区", "城关镇", "张庄村（党支部）"), "张庄村"),
    (("东城区", "城关镇", "张庄社区两委"), "张庄社区"),
    (("东城区", "城关镇人民政府", "张庄村"), "张庄村"),
    (("东城区", "河口街道办事处", "李庄村"), "李庄村"),
    (("东城区", "河口街道办", "李庄村"), "李庄村"),
    (("东城区", "河口街道党工委", "李庄村"), "李庄村"),
    (("东城区委", "城关镇", "张庄社区"), "张庄社区"),
]


def test_a_unit_or_place_written_as_its_committee_or_government_is_the_roster_unit_on_both_csv_paths(monkeypatch):
    """Each was refused as not in the roster (名册中没有这个村(社区)); 张庄社区两委 stays the community, never
    the village."""
    roster = InputFile("名册.csv", csv_bytes(table(["县区", "乡镇街道", "村(社区)"], NAMES_ROSTER)))
    rows = [[f"2022年第{k + 1}轮", "县级", "县委第一巡察组", "2022-03-01", "2022-04-04", *written, 3]
            for k, (written, _) in enumerate(NAMES)]
    result, data = run_both(monkeypatch, [roster], [InputFile("巡察情况.csv", csv_bytes(table(HEADER, rows)))])
    assert result.status == "imported", result.problems
    names = {r[0]: r[3] for r in data["roster"]}
    got = {int(r[INSPECTION_COLUMNS.index("round")][6:-1]): names[r[INSPECTION_COLUMNS.index("unit_id")]]
           for r in data["inspections"]}
    assert [got[k + 1] for k in range(len(NAMES))] == [unit for _, unit in NAMES]


@pytest.mark.parametrize(("district", "township", "name"), [
    ("东城区", "城关镇", "张庄"),  # neither the village nor the community
    ("东城区", "河口镇", "李庄村"),  # another township: a 镇 is no 街道
    ("东城区", "城关街道", "张庄村"),
    ("西城区委", "城关镇", "张庄村"),
])
def test_another_place_or_a_name_that_could_be_two_units_is_still_not_in_the_roster(district, township, name):
    con = memory_store()
    try:
        roster = InputFile("名册.csv", csv_bytes(table(["县区", "乡镇街道", "村(社区)"], NAMES_ROSTER)))
        rows = [["2022年第一轮", "县级", "县委第一巡察组", "2022-03-01", "2022-04-04", district, township, name, 3]]
        result = run(con, roster, InputFile("巡察情况.csv", csv_bytes(table(HEADER, rows))))
    finally:
        con.close()
    assert result.status == "rejected"
    assert ["名册中没有" in p.reason for p in result.problems] == [True]


# ---------------------------------------------------------------- dates as clerks write them

@pytest.mark.parametrize(("written", "day"), [
    ("22.3.1", "2022-03-01"), ("22年3月1日", "2022-03-01"), ("21.12.31", "2021-12-31"),  # a two-digit year
])
def test_a_date_with_a_two_digit_year_first_is_that_date(written, day):
    """Each was 无法识别的日期格式."""
    assert cells.to_date(written).isoformat() == day


@pytest.mark.parametrize("written", ["12.3.1", "3/1/22", "15/03/21", "22/3/1", "22.13.1"])
def test_a_two_digit_year_that_could_be_a_month_or_last_is_still_refused(written):
    """12.3.1 may be a month first, 3/1/22 and 15/03/21 are an English region's dates with their year last."""
    with pytest.raises(cells.CellError):
        cells.to_date(written)


def test_a_period_of_two_compact_dates_or_without_its_year():
    """20220301-20220404 was 无法识别的日期格式; 3月1日至4月4日 said so too, not that its year is missing
    (its round states none: with the round's year it is read in that year, test_unseen_values4).
    (A period needs its row: both CSV paths are the row path.)"""
    head = [h for h in HEADER if h not in ("开始日期", "结束日期")] + ["巡察时间"]
    rows = [[r, "县级", "县委第一巡察组", "东城区", "城关镇", f"新{k}村", 3, period]
            for k, (r, period) in enumerate([("2022年第一轮", "20220301-20220404"), ("2022年第一轮", "22.3.1"),
                                             ("第一轮", "3月1日至4月4日")])]
    con = memory_store()
    try:
        refused = run(con, _roster(3), InputFile("巡察情况.csv", csv_bytes(table(head, rows))))
        imported = run(con, _roster(3), InputFile("巡察情况.csv", csv_bytes(table(head, rows[:2]))))
        got = con.execute("SELECT start_date::VARCHAR, end_date::VARCHAR FROM inspections "
                          "ORDER BY unit_name").fetchall()
    finally:
        con.close()
    assert [(p.row, p.value) for p in refused.problems] == [(4, "3月1日至4月4日")]
    assert "没有年份" in refused.problems[0].reason
    assert imported.status == "imported", imported.problems
    assert got == [("2022-03-01", "2022-04-04"), ("2022-03-01", None)]


@pytest.mark.parametrize(("written", "day"), [
    ("2022年3月上旬", "2022-03-01"), ("2022年3月中旬", "2022-03-11"), ("2022.3下旬", "2022-03-21"),
])
def test_a_third_of_a_month_is_its_first_day_as_a_month_alone_is(written, day):
    assert cells.to_date(written).isoformat() == day


def test_an_inspection_starting_after_today_or_before_2000_is_imported_and_named(monkeypatch):
    """A typo of the year (2032 for 2023) was imported without a word: such an inspection counts in no
    coverage as of today."""
    import datetime as dt
    later = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    head = [h for h in HEADER if h != "结束日期"]
    rows = [["2022年第一轮", "县级", "县委第一巡察组", start, "东城区", "城关镇", f"新{k}村", 3]
            for k, start in enumerate([later, "1999-03-01", "2022-03-01"])]
    result, _ = run_both(monkeypatch, [_roster(3)], [InputFile("巡察情况.csv", csv_bytes(table(head, rows)))])
    assert result.status == "imported", result.problems
    named = [w for w in result.warnings if "开始日期晚于今天或早于 2000 年" in w]
    assert len(named) == 1 and "2 个巡察记录" in named[0]
    assert "新0村" in named[0] and "新1村" in named[0] and "新2村" not in named[0]


# ---------------------------------------------------------------- a roster's yes/no as clerks write it

@pytest.mark.parametrize(("written", "answer"), [
    ("是（已脱贫）", True), ("否(已转化)", False), ("Y（2019年退出）", True), ("无", False), ("/", False),
])
def test_a_yes_or_no_with_a_note_beside_it_or_written_as_none_is_that_answer(written, answer):
    """Each was a question to map (应填 是/否): 是 with a note is yes; 无 and "/" say no, as a blank does."""
    assert cells.to_bool(written) is answer


@pytest.mark.parametrize("written", ["有", "已脱贫", "已转化", "是否", "贫困村", "非贫困村"])
def test_a_yes_or_no_that_cannot_be_told_or_names_the_kind_is_still_a_question(written):
    """贫困村 under 是否贫困村 stays the clerk's mapping to answer (test_unseen_files2, test_mappings)."""
    with pytest.raises(cells.CellError) as refused:
        cells.to_bool(written)
    assert refused.value.unknown is not None
