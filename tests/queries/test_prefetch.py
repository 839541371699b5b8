"""A page's queries run side by side: store.run_queries gives what run_query gives one by one; a
page names each query once, where it draws it, and the registry reads those calls (registry.drawn);
every query a page starts in advance (state.prefetch) is one the page then uses (none is left over,
which would mean the page asked for it with other parameters, or not at all)."""

from __future__ import annotations

import ast
import datetime as dt
import re
import textwrap
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from inspection import briefing, store
from inspection.filters import Filters
from ui import registry, state

ROOT = Path(__file__).resolve().parents[2]


def test_run_queries_equals_one_by_one(demo_db):
    con = store.connect(demo_db, read_only=True)
    names = [n for n in store.query_names() if store.query_params(n)]
    # the unit page's queries name one unit (pages/unit.py)
    unit = dict(zip(("unit_district", "unit_township", "unit_name"),
                    con.execute("SELECT district, township, unit_name FROM v_units ORDER BY 1, 2, 3 LIMIT 1").fetchone(),
                    strict=True))
    filter_sets = [{**Filters(as_of=dt.date(2024, 6, 30)).params(), "limit": None, **unit},
                   {**Filters(as_of=dt.date(2025, 12, 31), levels=("municipal",)).params(), "limit": 5, **unit}]
    requests = [(name, params) for params in filter_sets for name in names]
    together = store.run_queries(con, requests)
    for (name, params), frame in zip(requests, together, strict=True):
        pd.testing.assert_frame_equal(frame, store.run_query(con, name, params), obj=name)
    con.close()


def test_a_failing_query_fails_in_its_own_result(demo_db):
    con = store.connect(demo_db, read_only=True)
    good, bad = store.submit_query(con, "headline_totals", Filters().params()), store.submit_query(con, "headline_totals", {})
    assert good.result().shape[0] == 1
    with pytest.raises(store.QueryError):
        bad.result()
    con.close()


def test_briefing_lists_the_queries_it_runs():
    source = (ROOT / "inspection" / "briefing.py").read_text(encoding="utf-8")
    assert set(re.findall(r'con\("([a-z_]+)", params\)', source)) == set(briefing.QUERIES)


def test_the_registry_reads_the_queries_a_page_draws(tmp_path):
    page = tmp_path / "page.py"
    page.write_text(textwrap.dedent('''
        def render(filters, shown):
            state.run_query("b", filters.params())
            state.run_query("rows", listing("rows", filters.params()))
            state.run_query("group", ui.narrowed(filters, shown).params())
            state.run_query("sometimes", filters.params(), prefetch=False)
            state.run_query("one_unit", {**filters.params(), "limit": 5})
            state.run_query("b", filters.params())
            state.run_query("no_filters", {})

        def main():
            filters = view.filters
            state.run_query("a", filters.params())
            render(filters, None)
        '''), encoding="utf-8")
    drawn = registry.drawn(str(page))
    assert drawn == registry.Drawn(queries=("a", "b"), listings=("rows",), by_group=("group",))  # main's first


@pytest.mark.parametrize("page", registry.PAGES, ids=lambda page: page.slug)
def test_a_page_names_each_query_once_where_it_draws_it(page):
    """Every query a page runs, it names with a literal (so the registry sees it), from queries/; the
    page's own list of queries lives nowhere else (no state.prefetch besides the administrators'
    overdue list, which is started only when open, and no list of names in the registry)."""
    tree = ast.parse((ROOT / page.path).read_text(encoding="utf-8"))
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call) and ast.unparse(node.func) == "state.run_query"]
    for call in calls:
        assert isinstance(call.args[0], ast.Constant), f"{page.path}:{call.lineno} names its query with a literal"
        assert call.args[0].value in store.query_names(), f"{page.path}:{call.lineno}"
        started = call.args[0].value in page.queries + page.listings + page.by_group
        marked = any(k.arg == "prefetch" for k in call.keywords)
        assert not (started and marked and call.args[0].value not in page.elsewhere), f"{page.path}:{call.lineno}"
    source = (ROOT / "ui" / "registry.py").read_text(encoding="utf-8")
    entries = source[source.index("PAGES: tuple"):source.index("BY_SLUG =")]
    for name in page.queries + page.listings + page.by_group:
        assert f'"{name}"' not in entries, name


@pytest.mark.parametrize("page", [page.path for page in registry.PAGES if page.queries])
def test_every_prefetched_query_is_used(page, demo_copy, env_db):
    env_db(demo_copy)
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        at.run()
        at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        assert not at.error, [e.value for e in at.error]
        assert state._computed, "the page ran no query through the cache"
        assert not state._started, f"started and never used: {[k[:80] for k in state._started]}"
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()
