"""Issue #23, safe on the office network: files for the owner only, originals under generated
names, log-in by default once users exist, costly hashes and refused weak passwords, limits per
source shared through the store, the proxy header trusted only from a configured proxy, local mode
only for localhost, uploads and metrics closed to sessions that may not use them, formula-safe
downloads, TLS and idle sessions in start.sh and the app. HTTP and WebSocket requests go to a real
server on 127.0.0.1 (tests/apprunner.py)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from ledgers import InputFile, fresh_store, inspections_csv, roster_csv, rows_of, run

from inspection import auth, importer

ROOT = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------- 9: owner-only files


def _modes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): stat.S_IMODE(p.stat().st_mode) for p in [folder, *folder.rglob("*")]}


def test_store_backups_originals_and_auth_log_are_for_the_owner_only(tmp_path):
    data = tmp_path / "data"
    files = tmp_path / "in"
    files.mkdir()
    (files / "roster.csv").write_bytes(roster_csv().data)
    env = {**os.environ, "INSPECTION_USERS_FILE": str(data / "users.toml"), "INSPECTION_DEMO": "0"}
    env.pop("INSPECTION_STORE", None)
    # a permissive umask in the calling shell does not matter: the package sets its own
    code = ("import os; os.umask(0o022); import runpy, sys; sys.argv = sys.argv[1:]; "
            "runpy.run_module('inspection', run_name='__main__')")
    done = subprocess.run([sys.executable, "-c", code, "inspection", "import", "--db", str(data / "store.duckdb"),
                           str(files / "roster.csv")], capture_output=True, text=True, cwd=ROOT, env=env)
    assert done.returncode == 0, done.stderr
    done = subprocess.run([sys.executable, "-c", "from inspection import auth; auth.verify('x', 'y')"],
                          capture_output=True, text=True, cwd=ROOT, env=env)
    assert done.returncode == 0, done.stderr
    modes = _modes(data)
    assert any(name.startswith("originals/") for name in modes) and "auth.log" in modes
    assert any(name.startswith("backups/") for name in modes), modes
    for name, mode in modes.items():
        path = data / name
        assert mode & 0o077 == 0, f"{name} is {oct(mode)}"
        assert mode == (0o700 if path.is_dir() else 0o600), f"{name} is {oct(mode)}"


# ---------------------------------------------------------------- 10: originals


@pytest.fixture
def con():
    yield from fresh_store()


def test_originals_get_generated_names_and_the_log_keeps_the_real_ones(con, tmp_path):
    long_name = "巡察" * 50 + ".csv"  # 100 Chinese characters: 300 bytes, beyond a file name's 255
    files = [InputFile(long_name, roster_csv().data), InputFile("col?.csv", inspections_csv().data)]
    result = run(con, *files, originals=tmp_path / "o")
    assert result.status == "imported"
    recorded = json.loads(rows_of(con, "SELECT files FROM imports")[0]["files"])
    assert [f["name"] for f in recorded] == [long_name, "col?.csv"]
    for item, entry in zip(files, recorded, strict=True):
        kept = Path(entry["stored_as"])
        assert kept.read_bytes() == item.data and kept.suffix == ".csv" and len(kept.name) < 40


def test_names_differing_only_in_unsafe_characters_keep_both_originals(con, tmp_path):
    files = [InputFile("col?.csv", roster_csv().data), InputFile("col*.csv", inspections_csv().data)]
    assert run(con, *files, originals=tmp_path / "o").status == "imported"
    kept = sorted(p.read_bytes() for p in (tmp_path / "o").rglob("*") if p.is_file())
    assert kept == sorted(f.data for f in files)


def test_a_failed_import_leaves_no_originals_folder(con, tmp_path, monkeypatch):
    def boom(con):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer, "refresh_rounds", boom)
    with pytest.raises(RuntimeError):
        run(con, roster_csv(), originals=tmp_path / "o")
    assert not list((tmp_path / "o").rglob("*"))


# ---------------------------------------------------------------- 1, 7: log-in default, hashes


@pytest.fixture
def users(tmp_path, monkeypatch):
    path = tmp_path / "users" / "users.toml"
    monkeypatch.setenv("INSPECTION_USERS_FILE", str(path))
    monkeypatch.delenv("INSPECTION_REQUIRE_LOGIN", raising=False)
    auth._failures.clear()
    yield path
    auth._failures.clear()
    auth.use_attempts(None)


def test_viewing_needs_a_log_in_by_default_once_users_exist(users, monkeypatch, fast_hashes):
    assert not auth.require_login(), "no users: local mode, served on 127.0.0.1"
    auth.add_user("admin", "a good long password", "admin")
    assert auth.require_login() and not auth.viewing_open()
    monkeypatch.setenv("INSPECTION_REQUIRE_LOGIN", "0")
    assert not auth.require_login() and auth.viewing_open()


def test_hashes_cost_2_17_and_an_old_hash_is_replaced_at_the_next_log_in(users, monkeypatch):
    auth.add_user("old", "an old long password", "viewer")
    assert "scrypt$131072$8$1$" in users.read_text(encoding="utf-8")
    monkeypatch.setattr(auth, "_SCRYPT", {"n": 2**14, "r": 8, "p": 1})
    auth.add_user("old", "an old long password", "viewer")
    monkeypatch.undo()
    monkeypatch.setenv("INSPECTION_USERS_FILE", str(users))
    assert "scrypt$16384$" in users.read_text(encoding="utf-8")
    assert auth.verify("old", "an old long password") == "viewer"
    text = users.read_text(encoding="utf-8")
    assert "scrypt$16384$" not in text and "scrypt$131072$" in text
    assert auth.verify("old", "an old long password") == "viewer"
    assert "re-hashed" in auth.log_path().read_text(encoding="utf-8")


def test_limits_per_source_across_names_and_per_name_across_sources(users, fast_hashes):
    auth.add_user("admin", "a good long password", "admin")
    now = 2_000_000.0
    for i in range(auth.SOURCE_FAILURES):  # one name after another from one source
        assert auth.verify(f"name{i}", "guess", now=now + i * 0.1, source="10.9.9.9") is None
    assert auth.lockout_remaining("someone else", now=now + 3, source="10.9.9.9") > 0
    assert auth.verify("admin", "a good long password", now=now + 3, source="10.9.9.9") is None
    assert auth.verify("admin", "a good long password", now=now + 3, source="10.0.0.1") == "admin"
    # many sources on one name: a short back-off for all, never longer than NAME_MAX_WAIT
    for i in range(auth.NAME_FAILURES + 5):
        auth.verify("admin", "guess", now=now + 100 + i * 0.01, source=f"10.1.{i // 250}.{i % 250}")
    wait = auth.lockout_remaining("admin", now=now + 101, source="10.0.0.1")
    assert 0 < wait <= auth.NAME_MAX_WAIT
    assert auth.verify("admin", "a good long password", now=now + 102 + auth.NAME_MAX_WAIT,
                       source="10.0.0.1") == "admin"


def test_counters_in_the_store_are_shared_by_every_connection(users, tmp_path, fast_hashes):
    import duckdb

    auth.add_user("admin", "a good long password", "admin")
    first, second = duckdb.connect(str(tmp_path / "s.duckdb")), None
    try:
        second = first.cursor()  # another process's view: only the table is shared
        auth.use_attempts(auth.StoreAttempts(lambda: first))
        for _ in range(auth.MAX_FAILURES):
            auth.verify("admin", "guess", source="10.0.0.9")
        auth.use_attempts(auth.StoreAttempts(lambda: second))
        auth._failures.clear()
        assert auth.lockout_remaining("admin", source="10.0.0.9") > 0
        assert auth.verify("admin", "a good long password", source="10.0.0.9") is None
    finally:
        auth.use_attempts(None)
        first.close()
