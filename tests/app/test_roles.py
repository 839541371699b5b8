"""Roles in the running app (AppTest): viewers see aggregates only (no upload, undo, plan form or
issue descriptions), administrators see everything; a wrong password says so, a locked name says
so; INSPECTION_REQUIRE_LOGIN shows nothing but the log-in; no users configured = local mode; a
damaged store file is reported at start instead of the app."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from inspection import auth
from ui import auth as ui_auth

ROOT = Path(__file__).resolve().parents[2]
ADMIN, ADMIN_PW = "管理员甲", "admin password 1"
VIEWER, VIEWER_PW = "viewer1", "viewer password 1"
LOCAL_MESSAGE = "未配置管理员账号：本看板只在本机 127.0.0.1 提供服务，导入对本机用户开放"


@pytest.fixture
def users(tmp_path, monkeypatch, fast_hashes):
    """A users file with one administrator and one viewer."""
    path = tmp_path / "users" / "users.toml"
    monkeypatch.setenv("INSPECTION_USERS_FILE", str(path))
    # viewing open to anyone (warned about): these tests compare the roles; the default, a log-in
    # required once users exist, is tests/system/test_security.py's
    monkeypatch.setenv("INSPECTION_REQUIRE_LOGIN", "0")
    auth._memory.clear()
    auth.add_user(ADMIN, ADMIN_PW, "admin")
    auth.add_user(VIEWER, VIEWER_PW, "viewer")
    yield path
    auth._memory.clear()


@pytest.fixture
def no_users(tmp_path, monkeypatch):
    monkeypatch.setenv("INSPECTION_USERS_FILE", str(tmp_path / "nobody" / "users.toml"))


def clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def log_in(at: AppTest, name: str, password: str, form: str = "login") -> AppTest:
    at.text_input(key=f"{form}_name").input(name)
    at.text_input(key=f"{form}_password").input(password)
    next(b for b in at.button if b.label == ui_auth.label("login", "zh")).click()
    return at.run()


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "info", "warning", "error", "success", "title")
             for e in at.get(kind)]
    return "\n".join(str(p) for p in parts)


def has_descriptions(at: AppTest) -> bool:
    """The overdue list (st.table with a description column) is on the page."""
    return any("问题描述" in str(tbl.value.columns.tolist()) for tbl in at.table)


def test_viewer_sees_no_import_undo_plan_form_or_descriptions(make_app, users, demo_copy):
    at = make_app(demo_copy)
    clean(at)
    assert at.get("plotly_chart"), "an anonymous visitor is a viewer: the charts are there"
    log_in(at, VIEWER, VIEWER_PW)
    clean(at)
    assert "已登录：viewer1（查看者）" in texts(at)
    at.switch_page("pages/imports.py").run()
    clean(at)
    assert not at.get("file_uploader")
    assert not at.checkbox, "no undo confirmation"
    assert ui_auth.label("denied_import", "zh") in texts(at)
    assert LOCAL_MESSAGE not in texts(at)
    for frame in at.dataframe:  # the log without file names or who imported
        assert "文件" not in " ".join(map(str, frame.value.columns)) and "导入人" not in " ".join(
            map(str, frame.value.columns))
    at.switch_page("pages/followup.py").run()
    clean(at)
    assert not has_descriptions(at)
    assert not at.number_input, "no plan settings form"
    assert "仅管理员可查看逾期问题明细" in texts(at)


def test_admin_sees_import_undo_plan_form_and_descriptions(make_app, users, demo_copy):
    at = make_app(demo_copy)
    log_in(at, ADMIN, ADMIN_PW)
    clean(at)
    assert f"已登录：{ADMIN}（管理员）" in texts(at)
    at.switch_page("pages/imports.py").run()
    clean(at)
    assert at.get("file_uploader")
    assert at.checkbox, "the undo form"
    assert f"导入人：{ADMIN}" in texts(at)
    at.switch_page("pages/followup.py").run()
    clean(at)
    assert not has_descriptions(at), "the list is drawn only once its expander is opened"
    at.session_state["followup_overdue_list"] = True  # the administrator opens it
    at.run()
    clean(at)
    assert has_descriptions(at)
    assert at.number_input, "the plan settings form"
    # log out: a viewer again
    next(b for b in at.button if b.label == ui_auth.label("logout", "zh")).click().run()
    clean(at)
    assert not has_descriptions(at) and not at.number_input


def test_wrong_password_says_so_and_is_logged(make_app, users, demo_copy):
    at = make_app(demo_copy)
    log_in(at, ADMIN, "not the password")
    clean(at)
    assert ui_auth.label("wrong", "zh") in [e.value for e in at.error]
    assert "已登录" not in texts(at)
    assert "login failed" in auth.log_path().read_text(encoding="utf-8")
    assert at.session_state["login_password"] == "", "the password is not kept in the session"


def test_locked_name_is_refused_even_with_the_right_password(make_app, users, demo_copy):
    # four failures from this machine, as the app's attempts below, counted in the store (where
    # every dashboard process reads them) by another connection before the app starts
    con = duckdb.connect(str(demo_copy))
    try:
        auth.use_attempts(auth.StoreAttempts(lambda: con))
        for _ in range(auth.MAX_FAILURES - 1):
            assert auth.verify(ADMIN, "wrong", source="127.0.0.1") is None
    finally:
        auth.use_attempts(None)
        con.close()
    auth._memory.clear()  # nothing in this process's memory: the app reads the store's counters
    at = make_app(demo_copy)
    log_in(at, ADMIN, "wrong again")  # the last allowed failure locks the name
    assert any("连续登录失败次数过多" in e.value for e in at.error)
    log_in(at, ADMIN, ADMIN_PW)
    clean(at)
    assert any("连续登录失败次数过多" in e.value for e in at.error)
    assert "已登录" not in texts(at)
    at.switch_page("pages/imports.py").run()
    assert not at.get("file_uploader")


def test_require_login_shows_only_the_log_in(make_app, users, demo_copy, monkeypatch):
    monkeypatch.setenv("INSPECTION_REQUIRE_LOGIN", "1")
    at = make_app(demo_copy)
    clean(at)
    assert not at.get("plotly_chart") and not at.metric and not at.multiselect, "no figures, no filters"
    assert ui_auth.label("login_required", "zh") in [i.value for i in at.info]
    at.switch_page("pages/coverage.py").run()
    assert not at.get("plotly_chart") and not at.metric
    log_in(at, VIEWER, VIEWER_PW, form="gate_login")
    clean(at)
    assert at.get("plotly_chart") and at.multiselect


def test_no_users_is_local_mode_and_the_local_user_imports(make_app, no_users, demo_copy):
    at = make_app(demo_copy, page="pages/imports.py")
    clean(at)
    assert any(LOCAL_MESSAGE in i.value for i in at.info)
    assert at.get("file_uploader"), "the local user is the administrator"
    assert not [w for w in at.text_input if str(w.key).startswith("login")], "no log-in form in local mode"
    at.switch_page("pages/followup.py").run()
    at.session_state["followup_overdue_list"] = True  # the overdue list's expander opened
    assert has_descriptions(at.run())


def test_remote_client_in_local_mode_is_only_a_viewer(make_app, no_users, demo_copy, monkeypatch):
    """Should the server be exposed without users, a client from elsewhere cannot import."""
    monkeypatch.setattr(ui_auth, "_is_local_client", lambda: False)
    at = make_app(demo_copy, page="pages/imports.py")
    clean(at)
    assert not at.get("file_uploader")
    assert any(ui_auth.label("local_remote", "zh") in i.value for i in at.info)


def test_damaged_store_is_reported_at_start(make_app, no_users, demo_copy):
    data = bytearray(demo_copy.read_bytes())
    data[len(data) // 2: len(data) // 2 + 4096] = b"\xff" * 4096
    demo_copy.write_bytes(bytes(data[: len(data) * 2 // 3]))
    at = make_app(demo_copy)
    clean(at)
    assert at.error and ("已损坏或不完整" in at.error[0].value or "无法" in at.error[0].value)
    assert not at.get("plotly_chart")


@pytest.mark.parametrize("ip, headers, local", [
    (None, {}, True),                                   # a browser on this machine
    ("127.0.0.1", {}, True),
    ("10.1.2.3", {}, False),                            # a browser elsewhere
    (None, {"X-Forwarded-For": "10.1.2.3"}, False),     # through a reverse proxy on this machine
    (None, {"X-Real-IP": "10.1.2.3"}, False),
    (None, {"Forwarded": "for=10.1.2.3"}, False),
])
def test_only_a_browser_on_this_machine_is_local(monkeypatch, ip, headers, local):
    from types import SimpleNamespace

    monkeypatch.setattr(ui_auth, "st", SimpleNamespace(context=SimpleNamespace(ip_address=ip, headers=headers)))
    assert ui_auth._is_local_client() is local
