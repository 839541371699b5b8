"""The page registry (ui/registry.py): one list of pages serves the app and the tests, and the one
Streamlit internal it relies on (the legacy pages/ mode flag) still behaves as it expects: a
Streamlit upgrade that changes it fails here first."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import script_runner
from streamlit.testing.v1 import AppTest

from inspection.i18n import t
from ui import registry

ROOT = Path(__file__).resolve().parents[2]


def test_every_page_file_is_registered_once_and_every_entry_has_its_file_and_title():
    files = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))
    paths = [page.path for page in registry.PAGES]
    assert sorted(paths) == files and len(set(paths)) == len(paths)
    for page in registry.PAGES:
        assert t(page.title, "zh") != page.title and t(page.title, "en") != page.title, page.title
        assert page.path.startswith("pages/") and page.slug == Path(page.path).stem
        # each page's file opens with its preamble's entry
        source = (ROOT / page.path).read_text(encoding="utf-8")
        assert f'registry.start("{page.slug}"' in source or f'registry.run("{page.slug}", main)' in source, page.path
        # the queries a page starts first are declared in the registry, not in the page (the plan &
        # rectification page's overdue list, opened by administrators only, starts its own)
        assert source.count("state.prefetch(") == (1 if page.slug == "followup" else 0), page.path


def test_the_legacy_pages_mode_is_where_the_workaround_expects_it():
    """ensure_shell sets PagesManager.uses_pages_directory, a class attribute read by the script
    runner at the start of every run; st.navigation clears it. If Streamlit renames or moves it, or
    finds the pages/ folder another way, this fails (and the deep-link tests below show the effect)."""
    assert "uses_pages_directory" in vars(PagesManager)
    assert "PagesManager.uses_pages_directory" in inspect.getsource(script_runner)
    source = inspect.getsource(st.navigation)
    assert "PagesManager.uses_pages_directory = False" in source


@pytest.fixture
def app(env_db, demo_copy):
    env_db(demo_copy)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield lambda: AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    st.cache_resource.clear()
    st.cache_data.clear()


def test_a_page_opened_first_runs_inside_the_shell_in_one_run(app):
    """AppTest starts every run in the legacy pages/ mode, as a fresh server's first deep link does:
    the page still gets the filter panel, its title once, and no rerun (a click in that run counts)."""
    at = app()
    at.switch_page("pages/coverage.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert [x.value for x in at.title] == [t("page_coverage", "zh")]
    assert any(m.key == "district" for m in at.sidebar.multiselect), "the filter panel is drawn"


def test_the_registry_is_the_navigation(app):
    at = app()
    at.run()
    for page in registry.PAGES:
        at.switch_page(page.path).run()
        assert not at.exception, (page.path, [e.value for e in at.exception])
        if page.title_shown:
            assert [x.value for x in at.title] == [t(page.title, "zh")], page.path


def test_the_import_page_hides_the_filter_panel_and_keeps_the_filters(app, place_names):
    """The panel is not shown on a page that takes no filters (registry: filters=False), yet its
    widgets stay drawn (hidden), so the URL keeps every filter and the next page has them all."""
    district, town = place_names
    at = app()
    for key, value in {"district": district, "township": f"{town}（{district}）", "level": "县级",  # labels
                       "poverty": "true"}.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/coverage.py").run()
    assert at.session_state["_filters"].townships == (f"{district}/{town}",)
    shown_before = {k: at.query_params[k] for k in ("district", "township", "level", "poverty")}

    at.switch_page("pages/imports.py").run()
    assert not at.exception, [e.value for e in at.exception]
    (hidden,) = [c for c in at.sidebar.children.values() if getattr(c, "key", None) == "filter_panel"]
    assert any(m.key == "district" for m in hidden.multiselect), "the widgets are drawn, inside the hidden box"
    # the style that hides it (a style-only st.html goes to the page's event block)
    assert ".st-key-filter_panel { display: none" in " ".join(h.proto.body for h in at.get("html"))
    assert {k: at.query_params[k] for k in shown_before} == shown_before, "the URL keeps the filters"

    at.switch_page("pages/overview.py").run()
    filters = at.session_state["_filters"]
    assert (filters.districts, filters.townships, filters.levels, filters.poverty_only) == (
        (district,), (f"{district}/{town}",), ("county",), True)
    assert {k: at.query_params[k] for k in shown_before} == shown_before
    assert not [h for h in at.get("html") if "filter_panel" in h.proto.body], "shown again"
    assert any(m.key == "district" for m in at.sidebar.multiselect)


@pytest.fixture
def place_names(demo_db) -> tuple[str, str]:
    from inspection import store

    con = store.connect(demo_db, read_only=True)
    try:
        return con.execute("SELECT district, township FROM v_units ORDER BY 1, 2 LIMIT 1").fetchone()
    finally:
        con.close()
