"""Downloads that carry the marks and are logged: who is exporting (`who`), the marks of their
copies (`marks`), and `logged(...)`, the data generator of an st.download_button that makes the
file when it is clicked and writes one export_log row (inspection/exportlog.py).

The generator runs on the download's own thread, without the script's context: everything it
needs (user, filters, connection) is taken when the button is drawn. A row that cannot be written
(e.g. a DuckLake the dashboard cannot write to) does not stop the download; the reason is kept
(`last_failure`) and the export section and the administrators' log say so.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable

import streamlit as st

from inspection import auth, exportlog, i18n, store
from inspection import marks as marks_
from inspection.errors import StoreError

from . import auth as ui_auth
from . import state

_failure: dict[str, object] = {}
_failure_lock = threading.Lock()
_log = logging.getLogger("inspection.exports")


def who() -> str:
    """The name on a copy and in the log: the signed-in user; the local user in local mode; else
    访客 (guest) with the client's address."""
    if ui_auth.logged_in():
        return ui_auth.current_user()
    if ui_auth.local_mode() and ui_auth.current_role() == "admin":
        return ui_auth.current_user()
    try:
        ip = st.context.ip_address
    except Exception:
        ip = None
    guest = i18n.t("export_guest", "zh")
    return f"{guest} {ip}" if isinstance(ip, str) and ip else guest


def marks() -> marks_.Marks:
    """The marks of a copy made by this session now."""
    return marks_.current(who(), dt.date.today(), users_configured=not auth.local_only())


def logged(make: Callable[[], bytes], kind: str, page: str, file_name: str, filters=None) -> Callable[[], bytes]:
    """`make` as a download's data generator that also records the export when it runs."""
    user, path = who(), state.db_path()
    target = store.lake_target(path)
    con = None if target else state.connection()

    def generate() -> bytes:
        data = make()
        try:
            if target:
                exportlog.lake_writer(target).record(user, kind, page, file_name, filters)
            else:
                cursor = con.cursor()  # this thread's own (the process's connection is shared)
                try:
                    exportlog.record(cursor, user, kind, page, file_name, filters)
                finally:
                    cursor.close()
        except (StoreError, OSError) as exc:
            with _failure_lock:
                _failure.update(at=dt.datetime.now(), message=str(exc), file_name=file_name)
            _log.warning("export not logged: %s (%s)", exc, file_name)
        else:
            with _failure_lock:
                _failure.clear()
        return data

    return generate


def last_failure() -> dict | None:
    """When the last export of this process could not be logged: when, why and which file."""
    with _failure_lock:
        return dict(_failure) or None


def failure_note(lang: str) -> None:
    """A caption under a page's downloads when the last export could not be logged."""
    failure = last_failure()
    if failure:
        st.caption(i18n.t("export_not_logged", lang, at=f"{failure['at']:%H:%M:%S}", message=failure["message"]))
