"""Drill-down (issue 19): the grain of the by-district figures follows the district and township
filters (districts, the townships of one district, the units of one township), one set of SQL
parameters serves every page, the briefing and its exports, titles say which and where, and the
breadcrumb goes back up."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest
from streamlit.testing.v1 import AppTest
from support.apptest import assert_clean

from inspection import briefing, store
from inspection.filters import Filters
from inspection.i18n import area_title

ROOT = Path(__file__).resolve().parents[2]

AREA_QUERIES = ["coverage_by_district", "results_by_district", "plan_by_district", "coverage_by_district_month",
                "units_by_district_round", "issues_by_district_category", "overdue_by_district_category",
                "coverage_projection_by_month"]


@pytest.fixture(scope="module")
def place(demo_db) -> tuple[str, str, list[str], list[str]]:
    """The district with the most townships, its townships, one township and its units."""
    con = store.connect(demo_db, read_only=True)
    units = con.execute("SELECT district, township, unit_name FROM v_units").df()
    con.close()
    district = units.groupby("district")["township"].nunique().sort_values().index[-1]
    towns = sorted(units.loc[units["district"] == district, "township"].unique())
    town = towns[0]
    names = sorted(units.loc[(units["district"] == district) & (units["township"] == town), "unit_name"])
    return district, town, towns, names


def test_the_grain_follows_the_district_and_township_filters():
    assert Filters().grain() == "district"
    assert Filters(districts=("甲", "乙")).grain() == "district"
    assert Filters(districts=("甲",)).grain() == "township"
    assert Filters(townships=("甲/一镇", "甲/二镇")).grain() == "township"  # townships of one district
    assert Filters(townships=("甲/一镇", "乙/二镇")).grain() == "district"
    assert Filters(districts=("甲",), townships=("甲/一镇",)).grain() == "unit"
    assert Filters(townships=("一镇",)).grain() == "unit"
    assert Filters(districts=("甲",)).params()["grain"] == "township"
    assert Filters(districts=("甲",)).drill("一镇") == ("township", "甲/一镇")
    assert Filters().drill("甲") == ("district", "甲")
    assert Filters(districts=("甲",), townships=("甲/一镇",)).drill("某村") == ("unit", "某村")
    # a page's group of districts keeps the district grain, and the flag is no filter of its own
    one = Filters(districts=("甲",), grain_of="district")
    assert one.grain() == "district" and "grain_of" not in one.params() and one.active() == {"districts": ("甲",)}


def test_titles_say_the_grain_and_the_place():
    township = Filters(districts=("沙澧区",)).params()
    unit = Filters(districts=("沙澧区",), townships=("沙澧区/某镇",)).params()
    assert area_title("chart_coverage_by_district", township) == "各乡镇（街道）覆盖率 — 沙澧区"
    assert area_title("chart_coverage_by_district", unit) == "各对象覆盖率 — 沙澧区 › 某镇"
    assert area_title("chart_coverage_by_district", township, "en") == "Coverage by township — 沙澧区"
    assert area_title("chart_coverage_by_district", Filters().params()) == "各县区覆盖率"


@pytest.mark.parametrize("name", AREA_QUERIES)
def test_every_by_district_query_groups_at_the_grain(demo_db, place, name):
    district, town, towns, names = place
    con = store.connect(demo_db, read_only=True)
    try:
        for filters, allowed in ((Filters(), None), (Filters(districts=(district,)), set(towns)),
                                 (Filters(districts=(district,), townships=(f"{district}/{town}",)), set(names))):
            frame = store.run_query(con, name, filters.params())
            areas = set(frame["district"].dropna())
            if allowed is None:
                assert district in areas or frame.empty
            else:
                assert areas <= allowed, (name, filters.grain(), areas - allowed)
                if name in ("coverage_by_district", "plan_by_district", "coverage_by_district_month"):
                    assert areas == allowed  # every roster area of the level has its row
    finally:
        con.close()


def test_finer_grains_add_up_to_the_level_above(demo_db, place):
    district, town, _, _ = place
    con = store.connect(demo_db, read_only=True)
    try:
        levels = [Filters(), Filters(districts=(district,)),
                  Filters(districts=(district,), townships=(f"{district}/{town}",))]
        cov = [store.run_query(con, "coverage_by_district", f.params()) for f in levels]
        res = [store.run_query(con, "results_by_district", f.params()) for f in levels]
        iss = [store.run_query(con, "issues_by_district_category", f.params()) for f in levels]
        plan = [store.run_query(con, "plan_by_district", f.params()) for f in levels]
        by_town = cov[1].set_index("district")
        assert cov[1][["units_total", "units_covered"]].sum().tolist() == \
            cov[0].set_index("district").loc[district, ["units_total", "units_covered"]].tolist()
        assert cov[2][["units_total", "units_covered"]].sum().tolist() == \
            by_town.loc[town, ["units_total", "units_covered"]].tolist()
        assert res[1]["inspections"].sum() == res[0].set_index("district").loc[district, "inspections"]
        assert res[2]["issues_found"].sum() == res[1].set_index("district").loc[town, "issues_found"]
        assert iss[1]["issues"].sum() == iss[0].loc[iss[0]["district"] == district, "issues"].sum()
        assert iss[2]["issues"].sum() == iss[1].loc[iss[1]["district"] == town, "issues"].sum()
        # the drilled plan keeps the district's plan: the total row of the township level is the district's row
        total = plan[1][plan[1]["is_total"]].iloc[0]
        row = plan[0][plan[0]["district"] == district].iloc[0]
        assert (total["units_total"], total["units_covered"]) == (row["units_total"], row["units_covered"])
        assert total["plan_end"] == row["plan_end"]
    finally:
        con.close()


def test_the_briefing_and_its_tables_follow_the_grain(demo_db, place):
    district, town, towns, _ = place
    con = store.connect(demo_db, read_only=True)
    try:
        brief = briefing.build(con, Filters(districts=(district,)), "zh")
    finally:
        con.close()
    slides = {s.title: s for s in brief.slides + brief.extra}
    drilled = [s for title, s in slides.items() if "乡镇（街道）" in title]
    assert len(drilled) == 3, list(slides)
    for slide in drilled:
        assert slide.title.endswith(f" — {district}")
        assert slide.figure.layout.title.text == slide.title
        assert not any("县区" in str(c) for c in slide.table.columns)
        if "日期" in slide.table.columns:  # by month as its chart reads: one coverage column per township
            named = [c.removesuffix("覆盖率") for c in slide.table.columns if c.endswith("覆盖率")]
            assert named and set(named) <= set(towns)
            continue
        assert "乡镇（街道）" in slide.table.columns
        assert set(slide.table["乡镇（街道）"]) <= set(towns)
    assert not any("县区" in title for title in slides)


# ---- the pages through AppTest --------------------------------------------------------------------

AREA_PAGES = {  # page -> how many of its charts are by area
    "pages/overview.py": 1, "pages/coverage.py": 2, "pages/categories.py": 1, "pages/followup.py": 1,
    "pages/briefing.py": 1,  # the two more by-area slides are opt-in (checked on briefing.build above)
}


@pytest.fixture
def app(make_app, demo_copy):
    def make(query: dict, page: str) -> AppTest:
        at = make_app(demo_copy, query, page)
        assert_clean(at)
        return at

    return make


def _titles(at: AppTest) -> list[str]:
    return [json.loads(c.proto.spec)["layout"].get("title", {}).get("text") or ""
            for c in at.get("plotly_chart")]


def _clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.mark.parametrize("page", list(AREA_PAGES))
def test_every_district_chart_follows_the_grain(app, place, page):
    district, town, _, _ = place
    at = app({}, page)
    for choose, word, where in ((None, "县区", None),
                                (("district", [district]), "乡镇（街道）", district),
                                (("township", [f"{district}/{town}"]), "对象", f"{district} › {town}")):
        if choose is not None:
            at.multiselect(key=choose[0]).set_value(choose[1]).run()
            _clean(at)
        titles = _titles(at)
        area = [title for title in titles if f"各{word}" in title]
        assert len(area) >= AREA_PAGES[page], (choose, titles)
        crumbs = [b.label for b in at.button if b.key and b.key.startswith("crumb_")]
        if where is not None:
            assert all(f" — {where}" in title for title in area), area
            assert not any("县区" in title for title in titles), titles
            assert crumbs[0] == "全部县区" and len(crumbs) == (1 if word == "乡镇（街道）" else 2), crumbs
            if page not in ("pages/briefing.py", "pages/followup.py"):  # the PNG's file name says the grain too
                names = [json.loads(c.proto.config)["toImageButtonOptions"]["filename"] for c in at.get("plotly_chart")]
                assert any(f"各{word}" in n and where.split(" › ")[-1] in n for n in names), names


def test_the_breadcrumb_goes_up_one_level_a_click(app, place):
    district, town, _, _ = place
    at = app({"district": district, "township": f"{town}（{district}）"}, "pages/coverage.py")  # the URL holds the label
    assert at.session_state["_filters"].grain() == "unit"
    at.button(key="crumb_district").click().run()
    filters = at.session_state["_filters"]
    assert (filters.grain(), filters.districts, filters.townships) == ("township", (district,), ())
    assert any(t.startswith("各乡镇（街道）") for t in _titles(at))
    at.button(key="crumb_top").click().run()
    filters = at.session_state["_filters"]
    assert (filters.grain(), filters.districts, filters.townships) == ("district", (), ())
    assert not [b for b in at.button if b.key and b.key.startswith("crumb_")]


def test_the_briefing_shows_the_breadcrumb_but_not_in_its_screenshot_mode(app, place):
    district, town, _, _ = place
    at = app({"district": district, "township": f"{town}（{district}）"}, "pages/briefing.py")
    crumbs = [b.label for b in at.button if b.key and b.key.startswith("crumb_")]
    assert crumbs == ["全部县区", f"› {district}"] and f"**› {town}**" in [m.value for m in at.markdown]
    at.button(key="crumb_district").click().run()
    assert at.session_state["_filters"].grain() == "township"


def test_the_briefing_screenshot_has_no_breadcrumb(app, place):
    at = app({"district": place[0], "shot": "1"}, "pages/briefing.py")  # a control: hidden like the others
    assert not [b for b in at.button if b.key and b.key.startswith("crumb_")]


# ---- the unit page ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def unit(demo_db) -> tuple[str, str, str, str]:
    """(district, township, a unit with listed issues, another unit of its township)."""
    con = store.connect(demo_db, read_only=True)
    district, town, name = con.execute(
        "SELECT district, township, unit_name FROM v_inspections WHERE unit_id IN (SELECT unit_id FROM v_issues)"
        " ORDER BY 1, 2, 3 LIMIT 1").fetchone()
    other = con.execute("SELECT unit_name FROM v_units WHERE district = ? AND township = ? AND unit_name <> ?"
                        " ORDER BY 1 LIMIT 1", [district, town, name]).fetchone()[0]
    con.close()
    return district, town, name, other


def _unit_app(app, place, monkeypatch, admin: bool) -> AppTest:
    from ui import auth as ui_auth

    if not admin:
        real = ui_auth.allowed
        monkeypatch.setattr(ui_auth, "allowed", lambda action: action != "view_text" and real(action))
    district, town, name, _ = place
    return app({"unit": f"{district}/{town}/{name}"}, "pages/unit.py")


def _frames(at: AppTest) -> list:
    return [d.value for d in at.dataframe]


def _texts(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("markdown", "caption", "info") for e in at.get(kind))


def test_the_unit_page_shows_a_unit_from_the_link(app, unit, monkeypatch):
    district, town, name, other = unit
    at = _unit_app(app, unit, monkeypatch, admin=True)
    assert at.selectbox(key="unit_pick").value == f"{district}/{town}/{name}"
    columns = [list(f.columns) for f in _frames(at)]
    assert any("巡察组" in c and "发现问题" in c for c in columns), columns  # inspections round by round
    assert any("问题类别" in c and "逾期未整改" in c for c in columns), columns  # issues by category
    assert any("问题描述" in c for c in columns)  # administrators: the details
    assert f"{town}覆盖率" in _texts(at) and "排第" in _texts(at)
    # another unit chosen by the type-ahead: the link follows
    at.selectbox(key="unit_pick").set_value(f"{district}/{town}/{other}").run()
    _clean(at)
    assert at.query_params["unit"] in (f"{district}/{town}/{other}", [f"{district}/{town}/{other}"])


def test_viewers_see_coverage_and_counts_only(app, unit, monkeypatch):
    _, town, _, _ = unit
    at = _unit_app(app, unit, monkeypatch, admin=False)
    _clean(at)
    columns = [list(f.columns) for f in _frames(at)]
    assert any("问题类别" in c for c in columns)
    assert not any("问题描述" in c for c in columns)
    text = _texts(at)
    assert f"{town}覆盖率" in text and "排第" not in text and "仅管理员可见" in text


def test_a_unit_link_that_names_no_unit_changes_nothing(app):
    at = app({"unit": "nowhere/at/all"}, "pages/unit.py")
    assert at.selectbox(key="unit_pick").value is None


def test_the_last_mile_links_each_unit_to_its_profile(app, place):
    district, _, _, _ = place
    at = app({"district": district, "as_of": "2024-06-30"}, "pages/coverage.py")
    frames = [d.value for d in at.dataframe if "对象档案" in d.value.columns]
    assert frames and len(frames[0]) > 0
    links = frames[0]["对象档案"].tolist()
    names = frames[0]["对象名称"].tolist()
    assert all(link.startswith("unit?unit=") for link in links)
    assert all(quote(name) in link for name, link in zip(names, links, strict=True))


def test_a_units_rank_counts_ties_as_equal_and_is_not_said_alone(make_app, tmp_path):
    """Two villages of a township with the same issues found are both first (a sort made one of them
    second); a township with one inspected village ranks nothing (第 1 位 of 1 says nothing)."""
    from support import ledgers

    same = [ledgers.INSPECTION_ROWS[0], ledgers.inspection_row(**{"村(社区)": "李家村"}), ledgers.INSPECTION_ROWS[1]]
    db = ledgers.new_store_file(tmp_path / "ties.duckdb")
    con = store.connect(db)
    try:
        assert ledgers.run(con, ledgers.roster_csv(), ledgers.inspections_csv(same)).status == "imported"
    finally:
        con.close()
    for name in ("张家村", "李家村"):
        at = make_app(db, {"unit": f"东城区/城关镇/{name}"}, "pages/unit.py")
        assert_clean(at)
        assert "2 个已巡察对象中，发现问题数排第 1 位" in _texts(at), (name, _texts(at))
    at = make_app(db, {"unit": "西城区/河口镇/王庄村"}, "pages/unit.py")
    assert_clean(at)
    assert "河口镇覆盖率" in _texts(at) and "排第" not in _texts(at)
