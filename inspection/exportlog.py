"""The export log: every download a dashboard generates (PNG, PPTX, PDF, DOCX, XLSX, CSV) is one row
of the store's table export_log (migration 3) — who, when, what and with which filters — written
when the file is generated. Administrators read it on the import page; `python -m inspection
exports-log` prints it. Only the signed-in user's name, the file name and the active filters go
in: never a description or anyone else's name. Never imports streamlit.

On a DuckLake each row is a commit of its own labelled EXPORT_COMMIT, so readers can tell such
snapshots from data changes (ui/state.data_version skips them: an export is no reason to recompute
the figures). A dashboard attaches the lake read-only, so it writes its rows through a writable
attach of its own, kept for the process (`lake_writer`).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from typing import Any

import duckdb
import pandas as pd

from . import lake
from .errors import StoreError
from .store import transaction

KINDS = ("png", "pptx", "pdf", "docx", "xlsx", "csv")
EXPORT_COMMIT = "export_log"
COLUMNS = ["exported_at", "exported_by", "kind", "page", "file_name", "filters"]
MAX_TEXT = 200


def filters_json(filters: Any) -> str:
    """The active filters (and the as-of date) as compact JSON; {} for none."""
    if filters is None:
        return "{}"
    active = dict(filters.active()) if hasattr(filters, "active") else dict(filters)
    if getattr(filters, "as_of", None) is not None:
        active["as_of"] = filters.as_of
    return json.dumps({k: list(v) if isinstance(v, (tuple, set, frozenset)) else v for k, v in active.items()},
                      ensure_ascii=False, default=str, sort_keys=True)


def record(con: duckdb.DuckDBPyConnection, user: str, kind: str, page: str, file_name: str,
           filters: Any = None, when: dt.datetime | None = None) -> None:
    """Append one row (its own transaction; on a DuckLake a commit labelled EXPORT_COMMIT) through
    `con`, a connection or a cursor of this thread's own. StoreError when the store cannot take it."""
    if kind not in KINDS:
        raise ValueError(f"unknown export kind: {kind}")
    row = [when or dt.datetime.now(), str(user or "")[:MAX_TEXT], kind, str(page or "")[:MAX_TEXT],
           str(file_name or "")[:MAX_TEXT], filters_json(filters)]
    with transaction(con, lambda reason: StoreError(f"导出记录无法写入：{reason}")):
        if lake.conninfo(con) is not None:
            catalog = con.execute("SELECT current_database()").fetchone()[0]
            con.execute("CALL ducklake_set_commit_message(?, ?, ?)", [catalog, row[1], EXPORT_COMMIT])
        con.execute("INSERT INTO export_log VALUES (?, ?, ?, ?, ?, ?)", row)


def open_writer(target: str) -> duckdb.DuckDBPyConnection:
    """A short-lived writable connection to the lake `target` for one row (no migration: the
    dashboard's own connection already needs the current schema). LakeError with the reason."""
    lake.ensure_extensions()
    # attached in an instance of its own: the process's read-only connection to the same lake would
    # refuse a second, writable one ("a different configuration than existing connections")
    con = duckdb.connect(config=lake.config())
    try:
        con.execute("ATTACH '{}' AS export_lake".format(target.replace("'", "''")))
        con.execute("USE export_lake")
        return con
    except duckdb.Error as exc:
        con.close()
        raise lake.LakeError(f"导出记录无法写入 DuckLake：{str(exc).splitlines()[0]}") from None


class LakeWriter:
    """One writable attach of a lake per process, opened on the first export and kept (opening one
    costs 1-2 s of loading the extensions and reaching PostgreSQL; a row then takes milliseconds).
    Rows are written one at a time; a failed write drops the connection and tries once more on a
    fresh one."""

    def __init__(self, target: str):
        self.target = target
        self.con: duckdb.DuckDBPyConnection | None = None
        self.lock = threading.Lock()

    def record(self, *args, **kwargs) -> None:
        with self.lock:
            for attempt in (1, 2):
                if self.con is None:
                    self.con = open_writer(self.target)
                try:
                    record(self.con, *args, **kwargs)
                    return
                except StoreError:
                    self.close_locked()
                    if attempt == 2:
                        raise

    def close_locked(self) -> None:
        if self.con is not None:
            try:
                self.con.close()
            except duckdb.Error:
                pass
            self.con = None


_writers: dict[str, LakeWriter] = {}
_writers_lock = threading.Lock()


def lake_writer(target: str) -> LakeWriter:
    """The process's LakeWriter for `target`."""
    with _writers_lock:
        if target not in _writers:
            _writers[target] = LakeWriter(target)
        return _writers[target]


def data_snapshot(con: duckdb.DuckDBPyConnection, current: int) -> int:
    """On a DuckLake: the newest snapshot up to `current` that is not an export-log commit (the
    version of the data the figures read; an export changes none of them). The oldest snapshot
    kept when only export commits are left after `maintain` expired the rest."""
    row = con.execute("SELECT coalesce(max(snapshot_id) FILTER (WHERE commit_message IS DISTINCT FROM ?), "
                      "min(snapshot_id)) FROM ducklake_snapshots(?) WHERE snapshot_id <= ?",
                      [EXPORT_COMMIT, con.execute("SELECT current_database()").fetchone()[0], current]).fetchone()
    return int(row[0] if row[0] is not None else current)


def list_exports(con: duckdb.DuckDBPyConnection, limit: int | None = 1000) -> pd.DataFrame:
    """The newest rows first (all with limit None); empty for a store from before the log."""
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'export_log' "
                         "AND database_name = current_database()").fetchone()[0]
    if not exists:
        return pd.DataFrame(columns=COLUMNS)
    return con.execute(f"SELECT {', '.join(COLUMNS)} FROM export_log ORDER BY exported_at DESC LIMIT ?",
                       [limit]).df()
