"""The error family on the page (ui/errors.py): each kind is its title and message in the page's
language, never a traceback; dashboard.py catches what a page leaves unhandled, once for every page."""

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from inspection import errors

KINDS = (errors.StoreError, errors.ImportInputError, errors.SettingsError, errors.UndoError,
         errors.ExportError)

ROOT = Path(__file__).resolve().parents[2]


def _raising(kind: str, lang: str, stop: bool) -> None:
    """A page that raises one kind inside ui.errors.caught (AppTest.from_function runs its body)."""
    import streamlit as st

    from inspection import errors
    from ui.errors import caught

    with caught(lang, stop=stop) as failed:
        raise getattr(errors, kind)("原因")
    st.write(f"went on: {bool(failed)}")


@pytest.mark.parametrize("kind", [k.__name__ for k in KINDS])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_kind_reaches_the_page_as_its_title_and_message(kind, lang):
    at = AppTest.from_function(_raising, args=(kind, lang, True), default_timeout=30).run()
    assert not at.exception, [e.value for e in at.exception]
    title = getattr(errors, kind)("x").title(lang)
    assert [e.value for e in at.error] == [f"**{title}**\n\n原因"]
    assert not any("went on" in m.value for m in at.markdown)  # the page stopped


def test_a_page_may_go_on_after_a_failed_action():
    at = AppTest.from_function(_raising, args=("SettingsError", "zh", False), default_timeout=30).run()
    assert not at.exception and len(at.error) == 1
    assert any(m.value == "went on: True" for m in at.markdown)


@pytest.fixture
def dashboard(env_db):
    def make(db: Path, page: str, lang: str = "zh") -> AppTest:
        env_db(db)
        st.cache_resource.clear()
        st.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        at.query_params["lang"] = lang
        at.run()
        at.switch_page(page).run()
        return at

    yield make
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_error_a_page_does_not_handle_is_caught_once_for_every_page(demo_copy, dashboard, monkeypatch, lang):
    """dashboard.py runs each page inside ui.errors.caught: an InspectionError a page leaves
    unhandled is its title and message, in the page's language, never a traceback."""
    import ui.components

    def failing(*args, **kwargs):
        raise errors.ImportAlreadyUndone(12)

    monkeypatch.setattr(ui.components, "breadcrumb", failing)
    at = dashboard(demo_copy, "pages/overview.py", lang)
    assert not at.exception, [e.value for e in at.exception]
    exc = errors.ImportAlreadyUndone(12)
    assert [e.value for e in at.error] == [f"**{exc.title(lang)}**\n\n{exc.message(lang)}"]
    assert not at.get("plotly_chart")


def test_a_plan_that_cannot_be_saved_is_a_message_and_the_page_goes_on(demo_copy, dashboard, monkeypatch):
    from inspection import plan

    def refused(*args, **kwargs):
        raise plan.PlanError(key="err_plan_save", reason="磁盘已满")

    monkeypatch.setattr(plan, "save", refused)
    at = dashboard(demo_copy, "pages/followup.py")
    next(b for b in at.button if b.label == "保存计划").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error] == ["数据库为只读，无法保存计划：计划无法保存：磁盘已满"]
    assert at.get("plotly_chart")  # the rest of the page is drawn


def test_an_undo_the_store_cannot_take_says_so_on_the_page_and_changes_nothing(demo_copy, dashboard, monkeypatch,
                                                                                tmp_path):
    import duckdb

    from inspection import importer

    monkeypatch.setenv("INSPECTION_USERS_FILE", str(tmp_path / "nobody" / "users.toml"))  # local mode

    def full(con):
        raise duckdb.IOException("IO Error: No space left on device")

    monkeypatch.setattr(importer.load, "refresh_rounds", full)
    at = dashboard(demo_copy, "pages/imports.py")
    con = duckdb.connect(str(demo_copy))
    try:
        first = con.execute("SELECT max(import_id) FROM imports WHERE status = 'active'").fetchone()[0]
    finally:
        con.close()
    next(s for s in at.selectbox if "撤销" in s.label).set_value(first)
    next(c for c in at.checkbox if "确认撤销" in c.label).check()
    next(w for w in at.text_input if "导入编号" in w.label).input(f"#{first}")
    next(b for b in at.button if b.label == "撤销该次导入").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [w.value for w in at.warning if "撤销" in w.value] == [
        f"撤销导入 {first} 未完成，数据库没有改动：IO Error: No space left on device"]
    con = duckdb.connect(str(demo_copy))
    try:
        assert con.execute("SELECT status FROM imports WHERE import_id = ?", [first]).fetchone() == ("active",)
    finally:
        con.close()


def test_a_bare_duckdb_error_on_a_page_is_a_store_message_not_a_traceback(demo_copy, dashboard, monkeypatch):
    import duckdb

    import ui.components

    def failing(*args, **kwargs):
        raise duckdb.IOException("IO Error: Could not read from file\nsecond line")

    monkeypatch.setattr(ui.components, "breadcrumb", failing)
    at = dashboard(demo_copy, "pages/overview.py")
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error] == ["**数据库出错**\n\n数据库操作失败：IO Error: Could not read from file"]
