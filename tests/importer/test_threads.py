"""INSPECTION_QUERY_THREADS: the threads DuckDB gives each figure (store.query_threads); a write on
such a connection takes every core back for its run (store.all_threads) and returns them, also when
it fails. The setting is the database instance's, so every cursor sees it."""

from __future__ import annotations

import duckdb
import pytest

from inspection import errors, settings, store


def threads(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT current_setting('threads')").fetchone()[0]


CORES = threads(duckdb.connect())


@pytest.mark.parametrize(("written", "expected"), [("", 1), ("1", 1), ("3", 3), ("0", CORES)])
def test_the_figures_get_the_setting_s_threads(tmp_path, monkeypatch, written, expected):
    monkeypatch.setenv("INSPECTION_QUERY_THREADS", written)
    con = store.query_threads(store.connect(tmp_path / "s.duckdb"))
    try:
        assert threads(con) == expected
        assert threads(con.cursor()) == expected  # the pages' cursors: the same instance
    finally:
        con.close()


@pytest.mark.parametrize("written", ["-1", "two", "1.5"])
def test_a_wrong_count_names_the_setting(monkeypatch, written):
    monkeypatch.setenv("INSPECTION_QUERY_THREADS", written)
    with pytest.raises(errors.SettingsError, match="INSPECTION_QUERY_THREADS"):
        settings.get("INSPECTION_QUERY_THREADS")


def test_a_write_takes_every_core_and_gives_them_back(tmp_path):
    con = store.query_threads(store.connect(tmp_path / "s.duckdb"))
    reader = con.cursor()
    try:
        with store.all_threads(con.cursor()) as cur:
            assert threads(cur) == CORES and threads(reader) == CORES
        assert threads(reader) == 1
        with pytest.raises(RuntimeError), store.all_threads(con.cursor()):
            raise RuntimeError("the import failed")
        assert threads(reader) == 1
    finally:
        con.close()


def test_the_reading_commands_read_on_the_figures_threads(tmp_path):
    store.connect(tmp_path / "s.duckdb").close()
    con, note = store.connect_reader(tmp_path / "s.duckdb")
    try:
        assert note is None and threads(con) == 1
    finally:
        con.close()
