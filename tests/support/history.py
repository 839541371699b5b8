"""A year of one county's ledgers (tests/queries/test_history.py): the files its clerks import one after
another, and the ground truth each step leaves, as the oracle of test_oracle.py reads it.

青山县 has three townships of ten units each (a code for each: the roster's identity). Round 1 of the
county teams in spring 2025, its issue list at the end of May and the rectification ledger a month later
(exported again: rows re-ordered, a 备注 column, a description reworded, a category corrected, statuses
moved on); the roster updated in July (a village merged into its neighbour, a new community, a village
moved to another township); the municipal team's own ledger in its own layout in August; the county's
whole-year workbook (round 1 again, round 2 and both issue lists) in November; its later version in
December with a duplicate issue row removed. Everything is drawn from a fixed seed.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import random
from dataclasses import dataclass, field

from support.ledgers import InputFile, csv_bytes, table

DISTRICT = "青山县"
TOWNSHIPS = ("城关镇", "河口镇", "石桥乡")
NAMES = ("东关", "西关", "南园", "北岭", "柳林", "杏花", "桃园", "梨树", "石门", "黄土", "白沙", "青松", "红星", "新华",
         "团结", "胜利", "和平", "光明", "幸福", "太平", "长岭", "双河", "三官", "五里", "七星", "九龙", "金山", "银湖",
         "龙泉", "凤凰")
# the steps of year(), by name
STEPS = ("roster", "round 1", "rectification", "roster update", "municipal", "whole year", "duplicate removed")
R1, R2, RM = "2025年第一轮", "2025年第二轮", "市委第五轮巡察"
COUNTS = ("issues_found", "clues", "immediate_fixes", "disciplined", "org_handled", "judicial", "rectified",
          "funds_recovered")
CATEGORIES = {"党的领导": ["理论学习", "政治站位"], "全面从严治党": ["两个责任", "作风建设"],
              "基层党组织建设": ["组织生活", "发展党员"], "群众身边腐败问题": ["集体三资", "惠民资金"]}


@dataclass
class Unit:
    code: str
    township: str
    name: str
    unit_type: str
    poverty: bool


@dataclass
class Inspection:
    round: str
    code: str
    level: str  # municipal | county
    team: str
    mode: str
    start: dt.date
    end: dt.date | None
    counts: dict


@dataclass
class Issue:
    key: int  # the issue's own identity across versions of the list
    round: str
    code: str
    category: str
    subcategory: str | None
    description: str
    status: str  # 已整改 | 整改中 | 未整改 | 长期整改 (the oracle's words)
    due: dt.date | None
    rectified_date: dt.date | None
    note: str = ""


@dataclass
class State:
    """What the store should hold after a step: the roster, the inspections, the issue lists."""
    units: dict[str, Unit]
    inspections: dict[tuple[str, str], Inspection]
    issues: list[Issue]
    labels: dict = field(default_factory=dict)

    def copy(self) -> State:
        return copy.deepcopy(self)


@dataclass
class Step:
    name: str
    day: dt.date  # the clerk's day: the figures are read as of it
    files: list[InputFile]
    state: State


def _roster_units() -> dict[str, Unit]:
    units = {}
    for t, township in enumerate(TOWNSHIPS):
        for n in range(10):
            name = NAMES[t * 10 + n] + ("社区" if n == 9 else "村")
            code = f"3411{t + 1:02d}{n + 1:03d}"
            units[code] = Unit(code, township, name, "社区" if n == 9 else "村", n % 4 == 1)
    return units


def _counts(rng: random.Random, blanks: float = 0.1) -> dict:
    found = rng.randint(2, 6)
    out = {"issues_found": found}
    for name in COUNTS[1:]:
        if rng.random() < blanks:
            out[name] = None
        elif name == "funds_recovered":
            out[name] = round(rng.random() * 12, 2)
        elif name == "rectified":
            out[name] = rng.randint(0, found)
        else:
            out[name] = rng.randint(0, 3)
    return out


def _issues(rng: random.Random, inspection: Inspection, first_key: int, listed: int) -> list[Issue]:
    out = []
    base = inspection.end or inspection.start
    for n in range(listed):
        category = rng.choice(list(CATEGORIES))
        sub = rng.choice(CATEGORIES[category] + [None])
        status = rng.choice(["整改中", "整改中", "未整改", "已整改"])
        due = base + dt.timedelta(days=rng.choice([20, 45, 60, 90]))
        done = None
        if status == "已整改":
            done = base + dt.timedelta(days=rng.randint(3, 25))
        out.append(Issue(first_key + n, inspection.round, inspection.code, category, sub,
                         f"{category}方面问题{first_key + n}：{sub or '其他'}不规范", status, due, done))
    return out


def _date(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# ---------------------------------------------------------------- the files a clerk brings

ROSTER_HEADER = ["县区", "乡镇街道", "村(社区)", "对象类型", "组织编码", "是否贫困村"]
INSPECTION_HEADER = ["序号", "轮次", "巡察层级", "巡察组", "巡察方式", "开始日期", "结束日期", "县区", "乡镇街道",
                     "村(社区)", "发现问题数", "移交问题线索数", "立行立改数", "党纪政务处分人数", "组织处理人数",
                     "移交司法机关人数", "已整改数", "追回资金(万元)"]
ISSUE_HEADER = ["序号", "轮次", "县区", "乡镇街道", "村(社区)", "问题类别", "二级类别", "问题描述", "整改状态",
                "整改时限", "整改完成时间"]
# the words the ledgers write for the oracle's statuses, by the issue's key (a ledger varies them)
STATUS_WORDS = {"已整改": ["已整改", "已销号", "已完成整改"], "整改中": ["整改中", "正在推进"], "未整改": ["未整改", "尚未整改"],
                "长期整改": ["长期整改", "持续推进"]}


def roster_file(state: State, name: str) -> InputFile:
    rows = [[DISTRICT, u.township, u.name, u.unit_type, u.code, "是" if u.poverty else "否"]
            for u in state.units.values()]
    return InputFile(name, csv_bytes(table(ROSTER_HEADER, rows)))


def _inspection_rows(state: State, rounds: tuple[str, ...], townships: dict[str, str]) -> list[list]:
    rows = []
    for (round_, code), i in state.inspections.items():
        if round_ not in rounds:
            continue
        unit = state.units[code]
        rows.append([len(rows) + 1, round_, "县级", i.team, i.mode, _date(i.start), _date(i.end), DISTRICT,
                     townships.get(code, unit.township), unit.name]
                    + ["" if i.counts[c] is None else i.counts[c] for c in COUNTS])
    return rows


def _issue_rows(state: State, rounds: tuple[str, ...], names: dict[str, tuple[str, str]], order: list[int] | None,
                note: bool) -> list[list]:
    chosen = [s for s in state.issues if s.round in rounds]
    if order is not None:
        chosen = [chosen[n] for n in order]
    rows = []
    for s in chosen:
        township, name = names[s.code]
        words = STATUS_WORDS[s.status]
        rows.append([len(rows) + 1, s.round, DISTRICT, township, name, s.category, s.subcategory or "", s.description,
                     words[s.key % len(words)], _date(s.due), _date(s.rectified_date)] + ([s.note] if note else []))
    return rows


def _xlsx(sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append([None if v == "" else v for v in row])
        for cells in (merges or {}).get(title, []):
            sheet.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _with_total(rows: list[list], first_count: int) -> list[list]:
    """A 合计 row under the records, as offices add one."""
    total = ["合计"] + [""] * (first_count - 1)
    for c in range(first_count, len(rows[0])):
        values = [r[c] for r in rows if r[c] != ""]
        total.append(round(sum(values), 2) if values else "")
    return rows + [total]


# ---------------------------------------------------------------- the year

def year(seed: int = 7) -> list[Step]:
    rng = random.Random(seed)
    units = _roster_units()
    state = State(units, {}, [])
    names = {code: (u.township, u.name) for code, u in units.items()}
    steps = [Step("roster", dt.date(2025, 1, 10), [roster_file(state, "应巡对象名册.csv")], state.copy())]

    # round 1 by the county teams: six or seven units of each township, a team each
    for t, township in enumerate(TOWNSHIPS):
        codes = [c for c, u in units.items() if u.township == township]
        for n, code in enumerate(sorted(rng.sample(codes, 7 if t == 0 else 6))):
            start = dt.date(2025, 3, 3) + dt.timedelta(days=7 * t + n)
            end = None if (t, n) == (2, 0) else start + dt.timedelta(days=40)
            state.inspections[(R1, code)] = Inspection(R1, code, "county", f"县委第{'一二三'[t]}巡察组",
                                                       "专项" if n == 3 else "常规", start, end, _counts(rng))
    key = 0
    for i in state.inspections.values():
        found = i.counts["issues_found"]
        listed = found - 1 if key == 0 else found  # the first inspection's list is partial
        state.issues += _issues(rng, i, key, listed)
        key += listed
    day1 = dt.date(2025, 5, 31)
    for s in state.issues:  # the list as the clerk knows it at the end of May
        if s.rectified_date and s.rectified_date > day1:
            s.status, s.rectified_date = "整改中", None
    inspections = InputFile("2025年第一轮巡察情况.xlsx", _xlsx({"第一轮": [
        ["青山县2025年第一轮巡察情况统计表"], ["填报单位：县委巡察办"], INSPECTION_HEADER,
        *_with_total(_inspection_rows(state, (R1,), {}), 10)]}))
    issues = InputFile("2025年第一轮问题清单.csv", csv_bytes(table(ISSUE_HEADER, _issue_rows(state, (R1,), names, None,
                                                                                               False))))
    steps.append(Step("round 1", day1, [inspections, issues], state.copy()))

    # a month later: the rectification ledger, exported again
    day2 = dt.date(2025, 6, 30)
    r1 = [s for s in state.issues if s.round == R1]
    for n, s in enumerate(r1):
        if s.status in ("整改中", "未整改"):
            if n % 3 == 0:
                base = state.inspections[(R1, s.code)].end or state.inspections[(R1, s.code)].start
                s.status, s.rectified_date = "已整改", min(base + dt.timedelta(days=10 + n), day2)
                s.note = "已提供佐证材料"
            elif n % 7 == 1:
                s.status = "长期整改"
    undated = next(s for s in r1 if s.status == "整改中")
    undated.status = "已整改"  # rectified, no date written
    r1[2].description = r1[2].description.replace("不规范", "执行不到位")
    r1[4].category, r1[4].subcategory = "全面从严治党", "作风建设"
    order = list(range(len(r1)))
    random.Random(seed + 1).shuffle(order)
    header = ISSUE_HEADER + ["备注"]
    issues = InputFile("第一轮问题整改台账（6月更新）.csv", csv_bytes(table(header, _issue_rows(state, (R1,), names, order,
                                                                                            True))))
    steps.append(Step("rectification", day2, [issues], state.copy()))

    # the roster in July: 西关村 merged into 东关村 (no longer listed), a new community, 桃园村 moved
    day3 = dt.date(2025, 7, 8)
    merged = next(c for c, u in units.items() if u.name == "西关村")
    moved = next(c for c, u in units.items() if u.name == "桃园村")
    state.units[moved].township = "河口镇"
    new = State({c: u for c, u in state.units.items() if c != merged}, {}, [])
    new.units["341102011"] = Unit("341102011", "河口镇", "滨河社区", "社区", False)
    state.units["341102011"] = copy.deepcopy(new.units["341102011"])
    names = {code: (u.township, u.name) for code, u in state.units.items()}
    steps.append(Step("roster update", day3, [roster_file(new, "应巡对象名册（7月调整）.csv")], state.copy()))
    state.labels = {"merged": merged, "moved": moved, "new": "341102011"}

    # the municipal team in its own ledger: four villages the county inspected in round 1
    day4 = dt.date(2025, 8, 20)
    visited = [c for (r, c) in state.inspections if r == R1][1:12:3]
    rows = []
    for n, code in enumerate(visited):
        start = dt.date(2025, 7, 1) + dt.timedelta(days=3 * n)
        end = start + dt.timedelta(days=35)
        counts = {c: None for c in COUNTS}
        counts.update(issues_found=rng.randint(3, 8), clues=rng.randint(0, 3), disciplined=rng.randint(0, 2),
                      funds_recovered=round(rng.randint(0, 90000) / 10000, 4))
        state.inspections[(RM, code)] = Inspection(RM, code, "municipal", "市委第二巡察组", "提级", start, end, counts)
        unit = state.units[code]
        rows.append([n + 1, unit.name + "党支部", DISTRICT, unit.township, RM, "市委第二巡察组",
                     f"{_cn_date(start)}至{end.month}月{end.day}日", counts["issues_found"], counts["clues"],
                     f"{counts['disciplined']}人", int(round(counts["funds_recovered"] * 10000))])
    municipal = InputFile("市委第二巡察组巡察村（社区）情况.xlsx", _xlsx({"Sheet1": [
        ["市委第二巡察组提级巡察村（社区）党组织情况表"],
        ["序号", "被巡察党组织", "所属县区", "所属乡镇", "巡察情况", "", "", "巡察成果", "", "", ""],
        ["", "", "", "", "巡察轮次", "巡察组别", "巡察起止时间", "发现问题（个）", "移交问题线索（件）", "党纪政务处分",
         "追回资金（元）"], *rows]}, {"Sheet1": ["A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:G2", "H2:K2"]}))
    steps.append(Step("municipal", day4, [municipal], state.copy()))

    # November: the county's whole-year workbook, round 1 again and round 2, both issue lists as of now
    day5 = dt.date(2025, 11, 28)
    for t, township in enumerate(TOWNSHIPS):
        codes = [c for c, u in state.units.items() if u.township == township and c != merged]
        done = {c for (r, c) in state.inspections if r == R1}
        todo = sorted([c for c in codes if c not in done])[:5] + sorted(c for c in codes if c in done)[:1]
        for n, code in enumerate(todo):
            start = dt.date(2025, 9, 1) + dt.timedelta(days=5 * t + n)
            end = start + dt.timedelta(days=30)
            state.inspections[(R2, code)] = Inspection(R2, code, "county", f"县委第{'一二三'[t]}巡察组", "常规",
                                                       start, end, _counts(rng))
    for (r, _), i in state.inspections.items():
        if r == R2:
            listed = _issues(rng, i, key, i.counts["issues_found"])
            state.issues += listed
            key += len(listed)
    for n, s in enumerate(state.issues):  # round 1 rectified further by November
        if s.round == R1 and s.status in ("整改中", "未整改") and n % 2 == 0:
            inspection = state.inspections[(R1, s.code)]
            s.status = "已整改"
            s.rectified_date = (inspection.end or inspection.start) + dt.timedelta(days=100 + n)
    twin = next(s for s in state.issues if s.round == R2 and s.code == state.labels["new"])
    whole = copy.deepcopy(state)
    dup = copy.deepcopy(twin)
    dup.key = 10_000
    whole.issues.insert(whole.issues.index(twin) + 1, dup)  # the same issue entered twice
    state.labels["duplicate"] = (twin.round, twin.code)

    steps.append(Step("whole year", day5, [whole_year_file(whole, "青山县2025年巡察台账.xlsx")], whole))
    # December: the same workbook, the duplicate row removed
    steps.append(Step("duplicate removed", dt.date(2025, 12, 10),
                      [whole_year_file(state, "青山县2025年巡察台账（12月）.xlsx")], state.copy()))
    assert tuple(s.name for s in steps) == STEPS
    return steps


def whole_year_file(state: State, name: str) -> InputFile:
    """The county's whole-year workbook: rounds 1 and 2 of its inspections and their issue lists."""
    names = {code: (u.township, u.name) for code, u in state.units.items()}
    return InputFile(name, _xlsx({"巡察情况": [["青山县2025年巡察情况汇总表"], INSPECTION_HEADER,
                                              *_with_total(_inspection_rows(state, (R1, R2), {}), 10)],
                                 "问题清单": [["青山县2025年巡察反馈问题整改台账"], ISSUE_HEADER,
                                              *_issue_rows(state, (R1, R2), names, None, False)]}))


def oracle_args(state: State):
    """(units, inspections, issues) of test_oracle.py for a state: the roster units (a unit a later roster
    leaves out is kept, as the README's "Replacement" says), and the inspections and issues linked to the
    same unit objects."""
    from queries.test_oracle import Inspection as OInspection
    from queries.test_oracle import Issue as OIssue
    from queries.test_oracle import Unit as OUnit

    units = {c: OUnit(DISTRICT, u.township, u.name, u.unit_type, u.poverty) for c, u in state.units.items()}
    inspections = {k: OInspection(i.round, units[i.code], i.level, i.mode, i.start, i.end, dict(i.counts))
                   for k, i in state.inspections.items()}
    issues = [OIssue(inspections[(s.round, s.code)], s.category, s.subcategory, s.status, s.due, s.rectified_date)
              for s in state.issues]
    return list(units.values()), list(inspections.values()), issues
