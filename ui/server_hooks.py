"""What the server does before the app's script sees a request, for what Streamlit's options do
not offer. `serve.py` (the entry start.sh runs) wraps the dashboard in `st.App` with `Guard`, a
plain ASGI middleware (public API). Streamlit 1.67.

- Uploads: Streamlit's endpoint PUT /_stcore/upload_file/<session id>/<file id> would store a file
  (up to server.maxUploadSize) for any session that has a WebSocket, before the app runs: an
  anonymous visitor could fill the server's memory. Guard answers 403 before the body is read
  unless the session may import (`allow_uploads`, called on every run with the session's role).
- Metrics: /_stcore/metrics tells anyone the number of sessions and the memory of uploads and
  caches; Streamlit has no option to turn it off. Guard answers 404.
- Headers: every HTTP response says it may not be framed (X-Frame-Options, CSP frame-ancestors),
  is not sniffed and sends no referrer; the README's proxy sends them too.

The one private API is `get_script_run_ctx` (the session id of a run, which st.context does not
give); tests/system/test_security.py::test_the_streamlit_internals_the_guard_uses_are_still_there fails
when an upgrade moves it.
"""

from __future__ import annotations

import math
import threading
import time

from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

_lock = threading.Lock()
_uploads_until: dict[str, float] = {}  # session id -> time until which it may upload

UPLOAD_PATH = "/_stcore/upload_file/"
METRICS_PATH = "/_stcore/metrics"
HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]


def session_id() -> str | None:
    """The session id of this script run (None outside a run)."""
    ctx = get_script_run_ctx()
    return getattr(ctx, "session_id", None)


def allow_uploads(allowed: bool, for_seconds: float = math.inf) -> None:
    """This run's session may (or may not) upload for the next `for_seconds`."""
    sid = session_id()
    if sid is None:
        return
    now = time.time()
    with _lock:
        if allowed:
            _uploads_until[sid] = now + for_seconds
        else:
            _uploads_until.pop(sid, None)
        for stale in [s for s, until in _uploads_until.items() if until < now]:
            del _uploads_until[stale]


def may_upload(session: str) -> bool:
    with _lock:
        return _uploads_until.get(session, 0.0) > time.time()


def _upload_session(path: str) -> str | None:
    """The session id of an upload URL (…/_stcore/upload_file/<session>/<file>), else None."""
    at = path.find(UPLOAD_PATH)
    if at < 0:
        return None
    return path[at + len(UPLOAD_PATH):].split("/", 1)[0]


class Guard:
    """ASGI middleware in front of Streamlit (see the module's text)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if path.endswith(METRICS_PATH):
            await _answer(send, 404, b"not found")
            return
        session = _upload_session(path)
        if session is not None and scope.get("method") in ("PUT", "POST", "DELETE") and not may_upload(session):
            await _answer(send, 403, b"uploads need a session that may import")
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _answer(send, status: int, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), *HEADERS]})
    await send({"type": "http.response.body", "body": body})
