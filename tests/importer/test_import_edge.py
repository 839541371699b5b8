"""Edge cases of real ledgers beyond the contract's list: how a clerk's file is recognised and matched."""

import datetime as dt

import pytest
from support.ledgers import (
    INSPECTION_ROWS,
    ISSUE_HEADER,
    ISSUE_ROWS,
    base_files,
    fresh_store,
    inspection_row,
    inspections_csv,
    issues_csv,
    roster_csv,
    rows_of,
    run,
)

from inspection import metrics
from inspection.filters import Filters

con = pytest.fixture(fresh_store)
AS_OF = dt.date(2022, 1, 1)


def test_round_written_with_spaces_is_the_same_round(con):
    assert run(con, *base_files()).status == "imported"
    spaced = [inspection_row(**{"轮次": "2021年 第一轮 "})]
    result = run(con, inspections_csv(spaced, name="again.csv"))
    assert result.status == "unchanged"
    assert rows_of(con, "SELECT DISTINCT round FROM inspections") == [{"round": "2021年第一轮"}]


def test_issue_list_without_category_column_is_named_as_an_issue_list(con):
    header = [h for h in ISSUE_HEADER if h != "问题类别"]
    rows = [[c for h, c in zip(ISSUE_HEADER, r, strict=True) if h != "问题类别"] for r in ISSUE_ROWS]
    result = run(con, roster_csv(), inspections_csv(), issues_csv(rows, header=header))
    assert result.status == "rejected"
    assert any("问题清单缺少必填列" in p.reason and "问题类别" in p.reason for p in result.problems)
    assert rows_of(con, "SELECT count(*) AS n FROM roster") == [{"n": 0}]


def test_inspections_before_the_roster_count_as_coverage_once_it_arrives(con):
    assert run(con, inspections_csv()).status == "imported"
    first = metrics.compute(con, Filters(as_of=AS_OF))
    assert first["units_total"] is None and first["coverage_rate"] is None
    assert first["units_covered"] == 2  # distinct inspected units: still a true count
    assert run(con, roster_csv()).status == "imported"
    after = metrics.compute(con, Filters(as_of=AS_OF))
    assert (after["units_total"], after["units_covered"]) == (4, 2)
    assert after["coverage_rate"] == pytest.approx(0.5)


def test_issue_rows_naming_the_unit_with_its_party_branch_suffix_match(con):
    rows = [list(r) for r in ISSUE_ROWS]
    rows[0][3] = "张家村党支部"
    rows[1][3] = " 张家村党总支 "
    result = run(con, roster_csv(), inspections_csv(), issues_csv(rows))
    assert result.status == "imported", result.problems
    assert rows_of(con, "SELECT count(*) AS n FROM issues") == [{"n": 3}]


def test_changing_one_inspection_replaces_only_that_one(con):
    assert run(con, *base_files()).status == "imported"
    rows = [list(r) for r in INSPECTION_ROWS]
    rows[1][9] = 5  # 发现问题数 of the second inspection
    result = run(con, inspections_csv(rows, name="corrected.csv"))
    assert (result.status, result.added, result.replaced, result.unchanged) == ("imported", 0, 1, 1)
    live = rows_of(con, "SELECT unit_name, issues_found FROM inspections WHERE superseded_by IS NULL ORDER BY 1")
    assert live == [{"unit_name": "张家村", "issues_found": 2}, {"unit_name": "王庄村", "issues_found": 5}]
