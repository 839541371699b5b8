"""One declarative table of settings: name, default, help, and how the written text is read (parse).
Read from the environment; every user of a setting gets its typed value from `get`, never the text.

A test checks that every setting here is documented in the README.
"""

from __future__ import annotations

import datetime as dt
import getpass
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import SettingsError, StoreError
from .i18n import LANGS

ROOT = Path(__file__).resolve().parent.parent
OFF = ("0", "off", "no", "none", "false", "-")  # a switch written as off (marks: classification, watermark)
ON = ("1", "on", "yes", "true")


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str
    # the written text (trimmed; the default when unset or empty) -> the value the code uses; a
    # ValueError is a SettingsError naming the setting
    parse: Callable[[str], Any] = str


def _one(text: str) -> bool:
    """1 is on, anything else off."""
    return text == "1"


def _switch(text: str) -> bool | None:
    """On (1, on, yes, true): True; off (0, off, no, none, false, -): False; else None ('auto')."""
    text = text.lower()
    return True if text in ON else False if text in OFF else None


def _login(text: str) -> bool | None:
    """1: True, 0: False (exactly: only 0 opens viewing), else None (required once users exist)."""
    return {"1": True, "0": False}.get(text)


def _lang(text: str) -> str:
    return text if text in LANGS else LANGS[0]


def _minutes(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 30.0  # as the default says


def _memory(text: str) -> str:
    """A size DuckDB understands (it is put into a SET statement): 3GB, 512MiB ..."""
    value = text.replace(" ", "")
    if not re.fullmatch(r"\d+(\.\d+)?(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", value, flags=re.IGNORECASE):
        raise StoreError(f"INSPECTION_MEMORY_LIMIT 无效：{value!r}（例如 3GB）")
    return value


def _threads(text: str) -> int:
    """A count of threads, 0 or more (0: DuckDB's own, one per core)."""
    value = int(text)
    if value < 0:
        raise ValueError(text)
    return value


def _addresses(text: str) -> frozenset[str]:
    return frozenset(p.strip() for p in text.split(",") if p.strip())


def _classification(text: str) -> str:
    return "" if text.lower() in OFF else text


SETTINGS = (
    Setting("INSPECTION_DB", str(ROOT / "data" / "inspection.duckdb"), "Path of the DuckDB store file.", Path),
    Setting("INSPECTION_STORE", "embedded",
            "The store: `embedded` (the DuckDB file INSPECTION_DB) or `ducklake:postgres:<libpq conninfo>` "
            "(a DuckLake whose catalog is in PostgreSQL; see Deployment)."),
    Setting("INSPECTION_LAKE_DATA", "",
            "DuckLake only: the folder of the lake's Parquet files, mounted at the same path on every machine."),
    Setting("INSPECTION_LAKE_REPLICA", "1",
            "DuckLake only: each dashboard process reads a local copy of the lake as of the snapshot it shows "
            "(folder `replicas/` beside INSPECTION_DB), made in the background after each import or undo; "
            "0 reads the lake itself (1/0).", _one),
    Setting("INSPECTION_MEMORY_LIMIT", "3GB",
            "Memory DuckDB may use per process (e.g. 3GB); beyond it, large imports spill to disk.", _memory),
    Setting("INSPECTION_QUERY_THREADS", "1",
            "Threads DuckDB gives each figure the dashboard and the reading commands compute (a page computes "
            "several side by side); imports, undo and rebuilds use every core. 0: every core for the figures too.",
            _threads),
    Setting("INSPECTION_DEMO", "1", "Build the demo store on first start when no store exists (1/0).", _one),
    Setting("INSPECTION_PLAN_START", "2024-01-01", "Default coverage plan start date.", dt.date.fromisoformat),
    Setting("INSPECTION_PLAN_END", "2026-12-31", "Default coverage plan end date.", dt.date.fromisoformat),
    Setting("INSPECTION_PLAN_TARGET", "1.0", "Default share of the roster to cover by the plan end (0..1).", float),
    Setting("INSPECTION_LANG", "zh", "Default UI language: zh or en.", _lang),
    Setting("INSPECTION_USER", "", "Name recorded in the import log for command-line imports (default: the OS user)."),
    Setting("INSPECTION_USERS_FILE", str(ROOT / "data" / "users.toml"),
            "Users file (salted password hashes and roles; outside git), written by `add-user`.", Path),
    Setting("INSPECTION_REQUIRE_LOGIN", "",
            "Viewing the dashboard itself requires a log-in: 1, 0 (anyone may view: warned about at start and "
            "on the page), or empty (the default): required once users are configured.", _login),
    Setting("INSPECTION_IDLE_MINUTES", "30", "A log-in ends after this many minutes without activity.", _minutes),
    Setting("INSPECTION_TLS_CERT", "", "PEM certificate file: start.sh serves HTTPS with it (and INSPECTION_TLS_KEY)."),
    Setting("INSPECTION_TLS_KEY", "", "PEM private key file of INSPECTION_TLS_CERT."),
    Setting("INSPECTION_BEHIND_TLS_PROXY", "0",
            "1: a reverse proxy terminates TLS in front of the app, so start.sh serves users beyond 127.0.0.1 "
            "without a certificate of its own.", _one),
    Setting("INSPECTION_TRUSTED_PROXIES", "",
            "Comma-separated addresses of the reverse proxies whose X-Forwarded-For names the client "
            "(for auth.log and the per-source log-in limits); from anyone else the header is ignored.", _addresses),
    Setting("INSPECTION_CLASSIFICATION", "内部资料 注意保存",
            "Classification line printed at the top of every exported page, slide and document "
            "(`0` prints none).", _classification),
    Setting("INSPECTION_WATERMARK", "auto",
            "Watermark (the signed-in user's name and the date) tiled faintly over the briefing page in "
            "screenshot mode and every exported PNG, slide, PDF page and document: `1`, `0`, or `auto` "
            "(on once users are configured).", _switch),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> Any:
    """The setting's value, typed by its parse (a SettingsError, or the kind its parse raises, when
    the written text cannot be read)."""
    setting = _BY_NAME[name]
    text = os.environ.get(name, "").strip() or setting.default
    try:
        return setting.parse(text)
    except ValueError:
        raise SettingsError(f"{name} 无效：{text!r}（{setting.help}）") from None


def os_user(fallback: str) -> str:
    """The operating system's login name, or `fallback` where there is none (some containers)."""
    try:
        return getpass.getuser()
    except Exception:
        return fallback
