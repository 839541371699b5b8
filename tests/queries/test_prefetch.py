"""A page's queries run side by side: store.run_queries gives what run_query gives one by one, and
every query a page starts in advance (state.prefetch) is one the page then uses (none is left over,
which would mean the page asked for it with other parameters, or not at all)."""

from __future__ import annotations

import datetime as dt
import re
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
