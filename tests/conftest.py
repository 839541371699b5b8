"""Shared fixtures: stores built from text (the demo generator with its fixed seed, or small
ledgers the tests write), never a committed binary. Each test carries the marker of its folder
(unit, importer, queries, app, system); everything in system/ is also `slow`.

The suite runs on pytest-xdist workers (scripts/test.sh: `-n` workers, `--dist loadgroup`): the
system tests form one group, run one after another on one worker (each drives servers and browsers
of its own: two at once on a 2-core machine would only wait on each other, and their session
fixtures, the demo dashboard and the scratch PostgreSQL, start once), while the other workers share
the rest. Session fixtures are per worker; every test writes only under its own tmp_path."""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("unit", "importer", "queries", "app", "system")


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        folder = Path(str(item.fspath)).parent.name
        if folder in FOLDERS:
            item.add_marker(folder)
        if folder == "system":
            item.add_marker("slow")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """With `--dist loadgroup`: every test of tests/system/ in one group, run in turn on one worker
    (see the module's docstring); any other test goes to whichever worker is free. (pytest-xdist's own
    xdist_group mark renames the test's node id, which pytest 9 no longer reads: the grouping is
    done here, by path, instead.)"""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class SystemTogether(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "system" if nodeid.startswith("tests/system/") else super()._split_scope(nodeid)

    return SystemTogether(config, log)


@pytest.fixture(scope="session", autouse=True)
def start_check_once_per_content():
    """The dashboard's start check (store.check_file: the store read whole in a child process, ~0.2 s
    of CPU and 0.3 s for Python and DuckDB to start) once per store content in the test process, as
    a running dashboard checks its store once per process: the app tests clear Streamlit's caches,
    where dashboard._store_checked keeps that it checked, before each run. Only the dashboard's call
    is remembered, and only a check that passed, by the bytes of the file and its WAL (a damaged
    copy is other bytes: checked, and refused, every time); the command line's and the tests' own
    calls always start the child."""
    from inspection import store

    real = store.check_file
    passed: set[bytes] = set()

    def check_file(path=None, timeout: float = 120) -> None:
        caller = sys._getframe(1).f_code
        target = store.store_path(path)
        if (caller.co_name != "_store_checked" or Path(caller.co_filename).name != "dashboard.py"
                or str(target) == ":memory:" or not target.is_file() or store.lake_target(path)):
            return real(path, timeout)
        digest = hashlib.sha256(target.read_bytes())
        wal = target.with_name(target.name + ".wal")
        if wal.is_file():
            digest.update(wal.read_bytes())
        key = digest.digest()
        if key not in passed:
            real(path, timeout)
            passed.add(key)

    store.check_file = check_file
    yield
    store.check_file = real


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """A demo city store, built once per session through the real importer. Copy before writing."""
    from inspection import bootstrap

    folder = tmp_path_factory.mktemp("demo")
    db = folder / "demo.duckdb"
    bootstrap.build_demo(db, out_dir=folder / "files")
    return db


@pytest.fixture(scope="session")
def demo_app(demo_db, tmp_path_factory):
    """One dashboard (`streamlit run`, local mode) on a copy of the demo for the browser tests that
    only read it, shared by the whole session: started by the first test that asks, stopped at the
    end, its caches warm for the next. A test that writes (imports, plan settings) starts its own."""
    from support.apprunner import running_app

    folder = tmp_path_factory.mktemp("demo-app")
    db = folder / "demo.duckdb"
    shutil.copy(demo_db, db)
    env = {**os.environ, "INSPECTION_DB": str(db), "INSPECTION_DEMO": "0",
           "INSPECTION_USERS_FILE": str(folder / "nobody" / "users.toml")}  # no users: local mode
    with running_app(env) as url:
        yield url


@pytest.fixture(scope="session")
def postgres():
    """One throwaway PostgreSQL (lake.scratch_postgres) for the session's DuckLake tests, started by
    the first that asks, stopped at the end; yields a function making a new database (each test
    names its own). Skips when the binaries are missing."""
    from inspection import lake

    try:
        with lake.scratch_postgres() as new_database:
            yield new_database
    except lake.LakeError as exc:
        if "not installed" in str(exc) or "runuser" in str(exc):
            pytest.skip(str(exc))
        raise


@pytest.fixture
def demo_copy(demo_db, tmp_path) -> Path:
    target = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, target)
    return target


@pytest.fixture
def empty_db(tmp_path) -> Path:
    """A new store file, as store.connect creates it (a copy of the session's template)."""
    from support.ledgers import new_store_file

    return new_store_file(tmp_path / "empty.duckdb")


@pytest.fixture
def env_db(monkeypatch):
    """Point INSPECTION_DB at a given store for code that reads the setting (the app)."""

    def use(db: Path) -> Path:
        monkeypatch.setenv("INSPECTION_DB", str(db))
        monkeypatch.setenv("INSPECTION_DEMO", "0")
        return db

    return use


os.environ.setdefault("INSPECTION_DEMO", "0")


@pytest.fixture
def fast_hashes(monkeypatch):
    """Password hashes at a test's cost (scrypt n=2^4) instead of the real 2^17 (~0.5 s each, seconds
    on a busy machine), for tests about roles and limits rather than the hash's cost."""
    from inspection import auth

    monkeypatch.setattr(auth, "_SCRYPT", {"n": 2**4, "r": 8, "p": 1})
    monkeypatch.setattr(auth, "_DUMMY_HASH", None)
    yield
    auth._DUMMY_HASH = None


@pytest.fixture
def make_app(env_db):
    """make_app(db, query={...}, page="pages/x.py"): the dashboard in AppTest on that store (URL
    parameters set before the first run); the caches are cleared before and after."""
    import streamlit as st
    from support.apptest import open_app

    def make(db: Path, query: dict | None = None, page: str | None = None):
        env_db(db)
        return open_app(query, page)

    yield make
    st.cache_resource.clear()
    st.cache_data.clear()
