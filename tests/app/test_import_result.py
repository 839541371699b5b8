"""The import page says what happened to the clerk's data (issue 25, item 2): rows identical to the
store apart from rows that were no records, and what a replacement changed, shown and downloadable."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspection import importer

ROOT = Path(__file__).resolve().parents[2]

CHANGE = {"table": "巡察情况", "round": "2026年第一轮", "district": "沙澧区", "township": "凤园镇", "unit": "某村",
          "field": "发现问题数", "old": "7", "new": "9"}


@pytest.fixture
def at(make_app, demo_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("INSPECTION_USERS_FILE", str(tmp_path / "nobody" / "users.toml"))  # local mode
    return make_app(demo_copy)


def test_the_page_counts_unchanged_apart_from_skipped_and_lists_the_changes(at):
    result = importer.ImportResult("imported", added=3, replaced=1, skipped=2, import_id=9, unchanged=40,
                                   changes=[CHANGE, {**CHANGE, "round": None, "table": "对象名册",
                                                     "field": "是否贫困村", "old": "false", "new": "true"}])
    at.session_state["_import_result"] = (result, None, "20261205_0900")
    at.switch_page("pages/imports.py").run()
    assert not at.exception
    text = at.success[0].value
    assert "新增 3 行" in text and "替换 1 行" in text
    assert "未变 40 行（与已导入的相同）" in text and "跳过 2 行（合计、说明等非数据行）" in text
    assert any("替换的内容（2 项）" in e.label for e in at.expander)
    changes = next(d.value for d in at.dataframe if "原值" in d.value.columns)
    assert list(changes["新值"]) == ["9", "true"] and list(changes["轮次"]) == ["2026年第一轮", ""]
    assert [b for b in at.get("download_button") if "替换清单" in b.proto.label]


def test_an_unchanged_import_says_how_many_rows_were_already_there(at):
    result = importer.ImportResult("unchanged", skipped=0, unchanged=18, warnings=["这些文件已经导入过，数据没有变化"])
    at.session_state["_import_result"] = (result, None, "20261205_0900")
    at.switch_page("pages/imports.py").run()
    assert not at.exception
    assert any("未变 18 行" in i.value for i in at.info)
    assert not any("跳过" in i.value for i in at.info)
    # the log shows the unchanged column, blank (not None) for imports before it was counted
    log = next(d.value for d in at.dataframe if "未变" in d.value.columns)
    assert "None" not in [str(v) for v in log["未变"]]
    # a count like its neighbours (right-aligned, 1,331), text only where a "—" stands for no figure
    assert str(log["未变"].dtype) != "object" or "—" in set(log["未变"]), log["未变"].tolist()
