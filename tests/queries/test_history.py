"""A year of one county's imports played in order (tests/support/history.py): after each step every figure
of `metrics --json` against the oracle of test_oracle.py over the ground truth that step leaves, the
written report's numbers, and what the import told the clerk; then an undo in the middle of the year and
the as-of day moved back to each step's day."""

from __future__ import annotations

import datetime as dt

import pytest
from queries.test_oracle import COUNT_FIELDS, close, oracle
from support.history import R1, R2, RM, STEPS, oracle_args, whole_year_file, year
from support.ledgers import memory_store, run

from inspection import metrics, report
from inspection.filters import Filters
from inspection.importer import undo

pytestmark = pytest.mark.queries

SCALARS = ("units_total", "units_covered", "coverage_rate", "inspections", *COUNT_FIELDS, "listed_issues",
           "long_term", "overdue", "rectification_rate", "one_month_rectification_rate", "ratio_issues_and_clues",
           "ratio_disciplined")


def differences(got: dict, want: dict) -> list:
    """The figures of metrics.compute that differ from the oracle's."""
    out = [(k, got[k], want[k]) for k in SCALARS if not close(got[k], want[k])]
    if got["not_reported"] != want["not_reported"]:
        out.append(("not_reported", got["not_reported"], want["not_reported"]))
    for level in ("municipal", "county"):
        for key, value in want["by_level"][level].items():
            if not close(got["by_level"][level][key], value):
                out.append((level, key, got["by_level"][level][key], value))
    by_district = {r["district"]: (r["units_total"], r["units_covered"]) for r in got["by_district"]}
    if by_district != want["by_district"]:
        out.append(("by_district", by_district, want["by_district"]))
    by_category = {(r["category"], r["subcategory"]): (r["issues"], r["rectified"], r["long_term"])
                   for r in got["by_category"]}
    if by_category != want["by_category"]:
        out.append(("by_category", by_category, want["by_category"]))
    uncovered = sorted((r["district"], r["township"], r["unit_name"]) for r in got["uncovered"])
    if uncovered != want["uncovered"]:
        out.append(("uncovered", uncovered, want["uncovered"]))
    return out


def truth(state, day: dt.date) -> dict:
    return oracle(*oracle_args(state), Filters(as_of=day))


@pytest.fixture(scope="module")
def played():
    """The year imported step by step into one store: each step's import result, the figures and the
    written report right after it (as of its day). The store stays open for the test that goes on from
    the year's end: the undo test comes last in this file (tests run in their order, on each worker)."""
    steps = year()
    con = memory_store()
    results, measured, texts = [], [], []
    for step in steps:
        results.append(run(con, *step.files))
        measured.append(metrics.compute(con, Filters(as_of=step.day)))
        texts.append(report.text(con, Filters(as_of=step.day)))
    yield steps, con, results, measured, texts
    con.close()


STEP_NAMES = STEPS


@pytest.mark.parametrize("n", range(len(STEP_NAMES)), ids=STEP_NAMES)
def test_after_each_step_every_figure_is_the_truth(n, played):
    steps, _, results, measured, _ = played
    assert results[n].status == "imported", (results[n].problems, results[n].warnings)
    want = truth(steps[n].state, steps[n].day)
    assert differences(measured[n], want) == []
    # the plan's denominator is the roster's units_total (the merged village kept, the new community in)
    total = next(r for r in measured[n]["plan"] if r["is_total"])
    assert total["remaining_units"] == want["units_total"] - want["units_covered"]
    assert abs(total["planned_units"] - want["units_total"] * total["planned_share"]) <= 0.5


def test_each_import_tells_the_clerk_what_it_changed(played):
    """Added, replaced, unchanged and skipped rows, what the replacements changed and the warnings of each
    step, against what the step's files hold."""
    steps, _, results, _, _ = played
    roster, round1, fixes, new_roster, municipal, whole, later = results
    state = {s.name: s.state for s in steps}
    r1_inspections = sum(r == R1 for r, _ in state["round 1"].inspections)
    r1_issues = len(state["round 1"].issues)
    assert (roster.added, roster.replaced) == (30, 0)
    # the title, 填报单位 and 合计 rows are no records: the 合计 row said as skipped
    assert (round1.added, round1.replaced, round1.skipped) == (r1_inspections + r1_issues, 0, 1)
    assert any("合计" in w for w in round1.warnings)

    # the rectification ledger, exported again: each (round, unit) list whose rows changed replaced whole,
    # the others unchanged; no issue added, none lost; the 备注 column said ignored
    before = {}
    for s in state["round 1"].issues:
        before.setdefault(s.code, []).append(s)
    after = {}
    for s in state["rectification"].issues:
        after.setdefault(s.code, []).append(s)
    changed = {c for c in after if [vars(s) | {"note": ""} for s in after[c]] != [vars(s) | {"note": ""}
                                                                                for s in before[c]]}
    assert fixes.added == 0
    assert fixes.replaced == sum(len(after[c]) for c in changed)
    assert fixes.unchanged == r1_issues - fixes.replaced
    assert any("备注" in w for w in fixes.warnings)
    # each replaced list by its rows, and by its rectified rows where the ledger moved them on
    name = {code: u.name for code, u in state["rectification"].units.items()}

    def rectified(issues):
        return str(sum(s.status == "已整改" for s in issues))

    assert sorted((c["unit"], c["field"], c["old"], c["new"]) for c in fixes.changes) == sorted(
        [(name[c], "问题清单条数", str(len(after[c])), str(len(after[c]))) for c in changed]
        + [(name[c], "问题清单已整改条数", rectified(before[c]), rectified(after[c])) for c in changed
           if rectified(before[c]) != rectified(after[c])])
    assert any(c["field"] == "问题清单已整改条数" for c in fixes.changes)

    # the roster of July: the new community added, the moved village's township changed, the merged
    # village kept and named
    labels = state["duplicate removed"].labels
    units = state["duplicate removed"].units
    assert (new_roster.added, new_roster.replaced) == (1, 1)
    assert [(c["unit"], c["old"], c["new"]) for c in new_roster.changes] == [(units[labels["moved"]].name, "城关镇",
                                                                              "河口镇")]
    assert any(units[labels["merged"]].name in w and "已保留" in w for w in new_roster.warnings)

    # the municipal ledger in its own round: added beside the county's inspections of the same villages
    assert (municipal.added, municipal.replaced) == (sum(r == RM for r, _ in state["municipal"].inspections), 0)

    # the whole-year workbook: round 1's inspections unchanged but the moved village's (its township as the
    # roster now has it), round 2 added, the round-1 lists whose statuses moved on replaced
    r2_inspections = sum(r == R2 for r, _ in state["whole year"].inspections)
    r2_issues = sum(s.round == R2 for s in state["whole year"].issues)
    assert whole.added == r2_inspections + r2_issues
    assert [(c["unit"], c["field"], c["old"], c["new"]) for c in whole.changes if c["table"] == "巡察情况"] == \
        [(units[labels["moved"]].name, "乡镇", "城关镇", "河口镇")]
    assert whole.replaced + whole.unchanged == r1_inspections + len(state["rectification"].issues)
    # the issue entered twice: both rows count (a row is one issue), and the import names them
    round_, code = state["duplicate removed"].labels["duplicate"]
    assert any("完全相同" in w and f"{round_} {state['whole year'].units[code].name}：1 行" in w
               for w in whole.warnings), whole.warnings

    # December: the duplicate row removed: its (round, unit) list replaced, one row fewer, nothing else
    round_, code = labels["duplicate"]
    listed = sum(s.round == round_ and s.code == code for s in state["duplicate removed"].issues)
    assert (later.added, later.replaced) == (0, listed)
    done = sum(s.round == round_ and s.code == code and s.status == "已整改" for s in state["duplicate removed"].issues)
    twin_done = next(s for s in state["whole year"].issues if s.key == 10_000).status == "已整改"
    assert [(c["round"], c["unit"], c["field"], c["old"], c["new"]) for c in later.changes] == [
        *([(round_, units[code].name, "问题清单已整改条数", str(done + 1), str(done))] if twin_done else []),
        (round_, units[code].name, "问题清单条数", str(listed + 1), str(listed))]


def test_rows_the_clerk_deleted_are_kept_and_said(played):
    """The whole-year workbook again with an inspection's row deleted and another inspection's issue rows
    all deleted: the contract replaces only the (round, unit) groups a file states, so both stay in the
    store and every figure with them; the import says that nothing changed and names both as kept."""
    steps, con, _, _, _ = played
    state = steps[-1].state.copy()
    round2 = [k for k in state.inspections if k[0] == R2]
    gone, unlisted = round2[0], round2[3]
    del state.inspections[gone]
    state.issues = [s for s in state.issues if (s.round, s.code) not in (gone, unlisted)]
    before = metrics.compute(con, Filters(as_of=steps[-1].day))
    result = run(con, whole_year_file(state, "青山县2025年巡察台账（删行）.xlsx"))
    assert result.status == "unchanged"
    assert metrics.compute(con, Filters(as_of=steps[-1].day)) == before
    name = {code: u.name for code, u in state.units.items()}
    kept = [w for w in result.warnings if "已保留" in w]
    assert len(kept) == 2, result.warnings
    assert f"{R2} {name[gone[1]]}" in kept[0] and f"{R2} {name[unlisted[1]]}" in kept[1]


def report_parts(want: dict) -> list[str]:
    """The written report's sentences' numbers for the truth's figures (units, inspections, issues found,
    the rectification rate when there is one)."""
    parts = [f"共开展巡察{want['inspections']}次", f"累计发现问题{want['issues_found']}个"]
    if want["units_covered"]:
        parts.append(f"{want['units_total']}个应巡对象中{want['units_covered']}个")
    if want["rectification_rate"] is not None:
        parts.append(f"整改完成率{report.percent(want['rectification_rate'])}")
    return parts


@pytest.mark.parametrize("n", range(1, len(STEP_NAMES)), ids=STEP_NAMES[1:])
def test_the_written_report_states_each_steps_figures(n, played):
    steps, _, _, _, texts = played
    text = texts[n]
    for part in report_parts(truth(steps[n].state, steps[n].day)):
        assert part in text, (part, text)


INSPECTION_FIGURES = ("units_covered", "inspections", *COUNT_FIELDS, "ratio_issues_and_clues", "ratio_disciplined")


def inspection_figures(got: dict) -> dict:
    return {**{k: got[k] for k in INSPECTION_FIGURES}, "not_reported": got["not_reported"],
            "by_level": got["by_level"]}


def test_undo_in_the_middle_and_each_steps_day_again(played):
    """At the year's end, the municipal ledger undone (an import in the middle of the year), then the
    rectification ledger (every list of it stated again later: nothing changes): as of each step's day
    the figures are the truth of the year without the municipal ledger; the inspections' figures are
    those measured right after each step before that ledger came. (The issue lists' figures as of an
    earlier day are the truth of the statuses and dates as the latest list states them: the store keeps
    no earlier statuses: an issue 长期整改 since June is long-term as of May too, one 已整改 with no date
    rectified as of any day, a duplicate removed in December gone from November.)"""
    steps, con, results, measured, _ = played
    final = steps[-1].state.copy()
    final.inspections = {k: i for k, i in final.inspections.items() if k[0] != RM}
    municipal = [s.name for s in steps].index("municipal")
    assert "撤销" in undo(con, results[municipal].import_id, "tester")
    rectification = [s.name for s in steps].index("rectification")
    assert "保留" in undo(con, results[rectification].import_id, "tester")  # the rows stated again stay
    for n, step in enumerate(steps):
        got = metrics.compute(con, Filters(as_of=step.day))
        assert differences(got, truth(final, step.day)) == [], step.name
        if n < municipal:
            assert inspection_figures(got) == inspection_figures(measured[n]), step.name
    text = report.text(con, Filters(as_of=steps[-1].day))
    for part in report_parts(truth(final, steps[-1].day)):
        assert part in text, (part, text)

    # the July roster undone too: the new community inspected in round 2 is in no roster any more (its
    # inspection counts, in no unit's coverage: said), the moved village back in its township, the
    # merged village as it was (never removed)
    labels, units = final.labels, final.units
    before = metrics.compute(con, Filters(as_of=steps[-1].day))
    message = undo(con, results[[s.name for s in steps].index("roster update")].import_id, "tester")
    assert units[labels["new"]].name in message and "不在名册中" in message, message
    got = metrics.compute(con, Filters(as_of=steps[-1].day))
    assert (got["units_total"], got["units_covered"]) == (before["units_total"] - 1, before["units_covered"] - 1)
    assert inspection_figures(got) | {"units_covered": None} == inspection_figures(before) | {"units_covered": None}
    assert got["uncovered"] == before["uncovered"]
    assert con.execute("SELECT township FROM roster WHERE unit_id = ? AND superseded_by IS NULL",
                       [f"c:{labels['moved']}"]).fetchone() == ("城关镇",)

