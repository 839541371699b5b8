"""One issue file imported into a store already holding the other issue lists (issue 22's import target).

    .venv/bin/python bench/issue_import_bench.py --scale national [--code DIR] [--trace] [--keep]

Copies data/scale/<scale>.duckdb (--scale-dir) (built by bench/benchmark.py; never written) to a temporary file,
undoes the import of the largest issue file there (national: the benchmark imports that file
alone and bulk-loads the others; province: every issue file is one import, so the others are
imported again after the undo), records no appended rows for the derived tables (as if the store
had just been sorted), then imports the largest file again in a process of its own and prints its
wall and CPU seconds and the process's peak memory. `--code DIR`: import with the `inspection`
package of another checkout (old against new, alternating). `--trace`: also the CPU and wall of
each statement of store.refresh_derived over 0.05 s. A national copy is ~900 MB; it is deleted
afterwards unless --keep. Not a test: the figures move with the machine's load (printed).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCALE_DIR = ROOT / "data" / "scale"


def _package(code: Path):
    sys.path.insert(0, str(code))
    from inspection import importer, readers, store  # noqa: PLC0415
    from inspection.importer import load  # noqa: PLC0415

    return importer, readers, store, load


def _import(importer, readers, con, paths: list[Path]) -> tuple[float, float, int]:
    limits = readers.Limits(max_bytes=512 * 1024 * 1024, max_rows=2_000_000)
    files = [importer.InputFile(p.name, p.read_bytes()) for p in paths]
    wall, cpu = time.perf_counter(), time.process_time()
    result = importer.import_files(con, files, "bench", None, limits)
    if result.status != "imported":
        raise SystemExit(f"import of {[p.name for p in paths]}: {result.status} {result.problems[:3]}")
    return time.perf_counter() - wall, time.process_time() - cpu, result.added


def prepare(scale_dir: Path, scale: str, db: Path) -> Path:
    """The copy without the largest issue file's rows; returns that file."""
    importer, readers, store, load = _package(ROOT)
    files = sorted((scale_dir / scale).glob("03_*.csv"))
    largest = max(files, key=lambda p: p.stat().st_size)
    shutil.copy(scale_dir / f"{scale}.duckdb", db)
    con = store.connect(db)
    undone = []
    for import_id, names in con.execute("SELECT import_id, files FROM imports WHERE status = 'active' "
                                        "ORDER BY import_id").fetchall():
        names = [f["name"] for f in json.loads(names)]
        if largest.name in names:
            load.undo(con, import_id, "bench")
            undone += [n for n in names if n != largest.name]
    if undone:
        _import(importer, readers, con, [p for p in files if p.name in undone])
    con.execute("UPDATE derived_appends SET appended = 0")
    con.execute("CHECKPOINT")
    con.close()
    return largest


def run(code: Path, db: Path, path: Path, trace: bool) -> dict:
    importer, readers, store, _ = _package(code)
    con = store.connect(db)
    lines: list[tuple[float, float, str]] = []
    if trace:
        class Traced:
            def __init__(self, con):
                self._con = con

            def execute(self, sql, *args):
                cpu, wall = time.process_time(), time.perf_counter()
                out = self._con.execute(sql, *args)
                lines.append((time.process_time() - cpu, time.perf_counter() - wall, " ".join(sql.split())[:110]))
                return out

            def __getattr__(self, name):
                return getattr(self._con, name)

        refresh = store.refresh_derived

        def traced(con, *args, **kwargs):
            cpu = time.process_time()
            refresh(Traced(con), *args, **kwargs)
            lines.append((time.process_time() - cpu, 0.0, "(store.refresh_derived in all)"))

        store.refresh_derived = traced
    load_before = os.getloadavg()[0]
    wall, cpu, added = _import(importer, readers, con, [path])
    con.close()
    for c, w, sql in lines:
        if c > 0.05:
            print(f"  cpu {c:6.2f}  wall {w:6.2f}  {sql}")
    return {"file": path.name, "rows": added, "wall": round(wall, 2), "cpu": round(cpu, 2),
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "load": round(load_before, 1), "code": str(code)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="national")
    parser.add_argument("--scale-dir", type=Path, default=SCALE_DIR, help="where bench/benchmark.py built the stores")
    parser.add_argument("--code", type=Path, default=ROOT)
    parser.add_argument("--trace", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the copy (its path is printed)")
    parser.add_argument("--prepare", type=Path, metavar="DB", help=argparse.SUPPRESS)
    parser.add_argument("--run", nargs=2, metavar=("DB", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        print(prepare(args.scale_dir, args.scale, args.prepare))
        return
    if args.run:
        print(json.dumps(run(args.code, Path(args.run[0]), Path(args.run[1]), args.trace), ensure_ascii=False))
        return
    folder = Path(tempfile.mkdtemp(prefix="issue_import_"))
    db = folder / f"{args.scale}.duckdb"
    try:
        # each step in a process of its own: a child's peak memory (ru_maxrss) counts its parent's
        # memory when it was started
        largest = subprocess.run([sys.executable, __file__, "--scale", args.scale, "--scale-dir", str(args.scale_dir),
                                  "--prepare", str(db)], check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
        command = [sys.executable, __file__, "--code", str(args.code), "--run", str(db), largest]
        subprocess.run(command + (["--trace"] if args.trace else []), check=True)
    finally:
        if args.keep:
            print(db)
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
