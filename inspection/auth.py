"""Who may do what: users, salted password hashes, roles, rate-limited log-in.

Users live outside git in a small TOML file (setting INSPECTION_USERS_FILE, default
data/users.toml), written by `python -m inspection add-user NAME --role admin|viewer`:

    [users."张三"]
    role = "admin"
    hash = "scrypt$131072$8$1$<salt hex>$<hash hex>"

An entry without `hash` is a single-sign-on user: `st.login` proves who they are, the file only
gives their role (`role_for_sso(email)`). Every log-in attempt is logged to auth.log next to the
users file. Failed log-ins are counted in a small table that every process shares (`Attempts`: the
store, or PostgreSQL for a DuckLake; in memory until the app sets one) per (name, source), per
source and per name; past a few free failures each key backs off exponentially (no hard lock: a
stranger's failures slow the name down from everywhere by at most NAME_MAX_WAIT seconds, so they
cannot keep its owner out). Never imports streamlit.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import os
import secrets
import threading
import time
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from . import settings
from .errors import InspectionError

ROLES = ("admin", "viewer")
# what each role may do; viewers see aggregates only (no issue descriptions or other free text)
PERMISSIONS = {
    "admin": frozenset({"view", "view_text", "import", "undo", "settings"}),
    "viewer": frozenset({"view"}),
}
MAX_FAILURES = 5  # free failures of one name from one source within the window, then back-off
SOURCE_FAILURES = 20  # free failures from one source (any names), then back-off
NAME_FAILURES = 50  # free failures of one name from all sources, then a short back-off
WINDOW_SECONDS = 15 * 60  # failures older than this are forgotten
FIRST_WAIT = 30.0  # seconds after the last free failure; doubles with every further failure
MAX_WAIT = WINDOW_SECONDS  # longest back-off of a (name, source) or a source
NAME_MAX_WAIT = 60.0  # longest back-off of a name from all sources (its owner is never kept out longer)
MAX_PASSWORD_CHARS = 1024
MIN_PASSWORD_CHARS = 10
_SCRYPT = {"n": 2**17, "r": 8, "p": 1}  # OWASP 2023 minimum for scrypt
_SCRYPT_MAXMEM = 256 * 1024 * 1024  # n=2^17, r=8 needs 128 MiB
# refused as passwords whatever their length (with digits and punctuation appended or not)
COMMON_PASSWORDS = frozenset("""
password passw0rd p@ssw0rd p@ssword admin administrator root qwerty qwertyuiop asdfghjkl zxcvbnm
letmein welcome iloveyou monkey dragon master sunshine princess football baseball superman
trustno1 abc123 abcdef abcdefg 123456 1234567 12345678 123456789 1234567890 0123456789 111111
000000 666666 888888 112233 123123 654321 987654321 qazwsx 1qaz2wsx 1q2w3e4r zaq12wsx changeme
secret default guest test user login woaini wodemima mima aini1314 5201314 abc12345 a123456
qwe123 admin123 root123 test123 password1 iloveyou1 inspection xuncha dashboard
""".split())


class AuthError(InspectionError):
    """A problem with the users file or a user entry (a message for the administrator)."""

    title_key = "err_auth"


@dataclass(frozen=True)
class User:
    name: str
    role: str
    hash: str | None  # None: single sign-on only


# ---------------------------------------------------------------- hashing


def hash_password(password: str) -> str:
    """A salted scrypt hash with its parameters: scrypt$n$r$p$salt$hash (hex)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, **_SCRYPT, dklen=32, maxmem=_SCRYPT_MAXMEM)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    """Constant-time comparison of `password` against a hash made by hash_password."""
    try:
        scheme, n, r, p, salt, expected = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                                dklen=len(expected) // 2, maxmem=_SCRYPT_MAXMEM)
        return hmac.compare_digest(digest.hex(), expected)
    except (ValueError, TypeError):
        return False


def needs_rehash(stored: str) -> bool:
    """A hash made with a lower cost than today's (re-hashed at the next successful log-in)."""
    try:
        scheme, n, r, p, _salt, _hash = stored.split("$")
        return scheme != "scrypt" or (int(n), int(r), int(p)) < (_SCRYPT["n"], _SCRYPT["r"], _SCRYPT["p"])
    except ValueError:
        return True


def password_problem(password: str, name: str = "") -> str | None:
    """Why `password` may not be used (too short, too long, common, the name), or None."""
    if len(password) < MIN_PASSWORD_CHARS:
        return f"密码至少 {MIN_PASSWORD_CHARS} 个字符"
    if len(password) > MAX_PASSWORD_CHARS:
        return f"密码不能超过 {MAX_PASSWORD_CHARS} 个字符"
    folded = password.casefold()
    stem = folded.strip("0123456789!@#$%^&*._- ")
    if folded in COMMON_PASSWORDS or stem in COMMON_PASSWORDS or len(set(folded)) <= 2:
        return "密码过于常见或简单，请换一个"
    if name and name.strip().casefold() in (folded, stem):
        return "密码不能与用户名相同"
    return None


# a hash to spend the same time on for unknown names, so timing does not tell which names exist
_DUMMY_HASH = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_hex(8))
    return _DUMMY_HASH


# ---------------------------------------------------------------- the users file


def users_file(path: str | Path | None = None) -> Path:
    return Path(path) if path else settings.get("INSPECTION_USERS_FILE")


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
    if password is not None and (problem := password_problem(password, name)):
        raise AuthError(problem)
    target = users_file(path)
    users = load_users(target)
    users[name] = User(name, role, hash_password(password) if password is not None else None)
    return _write_users(users, target)


def _rehash(name: str, password: str, path: str | Path | None = None) -> None:
    """Store `name`'s hash again at today's cost (after a log-in proved `password`)."""
    target = users_file(path)
    users = load_users(target)
    user = users.get(name)
    if user is not None and user.hash and check_password(password, user.hash):
        users[name] = User(name, user.role, hash_password(password))
        _write_users(users, target)


def _write_users(users: dict[str, User], target: Path) -> Path:
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


class Attempts:
    """Failed log-ins per key (times), in this process: the fallback until the app sets a shared
    table (`StoreAttempts`), and the tests' counter."""

    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)

    def recent(self, keys: list[str], since: float) -> dict[str, tuple[int, float]]:
        """(count, last time) of each key's failures after `since`."""
        with self.lock:
            found = {}
            for key in keys:
                times = [t for t in self.times.get(key, ()) if t > since]
                if times:
                    found[key] = (len(times), max(times))
            return found

    def add(self, keys: list[str], now: float) -> None:
        with self.lock:
            for key in keys:
                times = self.times[key]
                times[:] = [t for t in times if now - t <= WINDOW_SECONDS] + [now]

    def clear(self, keys: list[str] | None = None) -> None:
        with self.lock:
            if keys is None:
                self.times.clear()
            for key in keys or ():
                self.times.pop(key, None)


class StoreAttempts:
    """The same counters in a table every process sees: `cursor()` gives a DuckDB cursor on the
    store (the embedded file) or on a connection with the DuckLake's PostgreSQL catalog attached;
    `table` is the table's qualified name. Writing a failure there never touches the data (no
    DuckLake snapshot, no change of the figures' data version)."""

    def __init__(self, cursor, table: str = "login_failures"):
        self.cursor, self.table = cursor, table
        self.ready = False

    def _con(self):
        con = self.cursor()
        if not self.ready:
            con.execute(f"CREATE TABLE IF NOT EXISTS {self.table} (key VARCHAR, failed_at DOUBLE)")
            self.ready = True
        return con

    def recent(self, keys: list[str], since: float) -> dict[str, tuple[int, float]]:
        rows = self._con().execute(
            f"SELECT key, count(*), max(failed_at) FROM {self.table} WHERE key IN (SELECT unnest(?)) AND failed_at > ? "
            "GROUP BY key", [keys, since]).fetchall()
        return {key: (int(count), float(last)) for key, count, last in rows}

    def add(self, keys: list[str], now: float) -> None:
        con = self._con()
        con.execute(f"INSERT INTO {self.table} SELECT unnest(?), ?", [keys, now])
        con.execute(f"DELETE FROM {self.table} WHERE failed_at < ?", [now - WINDOW_SECONDS])

    def clear(self, keys: list[str] | None = None) -> None:
        if keys is None:
            self._con().execute(f"DELETE FROM {self.table}")
        elif keys:
            self._con().execute(f"DELETE FROM {self.table} WHERE key IN (SELECT unnest(?))", [keys])


def lake_attempts(path: str | Path | None = None) -> StoreAttempts:
    """The counters of a DuckLake deployment: a table of the lake's PostgreSQL catalog database
    (public.inspection_login_failures), through one connection per process opened on first use.
    The lake itself stays read-only for the dashboard: a failure is no lake snapshot."""
    from . import lake, store

    target = store.lake_target(path) or ""
    info = target.split(":", 2)[2] if target.count(":") >= 2 else target
    held: dict[str, object] = {}
    lock = threading.Lock()

    def cursor():
        with lock:
            if "con" not in held:
                import duckdb

                lake.ensure_extensions()
                con = duckdb.connect(config=lake.config())
                con.execute(f"ATTACH '{info.replace(chr(39), chr(39) * 2)}' AS login_counters (TYPE postgres)")
                held["con"] = con
            return held["con"].cursor()

    return StoreAttempts(cursor, "login_counters.public.inspection_login_failures")


_memory = Attempts()
_attempts = _memory


def use_attempts(counter) -> None:
    """Count failures in `counter` (a StoreAttempts shared by every process; None: in memory)."""
    global _attempts
    _attempts = counter or _memory


def _counter_call(method: str, *args):
    """A counter operation; when the shared table fails (store busy or damaged) the in-memory
    counter of this process takes over, so log-ins stay limited."""
    try:
        return getattr(_attempts, method)(*args)
    except Exception as exc:  # duckdb.Error and whatever the catalog's driver raises
        if _attempts is _memory:
            raise
        _log().error("login counters unavailable, counting in this process: %s", str(exc).splitlines()[0][:200])
        return getattr(_memory, method)(*args)


def _keys(name: str, source: str) -> dict[str, tuple[int, float]]:
    """Each counter key and its (free failures, longest wait)."""
    shown = json.dumps([name, source], ensure_ascii=False)
    return {f"pair:{shown}": (MAX_FAILURES, MAX_WAIT), f"source:{json.dumps(source)}": (SOURCE_FAILURES, MAX_WAIT),
            f"name:{json.dumps(name, ensure_ascii=False)}": (NAME_FAILURES, NAME_MAX_WAIT)}


def _wait(count: int, free: int, longest: float) -> float:
    return 0.0 if count < free else min(longest, FIRST_WAIT * 2 ** (count - free))


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


def lockout_remaining(name: str, now: float | None = None, source: str = "") -> float:
    """Seconds until `name` may be tried again from `source` (0: now)."""
    now = time.time() if now is None else now
    keys = _keys(name, source)
    found = _counter_call("recent", list(keys), now - WINDOW_SECONDS)
    waits = [last + _wait(count, *keys[key]) - now for key, (count, last) in found.items()]
    return max([0.0, *waits])


def verify(name: str, password: str, path: str | Path | None = None, now: float | None = None,
           source: str = "") -> str | None:
    """The role of `name` when `password` is right and no counter asks to wait; else None.

    Every attempt is logged (name, outcome, `source` e.g. the client address), never the password.
    A right password with a hash of a lower cost than today's is re-hashed."""
    now = time.time() if now is None else now
    shown = json.dumps(str(name)[:100], ensure_ascii=False)  # quoted: a name cannot forge log lines
    source_shown = json.dumps(str(source)[:100])
    wait = lockout_remaining(name, now, source)
    if wait:
        _log().warning("login refused: backing off %ds name=%s source=%s", math.ceil(wait), shown, source_shown)
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
    keys = list(_keys(name, source))
    if ok:
        _counter_call("clear", keys[:1])  # this source's failures on this name
        _log().info("login ok name=%s role=%s source=%s", shown, user.role, source_shown)
        if needs_rehash(user.hash):
            try:
                _rehash(name, password, path)
                _log().info("password re-hashed at today's cost name=%s", shown)
            except (OSError, AuthError) as exc:
                _log().error("re-hashing failed name=%s: %s", shown, exc)
        return user.role
    _counter_call("add", keys, now)
    count = _counter_call("recent", keys[:1], now - WINDOW_SECONDS).get(keys[0], (1, now))[0]
    reason = "unknown name" if user is None else ("sso-only user" if not user.hash else "wrong password")
    _log().warning("login failed name=%s reason=%s failures=%d source=%s", shown, reason, count, source_shown)
    return None


def log_event(event: str, name: str, source: str = "") -> None:
    """A line in auth.log for a session event (logout, session ended by idle time)."""
    _log().info("%s name=%s source=%s", event, json.dumps(str(name)[:100], ensure_ascii=False),
                json.dumps(str(source)[:100]))


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
    """Viewing itself needs a log-in: INSPECTION_REQUIRE_LOGIN=1, or left empty (the default) once
    users are configured (start.sh then serves beyond 127.0.0.1). 0 opens viewing to anyone."""
    value = settings.get("INSPECTION_REQUIRE_LOGIN")
    return users_configured() if value is None else value


def viewing_open() -> bool:
    """Users are configured but INSPECTION_REQUIRE_LOGIN=0 lets anyone view (warned about)."""
    return settings.get("INSPECTION_REQUIRE_LOGIN") is False and users_configured()


def local_only() -> bool:
    """With no user configured the app must be served on 127.0.0.1 only (and say so)."""
    return not users_configured()


def server_address() -> str:
    """The address to serve on: 127.0.0.1 without users; else the office's choice (0.0.0.0)."""
    return "127.0.0.1" if local_only() else "0.0.0.0"
