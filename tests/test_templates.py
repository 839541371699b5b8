"""The blank templates a first-time clerk downloads from the import page: each carries the contract's
headers (required ones first) and an example row, and the three import together as they stand."""

from __future__ import annotations

import io
from pathlib import Path

import streamlit as st
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from inspection import contract, importer, store, templates

ROOT = Path(__file__).resolve().parent.parent


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


def test_the_import_page_offers_the_help_and_a_template_per_table(env_db, demo_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("INSPECTION_USERS_FILE", str(tmp_path / "nobody" / "users.toml"))  # local mode
    env_db(demo_copy)
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/imports.py").run()
    assert not at.exception
    assert any("第一次导入" in e.label for e in at.expander)
    buttons = [b for b in at.get("download_button") if "空白模板" in str(b.proto.label)]
    assert len(buttons) == len(contract.TABLES)
    st.cache_resource.clear()
    st.cache_data.clear()
