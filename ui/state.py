"""The two cache boundaries: a lazily opened connection (cache_resource) and query results
(cache_data, keyed by store, query name and parameters), cleared after an import or undo."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from inspection import bootstrap, settings, store
from inspection.i18n import t


def db_path() -> str:
    return str(store.store_path())


@st.cache_resource(show_spinner=False)
def _open(path: str):
    bootstrap.ensure_store(Path(path), settings.get("INSPECTION_DEMO") == "1")
    return store.connect(path)


def connection():
    """The process-wide connection; a StoreError becomes a message and stops the page."""
    try:
        return _open(db_path())
    except store.StoreError as exc:
        st.error(t("store_error", lang(), message=str(exc)))
        st.stop()


@st.cache_data(show_spinner=False, max_entries=1024)
def _cached(path: str, name: str, params: dict) -> pd.DataFrame:
    return store.run_query(_open(path), name, params)


def run_query(name: str, params: dict) -> pd.DataFrame:
    """queries/<name>.sql with the given parameters; errors become a message, never a traceback."""
    connection()
    try:
        return _cached(db_path(), name, params)
    except store.StoreError as exc:
        st.error(t("query_error", lang(), message=str(exc)))
        st.stop()


def clear_caches() -> None:
    """After an import or an undo: every cached result is stale."""
    _cached.clear()


def lang() -> str:
    value = st.session_state.get("lang") or settings.get("INSPECTION_LANG")
    return value if value in ("zh", "en") else "zh"
