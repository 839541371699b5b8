"""The embedded file's data version (ui/state.py data_version) is read once and kept until this
process writes: a write forgets it when it starts and when it is over, and a read a write began
during is not kept, so a figure never sits under the version of the data before a write."""

from __future__ import annotations

import datetime as dt
import threading

import streamlit as st

from inspection import plan
from ui import state


def test_the_version_is_kept_until_a_write_and_read_again_after_it(env_db, demo_copy):
    env_db(demo_copy)
    st.cache_resource.clear()
    before = state.data_version()
    assert state._file_versions[state.db_path()] == before  # kept: the next page reads it without a query
    assert state.data_version() == before
    with state.writer() as con:
        assert state.data_version() == before and not state._file_versions  # read, not kept, while writing
        plan.save(con, plan.Plan("*", dt.date(2024, 1, 1), dt.date(2028, 12, 31), 1.0), "tester")
        assert state.data_version() != before and not state._file_versions  # the write's own cursor sees it
    after = state.data_version()
    assert after != before and state._file_versions[state.db_path()] == after
    st.cache_resource.clear()


def test_a_read_a_write_began_during_is_not_kept(env_db, demo_copy, monkeypatch):
    env_db(demo_copy)
    st.cache_resource.clear()
    state.connection()
    reading, written = threading.Event(), threading.Event()
    real = state.connection()

    class Slow:  # the reader's query starts when the write has begun, and ends after it is over
        def __init__(self, cur):
            self.cur = cur

        def execute(self, *args):
            reading.set()
            written.wait(10)
            return self.cur.execute(*args)

    class Connection:
        def cursor(self):
            cur = real.cursor()
            return Slow(cur) if threading.current_thread().name == "reader" else cur

    monkeypatch.setattr(state, "connection", Connection)
    reader = threading.Thread(target=state.data_version, name="reader")
    reader.start()
    reading.wait(10)
    with state.writer() as con:
        plan.save(con, plan.Plan("*", dt.date(2024, 1, 1), dt.date(2029, 12, 31), 1.0), "tester")
    written.set()
    reader.join(10)
    assert not state._file_versions  # what the reader found may be from before the write: not kept
    st.cache_resource.clear()
