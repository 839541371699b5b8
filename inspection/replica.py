"""A dashboard's local copy of the DuckLake as of one snapshot, read instead of the lake (issue 22).

Every query on the lake first asks the catalog for the snapshot, each table's files and their
statistics (a dozen PostgreSQL round trips, ~30 ms even for a count) and then decodes Parquet:
the page queries took 2.2-3.3x the embedded file's time. The figures only change with a commit,
so a dashboard process copies the lake's tables as of the snapshot it shows into a DuckDB file of
its own, with the same views and macros, in the background, and reads that file once it is
complete. Until then, and from the moment a newer snapshot is the one to show, it reads the lake
itself (the same numbers, slower): a page never waits for a copy.

The copy holds what an embedded store file holds (the same tables), on the dashboard machine's
disk: in a folder `replicas/` beside INSPECTION_DB, owner-only permissions, named by machine,
process and snapshot; a process deletes its older copies as it switches and the copies of processes that are
gone when it starts. INSPECTION_LAKE_REPLICA=0 reads the lake directly.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import re
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from . import lake, settings, store

_log = logging.getLogger("inspection.replica")
_NAME = re.compile(r"^(.+)-(\d+)-(\d+)\.duckdb$")  # <host>-<pid>-<snapshot>.duckdb


def _host() -> str:
    """This machine, in the copies' names: a folder shared by mistake never loses another's copies."""
    return re.sub(r"[^A-Za-z0-9_.]", "_", socket.gethostname()) or "host"


def folder() -> Path:
    """Where this machine's dashboards keep their copies: beside INSPECTION_DB (as originals/)."""
    return Path(settings.get("INSPECTION_DB")).parent / "replicas"


def enabled() -> bool:
    return bool(settings.get("INSPECTION_LAKE_REPLICA"))


def build(target: str, snapshot: int, where: Path | None = None,
          opened: Callable[[duckdb.DuckDBPyConnection], None] = lambda con: None) -> Path:
    """Copy every table of the lake `target` as of `snapshot` into a new DuckDB file and define this
    release's views and macros on it; the file's path (written under a temporary name and renamed
    when complete, so a reader never opens half a copy). duckdb.Error / LakeError on failure.
    `opened` is handed the copying connection (to interrupt it when the process exits)."""
    from .store import LIVE_FILE, VIEWS_FILE  # store imports lake; this module is imported by readers

    where = where or folder()
    where.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = where / f"{_host()}-{os.getpid()}-{snapshot}.duckdb"
    partial = path.with_name(path.name + ".part")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    lake.ensure_extensions()
    old_umask = os.umask(0o077)
    try:
        con = duckdb.connect(str(partial), config=lake.config())
    finally:
        os.umask(old_umask)
    try:
        opened(con)
        con.execute(f"SET memory_limit = '{settings.get('INSPECTION_MEMORY_LIMIT')}'")
        con.execute(f"ATTACH '{target.replace(chr(39), chr(39) * 2)}' AS source "
                    f"(READ_ONLY, SNAPSHOT_VERSION {int(snapshot)})")
        tables = [row[0] for row in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'source' AND schema_name = 'main' "
            "ORDER BY table_name").fetchall()]
        for table in tables:  # in the lake's row order, which the sorted tables' zone maps rely on
            con.execute(f'CREATE TABLE main."{table}" AS SELECT * FROM source.main."{table}"')
        con.execute("DETACH source")
        con.execute(LIVE_FILE.read_text(encoding="utf-8"))
        con.execute(VIEWS_FILE.read_text(encoding="utf-8"))
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
    con.close()
    os.replace(partial, path)
    return path


def remove_orphans(where: Path | None = None) -> None:
    """Delete the copies (and half-written ones) of dashboard processes that are gone."""
    where = where or folder()
    if not where.is_dir():
        return
    for path in where.iterdir():
        found = _NAME.match(path.name.removesuffix(".wal").removesuffix(".part"))
        if found and found.group(1) == _host() and not _alive(int(found.group(2))):
            with contextlib.suppress(OSError):
                path.unlink()


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Reader:
    """The copy a process reads for a lake: `connection(snapshot)` is the open copy when it is of that
    snapshot, else None (and a copy of it is started in the background, one at a time)."""

    def __init__(self, target: str, where: Path | None = None) -> None:
        self.target = target
        self.where = where or folder()
        self._lock = threading.Lock()
        self._done = threading.Condition(self._lock)  # a copy finished or failed
        self._current: tuple[int, duckdb.DuckDBPyConnection, Path] | None = None
        self._previous: tuple[int, duckdb.DuckDBPyConnection, Path] | None = None
        self._building: int | None = None
        self._copying: duckdb.DuckDBPyConnection | None = None
        self._thread: threading.Thread | None = None
        self._failed: dict[int, float] = {}  # snapshot -> when its copy failed (not retried for a minute)
        remove_orphans(self.where)

    def connection(self, snapshot: int) -> duckdb.DuckDBPyConnection | None:
        with self._lock:
            if self._current is not None and self._current[0] == snapshot:
                return self._current[1]
            if self._building is None and time.monotonic() - self._failed.get(snapshot, -1e9) > 60:
                self._building = snapshot
                self._thread = threading.Thread(target=self._build, args=(snapshot,), name="lake-replica",
                                                daemon=True)
                self._thread.start()
                _readers.add(self)
        return None

    def build_now(self, snapshot: int) -> duckdb.DuckDBPyConnection:
        """Copy `snapshot` in this thread and read it from now on (the benchmark; a test)."""
        with self._lock:
            self._building = snapshot
        self._build(snapshot)
        found = self.connection(snapshot)
        if found is None:
            raise RuntimeError(f"the copy of snapshot {snapshot} failed (see the log)")
        return found

    def _build(self, snapshot: int) -> None:
        started = time.perf_counter()
        try:
            path = build(self.target, snapshot, self.where, opened=self._opened)
            con = duckdb.connect(str(path), read_only=True)
            con.execute(f"SET memory_limit = '{settings.get('INSPECTION_MEMORY_LIMIT')}'")
            store.query_threads(con)
        except Exception:  # noqa: BLE001 - the lake itself is read meanwhile; a page never sees this
            if not _exiting.is_set():
                _log.warning("copy of the lake at snapshot %s failed; reading the lake", snapshot, exc_info=True)
            with self._lock:
                self._copying = None
                self._failed[snapshot] = time.monotonic()
                self._building = None
                self._done.notify_all()
            return
        with self._lock:
            retired, self._previous = self._previous, self._current
            self._current, self._building, self._copying = (snapshot, con, path), None, None
            self._done.notify_all()
        _log.info("copy of the lake at snapshot %s ready in %.1f s", snapshot, time.perf_counter() - started)
        if retired is not None:  # two switches ago: no query started on it is still running
            _close(retired)

    def wait(self, snapshot: int, timeout: float) -> bool:
        """Wait until the copy of `snapshot` is read (True), or no copy is under way, or `timeout`."""
        with self._done:
            self._done.wait_for(lambda: (self._current is not None and self._current[0] == snapshot)
                                or self._building is None, timeout)
            return self._current is not None and self._current[0] == snapshot

    def _opened(self, con: duckdb.DuckDBPyConnection) -> None:
        with self._lock:
            self._copying = con
        if _exiting.is_set():
            con.interrupt()

    def stop(self) -> None:
        """Interrupt a copy under way and wait for its thread (at exit: DuckDB aborts the process
        when a thread is still inside a query as the interpreter goes down)."""
        with self._lock:
            copying, thread = self._copying, self._thread
        if copying is not None:
            with contextlib.suppress(duckdb.Error):
                copying.interrupt()
        if thread is not None:
            thread.join(30)

    def close(self) -> None:
        self.stop()
        with self._lock:
            held = [c for c in (self._previous, self._current) if c is not None]
            self._previous = self._current = None
        for item in held:
            _close(item)


_readers: set[Reader] = set()
_exiting = threading.Event()


@atexit.register
def _stop_copies() -> None:
    _exiting.set()
    for reader in list(_readers):
        reader.stop()
        with reader._lock:  # the open copies are left to the interpreter's exit; their files go now
            held = [c for c in (reader._previous, reader._current) if c is not None]
        for _, _, path in held:
            with contextlib.suppress(OSError):
                path.unlink()


def _close(item: tuple[int, duckdb.DuckDBPyConnection, Path]) -> None:
    _, con, path = item
    with contextlib.suppress(duckdb.Error):
        con.close()
    with contextlib.suppress(OSError):
        path.unlink()
