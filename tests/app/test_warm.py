"""Warm after an import (issue 22 item 3): right after an import or undo commits, the default view
and each single-district view of every page are computed in the background, under the keys the
pages then ask for; the import's answer does not wait for them, and a failure in the warm-up is
never shown."""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from inspection import store
from inspection.filters import Filters, default_as_of
from ui import components as ui
from ui import registry, state

ROOT = Path(__file__).resolve().parents[2]


def _import_through_the_page(root: str, district: str, township: str, unit: str) -> None:
    """An AppTest script: the import page's own run_import with one uploaded file."""
    import sys

    sys.path.insert(0, root)
    from support.ledgers import inspections_csv

    from ui import registry

    registry._run.in_shell = True  # the page file runs as inside dashboard.py (registry.ensure_shell)
    import pages.imports as imports  # draws the page

    extra = inspections_csv([["2026年试点轮", "市级", "市委第一巡察组", "常规", "2026-03-02", "2026-04-30",
                              district, township, unit, 5, 1, 0, 2]], name="extra.csv")

    class Upload:
        name = extra.name

        def getvalue(self):
            return extra.data

    imports.run_import([Upload()], "test")


@pytest.fixture
def app(demo_copy, env_db, tmp_path, monkeypatch):
    if state._warming is not None:  # one an earlier test's import started
        state._warming.join(120)
    monkeypatch.setenv("INSPECTION_USERS_FILE", str(tmp_path / "nobody" / "users.toml"))  # local mode
    env_db(demo_copy)
    st.cache_resource.clear()
    st.cache_data.clear()
    con = store.connect(demo_copy, read_only=True)
    unit = con.execute("SELECT district, township, unit_name FROM v_units ORDER BY 1, 2, 3 LIMIT 1").fetchone()
    con.close()
    at = AppTest.from_function(_import_through_the_page, args=(str(ROOT / "tests"), *unit), default_timeout=120)
    yield at
    if state._warming is not None:
        state._warming.join(120)
    state._warming = None
    st.cache_resource.clear()
    st.cache_data.clear()


def _expected(db: Path) -> tuple[tuple, list[tuple[str, dict]]]:
    """The data version after the import, and every (query, parameters) the pages start first in
    the default view and in each single-district view."""
    con = state._open(str(db)).cursor()  # the app's connection (one process opens the file once)
    day = default_as_of(store.run_query(con, "data_as_of", {}))
    districts = [r[0] for r in con.execute("SELECT DISTINCT district FROM v_units ORDER BY 1").fetchall()]
    version = tuple(con.execute(
        "SELECT (SELECT coalesce(max(import_id), 0) FROM imports),"
        " (SELECT count(*) FROM imports WHERE status <> 'active'),"
        " (SELECT CAST(max(updated_at) AS VARCHAR) || count(*) FROM plan_settings)").fetchone())
    wanted = [("filter_options_by_kind", {}), ("data_as_of", {})]
    for filters in [Filters(as_of=day)] + [Filters(districts=(d,), as_of=day) for d in districts]:
        for page in registry.PAGES:
            wanted += page.requests(filters)
            if page.warm_more:  # the briefing's curves, for the districts it draws (all in a city)
                wanted += page.warm_more(filters, lambda name, params: store.run_query(con, name, params))
            if page.by_group:  # a city's districts fit on one chart: no group chosen
                wanted += [(name, ui.narrowed(filters, None).params()) for name in page.by_group]
    con.close()
    return version, wanted


def test_an_import_warms_every_page_default_and_single_district_view(app, demo_copy, monkeypatch):
    real = store.run_query
    release = threading.Event()
    warmed: list[str] = []

    def run_query(con, name, params=None):
        if threading.current_thread().name == "warm-up":
            release.wait(60)  # the warm-up waits until the import's run has returned
            warmed.append(name)
        return real(con, name, params)

    monkeypatch.setattr(store, "run_query", run_query)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.session_state["_import_result"][0].status == "imported"
    assert state._warming is not None and state._warming.is_alive(), "the import returned before the warm-up ended"
    assert not warmed
    release.set()
    state._warming.join(120)
    assert not state._warming.is_alive()

    version, wanted = _expected(demo_copy)
    path = str(demo_copy)
    keys = {state._key(path, version, name, params) for name, params in wanted}
    missing = [k[:120] for k in keys if k not in state._computed]
    assert not missing, missing
    assert len(warmed) == len(keys) <= state.WARM_MAX, "each view's query ran once"

    # a page then finds them in the cache: no query runs again
    ran: list[str] = []
    monkeypatch.setattr(store, "run_query", lambda con, name, params=None: ran.append(name) or real(con, name, params))
    for name, params in wanted:
        state._cached(path, version, name, params)
    assert ran == []


def test_a_failing_warm_up_is_never_shown(app, monkeypatch):
    real = store.run_query

    def run_query(con, name, params=None):
        if threading.current_thread().name == "warm-up":
            raise store.QueryError("the warm-up failed")
        return real(con, name, params)

    page = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    page.run()  # a leader's session, open before the import
    monkeypatch.setattr(store, "run_query", run_query)
    app.run()
    state._warming.join(120)
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert app.session_state["_import_result"][0].status == "imported"
    assert not any("warm-up" in str(e.value) for e in [*app.warning, *app.info, *app.success])
    # the pages then run the query themselves
    monkeypatch.setattr(store, "run_query", real)
    page.run()
    assert not page.exception and not page.error, [e.value for e in page.error]
    assert page.metric, "the overview draws its figures"


def test_an_undo_warms_the_views_of_the_data_after_it(make_app, demo_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("INSPECTION_USERS_FILE", str(tmp_path / "nobody" / "users.toml"))  # local mode
    if state._warming is not None:
        state._warming.join(120)
    con = store.connect(demo_copy)
    district, township, unit = con.execute("SELECT district, township, unit_name FROM v_units ORDER BY ALL LIMIT 1").fetchone()
    data = f"轮次,巡察层级,巡察组,开始日期,县区,乡镇街道,村(社区),发现问题数\n2099年测试轮,市级,市委第九巡察组,2025-03-10,{district},{township},{unit},3\n"
    from inspection import importer

    small = importer.import_files(con, [importer.InputFile("小导入.csv", data.encode("utf-8"))], "test", None).import_id
    con.close()
    at = make_app(demo_copy, page="pages/imports.py")
    state._warming = None
    next(s for s in at.selectbox if "撤销" in s.label).set_value(small)
    next(c for c in at.checkbox if "确认撤销" in c.label).check()
    next(b for b in at.button if b.label == "撤销该次导入").click().run()
    assert not at.exception and not at.error
    assert state._warming is not None, "the undo started a warm-up"
    state._warming.join(120)
    version, wanted = _expected(demo_copy)
    assert version[1] >= 1, "the version after the undo"
    path = str(demo_copy)
    missing = [name for name, params in wanted if state._key(path, version, name, params) not in state._computed]
    assert not missing, missing


def test_the_import_runs_on_every_core_and_the_figures_on_one_thread(app, demo_copy, monkeypatch):
    """INSPECTION_QUERY_THREADS (default 1) is the figures' share of the instance; the dashboard's
    import takes DuckDB's own number back for its run (store.all_threads), then returns it."""
    seen: list[int] = []
    real = store.refresh_derived

    def refresh_derived(con, *args, **kwargs):
        seen.append(con.execute("SELECT current_setting('threads')").fetchone()[0])
        return real(con, *args, **kwargs)

    monkeypatch.setattr(store, "refresh_derived", refresh_derived)
    cores = duckdb.connect().execute("SELECT current_setting('threads')").fetchone()[0]
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.session_state["_import_result"][0].status == "imported"
    assert seen and set(seen) == {cores}
    assert state._open(str(demo_copy)).cursor().execute("SELECT current_setting('threads')").fetchone()[0] == 1
