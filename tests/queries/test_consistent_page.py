"""A page's figures all come from one state of the data: when an import or undo commits while a
page's queries run (side by side, each on its own cursor), the run starts over and the page shows
the state after it, never some figures from before and some from after."""

from __future__ import annotations

import base64
import json
import threading
from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest
from support.ledgers import inspections_csv

from inspection import importer, store
from ui import state

ROOT = Path(__file__).resolve().parents[2]


def _values(node):
    """A chart's data with typed arrays decoded and numbers rounded (parallel sums may differ in
    the last bits from one run to the next)."""
    if isinstance(node, dict) and "bdata" in node:
        node = np.frombuffer(base64.b64decode(node["bdata"]), dtype=node["dtype"]).tolist()
    if isinstance(node, dict):
        return {k: _values(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_values(v) for v in node]
    return round(node, 9) if isinstance(node, float) else node


def _page(at: AppTest) -> tuple[dict, list]:
    """What a viewer sees: the KPI tiles and every chart's data."""
    charts = [_values(json.loads(c.proto.spec)["data"]) for c in at.get("plotly_chart")]
    return {m.label: m.value for m in at.metric}, charts


def _run(db: Path) -> AppTest:
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def clean_caches():
    yield
    st.cache_resource.clear()
    st.cache_data.clear()


def test_an_import_committing_between_figures_redraws_the_whole_page(demo_copy, env_db, monkeypatch, clean_caches):
    env_db(demo_copy)
    con = store.connect(demo_copy, read_only=True)
    district, township, unit = con.execute(
        "SELECT district, township, unit_name FROM v_units ORDER BY district, township, unit_name LIMIT 1").fetchone()
    con.close()
    # one more inspection, in a round of its own: the overview's tiles and charts change
    extra = inspections_csv([["2026年试点轮", "市级", "市委第一巡察组", "常规", "2026-03-02", "2026-04-30",
                              district, township, unit, 5, 1, 0, 2]], name="extra.csv")
    before = _page(_run(demo_copy))

    real = store.run_query
    headline_done = threading.Event()
    imported: list[str] = []
    calls: list[str] = []

    def run_query(con, name, params=None):
        calls.append(name)
        if name == "results_by_district" and not imported:
            # the overview's headline tiles are drawn from a query that already ran: commit the
            # import before this figure's query, as the import page does it, through the app's one
            # writer (state.writer(): the process's own connection; every write of the app goes there,
            # test_every_write_of_the_app_goes_through_the_writer)
            headline_done.wait(60)
            with state.writer() as writer:
                imported.append(importer.import_files(writer, [extra], "test", None).status)
        frame = real(con, name, params)
        if name == "headline_totals":
            headline_done.set()
        return frame

    monkeypatch.setattr(store, "run_query", run_query)
    during = _page(_run(demo_copy))
    assert imported == ["imported"], "the import committed while the page drew its figures"
    assert calls.count("headline_totals") >= 2, "the run started over after the import"
    monkeypatch.setattr(store, "run_query", real)
    after = _page(_run(demo_copy))
    assert after != before, "the import changes what the overview shows (else this test proves nothing)"
    assert during == after


def test_every_write_of_the_app_goes_through_the_writer():
    """The pages keep the file's data version between writes of this process (ui/state.py
    _file_versions), which holds only while every write is made inside `with state.writer()`: each
    call that writes (an import, an undo, a plan or a mapping saved or removed) is in such a block."""
    import ast

    writes = {"import_files", "undo", "save", "remove"}
    found = []
    for path in [*(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        inside = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.With) and any(
                    isinstance(item.context_expr, ast.Call) and getattr(item.context_expr.func, "attr",
                                                                        getattr(item.context_expr.func, "id", None))
                    == "writer" for item in node.items):
                inside |= {id(n) for n in ast.walk(node)}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in writes
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id in {"importer", "plan", "mappings", "store"}):
                found.append((path.name, node.lineno, id(node) in inside))
    assert len(found) >= 5 and all(ok for *_, ok in found), [f for f in found if not f[2]]
