"""What an import must guarantee: all or nothing, idempotent, replace instead of twins, a log,
kept originals, undo, and the apply order roster -> inspections -> issues."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import duckdb
import pytest
from support.ledgers import (
    INSPECTION_HEADER,
    INSPECTION_ROWS,
    ISSUE_HEADER,
    ISSUE_ROWS,
    ROSTER_HEADER,
    ROSTER_ROWS,
    InputFile,
    base_files,
    csv_bytes,
    dump,
    fresh_store,
    inspection_row,
    inspections_csv,
    issues_csv,
    load_base,
    roster_csv,
    rows_of,
    run,
    table,
    xlsx_bytes,
)

from inspection import errors, importer, metrics
from inspection.filters import Filters

LATER = dt.date(2030, 1, 1)


@pytest.fixture
def con():
    yield from fresh_store()


@pytest.fixture
def loaded(con):
    load_base(con)
    return con


def big_city(n: int = 200, bad_row: int | None = None) -> list[InputFile]:
    """A roster of n villages and one inspection each; optionally one bad count at data row bad_row."""
    roster = [["北区", f"第{i // 20}镇", f"新{i}村", "村", "否", "否"] for i in range(n)]
    inspections = []
    for i in range(n):
        count = "很多" if i == bad_row else i % 17
        inspections.append(["2022年第一轮", "县级" if i % 3 else "市级", f"第{i % 5}组", "常规", "2022-03-14",
                            "2022-05-20", "北区", f"第{i // 20}镇", f"新{i}村", count, 1, 0, 0])
    return [InputFile("big_roster.csv", csv_bytes(table(ROSTER_HEADER, roster))),
            InputFile("big_inspections.xlsx", xlsx_bytes({"巡察情况": table(INSPECTION_HEADER, inspections)}))]


# ---------------------------------------------------------------- all or nothing


def test_bad_row_in_the_middle_of_200_changes_nothing(loaded):
    before = dump(loaded)
    result = run(loaded, *big_city(200, bad_row=100))
    assert result.status == "rejected"
    assert [(p.file, p.row, p.value) for p in result.problems] == [("big_inspections.xlsx", 102, "很多")]
    assert dump(loaded) == before


def test_same_200_without_the_bad_row_imports(loaded):
    result = run(loaded, *big_city(200))
    assert result.status == "imported", result.to_json()
    assert result.added == 400


def test_bad_row_in_a_replacing_import_changes_nothing(loaded):
    """A corrected file with a bad row does not half-replace the rows of its units."""
    before = dump(loaded)
    rows = [inspection_row(发现问题数=5), INSPECTION_ROWS[1][:9] + ["x", 0, 0, 0]]
    result = run(loaded, inspections_csv(rows))
    assert result.status == "rejected"
    assert dump(loaded) == before


def test_failure_while_writing_rolls_back(loaded, monkeypatch, tmp_path):
    """A crash inside the load (after some rows are written) leaves the store and originals as before."""
    before = dump(loaded)

    def boom(con):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer.load, "refresh_rounds", boom)
    with pytest.raises(RuntimeError):
        run(loaded, inspections_csv([inspection_row(发现问题数=9)]), originals=tmp_path / "orig")
    assert dump(loaded) == before
    assert not list((tmp_path / "orig").rglob("*.csv"))


# ---------------------------------------------------------------- idempotency


def test_same_files_again_change_nothing(loaded):
    before = dump(loaded)
    result = run(loaded, *base_files())
    assert result.status == "unchanged"
    assert (result.added, result.replaced) == (0, 0)
    assert (result.unchanged, result.skipped) == (9, 0)  # identical rows are unchanged, not skipped
    assert result.warnings and "没有变化" in result.warnings[0]
    assert dump(loaded) == before  # no new rows, no new log entry


def test_same_files_again_in_another_order_and_format(loaded):
    before = dump(loaded)
    book = xlsx_bytes({"问题": table(ISSUE_HEADER, ISSUE_ROWS), "巡察": table(INSPECTION_HEADER, INSPECTION_ROWS),
                       "名册": table(ROSTER_HEADER, ROSTER_ROWS, [["名册"]])})
    result = run(loaded, InputFile("同一份台账.xlsx", book))
    assert result.status == "unchanged", result.to_json()
    assert dump(loaded) == before


def test_subset_of_loaded_data_is_unchanged(loaded):
    before = dump(loaded)
    assert run(loaded, inspections_csv([INSPECTION_ROWS[1]])).status == "unchanged"
    assert dump(loaded) == before


# ---------------------------------------------------------------- replace


def active(con, table_name: str) -> list[dict]:
    return rows_of(con, f"SELECT * FROM {table_name} WHERE superseded_by IS NULL ORDER BY ALL")


def test_corrected_inspection_replaces_the_row(loaded):
    result = run(loaded, inspections_csv([inspection_row(发现问题数=3), INSPECTION_ROWS[1]]))
    assert result.status == "imported", result.to_json()
    assert (result.added, result.replaced, result.unchanged, result.skipped) == (0, 1, 1, 0)
    rows = active(loaded, "inspections")
    assert len(rows) == 2  # no twins
    assert {r["unit_name"]: r["issues_found"] for r in rows} == {"张家村": 3, "王庄村": 1}
    assert metrics.compute(loaded, Filters(as_of=LATER))["issues_found"] == 4


def test_corrected_file_with_one_unit_leaves_the_others(loaded):
    result = run(loaded, inspections_csv([inspection_row(党纪政务处分人数=4)]))
    assert (result.status, result.replaced, result.added) == ("imported", 1, 0)
    assert {r["unit_name"] for r in active(loaded, "inspections")} == {"张家村", "王庄村"}


def test_corrected_issue_list_replaces_the_unit_list(loaded):
    """The issues of one (round, unit) are replaced as a group: 2 listed -> 3 listed, no twins."""
    rows = [ISSUE_ROWS[0], ISSUE_ROWS[1], ISSUE_ROWS[1][:6] + ["未整改", "", ""]]
    result = run(loaded, issues_csv(rows))
    assert result.status == "imported", result.to_json()
    assert (result.added, result.replaced) == (0, 3)
    listed = active(loaded, "issues")
    assert len(listed) == 4
    assert sum(1 for r in listed if r["unit_id"].endswith("张家村")) == 3


def test_roster_correction_replaces_unit(loaded):
    rows = [["东城区", "城关镇", "张家村", "村", "否", "是"]]
    result = run(loaded, roster_csv(rows))
    assert (result.status, result.replaced, result.added) == ("imported", 1, 0)
    units = active(loaded, "roster")
    assert len(units) == 4
    assert next(u for u in units if u["unit_name"] == "张家村")["is_weak_org"] is True


def test_new_round_is_added_not_replaced(loaded):
    row = inspection_row(轮次="2022年第一轮", 开始日期="2022-03-14", 结束日期="2022-05-01")
    result = run(loaded, inspections_csv([row]))
    assert (result.status, result.added, result.replaced) == ("imported", 1, 0)
    assert len(active(loaded, "inspections")) == 3
    assert [r["round"] for r in rows_of(loaded, "SELECT round FROM rounds ORDER BY ord")] == [
        "2021年第一轮", "2022年第一轮"]


# ---------------------------------------------------------------- log, originals


def test_import_log_records_everything(con, tmp_path):
    files = base_files()
    started = dt.datetime.now() - dt.timedelta(minutes=1)
    result = run(con, *files, originals=tmp_path / "originals")
    assert result.status == "imported" and result.import_id == 1
    log = rows_of(con, "SELECT * FROM imports")
    assert len(log) == 1
    entry = log[0]
    assert entry["imported_by"] == "tester"
    assert started <= entry["imported_at"] <= dt.datetime.now() + dt.timedelta(minutes=1)
    assert (entry["added"], entry["replaced"], entry["skipped"], entry["status"]) == (9, 0, 0, "active")
    recorded = json.loads(entry["files"])
    assert [f["name"] for f in recorded] == [f.name for f in files]
    assert [f["sha256"] for f in recorded] == [hashlib.sha256(f.data).hexdigest() for f in files]
    assert entry["content_hash"] and len(entry["content_hash"]) == 64
    listed = importer.list_imports(con)
    assert listed.iloc[0]["import_id"] == 1 and listed.iloc[0]["status"] == "active"


def test_originals_are_kept_byte_for_byte(con, tmp_path):
    files = base_files()
    result = run(con, *files, originals=tmp_path / "originals")
    recorded = json.loads(rows_of(con, "SELECT files FROM imports")[0]["files"])
    for item, entry in zip(files, recorded, strict=True):
        kept = Path(entry["stored_as"])
        assert kept.is_file() and kept.read_bytes() == item.data
        assert kept.parent.parent == tmp_path / "originals"
    assert result.import_id == 1


def test_original_with_unsafe_name_kept_safely(con, tmp_path):
    item = InputFile("../../evil:name?.csv", roster_csv().data)
    assert run(con, item, originals=tmp_path / "o").status == "imported"
    kept = [p for p in (tmp_path / "o").rglob("*") if p.is_file()]
    assert len(kept) == 1 and (tmp_path / "o") in kept[0].parents


def test_skipped_rows_logged(con):
    rows = INSPECTION_ROWS + [["合计"] + [""] * 8 + [3, 1, 1, 2]]
    result = run(con, roster_csv(), inspections_csv(rows))
    assert result.skipped == 1
    assert rows_of(con, "SELECT skipped FROM imports")[0]["skipped"] == 1


# ---------------------------------------------------------------- undo


def test_undo_restores_exactly_the_previous_state(loaded):
    data_tables = ("roster", "inspections", "issues", "rounds")
    before = {k: v for k, v in dump(loaded).items() if k in data_tables}
    corrected = [
        roster_csv([["东城区", "城关镇", "张家村", "村", "否", "是"], ["南区", "南镇", "新建村", "村", "否", "否"]]),
        inspections_csv([inspection_row(发现问题数=3),
                         inspection_row(轮次="2022年第一轮", 开始日期="2022-03-14", 结束日期="")]),
        issues_csv([ISSUE_ROWS[0]]),
    ]
    result = run(loaded, *corrected)
    assert result.status == "imported" and result.replaced > 0 and result.added > 0
    message = importer.undo(loaded, result.import_id, "admin")
    assert str(result.import_id) in message
    after = {k: v for k, v in dump(loaded).items() if k in data_tables}
    assert after == before  # replaced rows revived, added rows gone, rounds recomputed
    entry = rows_of(loaded, "SELECT * FROM imports WHERE import_id = ?", [result.import_id])[0]
    assert entry["status"] == "undone" and entry["undone_by"] == "admin" and entry["undone_at"] is not None
    assert metrics.compute(loaded, Filters(as_of=LATER))["issues_found"] == 3


def test_undo_twice_refused(loaded):
    result = run(loaded, inspections_csv([inspection_row(发现问题数=3)]))
    importer.undo(loaded, result.import_id, "admin")
    before = dump(loaded)
    with pytest.raises(errors.ImportAlreadyUndone, match="撤销"):
        importer.undo(loaded, result.import_id, "admin")
    assert dump(loaded) == before


def test_undo_unknown_import_refused(loaded):
    with pytest.raises(errors.ImportNotFound, match="没有编号为 99 的导入记录"):
        importer.undo(loaded, 99, "admin")


def test_a_store_that_cannot_take_the_import_is_a_store_error_and_changes_nothing(loaded, monkeypatch, tmp_path):
    """duckdb.Error inside the load (a full disk, a read-only store) never escapes as itself: a
    StoreError says the import did not complete, and the store and the originals are as before."""
    before = dump(loaded)

    def full(con):
        raise duckdb.IOException("IO Error: No space left on device")

    monkeypatch.setattr(importer.load, "refresh_rounds", full)
    with pytest.raises(errors.StoreError) as caught:
        run(loaded, inspections_csv([inspection_row(发现问题数=9)]), originals=tmp_path / "orig")
    assert str(caught.value) == "导入未完成，数据库没有改动：IO Error: No space left on device"
    assert caught.value.message("en").startswith("The import did not complete; the store is unchanged")
    assert dump(loaded) == before
    assert not list((tmp_path / "orig").rglob("*.csv"))


def test_a_store_that_cannot_check_the_rows_is_a_store_error_and_changes_nothing(loaded, monkeypatch):
    from inspection.importer import run as run_step

    before = dump(loaded)

    def short(self, by_table):
        raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate block")

    monkeypatch.setattr(run_step.Importer, "validate", short)
    with pytest.raises(errors.StoreError, match="导入未完成，数据库没有改动：Out of Memory Error"):
        run(loaded, inspections_csv([inspection_row(发现问题数=9)]))
    assert dump(loaded) == before


def test_originals_that_cannot_be_kept_are_a_store_error_and_change_nothing(loaded, tmp_path):
    before = dump(loaded)
    blocked = tmp_path / "orig"
    blocked.write_text("a file where the originals folder should be")
    with pytest.raises(errors.StoreError, match="原始文件无法保存"):
        run(loaded, inspections_csv([inspection_row(发现问题数=9)]), originals=blocked)
    assert dump(loaded) == before


def test_a_store_that_cannot_take_the_undo_is_a_store_error_and_changes_nothing(loaded, monkeypatch):
    result = run(loaded, inspections_csv([inspection_row(发现问题数=3)]))
    before = dump(loaded)

    def full(con):
        raise duckdb.IOException("IO Error: No space left on device")

    monkeypatch.setattr(importer.load, "refresh_rounds", full)
    with pytest.raises(errors.StoreError, match=f"撤销导入 {result.import_id} 未完成，数据库没有改动"):
        importer.undo(loaded, result.import_id, "admin")
    assert dump(loaded) == before


def test_undo_first_import_empties_store(loaded):
    importer.undo(loaded, 1, "admin")
    for name in ("roster", "inspections", "issues", "rounds"):
        assert rows_of(loaded, f"SELECT count(*) AS n FROM {name}")[0]["n"] == 0


def test_undo_then_same_correction_imports_again(loaded):
    corrected = inspections_csv([inspection_row(发现问题数=3)])
    first = run(loaded, corrected)
    importer.undo(loaded, first.import_id, "admin")
    again = run(loaded, corrected)
    assert (again.status, again.replaced) == ("imported", 1)
    assert again.import_id == first.import_id + 1


def test_undo_middle_import_keeps_later_replacement(loaded):
    """Undo of import 2 when import 3 replaced the same row again: import 3's row stays active."""
    second = run(loaded, inspections_csv([inspection_row(发现问题数=3)]))
    third = run(loaded, inspections_csv([inspection_row(发现问题数=4)]))
    importer.undo(loaded, second.import_id, "admin")
    rows = active(loaded, "inspections")
    assert len(rows) == 2
    assert {r["unit_name"]: r["issues_found"] for r in rows}["张家村"] == 4
    assert third.status == "imported"


# ---------------------------------------------------------------- apply order


def test_issues_listed_before_inspections_and_roster(con):
    result = run(con, issues_csv(), inspections_csv(), roster_csv())
    assert result.status == "imported", result.to_json()
    assert result.added == 9
    tables = {f["name"]: f["tables"] for f in json.loads(rows_of(con, "SELECT files FROM imports")[0]["files"])}
    assert tables == {"issues.csv": ["issues"], "inspections.csv": ["inspections"], "roster.csv": ["roster"]}


def test_roster_after_inspections_relinks_units(con):
    assert run(con, inspections_csv(), issues_csv()).status == "imported"
    header = ROSTER_HEADER + ["对象编码"]
    rows = [["东城区", "城关镇", "张家村党支部", "村", "否", "否", "C1"], ["东城区", "城关镇", "李家村", "村", "否", "否", "C2"],
            ["西城区", "河口镇", "王庄村", "村", "是", "否", "C3"]]
    assert run(con, roster_csv(rows, header=header)).status == "imported"
    figures = metrics.compute(con, Filters(as_of=LATER))
    assert (figures["units_total"], figures["units_covered"]) == (3, 2)
    assert {r["unit_id"] for r in active(con, "issues")} == {"c:C1", "c:C3"}
