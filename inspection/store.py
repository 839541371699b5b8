"""The DuckDB store: open, migrate, apply the views, run named queries.

Every reader goes through `run_query(con, name, params)`, which loads `queries/<name>.sql`
and binds named `$parameters` only; no SQL is ever built from a value a user chose.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path

import duckdb
import pandas as pd

from . import settings

PACKAGE_DIR = Path(__file__).resolve().parent
QUERIES_DIR = PACKAGE_DIR.parent / "queries"
SCHEMA_FILE = PACKAGE_DIR / "schema.sql"
VIEWS_FILE = QUERIES_DIR / "_views.sql"

# (version, file or SQL): append, never edit a released migration
MIGRATIONS: tuple[tuple[int, str], ...] = ((1, "schema.sql"), (2, "schema_002_plan.sql"))

_PARAM = re.compile(r"(?<![$\w])\$([A-Za-z_]\w*)")


class StoreError(Exception):
    """A problem with the store, with a message for the user (no traceback)."""


class QueryError(StoreError):
    pass


def store_path(path: str | Path | None = None) -> Path:
    return Path(path or settings.get("INSPECTION_DB"))


def _strip_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)


@functools.cache
def load_sql(name: str) -> str:
    path = QUERIES_DIR / f"{name}.sql"
    if not re.fullmatch(r"[a-z0-9_]+", name) or not path.is_file():
        raise QueryError(f"unknown query: {name}")
    return path.read_text(encoding="utf-8")


def query_params(name: str) -> set[str]:
    """The $names a query file binds."""
    return set(_PARAM.findall(_strip_comments(load_sql(name))))


def query_names() -> list[str]:
    return sorted(p.stem for p in QUERIES_DIR.glob("*.sql") if not p.stem.startswith("_"))


def connect(path: str | Path | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating and migrating when writable) the store; StoreError on any failure."""
    target = store_path(path)
    if read_only and not target.exists():
        raise StoreError(f"数据库文件不存在：{target}")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(target), read_only=read_only)
    except duckdb.IOException as exc:
        message = str(exc)
        if "lock" in message.lower():
            raise StoreError(
                f"数据库 {target} 正被另一个程序（例如正在运行的看板）占用。"
                "请关闭看板后再执行，或在看板的「数据导入」页面操作。"
            ) from None
        raise StoreError(f"无法打开数据库 {target}：{message.splitlines()[0]}") from None
    except duckdb.Error as exc:
        raise StoreError(
            f"数据库文件 {target} 已损坏或不是 DuckDB 文件：{str(exc).splitlines()[0]}。"
            f"请从备份恢复（{backup_dir(target)}），或删除后重新导入原始台账。"
        ) from None
    if not read_only:
        try:
            migrate(con)
        except duckdb.Error as exc:
            con.close()
            raise StoreError(f"数据库 {target} 无法升级：{str(exc).splitlines()[0]}") from None
    return con


def backup_dir(target: Path) -> Path:
    return target.parent / "backups"


def migrate(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER, applied_at TIMESTAMP)")
    current = con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]
    for version, source in MIGRATIONS:
        if version <= current:
            continue
        sql = (PACKAGE_DIR / source).read_text(encoding="utf-8")
        con.execute("BEGIN")
        try:
            con.execute(sql)
            con.execute("INSERT INTO schema_version VALUES (?, now())", [version])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    seed_plan(con)
    apply_views(con)


def seed_plan(con: duckdb.DuckDBPyConnection) -> None:
    """The default plan row ('*') comes from the settings until an administrator changes it."""
    con.execute(
        "INSERT INTO plan_settings SELECT '*', ?::DATE, ?::DATE, ?::DOUBLE, now()::TIMESTAMP, 'settings' "
        "WHERE NOT EXISTS (SELECT 1 FROM plan_settings WHERE district = '*')",
        [settings.get("INSPECTION_PLAN_START"), settings.get("INSPECTION_PLAN_END"),
         settings.get("INSPECTION_PLAN_TARGET")])


def apply_views(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(VIEWS_FILE.read_text(encoding="utf-8"))


def run_query(con: duckdb.DuckDBPyConnection, name: str, params: dict | None = None) -> pd.DataFrame:
    """Run queries/<name>.sql with the $parameters it names, taken from `params`.

    `params` may hold more keys than the query uses (the dashboard passes its whole filter
    state); every $name the file uses must be there.
    """
    params = params or {}
    wanted = query_params(name)
    missing = wanted - params.keys()
    if missing:
        raise QueryError(f"query {name} needs parameters {sorted(missing)}")
    bound = {key: _bindable(params[key]) for key in wanted}
    try:
        return con.cursor().execute(load_sql(name), bound).df()
    except duckdb.Error as exc:
        raise QueryError(f"查询 {name} 失败：{str(exc).splitlines()[0]}") from None


def _bindable(value: object) -> object:
    if isinstance(value, (tuple, set, frozenset)):
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def has_roster(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("SELECT count(*) FROM v_units").fetchone()[0])
