"""Users outside git, salted hashes, roles, rate-limited and logged log-ins, the add-user command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from inspection import auth, settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def users(tmp_path, monkeypatch):
    path = tmp_path / "data" / "users.toml"
    monkeypatch.setenv("INSPECTION_USERS_FILE", str(path))
    auth._memory.clear()
    yield path
    auth._memory.clear()


def test_no_users_means_local_only(users):
    assert not auth.users_configured()
    assert auth.local_only() and auth.server_address() == "127.0.0.1"
    assert auth.verify("admin", "whatever") is None


def test_add_user_writes_a_salted_hash_and_verify_returns_the_role(users):
    auth.add_user("张三", "correct horse", "admin")
    auth.add_user("viewer1", "another secret", "viewer")
    text = users.read_text(encoding="utf-8")
    assert "correct horse" not in text and "scrypt$" in text
    assert users.stat().st_mode & 0o077 == 0  # only the owner reads it
    assert auth.users_configured() and not auth.local_only()
    assert auth.verify("张三", "correct horse") == "admin"
    assert auth.verify("viewer1", "another secret") == "viewer"
    assert auth.verify("张三", "wrong password") is None
    assert auth.verify("nobody", "correct horse") is None


def test_the_same_password_gets_different_salts(fast_hashes):
    first, second = auth.hash_password("same password"), auth.hash_password("same password")
    assert first != second
    assert auth.check_password("same password", first) and auth.check_password("same password", second)
    assert not auth.check_password("same password", "garbage") and not auth.check_password("x", "")


def test_replacing_a_user_changes_the_password_and_role(users, fast_hashes):
    auth.add_user("lee", "first password", "admin")
    auth.add_user("lee", "second password", "viewer")
    assert auth.verify("lee", "first password") is None
    assert auth.verify("lee", "second password") == "viewer"


def test_hostile_user_names_round_trip_through_the_file(users, fast_hashes):
    for name in ['a"b', "x]\ny", "'; DROP TABLE users; --", "[users.evil]", "<script>"]:
        if "\n" in name:
            with pytest.raises(auth.AuthError):
                auth.add_user(name, "hostile names 1", "viewer")
            continue
        auth.add_user(name, "hostile names 1", "viewer")
        assert auth.verify(name, "hostile names 1") == "viewer"
    assert set(auth.load_users()) == {'a"b', "'; DROP TABLE users; --", "[users.evil]", "<script>"}


def test_bad_input_is_refused(users, fast_hashes):
    for weak in ("short", "password", "Password123!", "qwertyuiop", "aaaaaaaaaaaa", "administrator"):
        with pytest.raises(auth.AuthError):
            auth.add_user("x", weak, "admin")
    with pytest.raises(auth.AuthError):
        auth.add_user("zhangsan_long", "zhangsan_long", "admin")  # the name itself
    with pytest.raises(auth.AuthError):
        auth.add_user("x", "long enough", "root")
    with pytest.raises(auth.AuthError):
        auth.add_user("  ", "long enough", "admin")


def test_failures_back_off_that_source_not_the_owner_and_every_attempt_is_logged(users, fast_hashes):
    auth.add_user("admin", "the right one", "admin")
    now = 1_000_000.0
    for i in range(auth.MAX_FAILURES):
        assert auth.verify("admin", f"guess {i}", now=now + i, source="10.0.0.9") is None
    # that source backs off: even the right password is refused from it for a while, and logged
    assert auth.lockout_remaining("admin", now=now + 10, source="10.0.0.9") > 0
    assert auth.verify("admin", "the right one", now=now + 10, source="10.0.0.9") is None
    # the owner, elsewhere, is not kept out by a stranger's failures
    assert auth.lockout_remaining("admin", now=now + 10, source="10.0.0.1") == 0
    assert auth.verify("admin", "the right one", now=now + 10, source="10.0.0.1") == "admin"
    # a back-off, not a lock: after the wait the source may try again
    later = now + auth.MAX_FAILURES + auth.FIRST_WAIT + 1
    assert auth.verify("admin", "the right one", now=later, source="10.0.0.9") == "admin"
    assert auth.lockout_remaining("admin", now=later, source="10.0.0.9") == 0
    log = auth.log_path().read_text(encoding="utf-8")
    assert log.count("login failed") == auth.MAX_FAILURES
    assert log.count("login refused: backing off") == 1 and log.count("login ok") == 2
    assert "10.0.0.9" in log and "the right one" not in log and "guess" not in log


def test_a_name_cannot_forge_log_lines(users, fast_hashes):
    auth.verify("x\nERROR forged line", "pw")
    lines = auth.log_path().read_text(encoding="utf-8").splitlines()
    assert not any(line.startswith("ERROR forged") for line in lines)


def test_sso_users_have_a_role_but_no_password(users):
    auth.add_user("someone@office.example", None, "admin")
    assert auth.role_for_sso("someone@office.example") == "admin"
    assert auth.role_for_sso("other@office.example") is None and auth.role_for_sso(None) is None
    assert auth.verify("someone@office.example", "") is None


def test_roles():
    assert auth.can("admin", "import") and auth.can("admin", "view_text") and auth.can("admin", "undo")
    assert auth.can("viewer", "view") and not auth.can("viewer", "view_text") and not auth.can("viewer", "import")
    assert not auth.can(None, "view")


def test_require_login_setting(monkeypatch):
    monkeypatch.delenv("INSPECTION_REQUIRE_LOGIN", raising=False)
    assert not auth.require_login()
    monkeypatch.setenv("INSPECTION_REQUIRE_LOGIN", "1")
    assert auth.require_login()


def test_a_broken_users_file_is_an_error_not_a_crash(users):
    users.parent.mkdir(parents=True)
    users.write_text("[users.x\nrole = ", encoding="utf-8")
    with pytest.raises(auth.AuthError):
        auth.load_users()
    assert not auth.users_configured()
    assert auth.verify("x", "y") is None


def test_the_users_file_is_outside_git():
    default = Path(settings._BY_NAME["INSPECTION_USERS_FILE"].default)
    ignored = subprocess.run(["git", "check-ignore", "-q", str(default.relative_to(ROOT))], cwd=ROOT)
    assert ignored.returncode == 0


def test_add_user_command_reads_the_password_from_stdin(users):
    done = subprocess.run([sys.executable, "-m", "inspection", "add-user", "王五", "--role", "admin",
                           "--password-stdin"], input="stdin password\n", capture_output=True, text=True,
                          cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert auth.verify("王五", "stdin password") == "admin"
    done = subprocess.run([sys.executable, "-m", "inspection", "add-user", "赵六", "--role", "admin",
                           "--password-stdin"], input="short\n", capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 1 and "密码" in done.stderr and "Traceback" not in done.stderr
