"""python -m inspection: exit codes, the --json shapes, the import log, undo, metrics, a locked store."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from support.commands import call, shell, write_files
from support.ledgers import INSPECTION_ROWS, base_files, inspection_row, inspections_csv

from inspection import metrics
from inspection.filters import Filters

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "store" / "t.duckdb"


def test_import_json_shape_and_exit_0(capsys, db, tmp_path):
    paths = write_files(tmp_path / "in", base_files())
    code, out, _ = call(capsys, "import", "--db", str(db), "--json", *paths)
    assert code == 0
    payload = json.loads(out)
    assert {"status", "added", "replaced", "skipped", "problems", "warnings"} <= set(payload)
    assert (payload["status"], payload["added"], payload["replaced"], payload["skipped"]) == ("imported", 9, 0, 0)
    assert payload["problems"] == [] and isinstance(payload["warnings"], list)
    # the originals are kept whole under generated names; the import log records each file's own name
    kept = [p for p in (db.parent / "originals").rglob("*") if p.is_file()]
    assert sorted(p.read_bytes() for p in kept) == sorted(Path(p).read_bytes() for p in paths)
    code, out, _ = call(capsys, "imports", "--db", str(db), "--json")
    files = json.loads(json.loads(out)[0]["files"])
    assert sorted(f["name"] for f in files) == sorted(Path(p).name for p in paths)
    assert sorted(f["stored_as"] for f in files) == sorted(str(p) for p in kept)


def test_import_again_unchanged_exit_0(capsys, db, tmp_path):
    paths = write_files(tmp_path / "in", base_files())
    assert call(capsys, "import", "--db", str(db), *paths)[0] == 0
    code, out, _ = call(capsys, "import", "--db", str(db), "--json", *paths)
    assert code == 0
    payload = json.loads(out)
    assert (payload["status"], payload["added"], payload["replaced"]) == ("unchanged", 0, 0)


def test_import_rejected_exit_1_with_problems(capsys, db, tmp_path):
    good = write_files(tmp_path / "in", base_files())
    assert call(capsys, "import", "--db", str(db), *good)[0] == 0
    bad = write_files(tmp_path / "bad", [inspections_csv([inspection_row(发现问题数="-1"),
                                                          inspection_row(巡察层级="省级", **{"村(社区)": "李家村"})])])
    code, out, _ = call(capsys, "import", "--db", str(db), "--json", *bad)
    assert code == 1
    payload = json.loads(out)
    assert payload["status"] == "rejected" and payload["added"] == 0
    assert len(payload["problems"]) == 2
    for problem in payload["problems"]:
        assert set(problem) == {"file", "sheet", "row", "column", "value", "reason", "suggestion"}
    assert [(p["row"], p["column"]) for p in payload["problems"]] == [(2, "发现问题数"), (3, "巡察层级")]


def test_import_rejected_plain_text_lists_problems(capsys, db, tmp_path):
    bad = write_files(tmp_path / "bad", [inspections_csv([inspection_row(发现问题数="很多")])])
    code, out, _ = call(capsys, "import", "--db", str(db), *bad)
    assert code == 1
    assert "第2行" in out and "发现问题数" in out and "很多" in out


@pytest.mark.parametrize("argv", [
    ("import",),                                      # no files
    ("import", "--db", "x.duckdb", "/nonexistent/file.csv"),
    ("metrics", "--level", "province"),
    ("metrics", "--as-of", "2021-13-45"),
    ("undo", "not-a-number"),
    ("frobnicate",),
    (),
])
def test_usage_errors_exit_2(capsys, tmp_path, argv):
    argv = tuple(a if a != "x.duckdb" else str(tmp_path / "x.duckdb") for a in argv)
    code, _, err = call(capsys, *argv)
    assert code == 2
    assert "Traceback" not in err


def test_usage_error_exit_2_in_a_real_process(tmp_path):
    done = shell("import", "--db", str(tmp_path / "x.duckdb"), str(tmp_path / "missing.csv"))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "missing.csv" in done.stderr


def test_imports_and_undo(capsys, db, tmp_path):
    paths = write_files(tmp_path / "in", base_files())
    call(capsys, "import", "--db", str(db), *paths)
    fix = write_files(tmp_path / "fix", [inspections_csv([inspection_row(发现问题数=3), INSPECTION_ROWS[1]])])
    code, out, _ = call(capsys, "import", "--db", str(db), "--json", *fix)
    assert code == 0 and json.loads(out)["replaced"] == 1

    code, out, _ = call(capsys, "imports", "--db", str(db), "--json")
    assert code == 0
    log = json.loads(out)
    assert [e["import_id"] for e in log] == [2, 1]
    assert {"import_id", "imported_at", "imported_by", "files", "added", "replaced", "skipped",
            "status"} <= set(log[0])
    assert [f["name"] for f in json.loads(log[1]["files"])] == [Path(p).name for p in paths]
    assert (log[0]["added"], log[0]["replaced"], log[0]["status"]) == (0, 1, "active")

    code, out, _ = call(capsys, "imports", "--db", str(db))
    assert code == 0 and "#2" in out and "#1" in out

    code, out, _ = call(capsys, "undo", "--db", str(db), "2")
    assert code == 0 and "2" in out
    code, _, err = call(capsys, "undo", "--db", str(db), "2")
    assert code == 1 and "撤销" in err and "Traceback" not in err
    code, _, err = call(capsys, "undo", "--db", str(db), "42")
    assert code == 1 and "42" in err

    code, out, _ = call(capsys, "imports", "--db", str(db), "--json")
    assert [e["status"] for e in json.loads(out)] == ["undone", "active"]
    code, out, _ = call(capsys, "metrics", "--db", str(db), "--json", "--as-of", "2030-01-01")
    assert json.loads(out)["issues_found"] == 3


def test_metrics_json_equals_compute(capsys, demo_db):
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        district = con.execute("SELECT district FROM v_units ORDER BY 1 LIMIT 1").fetchone()[0]
        last = con.execute("SELECT max(last_end) FROM rounds").fetchone()[0]
        expected = metrics.compute(con, Filters(districts=(district,), as_of=last))
        everything = metrics.compute(con, Filters(as_of=last))
    finally:
        con.close()
    code, out, _ = call(capsys, "metrics", "--db", str(demo_db), "--district", district,
                        "--as-of", last.isoformat(), "--json")
    assert code == 0
    assert json.loads(out) == json.loads(json.dumps(expected, default=str))
    assert json.loads(out)["units_total"] < everything["units_total"]


def test_metrics_json_has_the_documented_keys(capsys, demo_db):
    code, out, _ = call(capsys, "metrics", "--db", str(demo_db), "--json", "--as-of", "2099-12-31")
    assert code == 0
    m = json.loads(out)
    assert {"units_total", "units_covered", "coverage_rate", "inspections", "issues_found", "clues",
            "immediate_fixes", "disciplined", "org_handled", "judicial", "rectification_rate", "by_level",
            "ratio_issues_and_clues", "ratio_disciplined", "by_district", "by_category", "not_reported",
            "uncovered", "long_term"} <= set(m)
    for level in ("municipal", "county"):
        assert {"inspections", "units", "issues_found", "clues", "disciplined", "avg_issues_and_clues",
                "avg_disciplined"} <= set(m["by_level"][level])
    assert set(m["by_district"][0]) == {"district", "units_total", "units_covered", "coverage_rate"}
    assert {"category", "subcategory", "issues", "rectified", "long_term"} <= set(m["by_category"][0])
    assert set(m["uncovered"][0]) >= {"district", "township", "unit_name"}
    assert 0 <= m["coverage_rate"] <= 1 and 0 <= m["rectification_rate"] <= 1


def test_metrics_on_missing_store_is_a_message(capsys, tmp_path):
    code, _, err = call(capsys, "metrics", "--db", str(tmp_path / "none.duckdb"), "--json")
    assert code == 1 and "Traceback" not in err and "none.duckdb" in err


HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("ready", flush=True)
time.sleep(120)
"""


def test_locked_store_gives_a_clear_message(db, tmp_path, capsys):
    paths = write_files(tmp_path / "in", base_files())
    assert call(capsys, "import", "--db", str(db), *paths)[0] == 0
    more = write_files(tmp_path / "more", [inspections_csv([inspection_row(发现问题数=5)])])
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        for argv in (("import", "--db", str(db), *more), ("undo", "--db", str(db), "1"),
                     ("imports", "--db", str(db))):
            done = shell(*argv)
            assert done.returncode == 1, (argv, done.stdout, done.stderr)
            assert "Traceback" not in done.stderr + done.stdout
            assert "占用" in done.stderr, (argv, done.stderr)
        # a command that only reads reads the backup the import wrote, and says so
        done = shell("metrics", "--db", str(db), "--json")
        assert done.returncode == 0, done.stderr
        assert "占用" in done.stderr and "备份" in done.stderr and "#1" in done.stderr
        assert json.loads(done.stdout)["inspections"] == len(INSPECTION_ROWS)
    finally:
        holder.kill()
        holder.wait()
    # nothing was written while locked
    code, out, _ = call(capsys, "imports", "--db", str(db), "--json")
    assert [e["import_id"] for e in json.loads(out)] == [1]


def test_import_json_through_a_real_process(db, tmp_path):
    paths = write_files(tmp_path / "in", base_files())
    done = shell("import", "--db", str(db), "--json", *paths)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"] == "imported"


def test_metrics_text_says_not_reported_never_none(capsys, db, tmp_path):
    """The plain `metrics` lines: a figure that cannot be given is —, never Python's None, and a sum
    some inspections left blank is followed by how many did (as --json's not_reported)."""
    blank = [[*INSPECTION_ROWS[0][:10], "", 1, 2], INSPECTION_ROWS[1]]  # clues left blank once
    files = write_files(tmp_path / "in", [inspections_csv(blank)])
    assert call(capsys, "import", "--db", str(db), *files)[0] == 0
    code, out, _ = call(capsys, "metrics", "--db", str(db), "--as-of", "2021-06-30")
    assert code == 0 and "None" not in out and "nan" not in out, out
    lines = out.splitlines()
    assert "coverage_rate: —" in lines and "clues: 0" in lines and "clues_not_reported: 1" in lines, out
    assert "immediate_fixes: —" in lines and "immediate_fixes_not_reported: 2" in lines, out
    assert not any(line.startswith("issues_found_not_reported") for line in lines)  # every one reported it
