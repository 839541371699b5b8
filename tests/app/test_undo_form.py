"""The import page's undo form cannot destroy data by a stray click: nothing is chosen or ticked when
it appears and after every undo, a large import must be named by its number, a click that does nothing
says why, the undo says what it removed and restored, and in local mode the clerk's typed name is
recorded (not the server's system account)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from inspection import importer, store

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def at(make_app, demo_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("INSPECTION_USERS_FILE", str(tmp_path / "nobody" / "users.toml"))  # local mode
    return make_app(demo_copy, page="pages/imports.py")


def _undo_form(at: AppTest):
    select = next(s for s in at.selectbox if "撤销" in s.label)
    box = next(c for c in at.checkbox if "确认撤销" in c.label)
    typed = next(w for w in at.text_input if "导入编号" in w.label)
    button = next(b for b in at.button if b.label == "撤销该次导入")
    return select, box, typed, button


def _read(db: Path, sql: str, params=()) -> list[tuple]:
    """Read the app's store beside it (the same in-process database; no migration, so the app's data
    version does not move and its next run is not started over)."""
    con = duckdb.connect(str(db))
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def _active(db: Path) -> list[int]:
    return [r[0] for r in _read(db, "SELECT import_id FROM imports WHERE status = 'active' ORDER BY import_id DESC")]


def _warnings(at: AppTest) -> str:
    return "\n".join(w.value for w in at.warning)


def test_undo_needs_a_choice_a_tick_and_for_a_large_import_its_number(at, demo_copy):
    assert not at.exception
    active = _active(demo_copy)
    select, box, typed, button = _undo_form(at)
    assert select.value is None and box.value is False  # nothing pre-selected, nothing ticked

    button.click().run()
    assert "请先选择" in _warnings(at) and _active(demo_copy) == active

    select, box, typed, button = _undo_form(at)
    select.set_value(active[0])
    button.click().run()
    assert "请勾选" in _warnings(at) and _active(demo_copy) == active

    select, box, typed, button = _undo_form(at)
    select.set_value(active[0])
    box.check()
    button.click().run()
    assert "输入" in _warnings(at) and _active(demo_copy) == active  # the demo import wrote ~18,000 rows

    at.text_input(key="import_clerk_name").input("张科员")
    select, box, typed, button = _undo_form(at)
    select.set_value(active[0])
    box.check()
    typed.input(f"#{active[0]}")
    button.click().run()
    assert not at.exception
    assert _active(demo_copy) == active[1:]
    message = "\n".join(s.value for s in at.success)
    assert f"已撤销导入 {active[0]}" in message and "删除" in message and "恢复" in message
    assert _read(demo_copy, "SELECT undone_by FROM imports WHERE import_id = ?", [active[0]]) == [("张科员",)]


def _small_import(db: Path) -> importer.ImportResult:
    """A new round for two roster units: an import of two rows."""
    con = store.connect(db)
    try:
        units = con.execute("SELECT district, township, unit_name FROM v_units ORDER BY ALL LIMIT 2").fetchall()
        lines = ["轮次,巡察层级,巡察组,开始日期,县区,乡镇街道,村(社区),发现问题数"]
        lines += [f"2099年测试轮,市级,市委第九巡察组,2025-03-10,{d},{t},{u},3" for d, t, u in units]
        data = ("\n".join(lines) + "\n").encode("utf-8")
        return importer.import_files(con, [importer.InputFile("小导入.csv", data)], "test", None)
    finally:
        con.close()


def test_the_form_is_fresh_after_an_undo(at, demo_copy):
    extra = _small_import(demo_copy)
    assert extra.status == "imported" and extra.added == 2, extra
    at.run()
    active = _active(demo_copy)
    small = active[0]
    select, box, typed, button = _undo_form(at)
    select.set_value(small)
    box.check()
    button.click().run()
    assert not at.exception
    assert small not in _active(demo_copy)
    select, box, typed, button = _undo_form(at)
    assert select.value is None and box.value is False and typed.value == ""
    button.click().run()  # the double click: nothing more is undone
    assert _active(demo_copy) == active[1:]
