"""The mappings on the import page (AppTest): a rejection only for an unknown status word and an
unknown description header shows the form; answering it saves the mappings and imports the same
files again in the same step; the next month's ledger with the same words imports without asking;
the administrators' list removes a mapping; viewers see neither. (The upload itself runs in
Chromium in tests/system/test_mappings_browser.py: AppTest has no file upload.)"""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest
from support.ledgers import OWN_HEADER, OWN_ROWS, own_files

from inspection import importer, mappings, store
from ui import auth as ui_auth
from ui.mappings import FILES_KEY, KeptFile

ROOT = Path(__file__).resolve().parents[2]
RESULT_KEY = "_import_result"


@pytest.fixture
def page(env_db, tmp_path, monkeypatch):
    monkeypatch.setenv("INSPECTION_USERS_FILE", str(tmp_path / "nobody" / "users.toml"))  # local administrator
    # the page runs inside the shell (ui/registry.ensure_shell), whose store check opens the file in
    # a child process: this process's earlier app (and the test's own imports) may still hold it
    monkeypatch.setattr(store, "check_file", lambda path: None)

    def make(db: Path) -> AppTest:
        env_db(db)
        st.cache_resource.clear()
        st.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        at.run()
        return at.switch_page("pages/imports.py").run()

    yield make
    st.cache_resource.clear()
    st.cache_data.clear()


def rejected(db: Path, files) -> importer.ImportResult:
    """What the upload of `files` leaves in the session (AppTest cannot upload)."""
    con = store.connect(db)
    try:
        return importer.import_files(con, files, "tester")
    finally:
        con.close()


def clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def test_the_form_answers_once_and_the_next_month_imports_without_asking(page, tmp_path):
    db = tmp_path / "app.duckdb"
    files = own_files()
    result = rejected(db, files)
    assert result.status == "rejected" and result.questions is not None
    at = page(db)
    at.session_state[RESULT_KEY] = (result, b"", "now")
    at.session_state[FILES_KEY] = [KeptFile(f.name, f.data) for f in files]
    at.run()
    clean(at)
    boxes = {s.label: s for s in at.selectbox}
    status = next(s for label, s in boxes.items() if "已闭环销账" in label and "2 行" in label)
    column = next(s for label, s in boxes.items() if "巡察反馈问题描述" in label)
    assert "rectified" in status.options or "已整改" in status.options
    status.set_value("rectified")
    column.set_value("description")
    next(b for b in at.button if b.label == "保存映射并重新导入").click()
    at.run()
    clean(at)
    assert any("导入成功" in s.value for s in at.success), ([s.value for s in at.success], [e.value for e in at.error], [w.value for w in at.warning], [s.label for s in at.selectbox], [m.value for m in at.markdown][:20])
    assert any("已保存 2 条映射" in s.value for s in at.success)
    shown = " ".join(m.value for m in at.markdown)
    assert "巡察反馈问题描述" in shown and "已闭环销账" in shown  # the report lists the mappings used
    assert not any("保存映射并重新导入" == b.label for b in at.button)
    con = store.connect(db)  # as the app opens it (same process)
    try:
        assert con.execute("SELECT count(*) FROM mappings").fetchone()[0] == 2
        assert con.execute("SELECT count(*) FROM issues WHERE status = 'rectified' AND description IS NOT NULL"
                           ).fetchone()[0] == 2
    finally:
        con.close()

    # the next month's ledger: the same words, no question
    rows = [[r[0].replace("第一轮", "第一轮"), *r[1:5], r[5] + "（复查）", r[6]] for r in OWN_ROWS]
    nxt = rejected(db, [f for f in own_files(rows) if f.name == "issues.csv"])
    assert nxt.status == "imported" and nxt.questions is None
    assert sorted(m.field for m in nxt.mappings) == ["description", "status"]

    # listed for administrators, and removable
    at = page(db)
    clean(at)
    assert any(h.value == "表头和取值映射" for h in at.subheader)
    remove = next(s for s in at.selectbox if s.label == "选择要删除的映射")
    remove.set_value(remove.options[0] if isinstance(remove.options[0], int) else 1)
    next(b for b in at.button if b.label == "删除该映射").click()
    at.run()
    clean(at)
    assert any("已删除映射" in s.value for s in at.success)
    con = store.connect(db)  # as the app opens it (same process)
    try:
        assert con.execute("SELECT count(*) FROM mappings").fetchone()[0] == 1
    finally:
        con.close()


def test_a_contradictory_answer_saves_nothing(page, tmp_path):
    db = tmp_path / "app.duckdb"
    header = [h if h != "问题类别" else "问题归类" for h in OWN_HEADER]
    rows = [[*r[:6], "整改中"] for r in OWN_ROWS]
    files = own_files(rows)
    files[2] = importer.InputFile("issues.csv", files[2].data.replace("问题类别".encode(), "问题归类".encode()))
    result = rejected(db, files)
    assert result.questions is not None and result.questions.headers[0].missing == ("category",)
    assert header[4] == "问题归类"
    at = page(db)
    at.session_state[RESULT_KEY] = (result, b"", "now")
    at.session_state[FILES_KEY] = [KeptFile(f.name, f.data) for f in files]
    at.run()
    missing = next(s for s in at.selectbox if "问题类别" in s.label)
    missing.set_value("问题归类")
    other = next(s for s in at.selectbox if "列「问题归类」" in s.label)
    other.set_value("subcategory")
    next(b for b in at.button if b.label == "保存映射并重新导入").click()
    at.run()
    clean(at)
    assert any("映射未保存" in e.value for e in at.error)
    con = store.connect(db)  # as the app opens it (same process)
    try:
        assert mappings.load(con) == []
    finally:
        con.close()


def test_a_plain_rejection_has_no_form(page, tmp_path):
    db = tmp_path / "app.duckdb"
    rows = [[*r[:6], "整改中"] for r in OWN_ROWS]
    rows[0][1] = "北城区"
    files = own_files(rows)
    result = rejected(db, files)
    assert result.status == "rejected" and result.questions is None
    at = page(db)
    at.session_state[RESULT_KEY] = (result, b"", "now")
    at.run()
    clean(at)
    assert not any(b.label == "保存映射并重新导入" for b in at.button)


def test_viewers_see_neither_the_form_nor_the_list(page, tmp_path, monkeypatch):
    db = tmp_path / "app.duckdb"
    files = own_files()
    result = rejected(db, files)
    con = store.connect(db)
    try:
        mappings.add(con, mappings.Mapping("issues", "description", header="巡察反馈问题描述"), "tester")
    finally:
        con.close()
    monkeypatch.setattr(ui_auth, "current_role", lambda: "viewer")
    at = page(db)
    at.session_state[RESULT_KEY] = (result, b"", "now")
    at.session_state[FILES_KEY] = [KeptFile(f.name, f.data) for f in files]
    at.run()
    clean(at)
    assert not any(b.label in ("保存映射并重新导入", "删除该映射") for b in at.button)
    assert not any(h.value == "表头和取值映射" for h in at.subheader)
    assert "巡察反馈问题描述" not in " ".join(m.value for m in at.markdown)


def test_the_form_in_english(page, tmp_path):
    db = tmp_path / "app.duckdb"
    files = own_files()
    result = rejected(db, files)
    at = page(db)
    at.session_state["lang"] = "en"
    at.session_state[RESULT_KEY] = (result, b"", "now")
    at.session_state[FILES_KEY] = [KeptFile(f.name, f.data) for f in files]
    at.run()
    clean(at)
    assert any(h.value == "Answer once; later imports remember" for h in at.subheader)
    labels = [s.label for s in at.selectbox]
    assert "issues status: '已闭环销账' (2 rows) means" in labels, labels
    assert "Column '巡察反馈问题描述' is" in labels
    value = next(s for s in at.selectbox if "已闭环销账" in s.label)
    assert value.options == ["(choose)", "Rectified", "In progress", "Not started", "Long-term"]
    assert any(b.label == "Save the mappings and import again" for b in at.button)
