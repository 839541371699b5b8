"""The same store on DuckLake: a throwaway PostgreSQL holds the catalog, a temp folder the Parquet.

Skipped (with the reason) when Debian's postgresql binaries are not installed (scripts/setup.sh
installs them). One PostgreSQL for the module; each test has its own database and data folder.
"""

from __future__ import annotations

import datetime as dt
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from inspection import importer, lake, metrics, store
from inspection.filters import Filters

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
pytestmark = [
    pytest.mark.skipif(not PG_BIN, reason="PostgreSQL binaries not installed (apt-get install postgresql)"),
    pytest.mark.timeout(180),
]
AS_OF = dt.date(2026, 6, 30)
# figures a dashboard page shows (one query each): a reader must see each one whole, before or after
READER_QUERIES = ("headline_totals", "coverage_by_district", "issues_by_category", "rectification_totals",
                  "results_by_level")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_pg(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@pytest.fixture(scope="module")
def pg():
    """A throwaway PostgreSQL on a free loopback port; yields a function making a new database."""
    bindir = Path(PG_BIN[-1]).parent
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: cannot start PostgreSQL as the postgres user")
    folder = Path(tempfile.mkdtemp(prefix="lake-pg-"))
    os.chmod(folder, 0o755)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    port = _free_port()
    subprocess.run(_as_pg([str(bindir / "initdb"), "-D", str(folder / "db"), "-A", "trust", "-U", "postgres",
                           "-E", "UTF8", "--no-sync"]), check=True, capture_output=True)
    subprocess.run(_as_pg([str(bindir / "pg_ctl"), "-D", str(folder / "db"), "-l", str(folder / "log"), "-w",
                           "-o", f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off",
                           "start"]), check=True, capture_output=True)
    made = []

    def new_database(name: str) -> str:
        subprocess.run(_as_pg([str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
                               name]), check=True, capture_output=True)
        made.append(name)
        return f"dbname={name} host=127.0.0.1 port={port} user=postgres"

    try:
        yield new_database
    finally:
        subprocess.run(_as_pg([str(bindir / "pg_ctl"), "-D", str(folder / "db"), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def lake_store(pg, tmp_path, monkeypatch, request):
    """(spec, data folder) of a new, empty lake; INSPECTION_LAKE_DATA points at its data folder."""
    name = "t_" + request.node.name.lower().replace("[", "_").replace("]", "")[:40]
    data = tmp_path / "lake"
    monkeypatch.setenv("INSPECTION_LAKE_DATA", str(data) + "/")
    return lake.PREFIX + pg(name), data


def _demo_files(demo_db: Path) -> list[importer.InputFile]:
    return [importer.InputFile(p.name, p.read_bytes()) for p in sorted((demo_db.parent / "files").iterdir())]


def _changed_issues(demo_db: Path) -> importer.InputFile:
    """The 2026 issue list with every not-started issue marked rectified: replaces groups of issues."""
    path = demo_db.parent / "files" / "03_问题清单_2026.csv"
    text = path.read_text(encoding="utf-8-sig").replace(",未整改,", ",已整改,")
    return importer.InputFile("changed_issues.csv", text.encode("utf-8"))


def _figures(con) -> dict[str, str]:
    params = Filters(as_of=AS_OF).params()
    return {name: store.run_query(con, name, params).to_json(orient="split", date_format="iso")
            for name in READER_QUERIES}


def _lake_files(data: Path) -> set[Path]:
    return {p for p in data.rglob("*") if p.is_file()}


def test_same_figures_on_lake_and_file(lake_store, demo_db):
    spec, _ = lake_store
    con = store.connect(spec)
    try:
        result = importer.import_files(con, _demo_files(demo_db), "demo", None)
        assert result.status == "imported"
        # the import log keeps the lake snapshot of the import, labelled with it
        snapshot = con.execute("SELECT snapshot FROM imports WHERE import_id = ?", [result.import_id]).fetchone()[0]
        message = con.execute("SELECT commit_message FROM ducklake_snapshots(current_database()) "
                              "WHERE snapshot_id = ?", [int(snapshot)]).fetchone()[0]
        assert message == f"import {result.import_id}"

        embedded = store.connect(demo_db, read_only=True)
        try:
            for filters in (Filters(as_of=AS_OF), Filters(), Filters(as_of=AS_OF, levels=("county",)),
                            Filters(as_of=dt.date(2025, 3, 31), poverty_only=True)):
                assert metrics.compute(con, filters) == metrics.compute(embedded, filters)
            params = Filters().params()
            for name in store.query_names():
                on_lake = store.run_query(con, name, params)
                on_file = store.run_query(embedded, name, params)
                if name == "plan_settings_by_district":  # when each store seeded its default plan row
                    on_lake, on_file = on_lake.drop(columns="updated_at"), on_file.drop(columns="updated_at")
                pd.testing.assert_frame_equal(on_lake, on_file, obj=name)
        finally:
            embedded.close()
    finally:
        con.close()


READER = textwrap.dedent("""
    import json, os, sys, time, datetime as dt
    sys.path.insert(0, sys.argv[4])
    from inspection import store
    from inspection.filters import Filters
    con = store.connect(sys.argv[1], read_only=True)  # a dashboard process: read-only attach
    params = Filters(as_of=dt.date(2026, 6, 30)).params()
    names = sys.argv[3].split(",")
    with open(sys.argv[2], "w") as out:
        print(json.dumps({"ready": True}), file=out, flush=True)
        while not os.path.exists(sys.argv[2] + ".stop"):
            for name in names:
                frame = store.run_query(con.cursor(), name, params)  # a cursor per thread, as the dashboard
                print(json.dumps({name: frame.to_json(orient="split", date_format="iso")}), file=out, flush=True)
""")


def test_readers_see_before_or_after_never_a_mix(lake_store, demo_db, tmp_path):
    spec, _ = lake_store
    con = store.connect(spec)
    try:
        assert importer.import_files(con, _demo_files(demo_db), "demo", None).status == "imported"
        before = _figures(con)
        outs = [tmp_path / f"reader{i}.jsonl" for i in range(2)]
        readers = [subprocess.Popen([sys.executable, "-c", READER, spec, str(out), ",".join(READER_QUERIES),
                                     str(ROOT)], env=os.environ.copy()) for out in outs]
        try:
            deadline = time.time() + 60
            while not all(o.exists() and o.stat().st_size for o in outs):
                assert time.time() < deadline and all(r.poll() is None for r in readers), "readers did not start"
                time.sleep(0.1)
            time.sleep(0.5)
            result = importer.import_files(con, [_changed_issues(demo_db)], "editor", None)
            assert result.status == "imported" and result.replaced
            after = _figures(con)
            time.sleep(0.5)
            importer.undo(con, result.import_id, "editor")
            time.sleep(0.5)
        finally:
            for out in outs:
                Path(str(out) + ".stop").touch()
            for r in readers:
                r.wait(timeout=60)
        assert _figures(con) == before
    finally:
        con.close()
    assert before != after
    for r in readers:
        assert r.returncode == 0
    seen = {"before": 0, "after": 0}
    for out in outs:
        for line in out.read_text().splitlines()[1:]:
            (name, figure), = json.loads(line).items()
            assert figure in (before[name], after[name]), f"{name}: a figure that is neither before nor after"
            if before[name] != after[name]:
                seen["before" if figure == before[name] else "after"] += 1
    assert seen["before"] and seen["after"], seen


HANGING_IMPORT = textwrap.dedent("""
    import os, sys, time
    sys.path.insert(0, sys.argv[3])
    from pathlib import Path
    from inspection import importer, lake, store
    real = lake.commit_snapshot
    def hang(con, message, user):  # every row is written, the commit not yet made: wait to be killed
        out = real(con, message, user)
        Path(sys.argv[2]).touch()
        time.sleep(600)
        return out
    lake.commit_snapshot = hang
    con = store.connect(sys.argv[1])
    path = Path(sys.argv[4])
    importer.import_files(con, [importer.InputFile(path.name, path.read_bytes())], "killed", None)
""")


def test_killed_import_leaves_lake_as_before_and_maintain_removes_its_files(lake_store, demo_db, tmp_path):
    spec, data = lake_store
    con = store.connect(spec)
    try:
        assert importer.import_files(con, _demo_files(demo_db), "demo", None).status == "imported"
        before, files_before = _figures(con), _lake_files(data)
        log_before = con.execute("SELECT count(*) FROM imports").fetchone()[0]
        changed = tmp_path / "changed_issues.csv"
        changed.write_bytes(_changed_issues(demo_db).data)
        marker = tmp_path / "hanging"
        proc = subprocess.Popen([sys.executable, "-c", HANGING_IMPORT, spec, str(marker), str(ROOT), str(changed)],
                                env=os.environ.copy())
        try:
            deadline = time.time() + 90
            while not marker.exists():
                assert proc.poll() is None and time.time() < deadline, "the import did not reach its commit"
                time.sleep(0.1)
            # a second writer hears who holds the lock
            with pytest.raises(lake.LakeBusy, match="killed"):
                with lake.write_lock(con, "second", wait=False):
                    pass
            written = _lake_files(data) - files_before
            assert written, "the import wrote no files before its commit"
        finally:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        assert _figures(con) == before
        assert con.execute("SELECT count(*) FROM imports").fetchone()[0] == log_before
        # the dead writer's lock is gone: maintain runs, and removes the files it left
        assert lake.maintain(con, orphans_older_than=dt.timedelta(0))["deleted_orphans"] >= len(written)
        assert not (_lake_files(data) & written)
        assert _figures(con) == before
        # and the lake still takes imports
        assert importer.import_files(con, [_changed_issues(demo_db)], "editor", None).status == "imported"
    finally:
        con.close()


def test_command_line_on_the_lake(lake_store, demo_db, tmp_path, monkeypatch):
    """INSPECTION_STORE chooses the lake for import, imports, metrics and maintain."""
    spec, _ = lake_store
    monkeypatch.setenv("INSPECTION_STORE", spec)
    monkeypatch.setenv("INSPECTION_DB", str(tmp_path / "unused.duckdb"))
    env = os.environ.copy()

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "inspection", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=120)

    files = sorted(str(p) for p in (demo_db.parent / "files").iterdir())
    done = cli("import", "--json", *files)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == "imported"
    assert not (tmp_path / "unused.duckdb").exists()  # nothing went to the embedded file
    shown = cli("metrics", "--json", "--as-of", AS_OF.isoformat())
    assert shown.returncode == 0, shown.stderr
    embedded = store.connect(demo_db, read_only=True)
    try:
        assert json.loads(shown.stdout) == json.loads(json.dumps(metrics.compute(embedded, Filters(as_of=AS_OF)),
                                                                 default=str))
    finally:
        embedded.close()
    log = cli("imports", "--json")
    assert log.returncode == 0 and json.loads(log.stdout)[0]["imported_by"]
    kept = cli("maintain", "--json")
    assert kept.returncode == 0, kept.stderr
    assert set(json.loads(kept.stdout)) == {"merged", "expired_snapshots", "deleted_old_files", "deleted_orphans"}
    assert cli("demo").returncode == 2  # the demo builds an embedded file only
