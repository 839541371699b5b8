"""The dashboard in Streamlit's AppTest, as the app tests open it (the `make_app` fixture in
tests/conftest.py), and what every page must show: no exception, no error box."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def open_app(query: dict | None = None, page: str | None = None) -> AppTest:
    """dashboard.py run once (with these URL parameters), then switched to `page` when given. The
    caller points INSPECTION_DB at the store first (the env_db fixture)."""
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
