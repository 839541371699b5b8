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
