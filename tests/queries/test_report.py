"""The briefing's summary text (inspection/report.py): its figures parsed back out of the text equal
`metrics --json` on the demo and on filtered views; sentences without a computable figure are left
out; the English text carries the same numbers."""

from __future__ import annotations

import collections
import datetime as dt
import re

import pytest
from support.ledgers import fresh_store, inspection_row, inspections_csv, run

from inspection import metrics, report, store
from inspection.filters import Filters

AS_OF = dt.date(2026, 12, 5)
VIEWS = [
    Filters(as_of=AS_OF),
    Filters(districts=("召陵区",), as_of=AS_OF),
    Filters(districts=("沙澧区", "临颍县"), levels=("county",), as_of=AS_OF),
    Filters(year_from=2025, year_to=2025, as_of=AS_OF),
    Filters(poverty_only=True, as_of=dt.date(2025, 6, 30)),
    Filters(modes=("专项",), as_of=AS_OF),
    # the issue-category filter narrows the list's figures, the inspections' counts stay whole
    Filters(categories=("群众身边腐败", "作风与不正之风"), as_of=AS_OF),
]


@pytest.fixture(scope="module")
def con(demo_db):
    con = store.connect(demo_db, read_only=True)
    yield con
    con.close()


def one(pattern: str, text: str) -> tuple[str, ...]:
    found = re.findall(pattern, text)
    assert len(found) == 1, (pattern, text)
    return found[0] if isinstance(found[0], tuple) else (found[0],)


def pct(fraction) -> float:
    return round(fraction * 100, 1)


@pytest.mark.parametrize("filters", VIEWS, ids=lambda f: ",".join(f"{k}={v}" for k, v in f.active().items()) or "all")
def test_the_texts_figures_equal_metrics(con, filters):
    m = metrics.compute(con, filters)
    text = report.text(con, filters)
    assert text, "the demo matches every view"
    assert not re.search(r"\d万(?!元)", text), "counts are written exactly, no 万 rounding"

    total, covered, rate = one(r"(?:已完成对|所选巡察覆盖)(\d+)个应巡对象中(\d+)个党组织(?:的巡察)?，覆盖率([\d.]+)%", text)
    # under a round, year, level or mode filter: covered by the selected inspections, as the screen says
    assert ("（只计所选巡察）" in text) == filters.narrows_inspections()
    assert (int(total), int(covered), float(rate)) == (m["units_total"], m["units_covered"], pct(m["coverage_rate"]))
    planned = re.findall(r"按计划此时应达到([\d.]+)%|达到计划进度（([\d.]+)%）", text)
    if filters.narrows_inspections():  # the plan is about every inspection (issue 25 item 5): none here
        assert m["plan"] == [] and not planned and "计划期内" not in text
        plan_total = None
    else:
        plan_total = next(row for row in m["plan"] if row["is_total"])
        assert len(planned) == 1 and float(planned[0][0] or planned[0][1]) == pct(plan_total["planned_share"])
    behind = [row["district"] for row in m["plan"] if row["behind"] and not row["is_total"]]
    districts = [row for row in m["plan"] if not row["is_total"]]
    if behind and len(districts) == 1:  # one district in scope is named, not counted
        row = districts[0]
        assert f"按近6个月进度，{row['district']}预计不能在计划期内完成全覆盖（已覆盖{pct(row['covered_share']):.1f}%）" in text
    elif behind:
        n, = one(r"(\d+)个县区预计不能在计划期内完成全覆盖", text)
        assert int(n) == len(behind)
        for row in m["plan"]:
            if row["district"] in behind[:report.BEHIND_NAMED]:
                assert f"{row['district']}（已覆盖{pct(row['covered_share']):.1f}%）" in text
    else:
        assert "不能在计划期内" not in text

    assert int(one(r"共开展巡察(\d+)次", text)[0]) == m["inspections"]
    for key, pattern in (("issues_found", r"累计发现问题(\d+)个"), ("immediate_fixes", r"立行立改(\d+)个"),
                         ("clues", r"移交问题线索(\d+)条"), ("disciplined", r"党纪政务处分(\d+)人"),
                         ("org_handled", r"组织处理(\d+)人"), ("judicial", r"移交司法机关(\d+)人")):
        assert int(one(pattern, text)[0]) == m[key], key
    assert float(one(r"追回资金([\d.]+)万元", text)[0]) == round(m["funds_recovered"], 2)

    if m["ratio_issues_and_clues"] is None:
        assert "市级巡察组" not in text
    else:
        inspections, r1, r2 = one(r"市级巡察组开展巡察(\d+)次.*?的([\d.]+)倍、([\d.]+)倍", text)
        assert int(inspections) == m["by_level"]["municipal"]["inspections"]
        assert (float(r1), float(r2)) == (round(m["ratio_issues_and_clues"], 2), round(m["ratio_disciplined"], 2))

    per = collections.Counter()
    for row in m["by_category"]:
        per[row["category"]] += row["issues"]
    listed = sum(per.values())
    assert int(one(r"问题清单列明的(\d+)个问题中", text)[0]) == listed
    top = sorted(per.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
    assert top[0][1] > top[1][1]  # no tie for the most (test_categories_tied_for_the_most_are_named_together)
    first = one(r"中，(.+?)问题最多，(\d+)个，占([\d.]+)%", text)
    assert (first[0], int(first[1]), float(first[2])) == (top[0][0], top[0][1], pct(top[0][1] / listed))
    for category, n in top[1:]:
        assert f"{category}（{n}个，占{pct(n / listed):.1f}%）" in text

    assert float(one(r"问题整改完成率([\d.]+)%", text)[0]) == pct(m["rectification_rate"])
    assert float(one(r"一个月内整改完成率([\d.]+)%", text)[0]) == pct(m["one_month_rectification_rate"])
    assert int(one(r"超期未整改问题(\d+)个", text)[0]) == m["overdue"]
    if m.get("long_term") is not None:
        assert int(one(r"需长期整改问题(\d+)个", text)[0]) == m["long_term"]


def numbers(text: str, day: dt.date, lang: str) -> collections.Counter:
    """The numbers of a text but its date and its funds (万元 in Chinese, yuan in English)."""
    text = re.sub(r"追回资金[\d.]+万元|recovered [\d,]+ yuan", "", text.replace(report.date_text(day, lang), ""))
    return collections.Counter(n.replace(",", "") for n in re.findall(r"\d+(?:,\d{3})*(?:\.\d+)?", text))


@pytest.mark.parametrize("filters", VIEWS[:3], ids=["all", "one", "two-county"])
def test_english_text_carries_the_same_numbers(con, filters):
    zh, en = report.text(con, filters, "zh"), report.text(con, filters, "en")
    assert en and not re.search(r"[，。；]", en.replace("（", "").replace("）", ""))
    assert numbers(zh, filters.as_of, "zh") == numbers(en, filters.as_of, "en")
    wan = float(re.search(r"追回资金([\d.]+)万元", zh).group(1))
    assert int(re.search(r"recovered ([\d,]+) yuan", en).group(1).replace(",", "")) == round(wan * 10_000)


def test_filters_matching_nothing_give_no_text(con):
    assert report.summary(con, Filters(districts=("无此县",), as_of=AS_OF)) == []


@pytest.fixture
def fresh():
    yield from fresh_store()


def test_no_roster_and_no_issue_list_leave_their_sentences_out(fresh):
    con = fresh
    rows = [inspection_row(), inspection_row(**{"村(社区)": "李庄村", "发现问题数": 4, "已整改数": 1})]
    assert run(con, inspections_csv(rows)).status == "imported"
    text = report.text(con, Filters(as_of=AS_OF))
    assert "未导入对象名册" in text and not re.search(r"覆盖率\d", text) and "应巡对象" not in text
    assert "市级巡察组" not in text  # municipal inspections only: no county figure to compare with
    assert "问题清单" not in text and "一个月内" not in text and "超期" not in text
    assert "按巡察报表的已整改数，问题整改完成率50.0%" in text  # (2 + 1) / (2 + 4)
    assert "共开展巡察2次，累计发现问题6个" in text
    assert "—" not in text and "None" not in text and "nan" not in text


def test_issues_without_a_due_date_are_said_beside_an_overdue_count_of_0(fresh):
    """An office that writes no 整改时限: nothing can be overdue, and the text, the headline figures and
    `metrics --json` say how many open issues have no due date instead of a bare 超期0个."""
    from support.ledgers import ISSUE_ROWS, issues_csv, roster_csv

    con = fresh
    no_due = [[*row[:7], "", row[8]] for row in ISSUE_ROWS]  # 1 rectified, 2 open, none with a due date
    assert run(con, roster_csv(), inspections_csv(), issues_csv(no_due)).status == "imported"
    filters = Filters(as_of=dt.date(2021, 9, 1))
    text = report.text(con, filters)
    assert "超期未整改问题0个，另有2个未整改问题未填整改时限，无法判断是否超期" in text, text
    assert "2 more not rectified without a due date" in report.text(con, filters, "en")
    figures = metrics.compute(con, filters)
    assert (figures["overdue"], figures["undated"]) == (0, 2)
    one_district = Filters(districts=("西城区",), as_of=dt.date(2021, 9, 1))
    assert metrics.compute(con, one_district)["undated"] == 1
    # with due dates, none: the sentence is left out
    dated = fresh_store()
    con = next(dated)
    assert run(con, roster_csv(), inspections_csv(), issues_csv()).status == "imported"
    assert metrics.compute(con, filters)["undated"] == 0 and "整改时限" not in report.text(con, filters)
    dated.close()


def test_a_sum_some_inspections_left_blank_says_how_many(fresh):
    """未填报 is not 0: a sum over the inspections that some left blank says how many did (the
    contract's 'each comes with the number of inspections that left it blank')."""
    con = fresh
    rows = [inspection_row(), inspection_row(**{"村(社区)": "李庄村", "移交问题线索数": "", "党纪政务处分人数": ""})]
    assert run(con, inspections_csv(rows)).status == "imported"
    text = report.text(con, Filters(as_of=AS_OF))
    assert "累计发现问题4个，移交问题线索1条（1次巡察未填报），党纪政务处分1人（1次巡察未填报）" in text, text
    english = report.text(con, Filters(as_of=AS_OF), "en")
    assert "transferred 1 clue (1 inspection did not report it)" in english, english
    assert metrics.compute(con, Filters(as_of=AS_OF))["not_reported"]["clues"] == 1  # the same figure


def test_without_an_issue_list_the_text_gives_no_count_of_long_term_issues(fresh):
    from support.ledgers import roster_csv

    con = fresh
    assert run(con, roster_csv(), inspections_csv()).status == "imported"
    text = report.text(con, Filters(as_of=AS_OF))
    assert "按巡察报表的已整改数，问题整改完成率66.7%" in text and "长期整改" not in text, text


def test_the_rate_from_a_partial_issue_list_says_it_is_the_lists(fresh):
    """Three issues reported, two listed (王庄村's list not imported): the rate is the list's, and the
    Chinese text says so as the English one does (it read as the rate of every issue found)."""
    from support.ledgers import ISSUE_ROWS, issues_csv, roster_csv

    con = fresh
    assert run(con, roster_csv(), inspections_csv(), issues_csv(ISSUE_ROWS[:2])).status == "imported"
    filters = Filters(as_of=dt.date(2021, 6, 30))
    assert "整改方面，问题清单所列问题整改完成率50.0%" in report.text(con, filters)
    assert "50.0% of the listed issues are rectified" in report.text(con, filters, "en")


def test_ratios_resting_on_few_inspections_are_said_to_be_indicative(con):
    """A township with 3 municipal inspections gave 9.72倍 of the county's disciplinary cases: the
    sentence says how few they are (metrics.FEW_INSPECTIONS); the whole city's 149 do not."""
    assert "仅供参考" not in report.text(con, Filters(as_of=AS_OF))
    towns = store.run_query(con, "filter_options_by_kind", {}).query("kind == 'township'")
    for town, district in zip(towns["value"], towns["parent"], strict=True):
        filters = Filters(districts=(district,), townships=(town,), as_of=AS_OF)
        levels = store.run_query(con, "results_by_level", filters.params()).set_index("level")["inspections"]
        if set(levels.index) == {"municipal", "county"} and levels.min() < metrics.FEW_INSPECTIONS:
            break
    few = levels.idxmin()
    assert f"{'市级' if few == 'municipal' else '县级'}巡察仅{levels.min()}次，上述倍数仅供参考。" in report.text(con, filters)
    assert f"The {few} averages rest on only {levels.min()} inspection" in report.text(con, filters, "en")


@pytest.mark.parametrize("as_of", [dt.date(2023, 6, 30), dt.date(2024, 1, 1)])
def test_before_the_plan_starts_the_text_says_so_instead_of_reaching_a_plan_of_0(con, as_of):
    plan_total = next(row for row in metrics.compute(con, Filters(as_of=as_of))["plan"] if row["is_total"])
    assert plan_total["planned_share"] == 0  # the demo's plan starts on 2024-01-01
    text = report.text(con, Filters(as_of=as_of))
    assert "全覆盖计划尚未开始（2024年1月1日起）。" in text and "计划进度" not in text and "计划期内" not in text
    assert "before the coverage plan starts (1 January 2024)." in report.text(con, Filters(as_of=as_of), "en")


def test_categories_tied_for_the_most_are_named_together(fresh):
    """One issue of each of two categories: neither alone is the largest (it read 群众身边腐败问题最多，
    1个，占50.0%；其次是基层党组织建设（1个，占50.0%）)."""
    from support.ledgers import ISSUE_ROWS, issues_csv, roster_csv

    con = fresh
    assert run(con, roster_csv(), inspections_csv(), issues_csv(ISSUE_ROWS[:2])).status == "imported"
    filters = Filters(as_of=dt.date(2021, 6, 30))
    categories = sorted(row["category"] for row in metrics.compute(con, filters)["by_category"])
    text = report.text(con, filters)
    assert categories == ["基层党组织建设", "群众身边腐败问题"]  # as written: the text does not say 问题 twice
    assert "中，基层党组织建设、群众身边腐败问题最多，各1个，各占50.0%。" in text and "其次" not in text
    english = report.text(con, filters, "en")
    assert f"{', '.join(categories)} are the largest categories with 1 each (50.0% each)." in english
    assert run(con, issues_csv()).status == "imported"  # the whole list: 2 against 1, one is the largest
    assert "中，基层党组织建设问题最多，2个，占66.7%；其次是群众身边腐败问题（1个，占33.3%）。" in report.text(con, filters)
