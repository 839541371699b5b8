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

import getpass
import ipaddress
import math

import streamlit as st

from inspection import auth, i18n

from . import state

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


PROXY_HEADERS = ("X-Forwarded-For", "X-Real-IP", "Forwarded", "X-Forwarded-Host")


def _is_local_client() -> bool:
    """Is the browser on this machine? st.context.ip_address is None for 127.0.0.1 / ::1, else the
    client's address (AppTest has no client: not a string, local). A request that came through a
    reverse proxy (which connects from 127.0.0.1 itself) is never local: its browser is elsewhere."""
    try:
        ip = st.context.ip_address
        headers = st.context.headers or {}
    except Exception:
        return False
    if any(headers.get(name) for name in PROXY_HEADERS):
        return False
    if not isinstance(ip, str):
        return True
    try:
        address = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or bool(mapped and mapped.is_loopback)


def local_mode() -> bool:
    """No user configured: the app is local-only."""
    return auth.local_only()


def current_role() -> str | None:
    """'admin', 'viewer' or None (nothing may be seen: log-in required and nobody logged in)."""
    if local_mode():
        return "admin" if _is_local_client() else ("viewer" if not auth.require_login() else None)
    role = st.session_state.get(ROLE_KEY)
    if role in auth.ROLES:
        if st.session_state.get(SOURCE_KEY) == "sso" and _sso_email() is None:
            _forget()  # signed out of the provider
        else:
            return role
    email = _sso_email()
    if email:
        sso_role = auth.role_for_sso(email)
        if sso_role:
            st.session_state[ROLE_KEY], st.session_state[USER_KEY] = sso_role, email
            st.session_state[SOURCE_KEY] = "sso"
            return sso_role
    return None if auth.require_login() else "viewer"


def current_user() -> str:
    """The name recorded in the import log: the logged-in user, else the local OS user."""
    name = st.session_state.get(USER_KEY)
    if name:
        return str(name)
    try:
        return getpass.getuser()
    except Exception:
        return "dashboard"


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
    for key in (ROLE_KEY, USER_KEY, SOURCE_KEY):
        st.session_state.pop(key, None)


def attempt(name: str, password: str) -> str | None:
    """Check a name and password; on success keep the role in the session. Returns a message on failure."""
    name = (name or "").strip()
    if not name or not password:
        return label("empty")
    remaining = auth.lockout_remaining(name)
    if remaining:
        return label("locked", minutes=max(1, math.ceil(remaining / 60)))
    try:
        ip = st.context.ip_address
        source = ip if isinstance(ip, str) else "127.0.0.1"
    except Exception:
        source = "?"
    role = auth.verify(name, password, source=source)
    if role is None:
        remaining = auth.lockout_remaining(name)
        if remaining:
            return label("locked", minutes=max(1, math.ceil(remaining / 60)))
        return label("wrong")
    st.session_state[ROLE_KEY], st.session_state[USER_KEY] = role, name
    st.session_state[SOURCE_KEY] = "password"
    return None


def _submit(form_key: str) -> None:
    """Form callback: runs before the page, so the whole run already sees the new role."""
    name = st.session_state.get(f"{form_key}_name", "")
    password = st.session_state.get(f"{form_key}_password", "")
    st.session_state[f"{form_key}_password"] = ""  # never kept in the session
    st.session_state[MESSAGE_KEY] = attempt(name, password)


def _logout() -> None:
    sso = st.session_state.get(SOURCE_KEY) == "sso"
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
            try:
                auth.load_users()
            except auth.AuthError as exc:
                side.error(label("users_file_error", lang, message=str(exc)))
        return
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
    st.title(label("login_title", lang))
    st.info(label("login_required", lang), icon="🔒")
    left, _ = st.columns([1, 2])
    login_form(left, "gate_login")
    st.stop()
