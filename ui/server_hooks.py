"""The one place that reaches into Streamlit's internals, for what its public options do not offer.
tests/test_security.py::test_the_streamlit_internals_these_hooks_use_are_still_there fails when an
upgrade moves any of them (then adapt this module; nothing else uses them). Streamlit 1.67.

- Uploads: Streamlit's endpoint PUT /_stcore/upload_file/<session id>/<file id> stores a file
  (up to server.maxUploadSize) for any session that has a WebSocket, before the app runs: an
  anonymous visitor could fill the server's memory. The endpoint asks `Runtime.is_active_session`
  whether the session exists, before it reads the body, and nothing else asks that method
  (streamlit/web/server/starlette/starlette_routes.py, create_upload_routes). The runtime's method
  is wrapped: a session may upload only while the app has said it may import (`allow_uploads`,
  called on every run with the session's role); any other session gets 400 and nothing is read.
- Metrics: /_stcore/metrics tells anyone the number of sessions and the memory of uploads and
  caches. Streamlit has no option to turn it off; its only source, the runtime's stats manager,
  is emptied, so the endpoint answers with no figures.
"""

from __future__ import annotations

import math
import threading
import time

from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

_lock = threading.Lock()
_uploads_until: dict[str, float] = {}  # session id -> time until which it may upload
_MARK = "_inspection_hooks"


def install() -> bool:
    """Wrap the runtime's upload check and empty its metrics (once per process). False when no
    runtime runs (AppTest, bare mode): nothing to protect."""
    if not Runtime.exists():
        return False
    runtime = Runtime.instance()
    with _lock:
        if getattr(runtime, _MARK, False):
            return True
        original = runtime.is_active_session

        def is_active_session(session_id: str) -> bool:
            return may_upload(session_id) and original(session_id)

        runtime.is_active_session = is_active_session
        stats = runtime.stats_mgr
        stats.get_stats = lambda *args, **kwargs: {}
        stats.registered_families = lambda: []
        setattr(runtime, _MARK, True)
    return True


def session_id() -> str | None:
    ctx = get_script_run_ctx()
    return getattr(ctx, "session_id", None)


def allow_uploads(allowed: bool, for_seconds: float = math.inf) -> None:
    """This run's session may (or may not) upload for the next `for_seconds`."""
    sid = session_id()
    if sid is None:
        return
    with _lock:
        if allowed:
            _uploads_until[sid] = time.time() + for_seconds
        else:
            _uploads_until.pop(sid, None)
        now = time.time()
        for stale in [s for s, until in _uploads_until.items() if until < now]:
            del _uploads_until[stale]


def may_upload(session_id: str) -> bool:
    with _lock:
        return _uploads_until.get(session_id, 0.0) > time.time()
