"""The Streamlit side of log-in: who is looking (`current_user`, `current_role`), the sidebar
log-in/log-out box, the gate when viewing itself needs a log-in, and `require(action)`.

Roles and passwords live in inspection/auth.py. Sources of a role, in order:
- no user configured: the app is local-only (served on 127.0.0.1) and the local user is an
  administrator; a client that is not on this machine (should the server be exposed anyway) is a
  viewer;
- a name/password log-in (auth.verify: rate limited and logged), kept in st.session_state;
- single sign-on (st.login / st.user) when .streamlit/secrets.toml has an [auth] section; the
  users file gives the role of the e-mail address;
- nobody logged in: a viewer, or nothing at all when INSPECTION_REQUIRE_LOGIN=1.
"""

from __future__ import annotations

import ipaddress
import math
import time

import streamlit as st

from inspection import auth, i18n, settings, store
from inspection.errors import InspectionError

from . import server_hooks, state

ROLE_KEY = "_auth_role"
USER_KEY = "_auth_user"
SOURCE_KEY = "_auth_source"  # "password" | "sso"
MESSAGE_KEY = "_auth_message"

# labels of this module (kept here until they move to inspection/i18n.py)


def label(key: str, lang: str | None = None, **values) -> str:
    """A log-in label from inspection.i18n, in the session's language."""
    return i18n.t(key, lang or state.lang(), **values)


# ---------------------------------------------------------------- who is looking


def sso_configured() -> bool:
    """True when .streamlit/secrets.toml has an [auth] section (st.login can be used)."""
    try:
        section = st.secrets.get("auth")
    except Exception:  # no secrets file, or an unreadable one: no single sign-on
        return False
    return bool(section)


def _sso_email() -> str | None:
    if not sso_configured():
        return None
    try:
        if not st.user.is_logged_in:
            return None
        return st.user.get("email") or None
    except Exception:
        return None


# any of these (even empty) means a proxy or another hop relayed the request: never the local user
PROXY_HEADERS = ("X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Port",
                 "X-Forwarded-Server", "X-Forwarded-Prefix", "X-Forwarded-Ssl", "X-Real-IP", "X-Client-IP",
                 "True-Client-IP", "CF-Connecting-IP", "Fastly-Client-IP", "X-Cluster-Client-IP",
                 "X-Original-Forwarded-For", "Client-IP", "Forwarded", "Via")
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]", "::1")


def _headers() -> dict[str, str]:
    try:
        headers = st.context.headers or {}
        return {str(k).lower(): str(v) for k, v in headers.items()}
    except Exception:
        return {}


def _local_host(value: str) -> bool:
    """Host header value (name[:port]) naming this machine by its loopback names."""
    host = value.strip().lower()
    if host.startswith("["):
        host = host[: host.find("]") + 1] if "]" in host else host
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host in LOCAL_HOSTS


def _local_origin(value: str) -> bool:
    """Origin header value (scheme://host[:port]) of a page served by this machine's loopback names."""
    scheme, sep, rest = value.strip().partition("://")
    return bool(sep) and scheme.lower() in ("http", "https") and "/" not in rest and _local_host(rest)


def foreign_host() -> bool:
    """The request names another host or origin than this machine's (DNS rebinding: a page of
    another site whose name now points at 127.0.0.1). AppTest has no request: not foreign."""
    headers = _headers()
    host, origin = headers.get("host"), headers.get("origin")
    return (host is not None and not _local_host(host)) or (origin is not None and not _local_origin(origin))


def _is_local_client() -> bool:
    """Is the browser on this machine? st.context.ip_address is None for 127.0.0.1 / ::1, else the
    client's address (AppTest has no client: not a string, local). A request that came through a
    reverse proxy (which connects from 127.0.0.1 itself) is never local: its browser is elsewhere,
    so any forwarding header, even empty, fails closed; so does a Host or Origin that is not
    localhost/127.0.0.1 (DNS rebinding)."""
    try:
        ip = st.context.ip_address
        headers = {str(k).lower() for k in (st.context.headers or {})}
    except Exception:
        return False
    if any(name.lower() in headers for name in PROXY_HEADERS) or foreign_host():
        return False
    if not isinstance(ip, str):
        return True
    try:
        address = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or bool(mapped and mapped.is_loopback)


def client_address() -> str:
    """The client's address for auth.log and the per-source log-in limits: the connection's peer,
    or the last X-Forwarded-For entry when the peer is a configured proxy
    (INSPECTION_TRUSTED_PROXIES); from anyone else the header is ignored (a caller can forge it)."""
    try:
        ip = st.context.ip_address
    except Exception:
        return "?"
    peer = ip if isinstance(ip, str) else "127.0.0.1"
    trusted = settings.get("INSPECTION_TRUSTED_PROXIES")
    if peer in trusted or (peer == "127.0.0.1" and trusted & {"127.0.0.1", "::1", "localhost"}):
        forwarded = [p.strip() for p in _headers().get("x-forwarded-for", "").split(",") if p.strip()]
        if forwarded:
            return forwarded[-1][:100]
    return peer


def local_mode() -> bool:
    """No user configured: the app is local-only."""
    return auth.local_only()


SEEN_KEY = "_auth_seen"  # time of the session's last run while logged in
CLIENT_KEY = "_auth_client"  # (address, user agent) at log-in: another connection does not inherit it


def _client_mark() -> list[str]:
    return [client_address(), _headers().get("user-agent", "")[:300]]


def current_role() -> str | None:
    """'admin', 'viewer' or None (nothing may be seen: log-in required and nobody logged in)."""
    if local_mode():
        if _is_local_client():
            return "admin"
        if foreign_host():  # a page of another site reaching this machine's app: nothing at all
            return None
        return "viewer" if not auth.require_login() else None
    role = st.session_state.get(ROLE_KEY)
    if role in auth.ROLES:
        if st.session_state.get(SOURCE_KEY) == "sso" and _sso_email() is None:
            _forget()  # signed out of the provider
        elif not _session_fresh():
            pass  # ended: idle too long, or the session id came back on another connection
        else:
            return role
    email = _sso_email()
    if email:
        sso_role = auth.role_for_sso(email)
        if sso_role:
            st.session_state[ROLE_KEY], st.session_state[USER_KEY] = sso_role, email
            st.session_state[SOURCE_KEY] = "sso"
            _mark_session()
            return sso_role
    return None if auth.require_login() else "viewer"


def idle_seconds() -> float:
    return max(1.0, settings.get("INSPECTION_IDLE_MINUTES") * 60)


def _mark_session() -> None:
    st.session_state[SEEN_KEY] = time.time()
    st.session_state[CLIENT_KEY] = _client_mark()


def _session_fresh() -> bool:
    """A logged-in session stays so while it is used from the connection that logged in; after
    INSPECTION_IDLE_MINUTES without a run, or from another address or browser (a replayed session
    id), it is logged out (and logged)."""
    now = time.time()
    seen = st.session_state.get(SEEN_KEY)
    why = None
    if not isinstance(seen, float) or now - seen > idle_seconds():
        why = "session ended: idle"
    elif list(st.session_state.get(CLIENT_KEY) or []) != _client_mark():
        why = "session ended: another connection"
    if why:
        auth.log_event(why, str(st.session_state.get(USER_KEY, "")), client_address())
        _forget()
        st.session_state[MESSAGE_KEY] = label("session_ended")
        return False
    st.session_state[SEEN_KEY] = now
    return True


def local_admin() -> bool:
    """The local administrator: no users configured and the browser on this machine."""
    return local_mode() and _is_local_client()


def store_error_text(exc: Exception, lang: str | None = None) -> str:
    """A store that cannot be opened: the reason (with paths and DuckDB's words) for the local
    administrator only; anyone else reads that it cannot be opened."""
    if local_admin():
        return label("store_error", lang, message=exc.message(lang or state.lang())
                     if isinstance(exc, InspectionError) else str(exc))
    return label("store_damaged_public", lang)


def protect_session() -> None:
    """Every run, first: Streamlit's upload endpoint accepts files from this session only while it
    may import (ui/server_hooks.Guard, in front of the app in serve.py); a log-in's permission ends
    with its idle time."""
    role = current_role()
    server_hooks.allow_uploads(auth.can(role, "import"), math.inf if local_mode() else idle_seconds())


def current_user() -> str:
    """The name recorded in the import log: the logged-in user, else the local OS user."""
    name = st.session_state.get(USER_KEY)
    if name:
        return str(name)
    return settings.os_user("dashboard")


def logged_in() -> bool:
    return bool(st.session_state.get(ROLE_KEY))


def allowed(action: str) -> bool:
    """May the current user do `action` (view, view_text, import, undo, settings)?"""
    return auth.can(current_role(), action)


def require(action: str) -> None:
    """Stop the page with a clear message when the current user may not do `action`."""
    if not allowed(action):
        st.warning(label(f"denied_{action}" if f"denied_{action}" in i18n.LABELS else "denied_view"), icon="🔒")
        st.stop()


# ---------------------------------------------------------------- log-in and log-out


def _forget() -> None:
    for key in (ROLE_KEY, USER_KEY, SOURCE_KEY, SEEN_KEY, CLIENT_KEY):
        st.session_state.pop(key, None)


def _use_shared_counters() -> None:
    """Failed log-ins are counted where every dashboard process sees them: a table in the store
    (embedded file: this process's connection), or in the DuckLake's PostgreSQL catalog."""
    path = state.db_path()
    auth.use_attempts(_shared_counter(path, bool(store.lake_target(path))))


@st.cache_resource(show_spinner=False)
def _shared_counter(path: str, lake: bool):
    if lake:
        return auth.lake_attempts(path)
    return auth.StoreAttempts(lambda: state.connection().cursor())


def attempt(name: str, password: str) -> str | None:
    """Check a name and password; on success keep the role in the session. Returns a message on failure."""
    name = (name or "").strip()
    if not name or not password:
        return label("empty")
    source = client_address()
    _use_shared_counters()
    role = auth.verify(name, password, source=source)  # logs every attempt, refused ones too
    if role is None:
        remaining = auth.lockout_remaining(name, source=source)
        if remaining:
            return label("locked", minutes=max(1, math.ceil(remaining / 60)))
        return label("wrong")
    st.session_state[ROLE_KEY], st.session_state[USER_KEY] = role, name
    st.session_state[SOURCE_KEY] = "password"
    _mark_session()
    return None


def _submit(form_key: str) -> None:
    """Form callback: runs before the page, so the whole run already sees the new role."""
    name = st.session_state.get(f"{form_key}_name", "")
    password = st.session_state.get(f"{form_key}_password", "")
    st.session_state[f"{form_key}_password"] = ""  # never kept in the session
    st.session_state[MESSAGE_KEY] = attempt(name, password)


def _logout() -> None:
    sso = st.session_state.get(SOURCE_KEY) == "sso"
    auth.log_event("logout", str(st.session_state.get(USER_KEY, "")), client_address())
    _forget()
    if sso:
        try:
            st.logout()
        except Exception:
            pass


def login_form(where, form_key: str = "login") -> None:
    """The name/password form (and the single sign-on button when configured) in `where`."""
    lang = state.lang()
    if sso_configured():
        if where.button(label("sso", lang), key=f"{form_key}_sso", width="stretch"):
            try:
                st.login()
            except Exception as exc:  # e.g. Authlib missing or a bad [auth] section
                where.error(label("sso_unavailable", lang, message=str(exc).splitlines()[0] if str(exc) else "?"))
        email = _sso_email()
        if email and not auth.role_for_sso(email):
            where.warning(label("sso_no_role", lang, email=email))
    with where.form(form_key, clear_on_submit=False, border=False):
        st.text_input(label("name", lang), key=f"{form_key}_name", max_chars=100)
        st.text_input(label("password", lang), type="password", key=f"{form_key}_password",
                      max_chars=auth.MAX_PASSWORD_CHARS)
        st.form_submit_button(label("login", lang), on_click=_submit, args=(form_key,), type="primary")
    message = st.session_state.pop(MESSAGE_KEY, None)
    if message:
        where.error(message)


def login_box() -> None:
    """The sidebar box: local mode, who is logged in with a log-out button, or the log-in form."""
    lang = state.lang()
    side = st.sidebar
    if local_mode():
        side.caption(label("local_mode", lang))
        if auth.users_file().is_file():
            from .errors import caught  # ui.errors imports ui.state, as this module does

            with caught(lang, label="users_file_error", stop=False, where=side):
                auth.load_users()
        return
    if auth.viewing_open():
        side.warning(label("viewing_open", lang), icon="⚠️")
    role = current_role()
    if logged_in() and role:
        side.caption(label("logged_in", lang, name=current_user(), role=label(f"role_{role}", lang)))
        side.button(label("logout", lang), on_click=_logout, key="logout_button")
        return
    with side.expander(label("login", lang), expanded=bool(st.session_state.get(MESSAGE_KEY))):
        login_form(st, "login")
    side.caption(label("anonymous", lang))


def gate() -> None:
    """When viewing needs a log-in and nobody is logged in: only the log-in form, then stop."""
    if current_role() is not None:
        return
    lang = state.lang()
    if local_mode():  # a page of another site (DNS rebinding) or a remote client with log-in required
        st.error(label("local_host_refused", lang), icon="🔒")
        st.stop()
    st.title(label("login_title", lang))
    st.info(label("login_required", lang), icon="🔒")
    left, _ = st.columns([1, 2])
    login_form(left, "gate_login")
    st.stop()
