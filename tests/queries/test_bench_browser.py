"""The benchmark's browser phase (bench/benchmark.py): the unit page opens on a unit that its filter
change (the as-of day a year back) changes, and --scale-dir points every phase at copies of the
stores, never at data/scale."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from inspection import store

ROOT = Path(__file__).resolve().parents[2]


def load_benchmark():
    spec = importlib.util.spec_from_file_location("benchmark_under_test", ROOT / "bench" / "benchmark.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_unit_page_opens_on_a_unit_inspected_in_the_last_year(demo_db):
    unit, year = load_benchmark().browser_unit(demo_db)
    district, township, name = unit.split("/", 2)
    con = store.connect(demo_db, read_only=True)
    try:
        years = [r[0] for r in con.execute(
            "SELECT DISTINCT year FROM v_inspections WHERE district = ? AND township = ? AND unit_name = ?",
            [district, township, name]).fetchall()]
        last = con.execute("SELECT max(year) FROM v_inspections").fetchone()[0]
    finally:
        con.close()
    assert year == last and year in years
    assert len(years) >= 2, "a year back still leaves the unit's earlier inspections on its tables"


def test_scale_dir_is_passed_to_the_phases(tmp_path, monkeypatch):
    monkeypatch.setenv("BENCH_SCALE_DIR", "")  # undone after the test, with what main sets
    bench = load_benchmark()
    assert bench.SCALE_DIR == ROOT / "data" / "scale"
    monkeypatch.setattr(bench, "render", lambda *a: "doc")
    bench.main(["--render-only", "--scale-dir", str(tmp_path), "--doc", str(tmp_path / "x.md")])
    assert bench.SCALE_DIR == tmp_path.resolve() and bench.store_file("province").parent == tmp_path.resolve()
    assert os.environ["BENCH_SCALE_DIR"] == str(tmp_path.resolve())  # the subprocesses' copy
    assert (tmp_path / "x.md").read_text(encoding="utf-8") == "doc"


def test_the_by_group_queries_run_for_the_group_of_districts_the_page_draws(demo_db):
    """The coverage curves, the heatmap and the follow-up page's small multiples run for the group of
    districts a page shows (ui.narrowed), so the benchmark times them so, not for every district."""
    from ui import registry

    bench = load_benchmark()
    assert bench.by_group() == {"coverage_by_district_month", "units_by_district_round",
                                "coverage_projection_by_month"} == {n for p in registry.PAGES for n in p.by_group}
    con = store.connect(demo_db, read_only=True)
    try:
        params = bench.with_group(con, {**bench.Filters(as_of=bench.AS_OF).params()})
    finally:
        con.close()
    assert params[bench.GROUP_KEY] is None  # a city's districts fit in one group: every one is drawn
    assert params[bench.LOWEST_KEY] is None
    grouped = {**params, bench.GROUP_KEY: ["甲区", "乙区"], bench.LOWEST_KEY: ["甲区", "乙区"]}
    assert bench.as_page("coverage_by_district_month", grouped)["districts"] == ["甲区", "乙区"]
    # without a plan (inspection filters) the coverage page shows the lowest coverage first, the
    # follow-up page every district
    unplanned = {**params, bench.GROUP_KEY: None, bench.LOWEST_KEY: ["乙区"]}
    assert bench.as_page("units_by_district_round", unplanned)["districts"] == ["乙区"]
    assert bench.as_page("coverage_projection_by_month", unplanned)["districts"] == []
    assert bench.as_page("headline_totals", grouped)["districts"] == []
    assert bench.as_page("uncovered_units", grouped)["limit"] == 1000


def test_the_queries_phase_times_what_each_page_runs(demo_db, tmp_path, monkeypatch):
    """The pages' queries are recorded from the dashboard itself (AppTest), with the parameters each
    runs them with: the overview's issue-category figures (rectification_totals) only under a category
    filter, which no filter set has, so not timed for it (the source's names counted them)."""
    bench = load_benchmark()
    monkeypatch.setattr(bench, "SCALE_DIR", tmp_path)
    monkeypatch.setattr(bench, "store_file", lambda scale: Path(demo_db))
    monkeypatch.setattr(bench.store, "run_query", bench.store.run_query)  # the recorder's spy is undone
    for name in ("INSPECTION_DB", "INSPECTION_DEMO"):  # set by the recorder: restored after the test
        monkeypatch.setenv(name, os.environ.get(name, ""))
    recorded = bench.worker_record("city", 1)
    assert set(recorded) == set(bench.page_queries()) and all(len(sets) == 2 for sets in recorded.values())
    overview = {name for name, _ in recorded["overview"][0]}
    assert overview == {"headline_totals", "results_by_period", "coverage_by_month", "coverage_by_district",
                        "results_by_district"}
    assert {name for name, _ in recorded["compare"][0]} == {"results_by_level", "results_by_level_like",
                                                            "results_by_level_mode", "results_by_team"}
    default = bench.Filters(as_of=bench.AS_OF).params()
    (head,) = [params for name, params in recorded["overview"][0] if name == "headline_totals"]
    assert head == {k: bench._encoded(default[k]) for k in store.query_params("headline_totals")}
