"""A Streamlit client without a browser for the tests: one WebSocket session on /_stcore/stream
(the protocol's own protobuf messages), the text of everything its first run drew, and HTTP
requests beside it (e.g. an upload PUT while the session is connected).

`session(url, host=..., origin=..., headers=...)` connects to 127.0.0.1 whatever `host` names (as
a browser would after DNS rebinding) and sends those headers with the WebSocket's handshake."""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

_no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
XSRF_COOKIE = "_streamlit_xsrf"


def http(url: str, method: str = "GET", data: bytes | None = None, headers: dict | None = None,
         context=None) -> tuple[int, object, bytes]:
    """(status, headers, body) of one request; an HTTP error status is an answer, not an exception."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    opener = _no_proxy if context is None else urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context))
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def xsrf_token(url: str) -> str:
    """The XSRF cookie Streamlit hands out (with its health answer), sent back as cookie and header."""
    _, headers, _ = http(url + "/_stcore/health")
    for cookie in headers.get_all("Set-Cookie") or []:
        name, _, rest = cookie.partition("=")
        if name.strip() == XSRF_COOKIE:
            return rest.split(";", 1)[0]
    return ""


CUT_OFF = "connection closed while sending"  # the server answered and closed before reading the body


def upload(url: str, session_id: str, token: str, size: int = 1024) -> int | str:
    """PUT a file of `size` bytes to Streamlit's upload endpoint for `session_id`: the status, or
    CUT_OFF when the server closed the connection before taking the whole body."""
    boundary = "----inspectiontest"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n"
            "Content-Type: text/csv\r\n\r\n").encode() + b"x" * size + f"\r\n--{boundary}--\r\n".encode()
    try:
        status, _, _ = http(f"{url}/_stcore/upload_file/{session_id}/file1", "PUT", body,
                            {"Content-Type": f"multipart/form-data; boundary={boundary}",
                             "X-Xsrftoken": token, "Cookie": f"{XSRF_COOKIE}={token}"})
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, (ConnectionResetError, BrokenPipeError)):
            return CUT_OFF
        raise
    return status


@dataclass
class Run:
    session_id: str = ""
    texts: list[str] = field(default_factory=list)
    during: object = None  # what `during` returned
    downloaded: bytes | None = None  # the file of the download button `download` named

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


def session(url: str, *, host: str | None = None, origin: str | None = None, headers: dict | None = None,
            during: Callable[[str, str], object] | None = None, page: str = "", download: str | None = None,
            timeout: float = 240) -> Run:
    """Connect, run `page` (its URL name; the main page by default) once, call `during(session_id,
    xsrf token)` while still connected, click the download button labelled `download` (the file it
    generates is fetched as a browser would)."""
    return asyncio.run(_session(url, host, origin, headers or {}, during, page, download, timeout))


async def _session(url, host, origin, headers, during, page, download, timeout) -> Run:
    import websockets
    from google.protobuf import text_format
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    port = int(url.rsplit(":", 1)[1])
    token = await asyncio.to_thread(xsrf_token, url)
    extra = {"Cookie": f"{XSRF_COOKIE}={token}", **headers}
    run = Run()
    async with websockets.connect(f"ws://{host or f'127.0.0.1:{port}'}/_stcore/stream", host="127.0.0.1",
                                  port=port, origin=origin, subprotocols=["streamlit", token],
                                  additional_headers=extra, max_size=None, open_timeout=60) as ws:
        back = BackMsg()
        back.rerun_script.query_string = ""
        back.rerun_script.page_script_hash = ""
        back.rerun_script.page_name = page
        await ws.send(back.SerializeToString())
        file_id = None
        while True:
            message = ForwardMsg()
            message.ParseFromString(await asyncio.wait_for(ws.recv(), timeout))
            kind = message.WhichOneof("type")
            if kind == "new_session":
                run.session_id = message.new_session.initialize.session_id
            elif kind == "delta" and message.delta.new_element.WhichOneof("type") == "download_button":
                button = message.delta.new_element.download_button
                if download is not None and button.label == download:
                    file_id = button.deferred_file_id
            run.texts.append(text_format.MessageToString(message, as_utf8=True))
            if kind == "script_finished" and message.script_finished in (0, 1):  # the run's end, not a fragment's
                break
        if during is not None:
            run.during = await asyncio.to_thread(during, run.session_id, token)
        if file_id:
            request = BackMsg()
            request.backend_operation_request.request_id = "download-1"
            request.backend_operation_request.session_id = run.session_id
            request.backend_operation_request.deferred_file.file_id = file_id
            await ws.send(request.SerializeToString())
            while True:
                message = ForwardMsg()
                message.ParseFromString(await asyncio.wait_for(ws.recv(), timeout))
                if message.WhichOneof("type") == "backend_operation_response":
                    path = message.backend_operation_response.deferred_file.url
                    _, _, run.downloaded = await asyncio.to_thread(http, url + path)
                    break
    return run


async def _run(ws, states=None, page: str = "", timeout: float = 240):
    """One script run: (texts, widgets {label: (kind, id, is_submit)}) of what it drew."""
    from google.protobuf import text_format
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    back = BackMsg()
    back.rerun_script.page_name = page
    for widget in states or []:
        back.rerun_script.widget_states.widgets.append(widget)
    await ws.send(back.SerializeToString())
    texts, widgets, session_id = [], {}, ""
    while True:
        message = ForwardMsg()
        message.ParseFromString(await asyncio.wait_for(ws.recv(), timeout))
        kind = message.WhichOneof("type")
        if kind == "new_session":
            session_id = message.new_session.initialize.session_id
        elif kind == "delta":
            element = message.delta.new_element
            which = element.WhichOneof("type")
            if which in ("text_input", "button"):
                widget = getattr(element, which)
                widgets[widget.label] = (which, widget.id, getattr(widget, "is_form_submitter", False))
        texts.append(text_format.MessageToString(message, as_utf8=True))
        if kind == "script_finished" and message.script_finished in (0, 1):
            return "\n".join(texts), widgets, session_id


def log_in_and_reconnect(url: str, name: str, password: str, user_agent: str,
                         reconnects: list[str]) -> tuple[str, list[str]]:
    """Log in through the gate's form on a WebSocket sent with `user_agent`, close it, then come back
    with that session's id once per entry of `reconnects` (each a User-Agent): the texts drawn after
    the log-in and on each reconnection."""
    return asyncio.run(_log_in_and_reconnect(url, name, password, user_agent, reconnects))


async def _log_in_and_reconnect(url, name, password, user_agent, reconnects):
    import websockets
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    port = int(url.rsplit(":", 1)[1])
    token = await asyncio.to_thread(xsrf_token, url)

    def connect(agent: str, session_id: str | None = None):
        return websockets.connect(f"ws://127.0.0.1:{port}/_stcore/stream", origin=f"http://127.0.0.1:{port}",
                                  subprotocols=["streamlit", token, *([session_id] if session_id else [])],
                                  additional_headers={"Cookie": f"{XSRF_COOKIE}={token}", "User-Agent": agent},
                                  max_size=None, open_timeout=60)

    async with connect(user_agent) as ws:
        _, widgets, session_id = await _run(ws)
        states = []
        for label, value in (("用户名", name), ("密码", password)):
            state = WidgetState(id=widgets[label][1])
            state.string_value = value
            states.append(state)
        submit = next(w for w in widgets.values() if w[0] == "button" and w[2])
        states.append(WidgetState(id=submit[1], trigger_value=True))
        logged_in, _, _ = await _run(ws, states)
    after = []
    for agent in reconnects:
        async with connect(agent, session_id) as ws:
            text, _, _ = await _run(ws)
            after.append(text)
    return logged_in, after
