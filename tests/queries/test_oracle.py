"""The headline figures against an oracle written from the contract's text alone ("What the figures
mean" in DATA_CONTRACT.md), in plain Python over the rows the test itself wrote: random small
ledgers (blanks, all four statuses, rectified dates after the as-of day, inspections without an
end date) imported through the importer, then metrics.compute — what the command line prints, read
by the same queries as the pages — under random filters of both kinds."""

from __future__ import annotations

import datetime as dt
import os
import random
from dataclasses import dataclass

import pytest
from support.ledgers import InputFile, csv_bytes, dump, memory_store, run, table

from inspection import metrics
from inspection.filters import Filters

ROSTER_HEADER = ["县区", "乡镇街道", "村(社区)", "对象类型", "是否贫困村"]
INSPECTION_HEADER = ["轮次", "巡察层级", "巡察组", "巡察方式", "开始日期", "结束日期", "县区", "乡镇街道", "村(社区)",
                     "发现问题数", "移交问题线索数", "立行立改数", "党纪政务处分人数", "组织处理人数",
                     "移交司法机关人数", "已整改数", "追回资金(万元)"]
COUNT_FIELDS = ("issues_found", "clues", "immediate_fixes", "disciplined", "org_handled", "judicial",
                "rectified", "funds_recovered")
ISSUE_HEADER = ["轮次", "县区", "乡镇街道", "村(社区)", "问题类别", "二级类别", "整改状态", "整改时限", "整改完成时间"]
STATUS = {"已整改": "rectified", "整改中": "in_progress", "未整改": "not_started", "长期整改": "long_term"}
ROUNDS = {"2021年第一轮": 2021, "2022年第二轮": 2022, "2023年第一轮": 2023}
CATEGORIES = {"党的领导": ["理论学习", "政治站位"], "群众身边腐败问题": ["集体三资", "惠民资金"], "基层党组织建设": ["组织生活"]}


def seeds(default: int) -> range:
    """The random ledgers a test draws: a few in the suite; ORACLE_SEEDS=N draws N (a longer search)."""
    return range(int(os.environ.get("ORACLE_SEEDS", default)))


@dataclass
class Unit:
    district: str
    township: str
    name: str
    unit_type: str
    poverty: bool


@dataclass
class Inspection:
    round: str
    unit: Unit
    level: str  # municipal | county
    mode: str
    start: dt.date
    end: dt.date | None
    counts: dict  # field -> int | float | None


@dataclass
class Issue:
    inspection: Inspection
    category: str
    subcategory: str | None
    status: str
    due: dt.date | None
    rectified_date: dt.date | None


def ledgers(rng: random.Random) -> tuple[list[Unit], list[Inspection], list[Issue]]:
    units = []
    for d in range(rng.randint(2, 3)):
        for t in range(rng.randint(1, 2)):
            for u in range(rng.randint(2, 4)):
                kind = rng.choice(["村", "社区", "基层站所"])
                units.append(Unit(f"第{d}区", f"第{d}{t}镇", f"甲{d}{t}{u}{'村' if kind == '村' else kind}",
                                  kind, rng.random() < 0.3))
    inspections, issues = [], []
    for name, year in ROUNDS.items():
        for unit in units:
            if rng.random() < 0.45:
                continue
            start = dt.date(year, rng.randint(1, 11), rng.randint(1, 28))
            end = None if rng.random() < 0.15 else start + dt.timedelta(days=rng.randint(15, 70))
            counts = {}
            for field in COUNT_FIELDS:
                if rng.random() < 0.15 and field != "issues_found":  # required: a blank is a reject
                    counts[field] = None
                elif field == "funds_recovered":
                    counts[field] = round(rng.random() * 20, 2)
                else:
                    counts[field] = rng.randint(0, 6)
            if counts["issues_found"] is not None and counts["rectified"] is not None:
                counts["rectified"] = min(counts["rectified"], counts["issues_found"])
            inspection = Inspection(name, unit, rng.choice(["municipal", "county"]), rng.choice(["常规", "专项", "机动"]),
                                    start, end, counts)
            inspections.append(inspection)
            for _ in range(rng.choice([0, 0, 1, 2, 4])):
                category = rng.choice(list(CATEGORIES))
                status = rng.choice(list(STATUS))
                base = end or start
                due = None if rng.random() < 0.2 else base + dt.timedelta(days=rng.randint(-10, 200))
                done = None
                if status == "已整改" and rng.random() < 0.8:
                    done = base + dt.timedelta(days=rng.randint(0, 400))
                issues.append(Issue(inspection, category,
                                    rng.choice(CATEGORIES[category] + [None]), status, due, done))
    return units, inspections, issues


def files(units, inspections, issues) -> list[InputFile]:
    roster = [[u.district, u.township, u.name, u.unit_type, "是" if u.poverty else "否"] for u in units]
    level_word = {"municipal": "市级", "county": "县级"}
    rows = []
    for i in inspections:
        rows.append([i.round, level_word[i.level], "市委第一巡察组" if i.level == "municipal" else "县委第二巡察组",
                     i.mode, i.start.isoformat(), i.end.isoformat() if i.end else "",
                     i.unit.district, i.unit.township, i.unit.name]
                    + ["" if i.counts[f] is None else i.counts[f] for f in COUNT_FIELDS])
    issue_rows = [[s.inspection.round, s.inspection.unit.district, s.inspection.unit.township, s.inspection.unit.name,
                   s.category, s.subcategory or "", s.status, s.due.isoformat() if s.due else "",
                   s.rectified_date.isoformat() if s.rectified_date else ""] for s in issues]
    out = [InputFile("名册.csv", csv_bytes(table(ROSTER_HEADER, roster))),
           InputFile("巡察情况.csv", csv_bytes(table(INSPECTION_HEADER, rows)))]
    if issue_rows:
        out.append(InputFile("问题清单.csv", csv_bytes(table(ISSUE_HEADER, issue_rows))))
    return out


def drawn(seed: int) -> tuple[random.Random, list[Unit], list[Inspection], list[Issue], list[dt.date]]:
    """The random ledgers of a seed, and the days of their inspections (as-of days on the boundaries)."""
    rng = random.Random(seed)
    units, inspections, issues = ledgers(rng)
    return rng, units, inspections, issues, sorted({d for i in inspections for d in (i.start, i.end) if d})


@pytest.fixture
def con():
    """A fresh store in memory for one test."""
    connection = memory_store()
    yield connection
    connection.close()


def random_filters(rng: random.Random, units: list[Unit], days: list[dt.date]) -> Filters:
    def some(values, p=0.3):
        values = sorted(set(values))
        return tuple(v for v in values if rng.random() < 0.5) if rng.random() < p else ()

    districts = some(u.district for u in units)
    townships = some([u.township for u in units if not districts or u.district in districts], 0.2)
    year_from = rng.choice([None, None, 2022])
    year_to = rng.choice([None, None, 2022, 2023])
    if year_from and year_to and year_to < year_from:
        year_to = None
    return Filters(districts=districts, townships=townships, unit_types=some([u.unit_type for u in units], 0.2),
                   poverty_only=rng.random() < 0.15, rounds=some(ROUNDS, 0.25), year_from=year_from,
                   year_to=year_to, levels=some(["municipal", "county"], 0.25), modes=some(["常规", "专项", "机动"], 0.2),
                   # a day of the data half the time: the boundaries (on or before, before) are met
                   as_of=rng.choice(days) if rng.random() < 0.5 else rng.choice(
                       [dt.date(2024, 12, 31), dt.date(2022, 6, 30), dt.date(2023, 3, 1), dt.date(2026, 1, 1)]),
                   categories=some(CATEGORIES, 0.2))


def oracle(units, inspections, issues, f: Filters) -> dict:
    def unit_ok(u: Unit) -> bool:
        return ((not f.districts or u.district in f.districts) and (not f.townships or u.township in f.townships)
                and (not f.unit_types or u.unit_type in f.unit_types) and (not f.poverty_only or u.poverty))

    def inspection_ok(i: Inspection) -> bool:
        return (unit_ok(i.unit) and (not f.rounds or i.round in f.rounds) and (not f.levels or i.level in f.levels)
                and (not f.modes or i.mode in f.modes) and (f.year_from is None or i.start.year >= f.year_from)
                and (f.year_to is None or i.start.year <= f.year_to) and i.start <= f.as_of)

    roster = [u for u in units if unit_ok(u)]
    chosen = [i for i in inspections if inspection_ok(i)]
    covered = {id(i.unit) for i in chosen}
    out = {"units_total": len(roster), "units_covered": sum(id(u) in covered for u in roster),
           "inspections": len(chosen)}
    out["coverage_rate"] = out["units_covered"] / out["units_total"] if roster else None
    out["not_reported"] = {}
    for field in COUNT_FIELDS:
        values = [i.counts[field] for i in chosen if i.counts[field] is not None]
        out[field] = sum(values) if values else None
        out["not_reported"][field] = len(chosen) - len(values)

    def rectified(s: Issue) -> bool:
        return s.status == "已整改" and (s.rectified_date is None or s.rectified_date <= f.as_of)

    listed = [s for s in issues if id(s.inspection) in {id(i) for i in chosen}
              and (not f.categories or s.category in f.categories)]
    out["listed_issues"] = len(listed)
    out["long_term"] = sum(s.status == "长期整改" for s in listed)
    out["overdue"] = sum(not rectified(s) and s.status != "长期整改" and s.due is not None and s.due < f.as_of
                         for s in listed)
    if listed:
        out["rectification_rate"] = sum(map(rectified, listed)) / len(listed)
    elif f.categories:  # the inspections' counts have no category: no rate
        out["rectification_rate"] = None
    else:
        both = [i for i in chosen if i.counts["issues_found"] is not None and i.counts["rectified"] is not None]
        found = sum(i.counts["issues_found"] for i in both)
        out["rectification_rate"] = sum(i.counts["rectified"] for i in both) / found if found else None
    with_end = [s for s in listed if s.inspection.end is not None]
    out["one_month_rectification_rate"] = (
        sum(rectified(s) and s.rectified_date is not None
            and s.rectified_date <= s.inspection.end + dt.timedelta(days=30) for s in with_end) / len(with_end)
        if with_end else None)

    out["by_level"] = {}
    for level in ("municipal", "county"):
        rows = [i for i in chosen if i.level == level]
        both = [i for i in rows if i.counts["issues_found"] is not None and i.counts["clues"] is not None]
        disc = [i.counts["disciplined"] for i in rows if i.counts["disciplined"] is not None]
        out["by_level"][level] = {
            "inspections": len(rows), "units": len({id(i.unit) for i in rows}),
            "avg_issues_and_clues": (sum(i.counts["issues_found"] + i.counts["clues"] for i in both) / len(both)
                                     if both else None),
            "avg_disciplined": sum(disc) / len(disc) if disc else None}
    m, c = out["by_level"]["municipal"], out["by_level"]["county"]
    out["ratio_issues_and_clues"] = (m["avg_issues_and_clues"] / c["avg_issues_and_clues"]
                                     if m["avg_issues_and_clues"] is not None and c["avg_issues_and_clues"] else None)
    out["ratio_disciplined"] = (m["avg_disciplined"] / c["avg_disciplined"]
                                if m["avg_disciplined"] is not None and c["avg_disciplined"] else None)

    by_district = {}
    for u in roster:
        row = by_district.setdefault(u.district, [0, 0])
        row[0] += 1
        row[1] += id(u) in covered
    out["by_district"] = {d: (t, cv) for d, (t, cv) in by_district.items()}
    categories = {}
    for s in listed:
        row = categories.setdefault((s.category, s.subcategory), [0, 0, 0])
        row[0] += 1
        row[1] += rectified(s)
        row[2] += s.status == "长期整改"
    out["by_category"] = {k: tuple(v) for k, v in categories.items()}
    out["uncovered"] = sorted((u.district, u.township, u.name) for u in roster if id(u) not in covered)
    return out


def close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 1e-6


@pytest.mark.parametrize("seed", seeds(6))
def test_headline_figures_equal_the_contracts_definitions(seed, con):
    rng, units, inspections, issues, days = drawn(seed)
    days = sorted({*days, *(d for s in issues for d in (s.due, s.rectified_date) if d)})
    result = run(con, *files(units, inspections, issues))
    assert result.status == "imported", result.problems
    for n in range(8):
        f = Filters() if n == 0 else random_filters(rng, units, days)
        if n == 0:
            f = Filters(as_of=dt.date(2026, 1, 1))
        want, got = oracle(units, inspections, issues, f), metrics.compute(con, f)
        where = f"seed {seed}, set {n}: {f}"
        for key in ("units_total", "units_covered", "coverage_rate", "inspections", *COUNT_FIELDS,
                    "listed_issues", "long_term", "overdue", "rectification_rate", "one_month_rectification_rate",
                    "ratio_issues_and_clues", "ratio_disciplined"):
            assert close(got[key], want[key]), (key, got[key], want[key], where)
        assert got["not_reported"] == want["not_reported"], where
        for level in ("municipal", "county"):
            for key, value in want["by_level"][level].items():
                assert close(got["by_level"][level][key], value), (level, key, got["by_level"][level], where)
        assert {r["district"]: (r["units_total"], r["units_covered"]) for r in got["by_district"]} \
            == want["by_district"], where
        assert {(r["category"], r["subcategory"]): (r["issues"], r["rectified"], r["long_term"])
                for r in got["by_category"]} == want["by_category"], where
        assert sorted((r["district"], r["township"], r["unit_name"]) for r in got["uncovered"]) \
            == want["uncovered"], where


def check(con, units, inspections, issues, rng: random.Random, days: list[dt.date], sets: int, where: str) -> None:
    for n in range(sets):
        f = Filters(as_of=dt.date(2026, 1, 1)) if n == 0 else random_filters(rng, units, days)
        want, got = oracle(units, inspections, issues, f), metrics.compute(con, f)
        for key in ("units_total", "units_covered", "inspections", *COUNT_FIELDS, "listed_issues", "long_term",
                    "overdue", "rectification_rate", "one_month_rectification_rate", "ratio_issues_and_clues"):
            assert close(got[key], want[key]), (key, got[key], want[key], where, n, f)
        assert {(r["category"], r["subcategory"]): (r["issues"], r["rectified"], r["long_term"])
                for r in got["by_category"]} == want["by_category"], (where, n, f)


@pytest.mark.parametrize("seed", seeds(2))
def test_figures_follow_corrections_and_undo(seed, con):
    """Imported in parts, corrected (a changed inspections file, a changed issue list for some units:
    their rows are replaced), then undone step by step: the figures are always those of the rows the
    store should hold (the materialised tables and pre-aggregates rewritten with them)."""
    import copy

    from inspection.importer import undo

    rng, units, inspections, issues, days = drawn(1000 + seed)
    roster_file, inspection_file, *issue_file = files(units, inspections, issues)
    assert run(con, roster_file, inspection_file).status == "imported"
    check(con, units, inspections, [], rng, days, 3, "roster and inspections")
    if issue_file:
        assert run(con, *issue_file).status == "imported"
    check(con, units, inspections, issues, rng, days, 3, "issues")

    # a corrected inspections file: some rows' counts, level and mode changed
    changed = copy.deepcopy(inspections, {id(u): u for u in units})  # the same units
    fixed = [i for i in changed if rng.random() < 0.4] or changed[:1]
    for i in fixed:
        i.counts = {k: (v + 1 if isinstance(v, int) else v) for k, v in i.counts.items()}
        i.level = "county" if i.level == "municipal" else "municipal"
        i.mode = rng.choice(["常规", "专项"])
    by_key = {(i.round, i.unit.name): i for i in changed}
    moved = [copy.copy(s) for s in issues]
    for s in moved:
        s.inspection = by_key[(s.inspection.round, s.inspection.unit.name)]
    step3 = run(con, files(units, fixed, [])[1])
    assert step3.status == "imported" and step3.replaced, step3
    check(con, units, changed, moved, rng, days, 4, "corrected inspections")

    # a corrected issue list for some of the inspections: their issues are the new rows
    again = [i for i in changed if rng.random() < 0.3] or changed[:1]
    *_, new = ledgers(random.Random(2000 + seed))
    renewed = [copy.copy(s) for s in new[:12]]
    for n, s in enumerate(renewed):
        s.inspection = again[n % len(again)]
    listed_again = {id(s.inspection) for s in renewed}  # a (round, unit) in the new list: its rows replaced
    kept = [s for s in moved if id(s.inspection) not in listed_again]
    step4 = run(con, files(units, [], renewed)[2]) if renewed else None
    if step4 is not None:
        assert step4.status == "imported", step4.problems
        check(con, units, changed, kept + [s for s in renewed], rng, days, 4, "corrected issue list")
        undo(con, step4.import_id, "tester")
    check(con, units, changed, moved, rng, days, 3, "issue list undone")
    undo(con, step3.import_id, "tester")
    check(con, units, inspections, issues, rng, days, 3, "inspections undone")


def area_figures(units, inspections, issues, f: Filters) -> dict:
    """The per-area figures at the filters' grain (district, township or unit), by the contract."""
    key = {"district": lambda u: u.district, "township": lambda u: u.township, "unit": lambda u: u.name}[f.grain()]
    ok_units = [u for u in units if (not f.districts or u.district in f.districts)
                and (not f.townships or u.township in f.townships)
                and (not f.unit_types or u.unit_type in f.unit_types) and (not f.poverty_only or u.poverty)]
    chosen = [i for i in inspections if i.unit in ok_units and (not f.rounds or i.round in f.rounds)
              and (not f.levels or i.level in f.levels) and (not f.modes or i.mode in f.modes)
              and (f.year_from is None or i.start.year >= f.year_from)
              and (f.year_to is None or i.start.year <= f.year_to) and i.start <= f.as_of]
    results = {}
    for i in chosen:
        row = results.setdefault(key(i.unit), {"inspections": 0, "units": set(), "issues_found": [], "clues": []})
        row["inspections"] += 1
        row["units"].add(id(i.unit))
        for field in ("issues_found", "clues"):
            if i.counts[field] is not None:
                row[field].append(i.counts[field])
    results = {k: (v["inspections"], len(v["units"]), sum(v["issues_found"]) if v["issues_found"] else None,
                   sum(v["clues"]) if v["clues"] else None) for k, v in results.items()}
    coverage = {}
    covered = {id(i.unit) for i in chosen}
    for u in ok_units:
        row = coverage.setdefault(key(u), [0, 0])
        row[0] += 1
        row[1] += id(u) in covered
    ids = {id(i) for i in chosen}
    listed = [s for s in issues if id(s.inspection) in ids and (not f.categories or s.category in f.categories)]
    by_area_category = {}
    for s in listed:
        by_area_category[(key(s.inspection.unit), s.category)] = by_area_category.get(
            (key(s.inspection.unit), s.category), 0) + 1
    def rectified(s: Issue) -> bool:
        return s.status == "已整改" and (s.rectified_date is None or s.rectified_date <= f.as_of)

    def overdue(s: Issue) -> bool:
        return not rectified(s) and s.status != "长期整改" and s.due is not None and s.due < f.as_of

    overdue_by = {}  # the groups with an overdue issue (the query's rows)
    for s in listed:
        row = overdue_by.setdefault((key(s.inspection.unit), s.category), [0, 0])
        row[0] += 1
        row[1] += overdue(s)
    by_category = {}
    for s in listed:
        row = by_category.setdefault(s.category, [0, 0, 0, 0])
        row[0] += 1
        row[1] += rectified(s)
        row[2] += s.status == "长期整改"
        row[3] += overdue(s)
    by_round = {}
    for s in listed:
        by_round[(s.inspection.round, s.category)] = by_round.get((s.inspection.round, s.category), 0) + 1
    by_type = {}
    for u in ok_units:
        row = by_type.setdefault(u.unit_type, [0, 0])
        row[0] += 1
        row[1] += id(u) in covered
    first = {}
    for i in chosen:
        first[id(i.unit)] = min(first.get(id(i.unit), i.start), i.start)
    level_mode = {}
    for i in chosen:
        row = level_mode.setdefault((i.mode, i.level), [0, []])
        row[0] += 1
        if i.counts["clues"] is not None:
            row[1].append(i.counts["issues_found"] + i.counts["clues"])
    return {"results": results, "coverage": {k: tuple(v) for k, v in coverage.items()},
            "area_category": by_area_category, "overdue": {k: tuple(v) for k, v in overdue_by.items() if v[1]},
            "by_category": {k: tuple(v) for k, v in by_category.items()}, "by_round": by_round,
            "by_type": {k: tuple(v) for k, v in by_type.items()},
            "covered_by": lambda day: sum(d <= day for d in first.values()), "units_total": len(ok_units),
            "level_mode": {k: (n, sum(v) / len(v) if v else None) for k, (n, v) in level_mode.items()}}


@pytest.mark.parametrize("seed", seeds(3))
def test_figures_by_area_at_every_grain(seed, con):
    """The drill-down's tables and charts by area (district, then township, then unit) against the
    same oracle: results, coverage and issues by area and category."""
    from inspection import store

    rng, units, inspections, issues, days = drawn(3000 + seed)
    assert run(con, *files(units, inspections, issues)).status == "imported"
    district = rng.choice(units).district
    township = rng.choice([u for u in units if u.district == district]).township
    for places in ({}, {"districts": (district,)}, {"districts": (district,), "townships": (township,)}):
        for _ in range(3):
            f = random_filters(rng, units, days)
            f = Filters(**{**{k: getattr(f, k) for k in ("rounds", "year_from", "year_to", "levels", "modes",
                                                         "as_of", "categories", "unit_types")}, **places})
            want = area_figures(units, inspections, issues, f)
            params = f.params()
            got = {r["district"]: (r["inspections"], r["units_inspected"], r["issues_found"], r["clues"])
                   for r in store.run_query(con, "results_by_district", params).to_dict("records")
                   if r["inspections"]}
            got = {k: tuple(None if v != v else v for v in row) for k, row in got.items()}
            assert got == want["results"], (f, got, want["results"])
            got = {r["district"]: (r["units_total"], r["units_covered"])
                   for r in store.run_query(con, "coverage_by_district", params).to_dict("records")}
            assert got == want["coverage"], (f, got, want["coverage"])
            got = {(r["district"], r["category"]): r["issues"]
                   for r in store.run_query(con, "issues_by_district_category", params).to_dict("records")
                   if r["issues"]}
            assert got == want["area_category"], (f, got, want["area_category"])
            got = {(r["district"], r["category"]): (r["listed_issues"], r["overdue"])
                   for r in store.run_query(con, "overdue_by_district_category", params).to_dict("records")
                   if r["listed_issues"]}
            assert got == want["overdue"], (f, got, want["overdue"])
            got = {r["category"]: (r["issues"], r["rectified"], r["long_term"], r["overdue"])
                   for r in store.run_query(con, "rectification_by_category", params).to_dict("records")}
            assert got == want["by_category"], (f, got, want["by_category"])
            got = {(r["round"], r["category"]): r["issues"]
                   for r in store.run_query(con, "issues_by_round_category", params).to_dict("records")
                   if r["issues"]}
            assert got == want["by_round"], (f, got, want["by_round"])
            got = {r["unit_type"]: (r["units_total"], r["units_covered"])
                   for r in store.run_query(con, "coverage_by_unit_type", params).to_dict("records")}
            assert got == want["by_type"], (f, got, want["by_type"])
            for r in store.run_query(con, "coverage_by_month", params).to_dict("records"):
                assert (r["units_total"], r["units_covered"]) == (
                    want["units_total"], want["covered_by"](r["day"].date())), (f, r)
            got = {(r["mode"], r["level"]): (r["inspections"], r["avg_issues_and_clues"])
                   for r in store.run_query(con, "results_by_level_mode", params).to_dict("records")}
            got = {k: (n, None if a != a else a) for k, (n, a) in got.items()}
            assert got.keys() == want["level_mode"].keys(), (f, got, want["level_mode"])
            for k, (n, a) in want["level_mode"].items():
                assert got[k][0] == n and close(got[k][1], a), (f, k, got[k], (n, a))


def office_workbook(units, inspections, issues, rng: random.Random) -> bytes:
    """The same rows as an office keeps them in Excel: a title and a 填报单位 line, a 序号 column, a
    two-row header under merged group cells, the district and township merged down over their rows,
    小计 rows per district, a 合计 row and a 填表人 line, counts as 5个 or / (not reported)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)

    def sheet(name, title, groups, header, rows, merge_cols):
        ws = book.create_sheet(name)
        width = len(header) + 1
        ws.append([title] + [None] * (width - 1))
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        ws.append(["填报单位：某市委巡察办"])
        top = ["序号"] + [None] * len(header)
        for label, first, last in groups:  # a group cell over its columns (1-based within header)
            top[first] = label
            ws_groups.append((first + 1, last + 1))
        ws.append(top)
        ws.append([None] + header)
        for first, last in ws_groups:
            ws.merge_cells(start_row=3, start_column=first, end_row=3, end_column=last)
        ws.merge_cells(start_row=3, start_column=1, end_row=4, end_column=1)  # 序号 over both rows
        ws_groups.clear()
        r, n, district = 5, 0, None
        spans = {c: [] for c in merge_cols}
        for row in rows:
            if district is not None and row[0] != district:
                ws.append([None, f"{district}小计"])
                r += 1
            district = row[0]
            n += 1
            ws.append([n] + row)
            for c in merge_cols:
                key = tuple(row[: c + 1])
                if spans[c] and spans[c][-1][0] == key and spans[c][-1][2] == r - 1:
                    spans[c][-1][2] = r
                else:
                    spans[c].append([key, r, r])
            r += 1
        ws.append([None, "合计"])
        ws.append(["填表人：王某某  联系电话：138xxxx"])
        for c, ranges in spans.items():
            for _, first, last in ranges:
                if last > first:
                    for rr in range(first + 1, last + 1):
                        ws.cell(row=rr, column=c + 2).value = None
                    ws.merge_cells(start_row=first, start_column=c + 2, end_row=last, end_column=c + 2)

    ws_groups: list = []
    roster = sorted([u.district, u.township, u.name, u.unit_type, "是" if u.poverty else "否"] for u in units)
    sheet("名册", "某市村(社区)党组织名册", [], ["县(市、区)", "乡镇(街道)", "村(社区)", "对象类型", "是否贫困村"],
          roster, [0, 1])
    level_word = {"municipal": "市委巡察组", "county": "县区巡察组"}

    def count(value):
        if value is None:
            return "/"
        if isinstance(value, float):
            return value
        return f"{value}个" if rng.random() < 0.3 else value

    rows = sorted([[i.unit.district, i.unit.township, i.unit.name, i.round, level_word[i.level],
                    "市委第一巡察组" if i.level == "municipal" else "县委第二巡察组", i.mode, i.start, i.end]
                   + [count(i.counts[f]) for f in COUNT_FIELDS] for i in inspections], key=lambda r: r[:4])
    counts = ["发现问题（个）", "移交问题线索（件）", "立行立改（个）", "党纪政务处分（人）", "组织处理（人）",
              "移交司法机关（人）", "已整改数", "挽回经济损失（万元）"]
    sheet("巡察情况", "巡察情况统计表", [("巡察情况", 4, 9), ("巡察成果", 10, 17)],
          ["县区", "乡镇街道", "村(社区)", "轮次", "层级", "巡察组", "巡察方式", "进驻时间", "结束日期", *counts],
          rows, [0, 1])
    issue_rows = sorted([[s.inspection.unit.district, s.inspection.unit.township, s.inspection.unit.name,
                          s.inspection.round, s.category, s.subcategory, s.status, s.due, s.rectified_date,
                          "张三"] for s in issues], key=lambda r: r[:4])
    if issue_rows:
        sheet("问题清单", "巡察发现问题整改台账", [],
              ["县区", "乡镇街道", "村(社区)", "轮次", "问题类别", "二级类别", "整改进展", "完成时限", "实际完成时间",
               "整改责任人"], issue_rows, [0, 1])
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
    buffer = __import__("io").BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("seed", seeds(2))
def test_an_office_workbook_gives_the_same_figures(seed, con):
    """The random ledgers kept as an office keeps them (office_workbook): every figure as the oracle's."""
    rng, units, inspections, issues, days = drawn(4000 + seed)
    result = run(con, InputFile("巡察台账.xlsx", office_workbook(units, inspections, issues, rng)))
    assert result.status == "imported", result.problems
    stored = repr(dump(con))  # every row of every table: the person column and the 填表人 line left out
    assert "张三" not in stored and "王某某" not in stored
    check(con, units, inspections, issues, rng, days, 6, "office workbook")


def periods(units, inspections, f: Filters) -> dict:
    """results_by_period by its header's words: the year to date of the reference day (as_of, or 31
    December of year_to when that is earlier) against the same span a year earlier; year_from is
    not applied; an inspection belongs to the period of its start; units first covered in it."""
    ref = min(f.as_of, dt.date(f.year_to if f.year_to else 9999, 12, 31))
    back = ref.replace(year=ref.year - 1, day=28) if (ref.month, ref.day) == (2, 29) else ref.replace(year=ref.year - 1)
    spans = {"current": (dt.date(ref.year, 1, 1), ref), "previous": (dt.date(ref.year - 1, 1, 1), back)}
    g = Filters(**{**{k: getattr(f, k) for k in ("districts", "townships", "unit_types", "poverty_only", "rounds",
                                                  "levels", "modes", "year_to")}, "as_of": ref})
    chosen = [i for i in inspections if i.start <= ref and (not g.rounds or i.round in g.rounds)
              and (not g.levels or i.level in g.levels) and (not g.modes or i.mode in g.modes)
              and (g.year_to is None or i.start.year <= g.year_to)
              and (not g.districts or i.unit.district in g.districts)
              and (not g.townships or i.unit.township in g.townships)
              and (not g.unit_types or i.unit.unit_type in g.unit_types) and (not g.poverty_only or i.unit.poverty)]
    first = {}
    for i in chosen:
        first[id(i.unit)] = min(first.get(id(i.unit), i.start), i.start)
    out = {}
    for name, (start, end) in spans.items():
        rows = [i for i in chosen if start <= i.start <= end]
        found = [i.counts["issues_found"] for i in rows]
        out[name] = (len(rows), sum(found) if found else None, sum(start <= d <= end for d in first.values()))
    return out


@pytest.mark.parametrize("seed", seeds(3))
def test_year_to_date_against_the_year_before(seed, con):
    from inspection import store

    rng, units, inspections, issues, days = drawn(5000 + seed)
    days.append(dt.date(2024, 2, 29))
    assert run(con, *files(units, inspections, issues)).status == "imported"
    for _ in range(8):
        f = random_filters(rng, units, days)
        got = {r["period"]: (r["inspections"], None if r["issues_found"] != r["issues_found"] else r["issues_found"],
                             r["units_newly_covered"])
               for r in store.run_query(con, "results_by_period", f.params()).to_dict("records")}
        assert got == periods(units, inspections, f), f


@pytest.mark.parametrize("seed", seeds(2))
def test_without_a_roster(seed, con):
    """Inspections and issues with no roster: no coverage (NULL), the units inspected counted, every
    other figure as with one."""
    rng, units, inspections, issues, days = drawn(6000 + seed)
    _, *rest = files(units, inspections, issues)
    assert run(con, *rest).status == "imported"
    # with no roster a unit is known from its inspections alone: its type from its name's ending
    # (the contract's default), not a poverty village (nothing says it is)
    for u in units:
        u.unit_type = "村" if u.name.endswith("村") else "社区" if u.name.endswith("社区") else "其他"
        u.poverty = False
    for n in range(6):
        f = Filters(as_of=dt.date(2026, 1, 1)) if n == 0 else random_filters(rng, units, days)
        want, got = oracle(units, inspections, issues, f), metrics.compute(con, f)
        assert got["units_total"] is None and got["coverage_rate"] is None, f
        assert "coverage_note" in got, f
        for key in ("inspections", *COUNT_FIELDS, "listed_issues", "long_term", "overdue", "rectification_rate",
                    "one_month_rectification_rate"):
            assert close(got[key], want[key]), (key, got[key], want[key], f)
        chosen_units = want["units_covered"]  # with the roster: the roster units inspected
        assert got["units_covered"] == chosen_units, (got["units_covered"], chosen_units, f)


@pytest.mark.parametrize("seed", seeds(2))
def test_the_unit_page(seed, con):
    """One unit's inspections round by round and its issues by category, as of a day."""
    from inspection import store

    rng, units, inspections, issues, days = drawn(7000 + seed)
    assert run(con, *files(units, inspections, issues)).status == "imported"
    for unit in rng.sample(units, min(4, len(units))):
        as_of = rng.choice(days)
        params = {"unit_district": unit.district, "unit_township": unit.township, "unit_name": unit.name,
                  "as_of": as_of}
        got = [(r["round"], r["start_date"].date(), r["level"], r["mode"],
                *(None if r[k] != r[k] else r[k] for k in COUNT_FIELDS))
               for r in store.run_query(con, "unit_inspections_by_round", params).to_dict("records")]
        want = [(i.round, i.start, i.level, i.mode, *(i.counts[k] for k in COUNT_FIELDS))
                for i in inspections if i.unit is unit and i.start <= as_of]
        assert sorted(got) == sorted(want), (unit, as_of)

        def rectified(s: Issue, as_of: dt.date = as_of) -> bool:
            return s.status == "已整改" and (s.rectified_date is None or s.rectified_date <= as_of)

        want = {}
        for s in issues:
            if s.inspection.unit is unit and s.inspection.start <= as_of:
                row = want.setdefault(s.category, [0, 0, 0, 0])
                row[0] += 1
                row[1] += rectified(s)
                row[2] += s.status == "长期整改"
                row[3] += (not rectified(s) and s.status != "长期整改" and s.due is not None and s.due < as_of)
        got = {r["category"]: [r["issues"], r["rectified"], r["long_term"], r["overdue"]]
               for r in store.run_query(con, "unit_issues_by_category", params).to_dict("records")}
        assert got == want, (unit, as_of)


def months_back(day: dt.date, months: int) -> dt.date:
    """day - INTERVAL n MONTH as DuckDB reckons it: the same day of that month, else its last day."""
    import calendar

    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@pytest.mark.parametrize("seed", seeds(2))
def test_the_plan_figures(seed, con):
    """plan_by_district by its header's formulas: each district against its own plan or the default,
    and the total; unit filters only (an inspection filter leaves the plan out)."""
    import math

    from inspection import plan, store

    rng, units, inspections, issues, days = drawn(8000 + seed)
    assert run(con, *files(units, inspections, issues)).status == "imported"
    plans = {"*": plan.Plan("*", dt.date(2021, 1, 1), dt.date(2023, 12, 31), 1.0),
             units[0].district: plan.Plan(units[0].district, dt.date(2021, 6, 1), dt.date(2024, 6, 30), 0.9)}
    for p in plans.values():
        plan.save(con, p, "tester")
    for _ in range(6):
        f = random_filters(rng, units, days)
        f = Filters(districts=f.districts, townships=f.townships, unit_types=f.unit_types,
                    poverty_only=f.poverty_only, as_of=f.as_of)
        firsts = {}
        for i in inspections:
            firsts[id(i.unit)] = min(firsts.get(id(i.unit), i.start), i.start)
        want, total = {}, {"units_total": 0, "units_covered": 0, "planned": 0.0, "remaining_units": 0}
        for district in sorted({u.district for u in units}):
            chosen = [u for u in units if u.district == district and (not f.districts or district in f.districts)
                      and (not f.townships or u.township in f.townships)
                      and (not f.unit_types or u.unit_type in f.unit_types) and (not f.poverty_only or u.poverty)]
            if not chosen:
                continue
            p = plans.get(district, plans["*"])
            share = p.target * max(0.0, min(1.0, (f.as_of - p.plan_start).days / (p.plan_end - p.plan_start).days))
            first = [firsts[id(u)] for u in chosen if id(u) in firsts and firsts[id(u)] <= f.as_of]
            target_units = math.ceil(p.target * len(chosen) - 1e-9)
            want[district] = {
                "units_total": len(chosen), "units_covered": len(first),
                "planned_units": math.floor(share * len(chosen) + 0.5),
                "target_units": target_units, "remaining_units": max(target_units - len(first), 0),
                "covered_last_6m": sum(d > months_back(f.as_of, 6) for d in first)}
            want[district]["gap_units"] = want[district]["planned_units"] - len(first)
            total["units_total"] += len(chosen)
            total["units_covered"] += len(first)
            total["planned"] += share * len(chosen)
            total["remaining_units"] += want[district]["remaining_units"]
        rows = store.run_query(con, "plan_by_district", {**f.params(), "grain": "district"}).to_dict("records")
        got = {r["district"]: {k: r[k] for k in ("units_total", "units_covered", "planned_units", "target_units",
                                                 "remaining_units", "covered_last_6m", "gap_units")}
               for r in rows if not r["is_total"]}
        assert got == want, f
        if want:
            row = next(r for r in rows if r["is_total"])
            assert (row["units_total"], row["units_covered"], row["remaining_units"]) == (
                total["units_total"], total["units_covered"], total["remaining_units"]), f
            assert row["planned_units"] == math.floor(total["planned"] + 0.5), f
