"""One declarative table of settings: name, default, help. Read from the environment.

A test checks that every setting here is documented in the README.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS = (
    Setting("INSPECTION_DB", str(ROOT / "data" / "inspection.duckdb"), "Path of the DuckDB store file."),
    Setting("INSPECTION_STORE", "embedded",
            "The store: `embedded` (the DuckDB file INSPECTION_DB) or `ducklake:postgres:<libpq conninfo>` "
            "(a DuckLake whose catalog is in PostgreSQL; see Deployment)."),
    Setting("INSPECTION_LAKE_DATA", "",
            "DuckLake only: the folder of the lake's Parquet files, mounted at the same path on every machine."),
    Setting("INSPECTION_MEMORY_LIMIT", "3GB",
            "Memory DuckDB may use per process (e.g. 3GB); beyond it, large imports spill to disk."),
    Setting("INSPECTION_DEMO", "1", "Build the demo store on first start when no store exists (1/0)."),
    Setting("INSPECTION_PLAN_START", "2024-01-01", "Default coverage plan start date."),
    Setting("INSPECTION_PLAN_END", "2026-12-31", "Default coverage plan end date."),
    Setting("INSPECTION_PLAN_TARGET", "1.0", "Default share of the roster to cover by the plan end (0..1)."),
    Setting("INSPECTION_LANG", "zh", "Default UI language: zh or en."),
    Setting("INSPECTION_USER", "", "Name recorded in the import log for command-line imports (default: the OS user)."),
    Setting("INSPECTION_USERS_FILE", str(ROOT / "data" / "users.toml"),
            "Users file (salted password hashes and roles; outside git), written by `add-user`."),
    Setting("INSPECTION_REQUIRE_LOGIN", "",
            "Viewing the dashboard itself requires a log-in: 1, 0 (anyone may view: warned about at start and "
            "on the page), or empty (the default): required once users are configured."),
    Setting("INSPECTION_IDLE_MINUTES", "30", "A log-in ends after this many minutes without activity."),
    Setting("INSPECTION_TLS_CERT", "", "PEM certificate file: start.sh serves HTTPS with it (and INSPECTION_TLS_KEY)."),
    Setting("INSPECTION_TLS_KEY", "", "PEM private key file of INSPECTION_TLS_CERT."),
    Setting("INSPECTION_BEHIND_TLS_PROXY", "0",
            "1: a reverse proxy terminates TLS in front of the app, so start.sh serves users beyond 127.0.0.1 "
            "without a certificate of its own."),
    Setting("INSPECTION_TRUSTED_PROXIES", "",
            "Comma-separated addresses of the reverse proxies whose X-Forwarded-For names the client "
            "(for auth.log and the per-source log-in limits); from anyone else the header is ignored."),
    Setting("INSPECTION_CLASSIFICATION", "内部资料 注意保存",
            "Classification line printed at the top of every exported page, slide and document "
            "(`0` prints none)."),
    Setting("INSPECTION_WATERMARK", "auto",
            "Watermark (the signed-in user's name and the date) tiled faintly over the briefing page in "
            "screenshot mode and every exported PNG, slide, PDF page and document: `1`, `0`, or `auto` "
            "(on once users are configured)."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> str:
    setting = _BY_NAME[name]
    value = os.environ.get(name, "").strip()
    return value or setting.default


def os_user(fallback: str) -> str:
    """The operating system's login name, or `fallback` where there is none (some containers)."""
    try:
        return getpass.getuser()
    except Exception:
        return fallback
