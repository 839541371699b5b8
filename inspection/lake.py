"""The store as a DuckLake: the catalog in PostgreSQL, the Parquet data in a shared folder.

Chosen by INSPECTION_STORE=ducklake:postgres:<libpq conninfo> (and INSPECTION_LAKE_DATA, the data
folder, mounted at the same path on every machine). The lake is opened as the connection's main
database, so every cursor of the process (one per dashboard thread) reads it without qualifying
names, and the same migrations, views and queries/ run unchanged.

Writers (imports, undo, migrations, maintenance) are serialised by a PostgreSQL advisory lock,
held in a transaction of a connection of their own: it is released when they finish or their
process dies. Readers need no lock: each query sees one committed snapshot.

The extensions come from the pip packages duckdb-extension-ducklake/-postgres (no network): they
are installed once into data/extensions from the packages' files and loaded by name.
"""

from __future__ import annotations

import datetime as dt
import glob
import importlib.util
import os
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from .errors import StoreError
from .settings import ROOT, os_user

PREFIX = "ducklake:postgres:"
EXTENSION_DIR = ROOT / "data" / "extensions"
PACKAGES = {"ducklake": "duckdb_extension_ducklake", "postgres_scanner": "duckdb_extension_postgres"}
LOCK_KEY = 7_318_801  # the one advisory lock key of this application's writers
_LOCK_SQL = f"SELECT pg_advisory_xact_lock({LOCK_KEY})"
_TRY_LOCK_SQL = f"SELECT pg_try_advisory_xact_lock({LOCK_KEY}) AS ok"
_HOLDER_SQL = ("SELECT a.application_name, a.client_addr::text, a.xact_start::text FROM pg_locks l "
               "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
               f"AND l.objid = {LOCK_KEY}")


class LakeError(StoreError):
    """A lake problem with a message for the user (a StoreError: pages and the CLI show it as such)."""


class LakeBusy(LakeError):
    """Another writer holds the lock and the caller chose not to wait."""


def spec(value: object) -> str | None:
    """The DuckLake target ('ducklake:postgres:...') when `value` names one, else None."""
    text = str(value or "").strip()
    return text if text.startswith(PREFIX) else None


# ---------------------------------------------------------------- extensions


def config() -> dict:
    return {"extension_directory": str(EXTENSION_DIR), "autoinstall_known_extensions": False,
            "autoload_known_extensions": True}


def _installed(name: str) -> bool:
    return bool(glob.glob(str(EXTENSION_DIR / f"v{duckdb.__version__}" / "*" / f"{name}.duckdb_extension")))


def ensure_extensions() -> None:
    """Install the extensions from their pip packages into data/extensions, once (no network)."""
    missing = [name for name in PACKAGES if not _installed(name)]
    if not missing:
        return
    EXTENSION_DIR.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config=config())
    try:
        for name in missing:
            found = importlib.util.find_spec(PACKAGES[name])
            files = []
            for folder in (found.submodule_search_locations or []) if found else []:
                files += glob.glob(os.path.join(folder, "extensions", f"v{duckdb.__version__}", "*.duckdb_extension"))
            if not files:
                raise LakeError(f"DuckDB 扩展 {PACKAGES[name]} 未安装或与 DuckDB {duckdb.__version__} 不匹配："
                                "请运行 scripts/setup.sh")
            con.execute(f"INSTALL '{_quote(files[0])}'")
    finally:
        con.close()


def _quote(text: str) -> str:
    return text.replace("'", "''")


# ---------------------------------------------------------------- open


def connect(target: str, data_path: str | None, read_only: bool,
            migrate: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
            alongside: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the lake as the main database. A writer creates the lake on first use (in `data_path`)
    and runs `migrate` under the writers' lock. duckdb.Error / LakeError on failure.

    `alongside`: the lake is attached in a DuckDB instance of its own. A dashboard holds the lake
    read-only, and DuckDB refuses a second connection to the same target with another configuration
    in the same process ("different configuration than existing connections"), so its import, undo
    and plan changes write through such an instance (~0.5 s to load the extensions)."""
    ensure_extensions()
    if not read_only:
        if not data_path:
            raise LakeError("使用 DuckLake 时必须设置 INSPECTION_LAKE_DATA（共享数据文件夹）")
        Path(data_path).mkdir(parents=True, exist_ok=True)
    if alongside:
        con = duckdb.connect(config=config())
        try:
            con.execute(f"ATTACH '{_quote(target)}' AS lake_writer" + (" (READ_ONLY)" if read_only else ""))
            con.execute("USE lake_writer")
        except BaseException:
            con.close()
            raise
        return _migrated(con, read_only, migrate)
    try:
        con = duckdb.connect(target, read_only=read_only, config=config())
    except duckdb.InvalidInputException as exc:
        # a writer on a new lake: DuckLake refuses to create it without a data path (each extra
        # DuckDB instance costs ~0.5 s of loading the extensions, so this is not done every time)
        if read_only or "data_path is not set" not in str(exc):
            raise
        boot = duckdb.connect(config=config())
        try:
            # creates the catalog and records the data folder (a no-op if another writer just did)
            boot.execute(f"ATTACH '{_quote(target)}' AS lake (DATA_PATH '{_quote(_folder(data_path))}')")
        finally:
            boot.close()
        con = duckdb.connect(target, read_only=read_only, config=config())
    return _migrated(con, read_only, migrate)


def _migrated(con: duckdb.DuckDBPyConnection, read_only: bool,
              migrate: Callable[[duckdb.DuckDBPyConnection], None] | None) -> duckdb.DuckDBPyConnection:
    if migrate is not None and not read_only:
        try:
            with write_lock(con, "migrate"):
                migrate(con)
        except BaseException:
            con.close()
            raise
    return con


def _folder(path: str) -> str:
    return path if path.endswith("/") else path + "/"


def conninfo(con: duckdb.DuckDBPyConnection) -> str | None:
    """The PostgreSQL conninfo of the lake `con` reads, or None for an embedded store."""
    row = con.execute("SELECT type, path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    if row and row[0] == "ducklake" and str(row[1] or "").startswith("postgres:"):
        return row[1][len("postgres:"):]
    return None


def _catalog(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("SELECT current_database()").fetchone()[0]


# ---------------------------------------------------------------- the writers' lock


def _who(user: str) -> str:
    text = f"inspection {user or os_user('?')} pid {os.getpid()} on {socket.gethostname()}"
    return re.sub(r"[^\w .:@-]", "_", text)[:60]


@contextmanager
def write_lock(con: duckdb.DuckDBPyConnection, user: str, wait: bool = True,
               notify: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the writers' advisory lock for the block (nothing to do for an embedded store).

    When another writer holds it, `notify` hears who, then this waits (or raises LakeBusy when
    `wait` is False). The lock lives in a PostgreSQL transaction of a connection of its own, so it
    is released at the end of the block and when this process dies."""
    info = conninfo(con)
    if info is None:
        yield
        return
    lock = duckdb.connect(config=config())
    try:
        try:
            lock.execute(f"ATTACH '{_quote(info)} application_name=''{_who(user)}''' AS pglock (TYPE postgres)")
        except duckdb.Error as exc:
            raise LakeError(f"无法连接 DuckLake 的 PostgreSQL 目录：{str(exc).splitlines()[0]}") from None
        lock.execute("BEGIN")
        got = lock.execute(f"SELECT ok FROM postgres_query('pglock', '{_quote(_TRY_LOCK_SQL)}')").fetchone()[0]
        if not got:
            rows = lock.execute(f"SELECT * FROM postgres_query('pglock', '{_quote(_HOLDER_SQL)}')").fetchall()
            holder = "；".join(f"{r[0]}（{r[1] or 'local'}，自 {str(r[2])[:19]}）" for r in rows) or "另一个进程"
            message = f"数据正在被另一个导入或维护任务修改：{holder}"
            if not wait:
                raise LakeBusy(message)
            if notify:
                notify(message + "；等待其完成……")
            lock.execute(f"CALL postgres_execute('pglock', '{_quote(_LOCK_SQL)}')")
        yield
    finally:
        try:
            lock.execute("ROLLBACK")
        except duckdb.Error:
            pass
        lock.close()


def commit_snapshot(con: duckdb.DuckDBPyConnection, message: str, user: str) -> str | None:
    """Inside a writer's transaction (under the lock): label the commit and return the id of the
    snapshot it will create. None for an embedded store."""
    if conninfo(con) is None:
        return None
    catalog = _catalog(con)
    con.execute("CALL ducklake_set_commit_message(?, ?, ?)", [catalog, user or "", message])
    last = con.execute("SELECT max(snapshot_id) FROM ducklake_snapshots(?)", [catalog]).fetchone()[0]
    return str(int(last or 0) + 1)


# ---------------------------------------------------------------- schema


def adapt_schema(sql: str) -> str:
    """A migration as the lake runs it: DuckLake has no PRIMARY KEY (uniqueness is the writers'
    job: imports.import_id is max + 1 under the lock, plan_settings is written by delete + insert)."""
    return re.sub(r"\s+PRIMARY\s+KEY\b", "", sql, flags=re.IGNORECASE)


# ---------------------------------------------------------------- maintenance


def maintain(con: duckdb.DuckDBPyConnection, expire_older_than: dt.timedelta = dt.timedelta(days=7),
             orphans_older_than: dt.timedelta = dt.timedelta(days=1),
             notify: Callable[[str], None] | None = None) -> dict[str, int]:
    """Compact small files, expire old snapshots, delete the files nobody needs any more.

    Runs under the writers' lock, so no import is writing files meanwhile; orphaned files (left by
    an import that was killed) and files of expired snapshots go once older than
    `orphans_older_than` (a reader still scanning an old snapshot keeps its files that long)."""
    if conninfo(con) is None:
        raise LakeError("maintain 只用于 DuckLake 存储（INSPECTION_STORE=ducklake:postgres:...）")
    catalog = _catalog(con)
    now = dt.datetime.now(dt.UTC)
    out = {}
    with write_lock(con, "maintain", notify=notify):
        out["merged"] = len(con.execute("CALL ducklake_merge_adjacent_files(?)", [catalog]).fetchall())
        out["expired_snapshots"] = len(con.execute(
            "CALL ducklake_expire_snapshots(?, older_than => ?)", [catalog, now - expire_older_than]).fetchall())
        out["deleted_old_files"] = len(con.execute(
            "CALL ducklake_cleanup_old_files(?, older_than => ?)", [catalog, now - orphans_older_than]).fetchall())
        out["deleted_orphans"] = len(con.execute(
            "CALL ducklake_delete_orphaned_files(?, older_than => ?)", [catalog, now - orphans_older_than]).fetchall())
    return out


# ---------------------------------------------------------------- a scratch PostgreSQL (tests, benchmark)


def postgres_bindir() -> Path | None:
    """The newest of Debian's PostgreSQL server binaries (package postgresql), or None."""
    def version(path: str) -> int:  # /usr/lib/postgresql/<version>/bin/initdb
        part = Path(path).parts[-3]
        return int(part) if part.isdigit() else 0

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version)
    return Path(found[-1]).parent if found else None


@contextmanager
def scratch_postgres(prefix: str = "lake-pg-") -> Iterator[Callable[[str], str]]:
    """A throwaway PostgreSQL for the tests and the benchmark, never for a deployment: initdb in a
    temp folder, trust authentication, a free loopback port, fsync off; run as the postgres user
    when root. Yields a function that creates a database and returns its libpq conninfo; stopped
    and removed at the end. LakeError when the binaries (or runuser, as root) are missing."""
    bindir = postgres_bindir()
    if bindir is None:
        raise LakeError("PostgreSQL binaries not installed (apt-get install postgresql)")
    root = os.geteuid() == 0
    if root and shutil.which("runuser") is None:
        raise LakeError("running as root without runuser: cannot start PostgreSQL as the postgres user")

    def run(*cmd: str, check: bool = True) -> None:
        full = ["runuser", "-u", "postgres", "--", *cmd] if root else list(cmd)
        done = subprocess.run(full, capture_output=True, text=True)
        if check and done.returncode:
            raise LakeError(f"{Path(cmd[0]).name} failed: {(done.stderr or done.stdout).strip()[-500:]}")

    folder = Path(tempfile.mkdtemp(prefix=prefix))
    os.chmod(folder, 0o755)
    if root:
        shutil.chown(folder, "postgres")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    db = str(folder / "db")
    try:
        run(str(bindir / "initdb"), "-D", db, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
        run(str(bindir / "pg_ctl"), "-D", db, "-l", str(folder / "log"), "-w", "-o",
            f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

        def new_database(name: str) -> str:
            run(str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", name)
            return f"dbname={name} host=127.0.0.1 port={port} user=postgres"

        yield new_database
    finally:
        if Path(db, "postmaster.pid").exists():
            run(str(bindir / "pg_ctl"), "-D", db, "-m", "immediate", "stop", check=False)
        shutil.rmtree(folder, ignore_errors=True)
