"""The blank templates a first-time clerk downloads from the import page: each carries the contract's
headers (required ones first) and an example row, and the three import together as they stand."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import streamlit as st
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from inspection import contract, importer, store, templates

ROOT = Path(__file__).resolve().parents[2]


def test_each_template_has_the_contract_headers_and_an_example_row():
    for table in contract.TABLES:
        sheet = load_workbook(io.BytesIO(templates.workbook(table))).active
        headers = [c.value for c in sheet[1]]
        required = [table.field(name).headers[0] for name in table.required]
        assert headers[: len(required)] == required, table.name
        assert sheet.max_row == 2 and sheet.title == table.label
        assert set(templates.columns(table)["header"]) == set(headers)


def test_the_three_templates_import_together(tmp_path):
    con = store.connect(tmp_path / "t.duckdb")
    try:
        files = [importer.InputFile(f"模板_{t.label}.xlsx", templates.workbook(t)) for t in contract.TABLES]
        result = importer.import_files(con, files, "clerk", None)
    finally:
        con.close()
    assert result.status == "imported", [p.reason for p in result.problems]
    assert result.added == 3


@pytest.fixture
def import_page(env_db, demo_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("INSPECTION_USERS_FILE", str(tmp_path / "nobody" / "users.toml"))  # local mode
    env_db(demo_copy)
    st.cache_resource.clear()
    st.cache_data.clear()

    def make(query: dict | None = None) -> AppTest:
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        for key, value in (query or {}).items():
            at.query_params[key] = value
        at.run()
        at.switch_page("pages/imports.py").run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    yield make
    st.cache_resource.clear()
    st.cache_data.clear()


def test_the_import_page_offers_the_help_and_a_template_per_table(import_page):
    at = import_page()
    assert any("第一次导入" in e.label for e in at.expander)
    buttons = [b for b in at.get("download_button") if "空白模板" in str(b.proto.label)]
    assert len(buttons) == len(contract.TABLES)
    assert [m.value for m in at.markdown if m.value in ("**对象名册**", "**巡察情况**", "**问题清单**")]


CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def test_in_english_the_help_names_the_tables_in_english(import_page):
    """The tables' names, the help's labels and the template buttons in English; the headers stay
    as the contract writes them (a ledger's headers are Chinese), the other accepted names English."""
    at = import_page({"lang": "en"})
    (help_box,) = [e for e in at.expander if e.label.startswith("First import?")]
    names = [m.value for m in help_box.markdown]
    assert "**Roster of units**" in names and "**Inspections**" in names and "**Issue list**" in names
    assert not [v for v in names if CJK.search(v)], names
    labels = [str(b.proto.label) for b in at.get("download_button")]
    assert "Download a blank template: Issue list" in labels
    assert not [v for v in labels if CJK.search(v)], labels
    tables = [d.value for d in help_box.table]
    assert len(tables) == len(contract.TABLES)
    for table in tables:
        assert list(table.columns) == ["Header", "Meaning", "Required", "Also accepted"]
        assert set(table["Required"]) <= {"required", "optional"}
        assert not [v for v in table["Also accepted"] if CJK.search(v)]
        # the Chinese header a clerk must write, explained in English (Chinese only as values to type)
        assert all(CJK.search(v) for v in table["Header"])
        assert all(v and not v.startswith("help_field") and re.search(r"[A-Za-z]{3}", v) for v in table["Meaning"])
    roster = tables[0].set_index("Header")
    assert roster.loc["县区", "Meaning"].startswith("County or district")
    assert roster.loc["对象类型", "Meaning"].startswith("村 Village, 社区 Community, 基层站所 Grassroots station")
    assert roster.loc["是否贫困村", "Meaning"] == "Poverty(-alleviated) village: 是 yes / 否 no (blank: no)"
    assert "Meaning says what the column holds" in help_box.markdown[0].value


def test_every_column_of_the_help_is_explained_and_cut_lists_say_so():
    for table in contract.TABLES:
        for lang in ("zh", "en"):
            frame = templates.columns(table, lang)
            assert not frame["meaning"].str.startswith("help_field").any(), (table.name, lang)
            assert (frame["also"].str.len() <= 62).all()
    names = templates.columns(contract.ROSTER, "zh").set_index("header").loc["对象名称", "also"]
    assert names.endswith("、…") and "村(社区)" in names  # more names than fit: whole names, then …
