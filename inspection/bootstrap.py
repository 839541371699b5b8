"""Build the demo store: generate the demo ledgers and import them through the real importer."""

from __future__ import annotations

import shutil
from pathlib import Path

from . import demo, importer, store
from .settings import ROOT

DEMO_DIR = ROOT / "data" / "demo"


def build_demo(db: Path, out_dir: Path | None = None) -> importer.ImportResult:
    """Replace the store at `db` with one holding the demo city. Raises StoreError if locked."""
    out_dir = out_dir or DEMO_DIR
    if out_dir.exists():
        shutil.rmtree(out_dir)
    paths = demo.generate(out_dir, scale="city")
    db = Path(db)
    tmp = db.with_name(db.name + ".building")
    tmp.unlink(missing_ok=True)
    con = store.connect(tmp)
    try:
        files = [importer.InputFile(p.name, p.read_bytes()) for p in paths]
        result = importer.import_files(con, files, "demo", store.originals_dir(db))
    finally:
        con.close()
    if result.status != "imported":
        tmp.unlink(missing_ok=True)
        raise store.StoreError(f"演示数据导入失败：{result.problems[:3]}")
    # swap in atomically; a running dashboard holding the old file keeps it until restart
    for suffix in ("", ".wal"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    tmp.rename(db)
    store.backup(db)  # what commands read while a dashboard holds the file (store.connect_reader)
    return result


def ensure_store(db: Path, demo_enabled: bool) -> None:
    """On first start with no store, build the demo store (when enabled); give a store without any backup
    its first. Never on a DuckLake."""
    if store.lake_target(db):
        return
    if not Path(db).exists() and demo_enabled:
        build_demo(Path(db))
    elif Path(db).is_file() and store.latest_backup(db) is None:
        # a store from before backups, or built by hand: commands read the backup while the
        # dashboard holds the file, so there must be one (a copy of the closed file, once)
        store.backup(db)
