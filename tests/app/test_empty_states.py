"""Issue 25 item 11: an empty result says what is empty and why: no change under the tiles when
neither period has an inspection under the filters (not a '+0.0个百分点'), no "None" in a table."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from inspection import store

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def make_app(demo_copy, env_db):
    def make(query: dict, page: str | None = None) -> AppTest:
        env_db(demo_copy)
        st.cache_resource.clear()
        st.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        for key, value in query.items():
            at.query_params[key] = value
        at.run()
        if page:
            at.switch_page(page).run()
        assert not at.exception and not at.error
        return at

    yield make
    st.cache_resource.clear()
    st.cache_data.clear()


def test_an_old_round_shows_no_change_and_says_why(make_app):
    at = make_app({"round": "2024年第一轮"})
    assert at.session_state["_filters"].rounds == ("2024年第一轮",)
    assert all(not m.proto.delta for m in at.metric), [(m.label, m.proto.delta) for m in at.metric]
    assert any("都没有巡察，不显示增减" in c.value for c in at.caption)
    at = make_app({})
    assert any(m.proto.delta for m in at.metric)  # the whole data: this year against the last


def test_a_missing_date_or_text_in_a_table_is_a_dash_not_none(make_app, demo_copy):
    con = store.connect(demo_copy, read_only=True)
    try:
        district, township, name = con.execute(
            "SELECT district, township, unit_name FROM v_inspections WHERE end_date IS NULL "
            "ORDER BY 1, 2, 3 LIMIT 1").fetchone()
    finally:
        con.close()
    at = make_app({"unit": f"{district}/{township}/{name}"}, page="pages/unit.py")
    rounds = at.dataframe[0].value
    assert "—" in rounds["结束日期"].tolist()
    for frame in (d.value for d in at.dataframe):
        assert not frame.astype(str).isin(["None", "NaT", "nan"]).any().any()
