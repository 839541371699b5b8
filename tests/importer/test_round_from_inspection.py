"""An issue list with no round anywhere (no 轮次 column, nothing in its title, sheet name or file name),
as a team's rectification ledger of one round's feedback is kept: each row takes the round of its
unit's one inspection (stored, or in the same import), on both CSV paths, and the import says so. A
unit with several inspections, or none, is refused naming them; nothing is guessed between rounds.
And a ledger with no township column, where a roster is stored, takes the township of the roster's
one unit of that name in its district (two of that name there, or none, refused on the row)."""

from __future__ import annotations

from support.fast_path import run_both
from support.ledgers import ROSTER_HEADER, csv_bytes, memory_store, run, table

from inspection.importer import InputFile
from inspection.importer.model import ISSUE_COLUMNS

INSPECTION_HEADER = ["轮次", "巡察层级", "巡察组", "开始日期", "结束日期", "县区", "乡镇街道", "村(社区)", "发现问题数"]
ROSTER = InputFile("名册.csv", csv_bytes(table(ROSTER_HEADER, [
    ["东城区", "城关镇", "张庄村", "村", "否", "否"], ["东城区", "城关镇", "李集村", "村", "否", "否"],
    ["东城区", "河口乡", "王店村", "村", "否", "否"]])))


def _inspections(*rows: tuple[str, str, str]) -> InputFile:
    """(round, township, village) each."""
    return InputFile("巡察情况.csv", csv_bytes(table(INSPECTION_HEADER, [
        [r, "县级", "县委第一巡察组", "2023-03-06", "2023-04-20", "东城区", t, v, 2] for r, t, v in rows])))


def _issues(*villages: tuple[str, str]) -> InputFile:
    """Two issues of each (township, village), with no round."""
    rows = [["东城区", t, v, category, "整改中"] for t, v in villages for category in ("基层组织建设", "惠民富民政策")]
    return InputFile("整改台账.csv", csv_bytes(table(["县区", "乡镇街道", "村(社区)", "问题类别", "整改状态"], rows)))


def test_each_issue_takes_the_round_of_its_units_one_inspection_on_both_csv_paths(monkeypatch):
    setup = [ROSTER, _inspections(("2023年第一轮", "城关镇", "张庄村"), ("2023年第二轮", "城关镇", "李集村"))]
    result, data = run_both(monkeypatch, setup, [_issues(("城关镇", "张庄村"), ("城关镇", "李集村"))],
                            expect_fast=False)
    assert result.status == "imported", result.problems
    by_unit = sorted((r[ISSUE_COLUMNS.index("unit_id")], r[ISSUE_COLUMNS.index("round")]) for r in data["issues"])
    assert by_unit == [("n:东城区|城关镇|张庄村", "2023年第一轮")] * 2 + [("n:东城区|城关镇|李集村", "2023年第二轮")] * 2
    [said] = [w for w in result.warnings if "没有“轮次”列" in w]
    assert "「2023年第一轮」2 行" in said and "「2023年第二轮」2 行" in said


def test_the_inspections_may_come_in_the_same_import_and_a_second_import_changes_nothing():
    con = memory_store()
    files = [ROSTER, _inspections(("2023年第一轮", "河口乡", "王店村")), _issues(("河口乡", "王店村"))]
    result = run(con, *files)
    assert result.status == "imported", result.problems
    assert con.execute("SELECT DISTINCT round FROM issues").fetchall() == [("2023年第一轮",)]
    again = run(con, *files)
    assert (again.status, again.added, again.replaced) == ("unchanged", 0, 0)


def test_a_unit_inspected_in_two_rounds_or_never_is_refused_naming_them_and_nothing_changes():
    con = memory_store()
    assert run(con, ROSTER, _inspections(("2022年第一轮", "城关镇", "张庄村"),
                                         ("2023年第二轮", "城关镇", "张庄村"))).status == "imported"
    before = con.execute("SELECT count(*) FROM issues").fetchone()
    result = run(con, _issues(("城关镇", "张庄村"), ("河口乡", "王店村")))
    assert result.status == "rejected"
    reasons = {(p.row, p.value): p.reason for p in result.problems}
    assert "有 2 次巡察（2022年第一轮、2023年第二轮）" in reasons[(2, "张庄村")]
    assert "没有这个村(社区)的巡察记录" in reasons[(4, "王店村")]
    assert all("轮次" in p.suggestion for p in result.problems if p.value == "张庄村")
    assert con.execute("SELECT count(*) FROM issues").fetchone() == before


# ---------------------------------------------------------------- no township column, a stored roster

def _issues_without_township(*villages: str) -> InputFile:
    rows = [["2023年第一轮", "东城区", v, "基层组织建设", "整改中"] for v in villages]
    return InputFile("问题清单.csv", csv_bytes(table(["轮次", "县区", "村(社区)", "问题类别", "整改状态"], rows)))


def test_a_ledger_without_a_township_column_takes_the_rosters_one_unit_of_that_name_on_both_csv_paths(monkeypatch):
    setup = [ROSTER, _inspections(("2023年第一轮", "城关镇", "张庄村"), ("2023年第一轮", "河口乡", "王店村"))]
    result, data = run_both(monkeypatch, setup, [_issues_without_township("张庄村", "王店村党支部")],
                            expect_fast=False)
    assert result.status == "imported", result.problems
    assert sorted(r[ISSUE_COLUMNS.index("unit_id")] for r in data["issues"]) == [
        "n:东城区|城关镇|张庄村", "n:东城区|河口乡|王店村"]
    assert any("2 行的乡镇（街道）按名册中该县区同名的村(社区)取" in w for w in result.warnings)


def test_inspections_without_a_township_column_take_it_from_the_roster_too():
    con = memory_store()
    assert run(con, ROSTER).status == "imported"
    rows = [["2023年第一轮", "县级", "县委第一巡察组", "2023-03-06", "2023-04-20", "东城区", "李集村", 4]]
    header = [h for h in INSPECTION_HEADER if h != "乡镇街道"]
    result = run(con, InputFile("巡察情况.csv", csv_bytes(table(header, rows))))
    assert result.status == "imported", result.problems
    assert con.execute("SELECT township, issues_found FROM inspections").fetchall() == [("城关镇", 4)]


def test_a_name_the_district_has_in_two_townships_or_not_at_all_is_refused_and_without_a_roster_the_column_is_asked():
    con = memory_store()
    roster = InputFile("名册.csv", csv_bytes(table(ROSTER_HEADER, [
        ["东城区", "城关镇", "张庄村", "村", "否", "否"], ["东城区", "河口乡", "张庄村", "村", "否", "否"]])))
    assert run(con, roster, _inspections(("2023年第一轮", "城关镇", "张庄村"))).status == "imported"
    result = run(con, _issues_without_township("张庄村", "李集村"))
    assert result.status == "rejected"
    reasons = {p.value: p.reason for p in result.problems}
    assert "有 2 个同名的村(社区)（在城关镇、河口乡）" in reasons["张庄村"]
    assert "名册中东城区没有这个村(社区)" in reasons["李集村"]
    assert con.execute("SELECT count(*) FROM issues").fetchone() == (0,)
    bare = memory_store()  # no roster stored: refused for the missing column, as before
    inspections = _inspections(("2023年第一轮", "城关镇", "张庄村"))
    refused = run(bare, inspections, _issues_without_township("张庄村"))
    assert refused.status == "rejected" and "缺少必填列：乡镇" in refused.problems[0].reason
