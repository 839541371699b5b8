"""Mappings (issue 18): an unknown header or value becomes a question, answered once.

The command line verbs (list, add, remove, export, import) with their refusals and exit codes; the
importer applying the mappings on both paths (row by row and the vectorised CSV path) and listing
the ones it used; the questions of a rejection; a mapping file carried to a fresh store."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest
from support.commands import call, write_files
from support.ledgers import OWN_ROWS, data_dump, inspections_csv, issues_csv, own_files, roster_csv

from inspection import importer, mappings, readers, store


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "store" / "m.duckdb"


def add_own(capsys, db) -> None:
    assert call(capsys, "mappings", "add", "--db", str(db), "--table", "issues", "--header", "巡察反馈问题描述",
                "--field", "description")[0] == 0
    assert call(capsys, "mappings", "add", "--db", str(db), "--table", "issues", "--field", "status",
                "--value", "已闭环销账", "--means", "已整改")[0] == 0


def listed(capsys, db) -> list[dict]:
    code, out, _ = call(capsys, "mappings", "--db", str(db), "--json")
    assert code == 0
    return json.loads(out)["mappings"]


# ---------------------------------------------------------------- the command line


def test_add_list_remove(capsys, db):
    assert listed(capsys, db) == []
    add_own(capsys, db)
    code, out, _ = call(capsys, "mappings", "add", "--table", "inspections", "--field", "level", "--value", "省级",
                        "--means", "municipal", "--db", str(db), "--json")
    assert code == 0 and json.loads(out)["mappings"][0]["means"] == "municipal"
    found = listed(capsys, db)
    assert [(m["id"], m["table"], m["field"]) for m in found] == [
        (1, "issues", "description"), (2, "issues", "status"), (3, "inspections", "level")]
    assert found[0]["header"] == "巡察反馈问题描述" and "value" not in found[0]
    assert (found[1]["value"], found[1]["means"]) == ("已闭环销账", "rectified")
    assert all(m["created_by"] and m["created_at"] for m in found)
    code, out, _ = call(capsys, "mappings", "--db", str(db))
    assert code == 0 and "#2" in out and "已闭环销账" in out and "已整改" in out
    code, out, _ = call(capsys, "mappings", "remove", "--db", str(db), "2")
    assert code == 0 and "#2" in out
    assert [m["id"] for m in listed(capsys, db)] == [1, 3]
    code, _, err = call(capsys, "mappings", "remove", "--db", str(db), "2")
    assert code == 1 and "2" in err


@pytest.mark.parametrize("means", ["已整改", "rectified", "已销号", "完成", " 已 整改 "])
def test_means_takes_every_spelling_of_the_contract(capsys, db, means):
    code, _, err = call(capsys, "mappings", "add", "--db", str(db), "--table", "issues", "--field", "status",
                        "--value", "已闭环销账", "--means", means)
    assert code == 0, err
    assert listed(capsys, db)[0]["means"] == "rectified"


def test_means_long_term_and_booleans(capsys, db):
    assert call(capsys, "mappings", "add", "--db", str(db), "--table", "issues", "--field", "status",
                "--value", "常态化推进", "--means", "长期坚持")[0] == 0
    assert call(capsys, "mappings", "add", "--db", str(db), "--table", "roster", "--field", "is_poverty_village",
                "--value", "脱贫村", "--means", "yes")[0] == 0
    assert [m["means"] for m in listed(capsys, db)] == ["long_term", "是"]


@pytest.mark.parametrize(("argv", "said"), [
    (["--table", "issues", "--header", "问题描述", "--field", "description"], "数据规范已定义"),
    (["--table", "issues", "--header", "整改情况", "--field", "description"], "数据规范已定义"),
    (["--table", "issues", "--field", "status", "--value", "已整改", "--means", "未整改"], "数据规范已定义"),
    (["--table", "inspections", "--field", "level", "--value", "市委", "--means", "county"], "数据规范已定义"),
    (["--table", "inspections", "--field", "mode", "--value", "点穴式巡察", "--means", "常规"], "数据规范已定义"),
    (["--table", "issues", "--field", "status", "--value", "已闭环销账", "--means", "差不多"], "不是数据规范"),
    (["--table", "inspections", "--field", "mode", "--value", "巡村", "--means", "随便"], "不是数据规范"),
    (["--table", "issues", "--field", "description", "--value", "x", "--means", "y"], "不能映射取值"),
    (["--table", "issues", "--header", "x", "--field", "nosuch"], "没有字段"),
    (["--table", "roster", "--header", "  ", "--field", "district"], "不能为空"),
    (["--table", "issues", "--header", "整改责任人", "--field", "description"], "不导入的列"),  # names: never stored
    (["--table", "inspections", "--header", "序号", "--field", "unit_code"], "不导入的列"),
])
def test_refused_with_a_message(capsys, db, argv, said):
    code, out, err = call(capsys, "mappings", "add", "--db", str(db), *argv)
    assert code == 1 and said in err and "Traceback" not in err
    assert listed(capsys, db) == []


def test_a_second_mapping_of_the_same_word_is_refused(capsys, db):
    add_own(capsys, db)
    code, _, err = call(capsys, "mappings", "add", "--db", str(db), "--table", "issues", "--field", "status",
                        "--value", "已闭环销账", "--means", "整改中")
    assert code == 1 and "#2" in err
    code, _, err = call(capsys, "mappings", "add", "--db", str(db), "--table", "issues", "--header", "巡察反馈问题描述",
                        "--field", "subcategory")
    assert code == 1 and "#1" in err
    assert len(listed(capsys, db)) == 2


@pytest.mark.parametrize("argv", [
    ["add", "--table", "issues", "--field", "status"],  # neither header nor value
    ["add", "--table", "issues", "--field", "status", "--value", "x"],  # value without means
    ["add", "--table", "issues", "--field", "status", "--header", "h", "--value", "x", "--means", "已整改"],
    ["add", "--table", "nosuch", "--field", "status", "--header", "h"],
    ["add", "--field", "status", "--header", "h"],
    ["remove"],
    ["remove", "one"],
    ["export"],
    ["import"],
    ["rename", "1"],
])
def test_usage_is_exit_2(capsys, db, argv):
    code, _, _ = call(capsys, "mappings", *argv[:1], "--db", str(db), *argv[1:])
    assert code == 2


def test_export_then_import_all_or_nothing(capsys, db, tmp_path):
    add_own(capsys, db)
    exported = tmp_path / "mappings.json"
    code, out, _ = call(capsys, "mappings", "export", "--db", str(db), str(exported))
    assert code == 0 and "2" in out
    doc = json.loads(exported.read_text(encoding="utf-8"))
    assert doc["format"] == "inspection-mappings" and len(doc["mappings"]) == 2
    assert "created_by" not in exported.read_text(encoding="utf-8")  # who made it stays in its store

    other = tmp_path / "other" / "o.duckdb"
    code, out, _ = call(capsys, "mappings", "import", "--db", str(other), str(exported))
    assert code == 0 and "2" in out
    assert [(m["table"], m["field"], m.get("header"), m.get("value"), m.get("means")) for m in listed(capsys, other)] \
        == [(m["table"], m["field"], m.get("header"), m.get("value"), m.get("means")) for m in listed(capsys, db)]
    code, out, _ = call(capsys, "mappings", "import", "--db", str(other), str(exported))  # again: nothing new
    assert code == 0 and len(listed(capsys, other)) == 2

    # one bad rule in the file: nothing of it is saved
    doc["mappings"].append({"table": "issues", "field": "level", "value": "x", "means": "y"})
    doc["mappings"].insert(0, {"table": "roster", "field": "is_weak_org", "value": "软弱", "means": "是"})
    spoiled = tmp_path / "spoiled.json"
    spoiled.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    fresh = tmp_path / "fresh" / "f.duckdb"
    code, _, err = call(capsys, "mappings", "import", "--db", str(fresh), str(spoiled))
    assert code == 1 and "第 4 条" in err
    assert listed(capsys, fresh) == []
    # a rule that contradicts a stored mapping: nothing saved either
    doc["mappings"][-1] = {"table": "issues", "field": "status", "value": "已闭环销账", "means": "未整改"}
    spoiled.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    code, _, err = call(capsys, "mappings", "import", "--db", str(other), str(spoiled))
    assert code == 1 and "#2" in err
    assert len(listed(capsys, other)) == 2


@pytest.mark.parametrize("content", [b"{", b"[]", b'{"format": "x", "mappings": []}', "映射".encode("gbk"),
                                     b'{"format": "inspection-mappings", "version": 1, "mappings": [1]}'])
def test_import_refuses_a_file_that_is_not_a_mapping_file(capsys, db, tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    code, _, err = call(capsys, "mappings", "import", "--db", str(db), str(path))
    assert code == 1 and err.strip() and "Traceback" not in err
    code, _, _ = call(capsys, "mappings", "import", "--db", str(db), str(tmp_path / "missing.json"))
    assert code == 2


# ---------------------------------------------------------------- the importer uses them


def test_import_asks_then_uses_the_mappings_and_reports_them(capsys, db, tmp_path):
    paths = write_files(tmp_path / "in", own_files())
    code, out, _ = call(capsys, "import", "--db", str(db), "--json", *paths)
    doc = json.loads(out)
    assert code == 1 and doc["status"] == "rejected" and doc["mappings_used"] == []
    assert doc["questions"]["values"] == [{"table": "issues", "field": "status", "value": "已闭环销账", "rows": 2}]
    assert [q["columns"] for q in doc["questions"]["headers"]] == [["巡察反馈问题描述"]]

    code, out, _ = call(capsys, "import", "--db", str(db), *paths)  # the plain report says how to answer
    assert code == 1 and "mappings add --table issues --field status --value \"已闭环销账\"" in out

    add_own(capsys, db)
    code, out, _ = call(capsys, "import", "--db", str(db), "--json", *paths)
    doc = json.loads(out)
    assert code == 0 and doc["status"] == "imported"
    assert [m["id"] for m in doc["mappings_used"]] == [1, 2]
    con = store.connect(db, read_only=True)
    try:
        rows = con.execute("SELECT status, description FROM issues ORDER BY unit_id, seq").fetchall()
    finally:
        con.close()
    assert rows == [("rectified", "账目不清"), ("rectified", "会议记录不全"), ("in_progress", "三会一课不规范")]
    code, out, _ = call(capsys, "import", "--db", str(db), *paths)  # the plain report names them too
    assert "已闭环销账" in out and "巡察反馈问题描述" in out

    # undoing the import keeps the mappings
    assert call(capsys, "undo", "--db", str(db), "1")[0] == 0
    assert len(listed(capsys, db)) == 2


def test_a_mapping_file_from_one_store_makes_the_same_import_in_a_fresh_one(capsys, tmp_path):
    first, second = tmp_path / "a" / "a.duckdb", tmp_path / "b" / "b.duckdb"
    add_own(capsys, first)
    paths = write_files(tmp_path / "in", own_files())
    assert call(capsys, "import", "--db", str(first), *paths)[0] == 0
    exported = tmp_path / "m.json"
    assert call(capsys, "mappings", "export", "--db", str(first), str(exported))[0] == 0
    assert call(capsys, "import", "--db", str(second), *paths)[0] == 1  # not without the mappings
    assert call(capsys, "mappings", "import", "--db", str(second), str(exported))[0] == 0
    assert call(capsys, "import", "--db", str(second), *paths)[0] == 0
    dumps = []
    for db in (first, second):
        con = store.connect(db, read_only=True)
        try:
            dumps.append(data_dump(con))
        finally:
            con.close()
    assert dumps[0] == dumps[1]


def test_the_contract_wins_over_a_mapping(tmp_path):
    """A spelling the contract knows is never answered by a mapping, even one stored before the
    contract learnt it (the refusal at saving time is tested above)."""
    applied = mappings.Applied([mappings.Mapping("issues", "status", value="已整改", means="not_started", mapping_id=1),
                                mappings.Mapping("issues", "description", header="问题类别", mapping_id=2)])
    convert = applied.converter("issues", "status", "status")
    assert convert("已整改") == "rectified"
    assert applied.field_for("issues", "问题类别") == "category"
    assert applied.used == {}


def test_mapped_header_and_values_on_both_paths(monkeypatch, tmp_path):
    """The same mappings give the same rows row by row and on the vectorised CSV path."""
    rows = [[*r[:6], s] for r in OWN_ROWS for s in ("已闭环销账", "常态化推进", "已整改")]
    outcome = []
    real = importer.Importer._parse_fast
    for fast in (True, False):
        monkeypatch.setattr(readers, "FAST_CSV_MIN_BYTES", 0 if fast else 1 << 40)
        con = store.connect(tmp_path / f"{fast}.duckdb")
        try:
            mappings.add_all(con, [mappings.Mapping("issues", "description", header="巡察反馈问题描述"),
                                   mappings.Mapping("issues", "status", value="已闭环销账", means="已整改"),
                                   mappings.Mapping("issues", "status", value="常态化推进", means="长期坚持")], "t")
            used_fast: list = []
            monkeypatch.setattr(importer.Importer, "_parse_fast",
                                lambda self, item, n, used=used_fast: used.append(r := real(self, item, n)) or r)
            result = importer.import_files(con, own_files(rows), "t")
            assert result.status == "imported", result.problems
            assert any(u is not None for u in used_fast) == fast
            outcome.append((sorted(m.mapping_id for m in result.mappings), data_dump(con)["issues"]))
        finally:
            con.close()
    assert outcome[0] == outcome[1]
    assert outcome[0][0] == [1, 2, 3]


def test_unknown_values_counted_on_both_paths(monkeypatch, tmp_path):
    rows = [[*OWN_ROWS[0][:6], "已闭环销账"]] * 3 + [[*OWN_ROWS[2][:6], "挂起"]]
    found = []
    for fast in (True, False):
        monkeypatch.setattr(readers, "FAST_CSV_MIN_BYTES", 0 if fast else 1 << 40)
        con = store.connect(tmp_path / f"{fast}.duckdb")
        try:
            result = importer.import_files(con, own_files(rows), "t")
        finally:
            con.close()
        assert result.status == "rejected"
        found.append(([asdict(p) for p in result.problems], result.questions.to_json()))
    assert found[0] == found[1]
    assert [(q["value"], q["rows"]) for q in found[0][1]["values"]] == [("已闭环销账", 3), ("挂起", 1)]


def test_missing_required_column_asks_among_the_unrecognised_ones(tmp_path):
    header = ["轮次", "县区", "乡镇街道", "村(社区)", "问题归类", "整改状态"]
    rows = [[r[0], r[1], r[2], r[3], r[4], "整改中"] for r in OWN_ROWS]
    con = store.connect(tmp_path / "s.duckdb")
    try:
        result = importer.import_files(con, [roster_csv(), inspections_csv(), issues_csv(rows, header)], "t")
        assert result.status == "rejected"
        (question,) = result.questions.headers
        assert (question.table, question.missing, question.columns) == ("issues", ("category",), ("问题归类",))
        mappings.add_all(con, mappings.answers(result.questions, {(0, "问题归类"): "category"}, {}), "t")
        result = importer.import_files(con, [roster_csv(), inspections_csv(), issues_csv(rows, header)], "t")
        assert result.status == "imported" and [m.field for m in result.mappings] == ["category"]
    finally:
        con.close()


def test_other_rejections_stay_plain(tmp_path):
    rows = [[*r[:6], "整改中"] for r in OWN_ROWS]
    rows[2][1] = "北城区"  # a unit no roster knows: not a question
    con = store.connect(tmp_path / "s.duckdb")
    try:
        result = importer.import_files(con, own_files(rows), "t")
        assert result.status == "rejected" and result.questions is None
        spoiled = inspections_csv([["2021年第一轮", "市级", "市委第一巡察组", "常规", "2021-03-15", "2021-05-20",
                                    "东城区", "城关镇", "张家村", -2, 1, 1, 2]])
        result = importer.import_files(con, [roster_csv(), spoiled], "t")  # a negative count
        assert result.status == "rejected" and result.questions is None
    finally:
        con.close()


def test_beside_a_dashboard_that_holds_the_store(capsys, db):
    """Listing reads the newest backup (every change of the mappings writes one); a change is refused
    with the store's message while another process holds it."""
    import subprocess
    import sys

    add_own(capsys, db)
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); "
                               "print('held', flush=True); time.sleep(60)", str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        code, out, _ = call(capsys, "mappings", "--db", str(db), "--json")
        assert code == 0 and len(json.loads(out)["mappings"]) == 2
        code, _, err = call(capsys, "mappings", "remove", "--db", str(db), "1")
        assert code == 1 and "占用" in err
    finally:
        holder.kill()
        holder.wait()
    assert len(listed(capsys, db)) == 2
