"""Cell values, headers and names as offices write them, in shapes the other galleries do not hold (a
third round): each imports with the figures a clerk computes by hand, or is refused naming the real
reason. Each gallery is one small ledger (a village per written value) imported on both CSV paths."""

from __future__ import annotations

import pytest
from support.fast_path import run_both
from support.ledgers import ROSTER_HEADER, csv_bytes, table

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
    ("二", 2), ("两个", 2), ("十二条", 12), ("零", 0), ("〇", 0),  # Chinese numerals
    ("暂无", 0), ("没有", 0),  # none (so far), like 无
    ("N/A", None), ("na", None), ("未统计", None), ("不详", None),  # not counted: not reported, like "/"
]


@pytest.mark.parametrize(("written", "count"), COUNTS)
def test_a_count_written_with_its_unit_in_brackets_in_words_or_as_not_counted_is_that_count(written, count):
    """Each was refused as text in a count column (应为数字（非负整数），不能填文字)."""
    assert cells.to_count(written) == count


def test_such_counts_import_as_those_counts_on_both_csv_paths(monkeypatch):
    result, data = run_both(monkeypatch, [_roster(len(COUNTS))], [_gallery("移交问题线索数", [w for w, _ in COUNTS])])
    assert result.status == "imported", result.problems
    assert _by_village(data, "clues") == [c for _, c in COUNTS]


def test_a_required_count_written_as_not_counted_or_with_other_words_is_refused(monkeypatch):
    written = ["N/A", "未统计", "共3个", "约3个", "3个问题", "2.5"]
    result, _ = run_both(monkeypatch, [_roster(len(written))], [_gallery("发现问题数", written)])
    assert result.status == "rejected"
    assert [(p.column, p.value) for p in result.problems] == [("发现问题数", w) for w in written]
    assert ["表示未填报" in p.reason for p in result.problems] == [True, True, False, False, False, False]


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
