"""One declarative table of settings: name, default, help. Read from the environment.

A test checks that every setting here is documented in the README.
"""

from __future__ import annotations

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
    Setting("INSPECTION_REQUIRE_LOGIN", "0", "Viewing the dashboard itself requires a log-in (1/0)."),
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
