"""Issue #23, safe on the office network: files for the owner only, originals under generated
names, log-in by default once users exist, costly hashes and refused weak passwords, limits per
source shared through the store, the proxy header trusted only from a configured proxy, local mode
only for localhost, uploads and metrics closed to sessions that may not use them, formula-safe
downloads, TLS and idle sessions in start.sh and the app. HTTP and WebSocket requests go to a real
server on 127.0.0.1 (tests/support/apprunner.py)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from support.ledgers import InputFile, fresh_store, inspections_csv, roster_csv, rows_of, run

from inspection import auth, importer

ROOT = Path(__file__).resolve().parents[2]


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

    monkeypatch.setattr(importer.load, "refresh_rounds", boom)
    with pytest.raises(RuntimeError):
        run(con, roster_csv(), originals=tmp_path / "o")
    assert not list((tmp_path / "o").rglob("*"))


# ---------------------------------------------------------------- 1, 7: log-in default, hashes


@pytest.fixture
def users(tmp_path, monkeypatch):
    path = tmp_path / "users" / "users.toml"
    monkeypatch.setenv("INSPECTION_USERS_FILE", str(path))
    monkeypatch.delenv("INSPECTION_REQUIRE_LOGIN", raising=False)
    auth._memory.clear()
    yield path
    auth._memory.clear()
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
        auth._memory.clear()
        assert auth.lockout_remaining("admin", source="10.0.0.9") > 0
        assert auth.verify("admin", "a good long password", source="10.0.0.9") is None
    finally:
        auth.use_attempts(None)
        first.close()


# ---------------------------------------------------------------- over HTTP and WebSocket

HOSTILE = ROOT / "tests" / "hostile" / "hostile_names.csv"
REFUSED_HOST = "本看板只接受本机地址"
LOGIN_REQUIRED = "查看本看板需要先登录"


@pytest.fixture(scope="module")
def hostile_store(demo_db, tmp_path_factory) -> Path:
    """The demo city and the hostile names (=cmd|..., +1, @SUM...) as units nobody inspected yet."""
    import shutil

    from inspection import store

    db = tmp_path_factory.mktemp("hostile") / "store.duckdb"
    shutil.copy(demo_db, db)
    con = store.connect(db)
    try:
        assert importer.import_files(con, [InputFile(HOSTILE.name, HOSTILE.read_bytes())], "t").status == "imported"
    finally:
        con.close()
    return db


def _env(db: Path, users: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSPECTION_")}
    return {**env, "INSPECTION_DB": str(db), "INSPECTION_DEMO": "0", "INSPECTION_USERS_FILE": str(users), **extra}


def test_local_mode_over_http(hostile_store, tmp_path):
    """No users: the local browser is the administrator and uploads; a rebinding page, or anything
    relayed by a proxy (any forwarding header, even empty), is not; metrics are closed, framing is
    refused, and the coverage page's CSV has neutralised formulas."""
    from support import streamclient as sc
    from support.apprunner import running_app

    with running_app(_env(hostile_store, tmp_path / "none" / "users.toml"), script="serve.py") as url:
        port = url.rsplit(":", 1)[1]
        local = sc.session(url, during=lambda sid, token: sc.upload(url, sid, token))
        assert local.session_id and local.during in (200, 204), "the local administrator uploads"
        for host in (f"localhost:{port}", f"127.0.0.1:{port}"):
            assert sc.session(url, host=host, origin=f"http://{host}").text.count(REFUSED_HOST) == 0
        rebound = sc.session(url, host=f"evil.example:{port}", origin=f"http://evil.example:{port}",
                             during=lambda sid, token: sc.upload(url, sid, token))
        assert REFUSED_HOST in rebound.text and rebound.during == 403
        assert "plotly" not in rebound.text.lower(), "no figure for a page of another site"
        with pytest.raises(Exception, match="403"):  # another site's page on this host: Streamlit refuses it
            sc.session(url, origin="http://evil.example")
        for header in ("X-Forwarded-For", "X-Client-IP", "True-Client-IP", "Via", "X-Forwarded-Proto"):
            relayed = sc.session(url, headers={header: "" if header == "X-Forwarded-For" else "1.2.3.4"},
                                 during=lambda sid, token: sc.upload(url, sid, token))
            assert relayed.during == 403, f"{header}: not the local administrator"
        status, _, body = sc.http(url + "/_stcore/metrics")
        assert status == 404 and b"session" not in body
        status, headers, _ = sc.http(url + "/")
        assert status == 200 and headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        coverage = sc.session(url, page="coverage", download="下载清单（CSV）")
        text = coverage.downloaded.decode("utf-8-sig")
        cells = [cell for line in text.splitlines() for cell in line.split(",")]
        assert "'=cmd|' /C calc'!A0" in text or "'=cmd|'/Ccalc'!A0" in text
        assert "'+1" in cells and "'@SUM(A1:A9)" in cells
        assert not [c for c in cells if c[:1] in ("=", "+", "@")], "no cell starts a formula"


def test_log_in_is_required_once_users_exist_and_anonymous_sessions_cannot_upload(hostile_store, tmp_path):
    from support import streamclient as sc
    from support.apprunner import running_app

    users = tmp_path / "users" / "users.toml"
    auth.add_user("boss", "a long admin password", "admin", users)
    with running_app(_env(hostile_store, users), script="serve.py") as url:
        anonymous = sc.session(url, during=lambda sid, token: sc.upload(url, sid, token, size=4 * 1024 * 1024))
        assert LOGIN_REQUIRED in anonymous.text and "plotly" not in anonymous.text.lower()
        assert anonymous.during in (403, sc.CUT_OFF), "refused before the 4 MB body is read"
        assert sc.upload(url, "no-such-session", sc.xsrf_token(url)) == 403
    with running_app(_env(hostile_store, users, INSPECTION_REQUIRE_LOGIN="0"), script="serve.py") as url:
        opened = sc.session(url, during=lambda sid, token: sc.upload(url, sid, token))
        assert "INSPECTION_REQUIRE_LOGIN=0" in opened.text, "warned about on the page"
        assert LOGIN_REQUIRED not in opened.text and opened.during == 403, "a viewer: no uploads"


# ---------------------------------------------------------------- start.sh: TLS, refusals


def _start(env: dict[str, str], address: str | None = None) -> subprocess.Popen:
    if address:
        env = {**env, "ADDRESS": address}
    return subprocess.Popen(["bash", str(ROOT / "scripts" / "start.sh"), "--server.fileWatcherType", "none",
                             "--server.headless", "true"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def test_start_sh_refuses_plain_http_beyond_loopback_and_serves_tls(hostile_store, tmp_path):
    import ssl
    import time

    from support import streamclient as sc
    from support.apprunner import free_port

    users = tmp_path / "users" / "users.toml"
    env = _env(hostile_store, users, PORT=str(free_port()))
    refused = _start(env, "0.0.0.0")  # no users: local only
    out, _ = refused.communicate(timeout=300)
    assert refused.returncode == 2 and "127.0.0.1" in out
    auth.add_user("boss", "a long admin password", "admin", users)
    refused = _start(env)  # users, the default address 0.0.0.0, no certificate
    out, _ = refused.communicate(timeout=300)
    assert refused.returncode == 2 and "INSPECTION_TLS_CERT" in out and "Traceback" not in out
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=localhost"], check=True, capture_output=True)
    server = _start({**env, "INSPECTION_TLS_CERT": str(cert), "INSPECTION_TLS_KEY": str(key),
                     "INSPECTION_REQUIRE_LOGIN": "0"}, "127.0.0.1")
    context = ssl.create_default_context(cafile=str(cert))
    context.check_hostname = False
    try:
        url = f"https://127.0.0.1:{env['PORT']}"
        deadline = time.monotonic() + 180
        while True:
            try:
                if sc.http(url + "/_stcore/health", context=context)[2] == b"ok":
                    break
            except OSError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "start.sh did not serve HTTPS"
            time.sleep(0.5)
        assert sc.http(url + "/_stcore/metrics", context=context)[0] == 404, "start.sh serves serve.py"
        with pytest.raises(OSError):  # plain HTTP is not served
            sc.http(url.replace("https", "http") + "/_stcore/health")
    finally:
        server.terminate()
        out, _ = server.communicate(timeout=30)
    assert "INSPECTION_REQUIRE_LOGIN=0" in out, "the open setting is warned about at start"


def test_the_streamlit_internals_the_guard_uses_are_still_there():
    """ui/server_hooks.py: the session id of a run (private), st.App's middleware (public), and the
    paths Guard watches. When this fails after an upgrade, adapt ui/server_hooks.py."""
    import inspect

    import streamlit as st
    from streamlit.runtime.scriptrunner_utils import script_run_context
    from streamlit.web.server.starlette import starlette_routes

    from ui import server_hooks

    assert callable(script_run_context.get_script_run_ctx)
    assert "session_id" in inspect.signature(script_run_context.ScriptRunContext).parameters
    assert "middleware" in inspect.signature(st.App).parameters
    assert "/" + starlette_routes.BASE_ROUTE_UPLOAD_FILE.strip("/") + "/" == server_hooks.UPLOAD_PATH
    assert "/" + starlette_routes.ROUTE_METRICS.strip("/") == server_hooks.METRICS_PATH
    source = inspect.getsource(starlette_routes.create_upload_routes)
    assert "{session_id}" in source or "session_id" in source


# ---------------------------------------------------------------- sessions, proxies, local mode (in the app)

ADMIN, ADMIN_PW = "管理员甲", "admin password 1"


@pytest.fixture
def app_users(tmp_path, monkeypatch, env_db, demo_copy, fast_hashes):
    """The app (AppTest) on a demo copy with an administrator configured; log-in required."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    path = tmp_path / "users" / "users.toml"
    monkeypatch.setenv("INSPECTION_USERS_FILE", str(path))
    monkeypatch.delenv("INSPECTION_REQUIRE_LOGIN", raising=False)
    auth._memory.clear()
    auth.add_user(ADMIN, ADMIN_PW, "admin")
    env_db(demo_copy)
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    yield at
    auth._memory.clear()
    auth.use_attempts(None)
    st.cache_resource.clear()
    st.cache_data.clear()


def _gate_log_in(at, name: str, password: str):
    at.text_input(key="gate_login_name").input(name)
    at.text_input(key="gate_login_password").input(password)
    next(b for b in at.button if b.label == "登录").click()
    return at.run()


def _logged_in(at) -> bool:
    return any("已登录" in str(c.value) for c in at.caption)


def test_sessions_end_when_idle_on_another_connection_and_at_log_out_all_logged(app_users, monkeypatch):
    from ui import auth as ui_auth

    at = app_users
    assert not at.get("plotly_chart") and any("查看本看板需要先登录" in i.value for i in at.info)
    _gate_log_in(at, ADMIN, ADMIN_PW)
    assert _logged_in(at) and not at.exception
    # idle longer than INSPECTION_IDLE_MINUTES: the next run is logged out
    at.session_state[ui_auth.SEEN_KEY] = at.session_state[ui_auth.SEEN_KEY] - 31 * 60
    at.run()
    assert not _logged_in(at) and any("登录已结束" in e.value for e in at.error)
    # the session id replayed from another address or browser: logged out
    _gate_log_in(at, ADMIN, ADMIN_PW)
    assert _logged_in(at)
    at.session_state[ui_auth.CLIENT_KEY] = ["10.9.9.9", "another browser"]
    at.run()
    assert not _logged_in(at)
    # log-out
    _gate_log_in(at, ADMIN, ADMIN_PW)
    next(b for b in at.button if b.label == "退出登录").click().run()
    assert not _logged_in(at)
    log = auth.log_path().read_text(encoding="utf-8")
    assert "session ended: idle" in log and "session ended: another connection" in log and "logout name=" in log


def test_a_damaged_store_shows_no_path_to_a_visitor(app_users, demo_copy):
    import streamlit as st

    data = bytearray(demo_copy.read_bytes())
    demo_copy.write_bytes(bytes(data[: len(data) // 3]))
    st.cache_resource.clear()
    app_users.run()
    shown = " ".join(e.value for e in app_users.error)
    assert "数据库暂时无法打开" in shown
    assert str(demo_copy.parent) not in shown and "duckdb" not in shown.lower()


@pytest.mark.parametrize("ip, headers, local", [
    (None, {"Host": "localhost:8501", "Origin": "http://localhost:8501"}, True),
    (None, {"Host": "127.0.0.1:8501", "Origin": "http://127.0.0.1:8501"}, True),
    (None, {"Host": "[::1]:8501"}, True),
    (None, {"Host": "evil.example:8501", "Origin": "http://evil.example:8501"}, False),  # DNS rebinding
    (None, {"Host": "localhost:8501", "Origin": "http://evil.example"}, False),
    (None, {"X-Forwarded-For": ""}, False),                                            # empty still counts
    (None, {"X-Client-IP": "10.1.2.3"}, False),
    (None, {"True-Client-IP": "10.1.2.3"}, False),
    (None, {"Via": "1.1 proxy"}, False),
    (None, {"X-Forwarded-Proto": "https"}, False),
    (None, {"x-real-ip": "10.1.2.3"}, False),                                          # any case
])
def test_local_mode_only_for_localhost_and_closed_on_any_forwarding_header(monkeypatch, ip, headers, local):
    from types import SimpleNamespace

    from ui import auth as ui_auth

    monkeypatch.setattr(ui_auth, "st", SimpleNamespace(context=SimpleNamespace(ip_address=ip, headers=headers)))
    assert ui_auth._is_local_client() is local


@pytest.mark.parametrize("ip, headers, trusted, expected", [
    (None, {"X-Forwarded-For": "6.6.6.6"}, "", "127.0.0.1"),               # a local caller forging it
    ("10.0.0.5", {"X-Forwarded-For": "6.6.6.6"}, "", "10.0.0.5"),
    (None, {"X-Forwarded-For": "6.6.6.6, 10.1.2.3"}, "127.0.0.1", "10.1.2.3"),  # the proxy's own entry
    ("10.0.0.2", {"X-Forwarded-For": "10.1.2.3"}, "10.0.0.2", "10.1.2.3"),
    ("10.0.0.5", {"X-Forwarded-For": "10.1.2.3"}, "10.0.0.2", "10.0.0.5"),  # not the configured proxy
    ("10.0.0.2", {}, "10.0.0.2", "10.0.0.2"),
])
def test_the_forwarded_address_is_trusted_only_from_a_configured_proxy(monkeypatch, ip, headers, trusted, expected):
    from types import SimpleNamespace

    from ui import auth as ui_auth

    monkeypatch.setenv("INSPECTION_TRUSTED_PROXIES", trusted)
    monkeypatch.setattr(ui_auth, "st", SimpleNamespace(context=SimpleNamespace(ip_address=ip, headers=headers)))
    assert ui_auth.client_address() == expected


@pytest.mark.skipif(__import__("inspection.lake", fromlist=["x"]).postgres_bindir() is None,
                    reason="needs PostgreSQL binaries (the DuckLake catalog)")
@pytest.mark.timeout(180)
def test_on_a_ducklake_the_counters_live_in_the_catalog_database_for_every_process(users, fast_hashes, postgres):
    """Two dashboard processes of one DuckLake (each its own PostgreSQL connection) see the same
    failures: N processes do not allow N times the tries. The lake itself gets no snapshot."""
    auth.add_user("admin", "a good long password", "admin")
    spec = "ducklake:postgres:" + postgres("auth_counters")  # the session's PostgreSQL (conftest.py)
    first, second = auth.lake_attempts(spec), auth.lake_attempts(spec)
    auth.use_attempts(first)
    for _ in range(auth.MAX_FAILURES):
        assert auth.verify("admin", "guess", source="10.0.0.9") is None
    auth.use_attempts(second)
    assert auth.lockout_remaining("admin", source="10.0.0.9") > 0
    assert auth.verify("admin", "a good long password", source="10.0.0.9") is None
    assert auth.verify("admin", "a good long password", source="10.0.0.1") == "admin"
    assert "counters unavailable" not in auth.log_path().read_text(encoding="utf-8")


def test_a_session_id_replayed_from_another_client_does_not_get_the_log_in(hostile_store, tmp_path):
    """Over the WebSocket: a log-in survives its own browser's reconnection, but the same session id
    presented by another client (another User-Agent here; another address likewise) is logged out."""
    from support import streamclient as sc
    from support.apprunner import running_app

    users = tmp_path / "users" / "users.toml"
    auth.add_user("boss", "a long admin password", "admin", users)
    with running_app(_env(hostile_store, users), script="serve.py") as url:
        logged_in, (same, other, again) = sc.log_in_and_reconnect(
            url, "boss", "a long admin password", "Browser A", ["Browser A", "curl/8.0", "Browser A"])
    assert "已登录：boss" in logged_in
    assert "已登录：boss" in same, "the same browser reconnecting keeps its log-in"
    assert "已登录：boss" not in other and LOGIN_REQUIRED in other and "登录已结束" in other
    assert "已登录：boss" not in again, "and the log-in is gone for good"
    assert "session ended: another connection" in (users.parent / "auth.log").read_text(encoding="utf-8")


def test_the_tables_own_csv_export_is_off():
    """st.dataframe's toolbar CSV cannot neutralise formulas: client.disableDataExport (the pages'
    own downloads neutralise, tests above)."""
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs /usr/bin/chromium")
def test_a_logged_in_administrator_uploads_and_imports_in_a_browser_through_the_guard(hostile_store, tmp_path):
    """The guard lets the real thing through: Chromium, log-in at the gate, the import page, a file
    uploaded and imported (served by serve.py, as start.sh does)."""
    import shutil
    import time

    from playwright.sync_api import sync_playwright
    from support.apprunner import running_app

    db = tmp_path / "store.duckdb"
    shutil.copy(hostile_store, db)
    users = tmp_path / "users" / "users.toml"
    auth.add_user("boss", "a long admin password", "admin", users)
    with running_app(_env(db, users), script="serve.py") as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1800})
            page.set_default_timeout(150_000)
            page.goto(url, wait_until="domcontentloaded")
            page.get_by_label("用户名").fill("boss")
            page.get_by_label("密码").fill("a long admin password")
            page.get_by_role("button", name="登录").click()
            page.wait_for_selector("text=已登录：boss")
            page.locator('[data-testid="stSidebarNav"]').get_by_text("数据导入").click()
            page.wait_for_selector('[data-testid="stFileUploaderDropzoneInput"]', state="attached")
            time.sleep(1)
            page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
                files=[{"name": "名册.csv", "mimeType": "text/csv", "buffer": roster_csv().data}])
            page.get_by_text("名册.csv").first.wait_for()
            page.get_by_role("button", name="导入", exact=True).click()
            page.wait_for_selector("text=导入成功")
        finally:
            browser.close()
