"""The two cache boundaries: a lazily opened connection (cache_resource) and query results
(cache_data, keyed by store, query name and parameters), cleared after an import or undo."""

from __future__ import annotations

import atexit
import contextlib
import importlib
import json
import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from inspection import bootstrap, exportlog, replica, settings, store
from inspection.i18n import LANGS


def db_path() -> str:
    return str(store.store_path())


@st.cache_resource(show_spinner=False)
def _open(path: str):
    with _lock:  # results started on an earlier connection are not this one's
        _started.clear()
        _computed.clear()
    _forget_version()
    bootstrap.ensure_store(Path(path), settings.get("INSPECTION_DEMO"))
    # a dashboard process attaches a DuckLake read-only; the embedded file is opened read-write
    # because one DuckDB file admits one writing process, and that is this one
    return store.query_threads(store.connect(path, read_only=bool(store.lake_target(path))))


_write_lock = threading.Lock()


@contextlib.contextmanager
def writer():
    """A cursor that may write (import, undo, plan settings). On a DuckLake, a short-lived writable
    connection (the import takes the writers' lock); on the file, the process's own connection.
    The sessions of this process write one at a time: a double click that starts a second run
    while the first one's undo is still writing waits for it, then finds the import undone."""
    with _write_lock:
        _forget_version()
        try:
            yield from _writer()
        finally:
            _forget_version()


def _writer():
    path = db_path()
    if store.lake_target(path):
        con = store.connect(path, alongside=True)  # this process holds the lake read-only
        try:
            yield con
        finally:
            con.close()
    else:
        with store.all_threads(connection().cursor()) as cur:  # the figures' single thread is for reading
            yield cur


def connection():
    """The process-wide connection; a StoreError becomes a message and stops the page."""
    from .errors import caught  # ui.errors imports this module

    with caught(lang(), private=True):
        return _open(db_path())


# Results started by prefetch and not yet taken by _cached, and the keys _cached has computed
# (so a prefetch does not start again what the cache already holds). Process-wide, like the cache.
_started: dict[str, Future] = {}
_computed: dict[str, None] = {}
_lock = threading.Lock()
_KEEP = 1024  # as the cache's max_entries
_lake_versions: dict[int, int] = {}  # lake snapshot id -> the data snapshot it shows (exportlog.data_snapshot)


def _key(path: str, version: tuple, name: str, params: dict) -> str:
    return json.dumps([path, list(version), name, params], sort_keys=True, default=str, ensure_ascii=False)


@st.cache_data(show_spinner=False, max_entries=_KEEP)
def _cached(path: str, version: tuple, name: str, params: dict) -> pd.DataFrame:
    key = _key(path, version, name, params)
    with _lock:
        started = _started.pop(key, None)
        _computed[key] = None
        while len(_computed) > _KEEP:
            del _computed[next(iter(_computed))]
    if started is not None:
        return started.result()
    return store.run_query(_reading(path, version), name, params)


_replicas: dict[str, replica.Reader] = {}


def _reading(path: str, version: tuple):
    """The connection a figure of `version` is read from: on a DuckLake, this process's local copy
    of the lake when it is of that snapshot (inspection/replica.py), else the lake itself (while the
    copy is made in the background); the embedded file's own connection otherwise."""
    con = _open(path)
    target = store.lake_target(path)
    if not target or version[0] != "snapshot" or not replica.enabled():
        return con
    copy = _reader(path, target).connection(int(version[1]))
    return con if copy is None else copy


def _reader(path: str, target: str) -> replica.Reader:
    """The process's copy of the lake, and the watcher of the lake's snapshots, both made once."""
    with _lock:
        reader = _replicas.get(target)
        if reader is None:
            reader = _replicas[target] = replica.Reader(target)
            threading.Thread(target=_watch, args=(path, reader), name="lake-watch", daemon=True).start()
    return reader


# On a DuckLake the import job (python -m inspection import) and other dashboards commit in other
# processes, so no import in this one tells it to warm up. A watcher reads the lake's snapshot every
# WATCH_SECONDS (~10 ms of catalog); on new data it makes the local copy, then runs the warm-up
# on it: the first leader after a command-line import waits no longer than the second.
WATCH_SECONDS = 10.0
_warmed: dict[str, tuple] = {}  # path -> the version the last warm-up computed


def _watch(path: str, reader: replica.Reader) -> None:
    from . import registry  # registry imports this module

    seen = None
    while not _exiting.wait(WATCH_SECONDS):
        try:
            version = _version(_open(path).cursor(), path)
            if seen is not None and version != seen and _warmed.get(path) != version:
                reader.connection(int(version[1]))  # starts the copy (one at a time)
                reader.wait(int(version[1]), timeout=600)
                warm(registry.views, path, version)
            seen = version
        except Exception:  # noqa: BLE001 - the pages read the lake themselves; tried again next time
            _log.warning("watching the lake's snapshots", exc_info=True)


def prefetch(names: list[str], params: dict) -> None:
    """Start a page's queries side by side (store.submit_query) before it draws its first chart;
    run_query then takes each started result instead of running the query again. Only for queries
    the page runs with exactly these parameters. Errors surface in run_query, as without this."""
    connection()
    path, version = db_path(), page_version()
    con = _reading(path, version)
    for name in names:
        key = _key(path, version, name, params)
        with _lock:
            if key in _started or key in _computed:
                continue
            _started[key] = store.submit_query(con, name, params)
            while len(_started) > _KEEP:  # started by a page that stopped before using them
                del _started[next(iter(_started))]


def data_version() -> tuple:
    """Changes with every import, undo and plan change: part of each cached result's key, so a query
    that started before an import and finished after the cache was cleared cannot serve old figures.

    On the embedded file it is read once and kept until this process writes (_file_versions).
    On a DuckLake every commit (import, undo, plan change, also one made by another process) is a
    new snapshot: its id is the version, read from the catalog in ~10 ms where the query below,
    which scans two lake tables, takes ~100 ms, and it runs before every query of a page. A snapshot
    that only adds an export-log row (exportlog.EXPORT_COMMIT) keeps the version of the one before it."""
    return _version(connection().cursor(), db_path())


# The embedded file's data version as last read, while no write of this process runs (the file
# admits one writing process, this one, and every write goes through writer()): the pages read it
# before every query, ~1.5 ms each, a tenth of a page's rerun. A write forgets it when it starts
# and again when it is over; a read made while a write holds _write_lock, or that a write began or
# ended during (_version_writes), is not kept.
_file_versions: dict[str, tuple] = {}
_version_writes = 0  # writes begun or ended, under _lock


def _forget_version() -> None:
    global _version_writes
    with _lock:
        _version_writes += 1
        _file_versions.clear()


def _version(cursor, path: str) -> tuple:
    if store.lake_target(path):
        current = cursor.execute("SELECT id FROM ducklake_current_snapshot(current_database())").fetchone()[0]
        if current not in _lake_versions:  # once per new snapshot: an export-log commit changes no figure
            _lake_versions[current] = exportlog.data_snapshot(cursor, current)
            while len(_lake_versions) > _KEEP:
                del _lake_versions[next(iter(_lake_versions))]
        return ("snapshot", _lake_versions[current])
    with _lock:
        known, writes = (None if _write_lock.locked() else _file_versions.get(path)), _version_writes
    if known is not None:
        return known
    row = tuple(cursor.execute(
        "SELECT (SELECT coalesce(max(import_id), 0) FROM imports),"
        " (SELECT count(*) FROM imports WHERE status <> 'active'),"
        " (SELECT CAST(max(updated_at) AS VARCHAR) || count(*) FROM plan_settings)").fetchone())
    with _lock:
        if not _write_lock.locked() and writes == _version_writes:
            _file_versions[path] = row
    return row


# One script run draws every figure from the same data: the version read when the run began is
# pinned in the session, and when a later read differs (an import, undo or plan change committed in
# between, in this process or, on a DuckLake, another one) the run starts over, so a page never
# shows some figures from before an import and some from after it. dashboard.py checks once more
# after the page ran: a figure whose query ran after the commit is then caught too.
_PINNED = "_data_version"


def pin_version() -> None:
    """At the start of a script run: the data version its figures must all come from."""
    st.session_state[_PINNED] = data_version()


def page_version() -> tuple:
    """The current data version; starts the run over when it is no longer the pinned one."""
    version = data_version()
    pinned = st.session_state.get(_PINNED)
    if pinned is None:
        st.session_state[_PINNED] = version
    elif list(pinned) != list(version):  # session state may hand back a list
        st.session_state[_PINNED] = version
        st.rerun()
    return version


def run_query(name: str, params: dict, prefetch: bool = True) -> pd.DataFrame:
    """queries/<name>.sql with the given parameters; errors become a message, never a traceback.
    In a page, the call is also the query's declaration: ui/registry.py reads it and starts the query
    before the page draws; `prefetch=False` for one the page runs only sometimes (a branch, an
    administrator's list), which is then not started for everyone. Runs the same either way."""
    from .errors import caught  # ui.errors imports this module

    connection()
    with caught(lang(), label="query_error"):
        return _cached(db_path(), page_version(), name, params)


# Built figures, by builder and input (a query's result is the same frame until the data changes):
# a page opened again, or a view another session drew, skips building its figures. Plotly checks
# every property as a builder sets it (a province's lines by district: ~0.5 s of CPU); the cached
# copy is the checked figure's own dict, so the page's figure is made from it without checking it
# again, and sends the same chart (tests/app/test_figure_cache.py).
FIGURES_KEEP = 256


@st.cache_data(show_spinner=False, max_entries=FIGURES_KEEP)
def _figure_spec(builder: str, args: tuple, kwargs: dict) -> dict:
    module, _, name = builder.rpartition(".")
    return getattr(importlib.import_module(module), name)(*args, **kwargs).to_dict()


def figure(builder: Callable[..., go.Figure], *args, **kwargs) -> go.Figure:
    """`builder(*args, **kwargs)` (a figure function of inspection/charts*.py: a pure function of its
    arguments), built once per distinct arguments; a new Figure each call, which the page may change."""
    spec = _figure_spec(f"{builder.__module__}.{builder.__qualname__}", args, kwargs)
    return go.Figure(spec, _validate=False)


def clear_caches() -> None:
    """After an import or an undo: every cached result is stale, and this run goes on with the new
    data (its own write is no reason to start over)."""
    global _generation
    st.session_state.pop(_PINNED, None)
    _cached.clear()
    _figure_spec.clear()  # their inputs were the old data's: never asked for again
    with _lock:
        _generation += 1  # a warm-up of the data before stops
        _started.clear()
        _computed.clear()


# The warm-up after an import or undo (ui/registry.warm): the views a leader opens first, computed
# one query at a time in a background thread through the cache, under the data version read right
# after the commit, i.e. the keys the pages then ask for. It fills at most half the cache (a
# province's 150 districts times a page's 30 queries would evict what sessions use), stops when a
# later import or undo clears the caches, and a failure is logged, never shown: the page runs the
# query itself and says what went wrong, as without the warm-up.
WARM_MAX = _KEEP // 2
_generation = 0
_warming: threading.Thread | None = None
_log = logging.getLogger("inspection.warm")
_exiting = threading.Event()


@atexit.register
def _stop_warming() -> None:
    """At exit the warm-up stops after its current query: DuckDB aborts the process when a daemon
    thread is still inside a query as the interpreter goes down."""
    _exiting.set()
    if _warming is not None:
        _warming.join(60)


def warm(views: Callable[[Callable[[str, dict], pd.DataFrame]], Iterable[tuple[str, dict]]],
         path: str | None = None, version: tuple | None = None) -> threading.Thread | None:
    """Start computing `views(fetch)`'s (query, parameters) in the background; returns at once.
    Of the data version read now, or of `version` of the store `path` (the lake's watcher)."""
    global _warming
    with _lock:
        generation = _generation
    try:
        if path is None or version is None:
            path, version = db_path(), data_version()
    except Exception:  # noqa: BLE001 - the import's own answer stands; the pages read the version again
        _log.warning("warm-up after an import not started", exc_info=True)
        return None
    _warmed[path] = version

    def fetch(name: str, params: dict) -> pd.DataFrame:
        return _cached(path, version, name, params)

    def run() -> None:
        done = 0
        try:
            for name, params in views(fetch):
                if done >= WARM_MAX or _generation != generation or _exiting.is_set():
                    return
                fetch(name, params)
                done += 1
        except Exception:  # noqa: BLE001 - the page runs the query again and shows its own message
            _log.warning("warm-up after an import stopped", exc_info=True)
        finally:
            _log.info("warm-up after an import: %d results", done)

    _warming = threading.Thread(target=run, name="warm-up", daemon=True)
    _warming.start()
    return _warming


def lang() -> str:
    value = st.session_state.get("lang") or settings.get("INSPECTION_LANG")
    return value if value in LANGS else LANGS[0]
