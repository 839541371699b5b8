"""The two cache boundaries: a lazily opened connection (cache_resource) and query results
(cache_data, keyed by store, query name and parameters), cleared after an import or undo."""

from __future__ import annotations

import contextlib
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
    # a dashboard process attaches a DuckLake read-only; the embedded file is opened read-write
    # because one DuckDB file admits one writing process, and that is this one
    return store.connect(path, read_only=bool(store.lake_target(path)))


@contextlib.contextmanager
def writer():
    """A cursor that may write (import, undo, plan settings). On a DuckLake, a short-lived writable
    connection (the import takes the writers' lock); on the file, the process's own connection."""
    path = db_path()
    if store.lake_target(path):
        con = store.connect(path)
        try:
            yield con
        finally:
            con.close()
    else:
        yield connection().cursor()


def connection():
    """The process-wide connection; a StoreError becomes a message and stops the page."""
    try:
        return _open(db_path())
    except store.StoreError as exc:
        st.error(t("store_error", lang(), message=str(exc)))
        st.stop()


@st.cache_data(show_spinner=False, max_entries=1024)
def _cached(path: str, version: tuple, name: str, params: dict) -> pd.DataFrame:
    return store.run_query(_open(path), name, params)


def data_version() -> tuple:
    """Changes with every import, undo and plan change: part of each cached result's key, so a query
    that started before an import and finished after the cache was cleared cannot serve old figures.

    On a DuckLake every commit (import, undo, plan change, also one made by another process) is a
    new snapshot: its id is the version, read from the catalog in ~10 ms where the query below,
    which scans two lake tables, takes ~100 ms, and it runs before every query of a page."""
    cursor = connection().cursor()
    if store.lake_target(db_path()):
        return ("snapshot", cursor.execute("SELECT id FROM ducklake_current_snapshot(current_database())")
                .fetchone()[0])
    row = cursor.execute(
        "SELECT (SELECT coalesce(max(import_id), 0) FROM imports),"
        " (SELECT count(*) FROM imports WHERE status <> 'active'),"
        " (SELECT CAST(max(updated_at) AS VARCHAR) || count(*) FROM plan_settings)").fetchone()
    return tuple(row)


def run_query(name: str, params: dict) -> pd.DataFrame:
    """queries/<name>.sql with the given parameters; errors become a message, never a traceback."""
    connection()
    try:
        return _cached(db_path(), data_version(), name, params)
    except store.StoreError as exc:
        st.error(t("query_error", lang(), message=str(exc)))
        st.stop()


def clear_caches() -> None:
    """After an import or an undo: every cached result is stale."""
    _cached.clear()


def lang() -> str:
    value = st.session_state.get("lang") or settings.get("INSPECTION_LANG")
    return value if value in ("zh", "en") else "zh"
