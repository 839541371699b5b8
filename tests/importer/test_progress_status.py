"""An issue list whose rectification is told in sentences (整改进展情况 / 整改落实情况), as rectification
ledgers keep it: the status is read from what the sentence says (已整改，建立了台账 = rectified), on both
CSV paths; a sentence that says no state, or two, counts as 整改中 and the import says how it read
the column. Before, the column was ignored and every issue counted as 整改中."""

from __future__ import annotations

import pytest
from support.fast_path import run_both
from support.ledgers import ROSTER_HEADER, csv_bytes, table

from inspection import cells
from inspection.importer import InputFile
from inspection.importer.model import ISSUE_COLUMNS

INSPECTION_HEADER = ["轮次", "巡察层级", "巡察组", "开始日期", "结束日期", "县区", "乡镇街道", "村(社区)", "发现问题数"]
SETUP = [
    InputFile("名册.csv", csv_bytes(table(ROSTER_HEADER, [["东城区", "城关镇", "张庄村", "村", "否", "否"]]))),
    InputFile("巡察情况.csv", csv_bytes(table(INSPECTION_HEADER, [
        ["2023年第一轮", "县级", "县委第一巡察组", "2023-03-06", "2023-04-20", "东城区", "城关镇", "张庄村", 8]]))),
]

SENTENCES = [
    ("已整改，建立了三会一课台账", "rectified"),
    ("已整改到位。今后将加强学习", "rectified"),
    ("经核查，该问题已整改到位", "rectified"),
    ("已于2023年5月10日整改完成", "rectified"),
    ("正在整改，已追回资金0.5万元", "in_progress"),
    ("整改中，预计6月底完成", "in_progress"),
    ("尚未完成整改", "not_started"),
    ("按时序推进", "long_term"),
    ("已整改并建立长效机制", "rectified"),
    ("已整改（见附件）", "rectified"),
]
SAYS_NONE_OR_TWO = ["建立了三会一课台账", "已完成，长期坚持", "已于2023年5月10日整改完成，并长期坚持"]


@pytest.mark.parametrize(("written", "status"), SENTENCES)
def test_a_sentence_that_says_one_state_is_that_state_in_a_status_column_too(written, status):
    assert cells.to_status(written) == status
    assert cells.CONVERTERS["status_text"](written) == status


@pytest.mark.parametrize("written", SAYS_NONE_OR_TWO)
def test_a_sentence_that_says_no_state_or_two_is_refused_in_a_status_column_and_in_progress_in_a_progress_one(written):
    with pytest.raises(cells.CellError):
        cells.to_status(written)
    assert cells.CONVERTERS["status_text"](written) == "in_progress"


def _issues(header: str, extra: list[str] = (), extra_values: list[str] = ()) -> InputFile:
    rows = [["2023年第一轮", "东城区", "城关镇", "张庄村", "基层组织建设", written, *extra_values]
            for written in [w for w, _ in SENTENCES] + SAYS_NONE_OR_TWO]
    return InputFile("整改台账.csv", csv_bytes(table(["轮次", "县区", "乡镇街道", "村(社区)", "问题类别", header, *extra], rows)))


def test_a_progress_column_gives_each_issue_the_state_its_sentence_says(monkeypatch):
    header = "整改落实情况"
    result, data = run_both(monkeypatch, SETUP, [_issues(header)])
    assert result.status == "imported", result.problems
    status = ISSUE_COLUMNS.index("status")
    expected = [s for _, s in SENTENCES] + ["in_progress"] * len(SAYS_NONE_OR_TWO)
    assert sorted(r[status] for r in data["issues"]) == sorted(expected)
    assert any(f"整改状态按「{header}」列的文字读取" in w for w in result.warnings)
    assert not any("未识别的列" in w for w in result.warnings)


def test_a_status_column_beside_a_progress_column_is_the_status(monkeypatch):
    """The progress is then only the work told (ignored, and listed as ignored)."""
    result, data = run_both(monkeypatch, SETUP, [_issues("整改进展情况", ["整改状态"], ["已整改"])])
    assert result.status == "imported", result.problems
    assert {r[ISSUE_COLUMNS.index("status")] for r in data["issues"]} == {"rectified"}
    assert any("未识别的列已忽略：整改进展情况" in w for w in result.warnings)
    assert not any("列的文字读取" in w for w in result.warnings)


@pytest.mark.parametrize("merged", [True, False], ids=["group merged across", "group written once"])
def test_a_group_header_over_its_own_sub_headers_names_none_of_them(monkeypatch, merged):
    """整改情况 (a status header of its own) over 整改措施 / 整改时限 / 整改进展情况, as a two-row header
    prints it: the title of the group, not the status of each column (整改措施 was read as the status)."""
    group = ["整改情况"] * 3 if merged else ["整改情况", "", ""]
    head = [["轮次", "县区", "乡镇街道", "村(社区)", "问题类别", *group],
            ["", "", "", "", "", "整改措施", "整改时限", "整改进展情况"]]
    rows = [["2023年第一轮", "东城区", "城关镇", "张庄村", "基层组织建设", "建立台账", "2023-06-30", "已整改，建立了台账"],
            ["2023年第一轮", "东城区", "城关镇", "张庄村", "群众身边腐败问题", "追缴资金", "2023-09-30", "正在整改"]]
    result, data = run_both(monkeypatch, SETUP, [InputFile("整改台账.csv", csv_bytes(head + rows))], expect_fast=False)
    assert result.status == "imported", result.problems
    issues = sorted(r[ISSUE_COLUMNS.index("status")] for r in data["issues"])
    assert issues == ["in_progress", "rectified"]
    assert any("未识别的列已忽略：整改措施" in w for w in result.warnings)
