"""The same store on DuckLake: a throwaway PostgreSQL holds the catalog, a temp folder the Parquet.

Skipped (with the reason) when Debian's postgresql binaries are not installed (scripts/setup.sh
installs them). One PostgreSQL for the module (stopped at its end) and one lake with the demo
imported, shared by the tests: each leaves the demo's figures as it found them.

Covered: the same figures as the embedded file; two dashboard processes (Streamlit servers, read
by headless Chromium) showing the state before or after while the import job imports and undoes;
a kill -9 of an import (the lake as before, `maintain` removes its files); the command line.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from support.apprunner import running_apps
from support.browser import ARGS, CALM, CHROMIUM

from inspection import exportlog, fmt, importer, lake, metrics, replica, store
from inspection.filters import Filters
from inspection.i18n import t

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.skipif(lake.postgres_bindir() is None,
                       reason="PostgreSQL binaries not installed (apt-get install postgresql)"),
    pytest.mark.timeout(180),
]
AS_OF = dt.date(2026, 6, 30)
# figures the dashboard pages show (one query each), compared before and after a killed import
READER_QUERIES = ("headline_totals", "coverage_by_district", "issues_by_category", "rectification_totals",
                  "results_by_level")


@pytest.fixture(scope="module")
def shared_demo_lake(postgres, demo_db, tmp_path_factory):
    """One lake with the demo imported, for the tests that start from the demo (the import takes
    seconds); each of them leaves the figures as the demo's."""
    data = tmp_path_factory.mktemp("demo-lake") / "lake"
    spec = lake.PREFIX + postgres("t_demo")  # the session's PostgreSQL (conftest.py)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INSPECTION_LAKE_DATA", str(data) + "/")
        con = store.connect(spec)
        try:
            result = importer.import_files(con, _demo_files(demo_db), "demo", None)
        finally:
            con.close()
    assert result.status == "imported"
    return spec, data, result.import_id


@pytest.fixture
def demo_lake(shared_demo_lake, monkeypatch):
    """(spec, data folder, the demo's import id) of the shared demo lake; INSPECTION_LAKE_DATA set."""
    spec, data, import_id = shared_demo_lake
    monkeypatch.setenv("INSPECTION_LAKE_DATA", str(data) + "/")
    return spec, data, import_id


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


def test_same_figures_on_lake_and_file(demo_lake, demo_db):
    spec, _, import_id = demo_lake
    con = store.connect(spec, read_only=True)
    try:
        # the import log keeps the lake snapshot of the import, labelled with it
        snapshot = con.execute("SELECT snapshot FROM imports WHERE import_id = ?", [import_id]).fetchone()[0]
        message = con.execute("SELECT commit_message FROM ducklake_snapshots(current_database()) "
                              "WHERE snapshot_id = ?", [int(snapshot)]).fetchone()[0]
        assert message == f"import {import_id}"

        embedded = store.connect(demo_db, read_only=True)
        try:
            for filters in (Filters(as_of=AS_OF), Filters(), Filters(as_of=AS_OF, levels=("county",)),
                            Filters(as_of=dt.date(2025, 3, 31), poverty_only=True)):
                assert metrics.compute(con, filters) == metrics.compute(embedded, filters)
            params = {**Filters().params(), "limit": None}  # the lists whole
            unit = {"unit_district": "临颍县", "unit_township": "北港镇", "unit_name": "下何村"}  # the unit page's
            for name in store.query_names():
                needs = {**params, **unit} if name.startswith("unit_") else params
                on_lake = store.run_query(con, name, needs)
                on_file = store.run_query(embedded, name, needs)
                if name == "plan_settings_by_district":  # when each store seeded its default plan row
                    on_lake, on_file = on_lake.drop(columns="updated_at"), on_file.drop(columns="updated_at")
                pd.testing.assert_frame_equal(on_lake, on_file, obj=name)
        finally:
            embedded.close()
    finally:
        con.close()


def test_local_copy_reads_the_same_figures_as_the_lake(demo_lake, demo_db, tmp_path):
    """A dashboard's copy of the lake (inspection/replica.py): none until it is made in the
    background, then every query gives the frame of the lake (the same as the embedded file's, see
    above); owner-only; a snapshot that cannot be copied leaves the lake read; the copies of
    processes that are gone are deleted."""
    spec, _, _ = demo_lake
    where = tmp_path / "replicas"
    where.mkdir()
    (where / f"{replica._host()}-999999999-3.duckdb").write_bytes(b"left by a dashboard that died")
    (where / "elsewhere-999999999-3.duckdb").write_bytes(b"another machine's, in a folder shared by mistake")
    con = store.connect(spec, read_only=True)
    reader = replica.Reader(spec, where)
    try:
        assert not (where / f"{replica._host()}-999999999-3.duckdb").exists()
        assert (where / "elsewhere-999999999-3.duckdb").exists()  # not this machine's process to judge
        (where / "elsewhere-999999999-3.duckdb").unlink()
        current = con.execute("SELECT id FROM ducklake_current_snapshot(current_database())").fetchone()[0]
        snapshot = exportlog.data_snapshot(con, current)
        assert reader.connection(snapshot) is None  # the copy is being made; the lake is read meanwhile
        reader._thread.join(120)
        copy = reader.connection(snapshot)
        assert copy is not None
        (made,) = where.glob("*.duckdb")
        assert made.name == f"{replica._host()}-{os.getpid()}-{snapshot}.duckdb" and made.stat().st_mode & 0o077 == 0
        params = {**Filters(as_of=AS_OF).params(), "limit": None}
        unit = {"unit_district": "临颍县", "unit_township": "北港镇", "unit_name": "下何村"}
        embedded = store.connect(demo_db, read_only=True)
        try:
            for name in store.query_names():
                needs = {**params, **unit} if name.startswith("unit_") else params
                on_copy, on_file = store.run_query(copy, name, needs), store.run_query(embedded, name, needs)
                if name == "plan_settings_by_district":  # when each store seeded its default plan row
                    on_copy, on_file = on_copy.drop(columns="updated_at"), on_file.drop(columns="updated_at")
                pd.testing.assert_frame_equal(on_copy, on_file, obj=name)
        finally:
            embedded.close()
        assert _figures(copy) == _figures(con)
        assert reader.connection(snapshot + 10_000) is None  # no such snapshot: the copy fails, logged
        reader._thread.join(120)
        assert reader.connection(snapshot + 10_000) is None and reader.connection(snapshot) is copy
    finally:
        reader.close()
        con.close()
    assert not list(where.iterdir())


# ---------------------------------------------------------------- two dashboards during an import and an undo

CHROMIUM_ARGS = [*ARGS, "--disable-dev-shm-usage"]
DASHBOARDS = 2
# the overview's tiles (label key -> formatter of a headline_totals column), as pages/overview.py draws them
TILES = {"kpi_coverage": ("coverage_rate", fmt.percent), "kpi_inspections": ("inspections", fmt.count),
         "kpi_issues": ("issues_found", fmt.count), "kpi_clues": ("clues", fmt.count),
         "kpi_disciplined": ("disciplined", fmt.count), "kpi_immediate": ("immediate_fixes", fmt.count),
         "kpi_rectification": ("rectification_rate", fmt.percent), "overdue": ("overdue", fmt.count)}
EXTRA_ROUND = "2025年湖仓测试轮"


def _screen_state(con) -> dict[str, str]:
    """The tiles the overview shows with the default filters, computed from the query it runs."""
    head = store.run_query(con, "headline_totals", Filters().params()).iloc[0]
    return {t(key, "zh"): show(head[column]) for key, (column, show) in TILES.items()}


def _extra_inspections(con) -> tuple[str, bytes]:
    """A new round for three roster units: changes the inspection, issue and clue tiles."""
    units = con.execute("SELECT district, township, unit_name FROM v_units ORDER BY district, township, unit_name "
                        "LIMIT 3").fetchall()
    lines = ["轮次,巡察层级,巡察组,巡察方式,开始日期,结束日期,县区,乡镇街道,村(社区),发现问题数,移交问题线索数"]
    lines += [f"{EXTRA_ROUND},市级,市委第九巡察组,常规,2025-03-10,2025-05-10,{d},{tw},{u},777,1" for d, tw, u in units]
    return "湖仓测试_巡察情况.csv", ("\n".join(lines) + "\n").encode("utf-8")


async def _visit(page, url: str) -> dict:
    """Open the overview and read its tiles once the script run is over."""
    started = time.monotonic()
    await page.goto(url + "/", wait_until="domcontentloaded")
    await page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stMetricValue\"]').length >= 8")
    for _ in range(2):  # the run that drew the tiles has finished (the status widget is gone)
        await asyncio.sleep(0.3)
        await page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached")
    tiles = await page.evaluate("""() => Object.fromEntries(
        [...document.querySelectorAll('[data-testid="stMetric"]')].map(m => [
            (m.querySelector('[data-testid="stMetricLabel"]') || {}).innerText?.trim(),
            (m.querySelector('[data-testid="stMetricValue"]') || {}).innerText?.trim()]))""")
    errors = [await e.inner_text() for e in await page.query_selector_all(
        '[data-testid="stException"], [data-testid="stAlertContentError"]')]
    return {"url": url, "started": started, "ended": time.monotonic(), "tiles": tiles, "errors": errors}


async def _run(cmd: list[str], env: dict) -> tuple[float, float, str]:
    """(start, end, stdout) of a command that must succeed."""
    started = time.monotonic()
    proc = await asyncio.create_subprocess_exec(*cmd, cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE,
                                                stderr=asyncio.subprocess.PIPE)
    out, err = await proc.communicate()
    assert proc.returncode == 0, (cmd[3:], err.decode()[-2000:])
    return started, time.monotonic(), out.decode()


async def _watch_import_and_undo(urls: list[str], files: list[Path], env: dict,
                                 read_state: Callable[[], dict]) -> tuple[list[dict], dict]:
    """One browser tab per dashboard reloads the overview over and over while the import job imports
    `files` and then undoes that import (`python -m inspection import` / `undo`). Each command starts
    once every dashboard has shown a page begun after the previous one ended; `read_state` runs
    between the two (the state after the import)."""
    from playwright.async_api import async_playwright

    cli = [sys.executable, "-m", "inspection"]
    visits: list[dict] = []
    events: dict = {}
    stop = asyncio.Event()

    async def viewer(browser, url: str) -> None:
        page = await browser.new_page(viewport={"width": 1200, "height": 900}, **CALM)
        page.set_default_timeout(60_000)
        while not stop.is_set():
            visits.append(await _visit(page, url))

    async def shown_since(moment: float) -> None:
        while not all(any(v["url"] == url and v["started"] > moment for v in visits) for url in urls):
            assert all(not task.done() for task in tasks), [task.exception() for task in tasks if task.done()]
            await asyncio.sleep(0.1)

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        tasks = [asyncio.create_task(viewer(browser, url)) for url in urls]
        try:
            await shown_since(0.0)
            events["import_start"], events["import_end"], out = await _run(
                [*cli, "import", "--json", *map(str, files)], env)
            events["import"] = json.loads(out)
            events["after"] = read_state()
            await shown_since(events["import_end"])
            events["undo_start"], events["undo_end"], _ = await _run(
                [*cli, "undo", str(events["import"]["import_id"])], env)
            await shown_since(events["undo_end"])
        finally:
            stop.set()
            await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 90)
            await browser.close()
    for task in tasks:
        assert task.exception() is None, task.exception()
    return visits, events


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")
@pytest.mark.timeout(300)  # ~40 s on a quiet machine; minutes when other suites share the 2 cores
def test_dashboards_show_before_or_after_never_a_mix(demo_lake, demo_db, tmp_path):
    """Two dashboard processes on the lake serve the overview while the import job imports a file
    and undoes it: every set of tiles shown is the state before or after, and each dashboard shows
    the new state on the first page begun after the import (and the old one after the undo)."""
    spec, data, _ = demo_lake
    env = {**os.environ, "INSPECTION_STORE": spec, "INSPECTION_LAKE_DATA": str(data) + "/",
           "INSPECTION_DB": str(tmp_path / "unused.duckdb"), "INSPECTION_DEMO": "0", "INSPECTION_REQUIRE_LOGIN": "0",
           "INSPECTION_USERS_FILE": str(tmp_path / "users.toml"), "INSPECTION_LANG": "zh"}
    with running_apps(env, DASHBOARDS, logs=[tmp_path / f"dashboard{n}.log" for n in range(DASHBOARDS)]) as urls:
        con = store.connect(spec, read_only=True)  # reads, like the dashboards
        try:
            before = _screen_state(con)
            name, text = _extra_inspections(con)
            files = [tmp_path / name, tmp_path / "changed_issues.csv"]
            files[0].write_bytes(text)
            files[1].write_bytes(_changed_issues(demo_db).data)
            started = time.monotonic()
            visits, events = asyncio.run(_watch_import_and_undo(urls, files, env, lambda: _screen_state(con)))
            seconds = time.monotonic() - started
            imported, after = events["import"], events["after"]
            assert imported["status"] == "imported" and imported["added"] and imported["replaced"], imported
            assert _screen_state(con) == before  # undone
            snapshots = con.execute("SELECT commit_message FROM ducklake_snapshots(current_database()) "
                                    "ORDER BY snapshot_id DESC LIMIT 2").fetchall()
            assert [s[0] for s in snapshots] == [f"undo {imported['import_id']}", f"import {imported['import_id']}"]
        finally:
            con.close()
    assert not (tmp_path / "unused.duckdb").exists()  # nothing went to the embedded file
    # each dashboard read a local copy of the lake once made (replica.py), and deleted it at exit
    assert (tmp_path / "replicas").is_dir() and not list((tmp_path / "replicas").glob("*.duckdb*"))
    changed = [label for label in before if before[label] != after.get(label)]
    assert set(before) == set(after) and len(changed) >= 4, (before, after)  # several tiles tell the states apart
    by_state = {"before": 0, "after": 0}
    for visit in visits:
        assert not visit["errors"], visit
        shown = {label: visit["tiles"].get(label) for label in before}
        assert shown in (before, after), f"tiles neither before nor after: {visit}\nbefore {before}\nafter {after}"
        by_state["before" if shown == before else "after"] += 1
        # a page begun after a command ended shows its result: the dashboards notice a new snapshot
        if events["import_end"] < visit["started"] and visit["ended"] < events["undo_start"]:
            assert shown == after, f"a stale page after the import: {visit}"
        if visit["started"] > events["undo_end"] or visit["ended"] < events["import_start"]:
            assert shown == before, f"a stale page: {visit}"
    during = [v for v in visits if v["ended"] > events["import_start"] and v["started"] < events["import_end"]
              or v["ended"] > events["undo_start"] and v["started"] < events["undo_end"]]
    print(f"{len(visits)} overview visits on {DASHBOARDS} dashboards in {seconds:.0f} s ({len(during)} during "
          f"the import or the undo): {by_state}; tiles that changed: {changed}")
    assert by_state["before"] and by_state["after"] and {v["url"] for v in visits} == set(urls)


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


def test_killed_import_leaves_lake_as_before_and_maintain_removes_its_files(demo_lake, demo_db, tmp_path):
    spec, data, _ = demo_lake
    con = store.connect(spec)
    try:
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
        # and the lake still takes imports (undone: the demo's figures for the next test)
        result = importer.import_files(con, [_changed_issues(demo_db)], "editor", None)
        assert result.status == "imported"
        importer.undo(con, result.import_id, "editor")
        assert _figures(con) == before
    finally:
        con.close()


def test_command_line_on_the_lake(demo_lake, demo_db, tmp_path, monkeypatch):
    """INSPECTION_STORE chooses the lake for metrics, imports and maintain (import and undo: in
    test_dashboards_show_before_or_after_never_a_mix)."""
    spec, _, _ = demo_lake
    monkeypatch.setenv("INSPECTION_STORE", spec)
    monkeypatch.setenv("INSPECTION_DB", str(tmp_path / "unused.duckdb"))
    env = os.environ.copy()

    def start(*args: str) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "inspection", *args], cwd=ROOT, env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def finish(proc: subprocess.Popen) -> subprocess.CompletedProcess:
        out, err = proc.communicate(timeout=120)
        return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)

    # at the same time (readers need no lock; maintain takes the writers' lock)
    running = [start("metrics", "--json", "--as-of", AS_OF.isoformat()), start("imports", "--json"),
               start("maintain", "--json"), start("demo")]
    shown, log, kept, demo = (finish(proc) for proc in running)
    assert shown.returncode == 0, shown.stderr
    embedded = store.connect(demo_db, read_only=True)
    try:
        assert json.loads(shown.stdout) == json.loads(json.dumps(metrics.compute(embedded, Filters(as_of=AS_OF)),
                                                                 default=str))
    finally:
        embedded.close()
    assert log.returncode == 0 and json.loads(log.stdout)[0]["imported_by"]
    assert kept.returncode == 0, kept.stderr
    assert set(json.loads(kept.stdout)) == {"merged", "expired_snapshots", "deleted_old_files", "deleted_orphans"}
    assert demo.returncode == 2  # the demo builds an embedded file only
    assert not (tmp_path / "unused.duckdb").exists()  # nothing went to the embedded file


def test_export_log_on_the_lake(demo_lake):
    """A dashboard attaches the lake read-only: its export-log row goes through a short writable
    connection (beside the process's read-only one), as a commit labelled for the log that leaves
    the data's version alone; a lake that cannot be written says why."""
    from inspection import exportlog

    spec, _, _ = demo_lake
    reader = store.connect(spec, read_only=True)
    try:
        current = reader.execute("SELECT id FROM ducklake_current_snapshot(current_database())").fetchone()[0]
        version = exportlog.data_snapshot(reader, current)
        before = len(exportlog.list_exports(reader))
        writer = exportlog.lake_writer(spec)  # kept for the process: the second row reuses it
        for kind in ("pdf", "png"):
            writer.record("张三", kind, "briefing", f"巡察简报_2026-06-30.{kind}", Filters(as_of=AS_OF))
        after = reader.execute("SELECT id FROM ducklake_current_snapshot(current_database())").fetchone()[0]
        assert after == current + 2, "a commit of its own for each row"
        assert exportlog.data_snapshot(reader, after) == version, "no new data version: no figure recomputed"
        log = exportlog.list_exports(reader)
        assert len(log) == before + 2 and set(log["exported_by"][:2]) == {"张三"}
        assert set(log["kind"][:2]) == {"pdf", "png"}
    finally:
        reader.close()
    with pytest.raises(store.StoreError, match="导出记录无法写入 DuckLake"):
        exportlog.open_writer(spec.replace("dbname=", "dbname=missing_"))


def test_a_dashboard_imports_and_undoes_beside_its_read_only_lake(demo_lake, demo_db):
    """The dashboard holds the lake read-only; its import page writes through a connection of the
    same process (ui/state.writer), which DuckDB refused as 'a different configuration'."""
    spec, _, _ = demo_lake
    reader = store.connect(spec, read_only=True)
    try:
        before = _figures(reader)
        writer = store.connect(spec, alongside=True)
        try:
            result = importer.import_files(writer, [_changed_issues(demo_db)], "page", None)
            assert result.status == "imported", result.problems[:3]
            assert importer.undo(writer, result.import_id, "page").startswith(f"已撤销导入 {result.import_id}")
        finally:
            writer.close()
    finally:
        reader.close()
    fresh = store.connect(spec, read_only=True)
    try:
        assert _figures(fresh) == before
    finally:
        fresh.close()


def test_a_lake_of_an_earlier_release_is_brought_up_to_date_by_its_first_reader(postgres, demo_db, tmp_path,
                                                                                   monkeypatch):
    """A dashboard holds the lake read-only: after an upgrade of the release, the first one brings the
    lake's views and pre-aggregates up to date (as a writer would) instead of calling what it lacks."""
    spec = lake.PREFIX + postgres("t_old")
    monkeypatch.setenv("INSPECTION_LAKE_DATA", str(tmp_path / "lake") + "/")
    writer = store.connect(spec)
    try:
        assert importer.import_files(writer, _demo_files(demo_db), "demo", None).status == "imported"
        expected = _figures(writer)
        # what an earlier release left: other views and none of this release's summary tables
        writer.execute("DELETE FROM views_applied")
        for table in [t for t, _, _ in store.AGGREGATES] + list(store.UNIT_SUMMARIES):
            writer.execute(f"DROP TABLE {table}")
    finally:
        writer.close()
    monkeypatch.setenv("INSPECTION_LAKE_DATA", "")
    with pytest.raises(store.StoreError, match="较早的版本"):  # no data folder: it says how to upgrade
        store.connect(spec, read_only=True)
    monkeypatch.setenv("INSPECTION_LAKE_DATA", str(tmp_path / "lake") + "/")
    reader = store.connect(spec, read_only=True)
    try:
        assert _figures(reader) == expected
    finally:
        reader.close()


def test_a_dashboard_warms_up_after_an_import_by_another_process(demo_lake, demo_db, tmp_path, monkeypatch):
    """The import job commits in another process: the dashboard's watcher (ui/state._watch) notices
    the new snapshot, makes its local copy and computes the views leaders open first from it."""
    from ui import registry, state

    spec, data, _ = demo_lake
    monkeypatch.setenv("INSPECTION_STORE", spec)
    monkeypatch.setenv("INSPECTION_DB", str(tmp_path / "unused.duckdb"))
    monkeypatch.setattr(state, "WATCH_SECONDS", 0.2)
    monkeypatch.setattr(state, "WARM_MAX", 40)  # enough to see it run; the whole warm-up takes longer
    path = state.db_path()
    reader = state._reader(path, spec)  # as the first query of a page does: the copy and the watcher
    try:
        time.sleep(1.0)  # the watcher has read the version shown now
        writer = store.connect(spec, alongside=True)  # the import job
        try:
            result = importer.import_files(writer, [_changed_issues(demo_db)], "job", None)
            assert result.status == "imported", result.problems[:3]
            try:
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline and state._warmed.get(path) is None:
                    time.sleep(0.2)
                version = state._warmed.get(path)
                assert version is not None, "no warm-up after the import"
                assert reader.connection(int(version[1])) is not None  # warmed from the local copy
                state._warming.join(120)
                first = next(iter(registry.views(lambda name, params: state._cached(path, version, name, params))))
                assert state._key(path, version, *first) in state._computed
            finally:
                importer.undo(writer, result.import_id, "job")
        finally:
            writer.close()
    finally:
        state._exiting.set()  # the watcher stops
        time.sleep(0.5)
        state._exiting.clear()
        reader.close()
        state._replicas.pop(spec, None)
        state._warmed.pop(path, None)
