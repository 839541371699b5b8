"""Rules written once (issue 17 item 4): each is defined in one place and every user reads it there."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from inspection import cli, contract, export, i18n
from inspection.filters import LEVELS, Filters

ROOT = Path(__file__).resolve().parents[2]


def test_the_levels_are_one_list_with_one_label_each():
    assert set(contract.LEVELS.values()) == set(LEVELS)  # every written synonym means one of them
    assert [i18n.value(level, "zh") for level in LEVELS] == ["市级", "县级"]
    assert [i18n.value(level, "en") for level in LEVELS] == ["Municipal", "County"]
    for command in ("metrics", "briefing"):  # the command line offers the same list
        sub = cli.parser()._subparsers._group_actions[0].choices[command]
        assert [tuple(a.choices) for a in sub._actions if a.dest == "level"] == [LEVELS]
    as_of = dt.date(2020, 12, 31)
    assert export.file_name("x", as_of, Filters(levels=("county",), as_of=as_of)) == "x_2020-12-31_县级.pptx"


def test_originals_are_kept_beside_the_store_and_the_folder_is_named_once(monkeypatch, tmp_path):
    from inspection import store

    monkeypatch.setenv("INSPECTION_DB", str(tmp_path / "main" / "inspection.duckdb"))
    monkeypatch.delenv("INSPECTION_STORE", raising=False)
    assert store.originals_dir() == tmp_path / "main" / "originals"
    assert store.originals_dir(tmp_path / "other" / "x.duckdb") == tmp_path / "other" / "originals"
    monkeypatch.setenv("INSPECTION_STORE", "ducklake:postgres:dbname=x")  # a lake: beside INSPECTION_DB
    assert store.originals_dir() == tmp_path / "main" / "originals"
    assert store.originals_dir("ducklake:postgres:dbname=y") == tmp_path / "main" / "originals"
    named = [p for p in ROOT.glob("*/*.py") if '"originals"' in p.read_text(encoding="utf-8")]
    assert named == [ROOT / "inspection" / "store.py"]


def test_without_a_login_name_the_os_user_falls_back(monkeypatch):
    import getpass

    from inspection import lake, settings

    def no_login():
        raise OSError("no login name")

    monkeypatch.setattr(getpass, "getuser", no_login)
    assert settings.os_user("cli") == "cli"
    assert lake._who("").startswith("inspection _ pid")  # "?", made safe
    monkeypatch.setattr(getpass, "getuser", lambda: "clerk")
    assert settings.os_user("cli") == "clerk"
    uses = [p for p in ROOT.glob("*/*.py") if "getpass.getuser" in p.read_text(encoding="utf-8")]
    assert uses == [ROOT / "inspection" / "settings.py"]


def test_settings_are_typed_once_where_they_are_declared(monkeypatch):
    import re

    import pytest

    from inspection import errors, settings

    for setting in settings.SETTINGS:  # every default reads
        monkeypatch.delenv(setting.name, raising=False)
        settings.get(setting.name)
    assert settings.get("INSPECTION_DEMO") is True and settings.get("INSPECTION_REQUIRE_LOGIN") is None
    assert settings.get("INSPECTION_PLAN_START") == dt.date(2024, 1, 1)
    assert settings.get("INSPECTION_PLAN_TARGET") == 1.0 and settings.get("INSPECTION_IDLE_MINUTES") == 30.0
    for name, text, value in [("INSPECTION_DEMO", "0", False), ("INSPECTION_LANG", "fr", "zh"),
                              ("INSPECTION_REQUIRE_LOGIN", "0", False), ("INSPECTION_REQUIRE_LOGIN", "off", None),
                              ("INSPECTION_WATERMARK", "Off", False), ("INSPECTION_WATERMARK", "yes", True),
                              ("INSPECTION_CLASSIFICATION", "none", ""), ("INSPECTION_IDLE_MINUTES", "x", 30.0),
                              ("INSPECTION_TRUSTED_PROXIES", " 10.0.0.1, ,::1 ", {"10.0.0.1", "::1"}),
                              ("INSPECTION_MEMORY_LIMIT", " 2 GB", "2GB"), ("INSPECTION_DB", " /x/y.duckdb ", Path("/x/y.duckdb"))]:
        monkeypatch.setenv(name, text)
        assert settings.get(name) == value, name
    monkeypatch.setenv("INSPECTION_PLAN_END", "2026-13-01")
    with pytest.raises(errors.SettingsError, match="INSPECTION_PLAN_END"):
        settings.get("INSPECTION_PLAN_END")
    monkeypatch.setenv("INSPECTION_MEMORY_LIMIT", "lots")
    with pytest.raises(errors.StoreError, match="INSPECTION_MEMORY_LIMIT"):
        settings.get("INSPECTION_MEMORY_LIMIT")
    # no module reads the environment or compares a setting's text but settings.py
    code = [p for p in ROOT.glob("*/*.py") if p.parts[-2] in ("inspection", "ui", "pages")]
    code += [ROOT / "dashboard.py", ROOT / "serve.py"]
    readers = [p.name for p in code if p.name != "settings.py"
               and re.search(r"os\.environ|getenv", p.read_text(encoding="utf-8"))]
    assert readers == ["export.py"]  # BROWSER_PATH, the variable kaleido's own browser lookup reads
    compared = [p.name for p in code
                if re.search(r"settings\.get\([^)]*\)\s*(==|!=|in\b|\.)", p.read_text(encoding="utf-8"))]
    assert not compared


def test_the_writers_lock_key_is_written_once():
    from inspection import lake

    source = (ROOT / "inspection" / "lake.py").read_text(encoding="utf-8")
    assert source.count("7_318_801") + source.count("7318801") == 1
    assert all(str(lake.LOCK_KEY) in sql for sql in (lake._LOCK_SQL, lake._TRY_LOCK_SQL, lake._HOLDER_SQL))


def test_one_transaction_rule_for_every_small_write():
    import duckdb
    import pytest

    from inspection import errors, store

    con = duckdb.connect()
    con.execute("CREATE TABLE t (x INTEGER)")
    with store.transaction(con):
        con.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(errors.StoreError, match="cannot write: .*Conversion"):
        with store.transaction(con, lambda reason: errors.StoreError(f"cannot write: {reason}")):
            con.execute("INSERT INTO t VALUES (2)")
            con.execute("INSERT INTO t VALUES ('two')")
    with pytest.raises(KeyError):  # any other failure goes on as it is, rolled back too
        with store.transaction(con, lambda reason: errors.StoreError(reason)):
            con.execute("INSERT INTO t VALUES (3)")
            raise KeyError("x")
    assert con.execute("SELECT list(x) FROM t").fetchone()[0] == [1]
    rollbacks = {name: (ROOT / "inspection" / name).read_text(encoding="utf-8").count('"ROLLBACK"')
                 for name in ("exportlog.py", "mappings.py", "plan.py", "store.py")}
    assert rollbacks == {"exportlog.py": 0, "mappings.py": 0, "plan.py": 0, "store.py": 1}


def test_every_chart_is_drawn_with_the_figures_own_template():
    """st.plotly_chart(theme=None) everywhere: Streamlit's chart theme would restyle a chart in the
    browser (then screen and PNG export differ) and draws each chart twice (its theme is applied again
    once the chart is drawn). inspection/charts.py TEMPLATE states the look."""
    import ast

    calls = []
    for path in [ROOT / "dashboard.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "plotly_chart":
                theme = next((k.value for k in node.keywords if k.arg == "theme"), None)
                calls.append((path.name, node.lineno, isinstance(theme, ast.Constant) and theme.value is None))
    assert calls and all(ok for *_, ok in calls), [c for c in calls if not c[2]]
