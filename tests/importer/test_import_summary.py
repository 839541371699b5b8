"""What an import tells the clerk about their data (issue 25, item 2): rows identical to the store are
counted as unchanged, apart from the rows that were no records (合计/说明, skipped); a replacement lists
what it changed (unit, round, field: old -> new); a changed 发现问题数 that now disagrees with the stored
issue list is warned about; the import log and `import --json` carry the same counts."""

from __future__ import annotations

import json

import pytest
from support.commands import call, write_files
from support.ledgers import (
    INSPECTION_HEADER,
    INSPECTION_ROWS,
    ISSUE_ROWS,
    ROSTER_ROWS,
    base_files,
    fresh_store,
    inspection_row,
    inspections_csv,
    issues_csv,
    load_base,
    roster_csv,
    rows_of,
    run,
)

from inspection import importer, store

con = pytest.fixture(fresh_store)


@pytest.fixture
def loaded(con):
    load_base(con)
    return con


def test_identical_rows_are_unchanged_and_summary_rows_skipped(loaded):
    rows = [*INSPECTION_ROWS, ["合计", "", "", "", "", "", "", "", "", 3, 1, 1, 2]]
    result = run(loaded, inspections_csv(rows))
    assert result.status == "unchanged"
    assert (result.unchanged, result.skipped) == (2, 1)
    assert result.changes == []


def test_a_replaced_inspection_lists_its_changed_fields_and_warns_of_its_issue_list(loaded):
    result = run(loaded, inspections_csv([inspection_row(发现问题数=3, 巡察组="市委第三巡察组"), INSPECTION_ROWS[1]]))
    assert result.status == "imported", result.to_json()
    assert (result.added, result.replaced, result.unchanged, result.skipped) == (0, 1, 1, 0)
    assert {(c["table"], c["round"], c["district"], c["township"], c["unit"]) for c in result.changes} == {
        ("巡察情况", "2021年第一轮", "东城区", "城关镇", "张家村")}
    assert {(c["field"], c["old"], c["new"]) for c in result.changes} == {
        ("发现问题数", "2", "3"), ("巡察组", "市委第一巡察组", "市委第三巡察组")}
    # 张家村's issue list in the store has 2 rows; its 发现问题数 is now 3
    warning = next(w for w in result.warnings if "发现问题数已改变" in w)
    assert "张家村：发现问题数 2 → 3，问题清单 2 条" in warning


def test_no_warning_when_the_changed_count_matches_or_the_list_comes_along(loaded):
    # 王庄村 has one stored issue: a count corrected from 1 to 1 changes nothing, 0 -> 1 on 已整改数 is no count
    row = list(INSPECTION_ROWS[1])
    row[INSPECTION_HEADER.index("已整改数")] = 1
    result = run(loaded, inspections_csv([INSPECTION_ROWS[0], row]))
    assert result.status == "imported"
    assert not any("发现问题数已改变" in w for w in result.warnings)
    # the count and a matching list in the same import: nothing to warn about
    rows = [*ISSUE_ROWS, ["2021年第一轮", "东城区", "城关镇", "张家村", "基层党组织建设", "组织生活", "未整改",
                          "2021-08-01", ""]]
    result = run(loaded, inspections_csv([inspection_row(发现问题数=3), INSPECTION_ROWS[1]]), issues_csv(rows))
    assert result.status == "imported", result.to_json()
    assert not any("不一致" in w for w in result.warnings), result.warnings


def test_a_replaced_issue_list_is_listed_by_its_rows_and_a_roster_unit_by_field(loaded):
    rows = [ISSUE_ROWS[0], ISSUE_ROWS[2]]  # 张家村's list loses one issue
    roster = [list(r) for r in ROSTER_ROWS]
    roster[1][4] = "是"  # 李家村 becomes a 贫困村
    result = run(loaded, roster_csv(roster), issues_csv(rows))
    assert result.status == "imported", result.to_json()
    assert [(c["table"], c["unit"], c["field"], c["old"], c["new"]) for c in result.changes] == [
        ("对象名册", "李家村", "是否贫困村", "否", "是"),
        ("问题清单", "张家村", "问题清单条数", "2", "1"),
    ]
    assert result.changes[0]["round"] is None and result.changes[1]["round"] == "2021年第一轮"


def test_the_log_and_the_json_carry_unchanged_apart_from_skipped(tmp_path, capsys):
    db = tmp_path / "s.duckdb"
    paths = write_files(tmp_path / "in", base_files())
    assert call(capsys, "import", "--db", str(db), *paths)[0] == 0
    fixed = write_files(tmp_path / "fix", [inspections_csv([inspection_row(发现问题数=3), INSPECTION_ROWS[1]])])
    code, out, _ = call(capsys, "import", "--db", str(db), "--json", *fixed)
    payload = json.loads(out)
    assert code == 0
    assert (payload["added"], payload["replaced"], payload["unchanged"], payload["skipped"]) == (0, 1, 1, 0)
    assert [(c["field"], c["old"], c["new"]) for c in payload["changes"]] == [("发现问题数", "2", "3")]
    connection = store.connect(db, read_only=True)
    try:
        log = importer.list_imports(connection)
    finally:
        connection.close()
    assert list(log["unchanged"]) == [1, 0]
    code, out, _ = call(capsys, "import", "--db", str(db), *fixed)
    assert code == 0 and "未变 2 行" in out and "跳过" not in out


def test_a_store_of_the_previous_release_gains_the_unchanged_column(tmp_path):
    db = tmp_path / "old.duckdb"
    connection = store.connect(db)
    run(connection, *base_files())
    connection.execute("ALTER TABLE imports DROP COLUMN unchanged")
    connection.execute("DROP TABLE restated")  # migration 6, later still
    connection.execute("DELETE FROM schema_version WHERE version >= 5")
    connection.close()
    connection = store.connect(db)
    try:
        assert rows_of(connection, "SELECT added, unchanged FROM imports") == [{"added": 9, "unchanged": None}]
        assert run(connection, inspections_csv([inspection_row(发现问题数=3)])).status == "imported"
        assert rows_of(connection, "SELECT unchanged FROM imports ORDER BY import_id")[-1] == {"unchanged": 0}
        assert rows_of(connection, "SELECT count(*) AS n FROM restated") == [{"n": 0}]  # migration 6 ran
    finally:
        connection.close()



def test_a_roster_leaving_out_units_of_its_townships_says_they_were_kept(loaded):
    """A corrected roster without 张家墩社区 kept it (offices import rosters by district or township)
    and said only 这些文件已经导入过 — of a file never imported. It now names the unit kept; a roster of
    another township says nothing of 城关镇's units."""
    result = run(loaded, roster_csv(ROSTER_ROWS[:2]))
    assert result.status == "unchanged"
    assert "文件中的数据都已在库中，没有变化" in result.warnings
    kept = [w for w in result.warnings if "不在本文件中" in w]
    assert len(kept) == 1 and "1 个对象" in kept[0] and "张家墩社区" in kept[0]
    assert rows_of(loaded, "SELECT count(*) AS n FROM roster WHERE superseded_by IS NULL")[0]["n"] == len(ROSTER_ROWS)
    other = run(loaded, roster_csv([ROSTER_ROWS[3]]))
    assert not any("不在本文件中" in w for w in other.warnings)
