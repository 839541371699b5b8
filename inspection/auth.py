"""Who may do what: users, salted password hashes, roles, rate-limited log-in.

Users live outside git in a small TOML file (setting INSPECTION_USERS_FILE, default
data/users.toml), written by `python -m inspection add-user NAME --role admin|viewer`:

    [users."张三"]
    role = "admin"
    hash = "scrypt$16384$8$1$<salt hex>$<hash hex>"

An entry without `hash` is a single-sign-on user: `st.login` proves who they are, the file only
gives their role (`role_for_sso(email)`). Failed log-ins are counted per name (in this process)
and logged to auth.log next to the users file; after MAX_FAILURES within WINDOW_SECONDS the name
is locked until the window has passed. Never imports streamlit.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import threading
import time
import tomllib
from collections import defaultdict, deque
from dataclasses import dataclass
from pathlib import Path

from . import settings

ROLES = ("admin", "viewer")
# what each role may do; viewers see aggregates only (no issue descriptions or other free text)
PERMISSIONS = {
    "admin": frozenset({"view", "view_text", "import", "undo", "settings"}),
    "viewer": frozenset({"view"}),
}
MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60
MAX_PASSWORD_CHARS = 1024
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


class AuthError(Exception):
    """A problem with the users file or a user entry (a message for the administrator)."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    hash: str | None  # None: single sign-on only


# ---------------------------------------------------------------- hashing


def hash_password(password: str) -> str:
    """A salted scrypt hash with its parameters: scrypt$n$r$p$salt$hash (hex)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, **_SCRYPT, dklen=32)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    """Constant-time comparison of `password` against a hash made by hash_password."""
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                                dklen=len(expected) // 2, maxmem=64 * 1024 * 1024)
        return hmac.compare_digest(digest.hex(), expected)
    except (ValueError, TypeError):
        return False


# a hash to spend the same time on for unknown names, so timing does not tell which names exist
_DUMMY_HASH = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_hex(8))
    return _DUMMY_HASH


# ---------------------------------------------------------------- the users file


def users_file(path: str | Path | None = None) -> Path:
    return Path(path or settings.get("INSPECTION_USERS_FILE"))


def load_users(path: str | Path | None = None) -> dict[str, User]:
    """The users in the file ({} when there is no file). AuthError if the file cannot be read."""
    target = users_file(path)
    if not target.is_file():
        return {}
    try:
        document = tomllib.loads(target.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise AuthError(f"用户文件 {target} 无法读取：{exc}") from None
    users = {}
    for name, entry in (document.get("users") or {}).items():
        if not isinstance(entry, dict) or entry.get("role") not in ROLES:
            raise AuthError(f"用户文件 {target} 中用户「{name}」的角色无效（应为 admin 或 viewer）")
        users[name] = User(name, entry["role"], entry.get("hash") or None)
    return users


def users_configured(path: str | Path | None = None) -> bool:
    """True when at least one user can log in (by password or single sign-on)."""
    try:
        return bool(load_users(path))
    except AuthError:
        return False


def _toml_string(text: str) -> str:
    # a JSON string with ASCII escapes is a valid TOML basic string
    return json.dumps(text, ensure_ascii=True)


def validate_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 100 or any(ord(c) < 32 or c == "\x7f" for c in name):
        raise AuthError("用户名不能为空、不能超过 100 个字符、不能含控制字符")
    return name


def add_user(name: str, password: str | None, role: str, path: str | Path | None = None) -> Path:
    """Add or replace a user. password None: a single-sign-on user (role only). Returns the file."""
    name = validate_name(name)
    if role not in ROLES:
        raise AuthError("角色应为 admin 或 viewer")
    if password is not None and not 8 <= len(password) <= MAX_PASSWORD_CHARS:
        raise AuthError("密码至少 8 个字符")
    target = users_file(path)
    users = load_users(target)
    users[name] = User(name, role, hash_password(password) if password is not None else None)
    lines = ["# Users of the inspection dashboard. Written by `python -m inspection add-user`; keep out of git.", ""]
    for user in users.values():
        lines.append(f"[users.{_toml_string(user.name)}]")
        lines.append(f"role = {_toml_string(user.role)}")
        if user.hash:
            lines.append(f"hash = {_toml_string(user.hash)}")
        lines.append("")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write("\n".join(lines))
    os.replace(tmp, target)
    return target


# ---------------------------------------------------------------- log-in


class _Failures:
    """Failed log-ins per name within the window (in this process; the app is one process)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, deque[float]] = defaultdict(deque)

    def _recent(self, name: str, now: float) -> deque[float]:
        times = self.times[name]
        while times and now - times[0] > WINDOW_SECONDS:
            times.popleft()
        return times

    def remaining_lock(self, name: str, now: float) -> float:
        with self.lock:
            times = self._recent(name, now)
            if len(times) < MAX_FAILURES:
                return 0.0
            return max(0.0, WINDOW_SECONDS - (now - times[-MAX_FAILURES]))

    def add(self, name: str, now: float) -> int:
        with self.lock:
            times = self._recent(name, now)
            times.append(now)
            return len(times)

    def clear(self, name: str | None = None) -> None:
        with self.lock:
            if name is None:
                self.times.clear()
            else:
                self.times.pop(name, None)


_failures = _Failures()


def log_path(path: str | Path | None = None) -> Path:
    return users_file(path).parent / "auth.log"


def _log() -> logging.Logger:
    logger = logging.getLogger("inspection.auth")
    target = log_path().resolve()
    if not any(getattr(h, "baseFilename", None) == str(target) for h in logger.handlers):
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
            handler.close()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.FileHandler(target, encoding="utf-8")
        except OSError:
            handler = logging.NullHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger


def lockout_remaining(name: str, now: float | None = None) -> float:
    """Seconds until `name` may try again (0 when not locked)."""
    return _failures.remaining_lock(name, time.time() if now is None else now)


def verify(name: str, password: str, path: str | Path | None = None, now: float | None = None,
           source: str = "") -> str | None:
    """The role of `name` when `password` is right and the name is not locked; else None.

    Every failure is counted and logged (name, reason, `source` e.g. the client address).
    """
    now = time.time() if now is None else now
    shown = json.dumps(str(name)[:100], ensure_ascii=False)  # quoted: a name cannot forge log lines
    if lockout_remaining(name, now):
        _log().warning("login refused: locked name=%s source=%s", shown, source)
        return None
    try:
        user = load_users(path).get(name)
    except AuthError:
        user = None
    ok = False
    if user is not None and user.hash and len(password) <= MAX_PASSWORD_CHARS:
        ok = check_password(password, user.hash)
    else:
        check_password(password[:MAX_PASSWORD_CHARS], _dummy_hash())
    if ok:
        _failures.clear(name)
        _log().info("login ok name=%s role=%s source=%s", shown, user.role, source)
        return user.role
    count = _failures.add(name, now)
    reason = "unknown name" if user is None else ("sso-only user" if not user.hash else "wrong password")
    _log().warning("login failed name=%s reason=%s failures=%d source=%s", shown, reason, count, source)
    return None


def role_for_sso(email: str | None, path: str | Path | None = None) -> str | None:
    """The role of a user proven by single sign-on (st.login): the users file entry with that name."""
    if not email:
        return None
    try:
        user = load_users(path).get(email)
    except AuthError:
        return None
    return user.role if user else None


def can(role: str | None, action: str) -> bool:
    """May `role` do `action` (view, view_text, import, undo, settings)? No role: nothing."""
    return action in PERMISSIONS.get(role or "", frozenset())


def require_login() -> bool:
    """Setting INSPECTION_REQUIRE_LOGIN=1: viewing itself needs a log-in."""
    return settings.get("INSPECTION_REQUIRE_LOGIN") == "1"


def local_only() -> bool:
    """With no user configured the app must be served on 127.0.0.1 only (and say so)."""
    return not users_configured()


def server_address() -> str:
    """The address to serve on: 127.0.0.1 without users; else the office's choice (0.0.0.0)."""
    return "127.0.0.1" if local_only() else "0.0.0.0"
