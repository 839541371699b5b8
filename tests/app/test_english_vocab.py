"""Issue 25 item 16: in English the fixed vocabularies (unit types, modes, levels, statuses) are
English on screen and in the exports, one English name per thing; data (categories, rounds) stays."""

from __future__ import annotations

import datetime as dt
import io
import json

from inspection import briefing, export, store
from inspection.filters import Filters
from inspection.i18n import LABELS, VALUES, describe_filters, value

AS_OF = dt.date(2026, 11, 15)


def test_one_english_name_per_thing():
    by_chinese: dict[str, set[str]] = {}
    for zh, en in [*LABELS.values(), *VALUES.values()]:
        by_chinese.setdefault(zh, set()).add(en)
    assert by_chinese["立行立改"] == {"Immediate fixes"}
    for word in ("村", "社区", "基层站所", "专项", "交叉", "市级", "已整改"):
        assert len(by_chinese[word]) == 1, word
    for stored in ("村", "社区", "基层站所", "专项", "交叉", "municipal", "rectified"):  # as the store holds them
        assert value(stored, "en") not in (stored, "") and value(stored, "zh") in by_chinese


def test_every_mode_the_demo_writes_has_an_english_name():
    """The demo's follow-up inspections (回头看, DOMAIN.md) are a mode the contract does not list, kept
    as written: still a mode a leader reads on the English mode chart and filter."""
    from inspection import contract, demo

    written = {mode for mode, _ in (*demo.COUNTY_MODES, *demo.MUNICIPAL_MODES)} | {demo.FOLLOW_UP_MODE}
    assert set(contract.MODES) | written <= set(VALUES)
    for mode in written:
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in value(mode, "en")), mode


def test_filters_are_described_in_english():
    text = describe_filters({"modes": ("专项", "交叉"), "unit_types": ("社区",), "levels": ("county",)}, "en")
    assert "Special, Cross" in text and "Community" in text and "County" in text
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_english_screens_name_unit_types_and_modes_in_english(make_app, demo_copy):
    at = make_app(demo_copy, {"lang": "en"})
    assert not at.exception
    types = at.multiselect(key="unit_type")
    assert "Village" in types.options and "Community" in types.options and "村" not in types.options
    modes = at.multiselect(key="mode")
    assert "Special" in modes.options and "专项" not in modes.options
    modes.select("专项").run()  # the filter's value stays the stored one
    assert at.session_state["_filters"].modes == ("专项",)
    at.switch_page("pages/coverage.py").run()
    assert not at.exception
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    by_type = next(s for s in specs if any(tr.get("customdata") is not None and "村" in list(
        map(str, tr.get("customdata") or [])) for tr in s["data"]))
    shown = [x for tr in by_type["data"] for x in tr.get("x") or []]
    assert "Village" in shown and "村" not in shown
    at.switch_page("pages/compare.py").run()
    assert not at.exception
    xs = [str(x) for c in at.get("plotly_chart") for tr in json.loads(c.proto.spec)["data"] for x in tr.get("x") or []]
    assert "Special" in xs and "专项" not in xs


def test_english_deck_names_the_vocabularies_in_english(demo_db):
    from pptx import Presentation

    con = store.connect(demo_db, read_only=True)
    try:
        brief = briefing.build(con, Filters(modes=("专项",), unit_types=("村",), as_of=AS_OF), "en")
    finally:
        con.close()
    assert "Special" in brief.subtitle and "Village" in brief.subtitle and "专项" not in brief.subtitle
    prs = Presentation(io.BytesIO(export.deck_pptx(brief.title, brief.subtitle, brief.deck_slides(True),
                                                   [None] * len(brief.deck_slides(True)))))
    cells = [c.text for s in prs.slides for sh in s.shapes if sh.has_table for r in sh.table.rows for c in r.cells]
    assert "County" in cells and "县级" not in cells


def test_english_counts_of_one_are_singular_and_counts_are_separated():
    from inspection import report
    from inspection.i18n import t

    assert t("rep_not_reported", "en", n="1") == " (1 inspection did not report it)"
    assert t("rep_disciplined", "en", n="1") == "led to disciplinary sanctions for 1 person"
    assert t("rep_behind", "en", n="1", names="A").startswith(" At the pace of the last 6 months, 1 district will")
    assert "2 districts will" in t("rep_behind", "en", n="2", names="A, B")
    assert t("rep_issues", "en", n="11") == "found 11 issues" and t("rep_issues", "en", n="1,001") == "found 1,001 issues"
    assert report.count(17092, "en") == "17,092" and report.count(17092) == "17092"
