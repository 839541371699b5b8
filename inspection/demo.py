"""Realistic demo round data for the inspection dashboard.

``generate(out_dir, scale, seed)`` writes the files an inspection office (巡察办)
would bring to the dashboard, shaped after /work/shared/DATA_CONTRACT.md:

* a roster (对象名册) of villages, communities and a few grass-roots stations,
* inspections (巡察情况), one row per unit per round, one file per year,
* issue lists (问题清单), one row per issue, one file per year.

The story is a three-year coverage plan (2024-01-01 .. 2026-12-31) run in eight
rounds, seen on AS_OF = 2026-11-15, six weeks before the plan ends, while the
last round (2026年第二轮, entered from early September) is still under way.
County teams (县级) inspect most units; municipal teams (市级) inspect about 12 %
of the villages directly, chosen among the harder ones, and find more
(issues+clues ~1.2x, disciplined ~2.5x per inspection). Some districts front-load
the plan, others lag: the slowest has not yet entered its last townships, so it
is clearly behind a linear plan and cannot finish by 2026-12-31. A handful of
units are never reached (the "last mile"), a few are inspected twice.
Rectification is almost complete for old rounds and partial for recent ones; the
inspections of the last round whose feedback (反馈) has not happened have a blank
end date and their issues are still being rectified. Nothing in the files is
dated after AS_OF except due dates.

Written forms (headers, level wording, encodings) vary by plan year and are keyed
by the year's index in the plan (0, 1, 2), not by the calendar year.

Scales:

* ``city``     -- one prefecture city (示范市), ~1,300 units, written the way real
  offices write: .xlsx with title rows and a 合计 row, header synonyms that vary by
  year, CSVs in UTF-8-with-BOM and GB18030, dates in several forms, unit names with
  and without a trailing 党支部/党总支/党委.
* ``province`` -- ~50,000 units, ~110,000 inspections, ~1.5M issue rows;
  ``national`` -- ~600,000 units, ~1.3M inspections, ~15M issue rows. The same
  distributions over two plans: the previous one (2021-2023, eight rounds, complete)
  and the current one as above, so most units are inspected twice; about a quarter of
  the previous plan's inspections are followed up by a 回头看 (mode written as such)
  in a round of the current plan, finding about half as many issues, more of them
  about rectification. A unit has at most one inspection per round. Offices differ:
  a per-district factor (and nationally a per-province one) scales how many problems
  teams find; the province is modelled on the real city of the magnitudes (a little
  above it), the country is a little below (5-13 issues per village are typical).
  Plain UTF-8 CSV written in a streaming way (one city at a time), one inspections
  file per year (2021-2026), issue lists per year split into chunks of about a
  million rows (03_问题清单_<year>_<nn>.csv); issue rows are formatted as CSV text
  directly for speed (see _issue_tails).

Output is deterministic for a given seed: every random draw comes from a
``random.Random`` seeded from ``seed``, never from the global generator, the
clock, or set ordering.

Run ``python -m inspection.demo --scale city --out /tmp/demo`` to write a set.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import pathlib
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from statistics import NormalDist

# --------------------------------------------------------------------------
# Plan, rounds and the snapshot date
# --------------------------------------------------------------------------

AS_OF = dt.date(2026, 11, 15)  # the data is a snapshot taken while the last round is under way
PLAN_YEARS = (2024, 2025, 2026)


@dataclass(frozen=True)
class Round:
    name: str
    year: int
    start: dt.date
    days: int  # from the first entry (进驻) to the last feedback (反馈)


ROUNDS = (
    Round("2024年第一轮", 2024, dt.date(2024, 3, 15), 70),
    Round("2024年第二轮", 2024, dt.date(2024, 6, 21), 66),
    Round("2024年第三轮", 2024, dt.date(2024, 9, 22), 68),
    Round("2025年第一轮", 2025, dt.date(2025, 3, 14), 72),
    Round("2025年第二轮", 2025, dt.date(2025, 6, 20), 64),
    Round("2025年第三轮", 2025, dt.date(2025, 9, 19), 70),
    Round("2026年第一轮", 2026, dt.date(2026, 3, 20), 75),
    Round("2026年第二轮", 2026, dt.date(2026, 9, 4), 78),  # under way at AS_OF
)

# The previous three-year plan (province and national scales only): every unit was
# inspected once in 2021-2023, so most units are inspected twice over the six years.
PREVIOUS_YEARS = (2021, 2022, 2023)
PREVIOUS_ROUNDS = (
    Round("2021年第一轮", 2021, dt.date(2021, 3, 19), 68),
    Round("2021年第二轮", 2021, dt.date(2021, 6, 25), 65),
    Round("2021年第三轮", 2021, dt.date(2021, 9, 24), 70),
    Round("2022年第一轮", 2022, dt.date(2022, 3, 18), 72),
    Round("2022年第二轮", 2022, dt.date(2022, 6, 24), 66),
    Round("2022年第三轮", 2022, dt.date(2022, 9, 16), 70),
    Round("2023年第一轮", 2023, dt.date(2023, 3, 17), 74),
    Round("2023年第二轮", 2023, dt.date(2023, 8, 25), 75),
)
# Inspection.cycle -> its plan's rounds: 0 is the current plan, -1 the previous one.
CYCLE_ROUNDS = {0: ROUNDS, -1: PREVIOUS_ROUNDS}
# Year -> its index within its plan (0, 1, 2), the key of the per-year written forms.
YEAR_NO = {year: k for years in (PREVIOUS_YEARS, PLAN_YEARS) for k, year in enumerate(years)}

# --------------------------------------------------------------------------
# Issue taxonomy (DOMAIN.md) with relative weights and generic descriptions
# --------------------------------------------------------------------------

TAXONOMY: tuple[tuple[str, int, tuple[tuple[str, int, tuple[str, ...]], ...]], ...] = (
    ("落实决策部署", 12, (
        ("乡村振兴/巩固脱贫成果", 4, ("防止返贫动态监测不及时", "帮扶项目后续管理不到位", "乡村振兴规划落实不力")),
        ("耕地保护与土地政策", 3, ("违规占用耕地建房", "土地流转程序不规范", "耕地撂荒整治不到位")),
        ("生态环境与人居环境", 3, ("人居环境整治不彻底", "垃圾清运不及时", "秸秆禁烧工作落实不到位")),
        ("安全生产与平安建设", 2, ("安全隐患排查不彻底", "防汛物资储备不足", "矛盾纠纷排查化解不及时")),
    )),
    ("惠民富民政策", 17, (
        ("惠农补贴与涉农资金", 4, ("惠农补贴发放不及时", "涉农资金使用不规范", "耕地地力补贴面积核实不准")),
        ("低保、特困与救助", 4, ("低保对象动态管理不到位", "不符合条件人员享受低保", "临时救助审核把关不严")),
        ("养老、医保与高龄津贴", 3, ("高龄津贴发放不规范", "死亡人员未及时停发待遇", "医保参保动员不到位")),
        ("危房改造与住房", 2, ("危房改造验收把关不严", "农村住房安全排查不到位")),
        ("集体经济与产业项目", 4, ("村集体经济发展缓慢", "产业项目收益分配不规范", "扶贫资产管护不到位")),
    )),
    ("群众身边腐败", 24, (
        ('集体"三资"管理', 6, ("村集体资金管理不规范", "集体资产底数不清", "资源发包程序不规范", "集体资产租金未及时收缴")),
        ("村级财务", 7, ("白条入账", "财务报销手续不全", "现金管理不规范", "财务公开不及时")),
        ("工程项目与招投标", 5, ("工程项目未按规定招投标", "项目验收程序不规范", "化整为零规避招标")),
        ("征地拆迁补偿", 2, ("征地补偿款发放不透明", "拆迁补偿标准执行不统一")),
        ("虚报冒领、截留挪用", 3, ("虚报冒领补贴资金", "截留挪用专项资金", "套取项目资金")),
    )),
    ("作风与不正之风", 13, (
        ("违反中央八项规定精神", 3, ("违规公款吃喝", "违规发放津贴补贴", "公车私用")),
        ("形式主义、官僚主义", 4, ("台账资料弄虚作假", "会议记录流于形式", "工作落实打折扣")),
        ("吃拿卡要、优亲厚友", 3, ("为群众办事吃拿卡要", "优亲厚友分配救助资源")),
        ("群众急难愁盼未解决", 3, ("群众反映问题回应不及时", "道路、饮水等民生问题解决不力")),
    )),
    ("基层组织建设", 22, (
        ("软弱涣散与班子建设", 5, ("班子凝聚力不强", "村干部履职不到位", "后备干部培养不足")),
        ("组织生活/三会一课", 6, ("“三会一课”制度落实不到位", "组织生活会质量不高", "主题党日活动流于形式")),
        ("党员发展与教育管理", 4, ("发展党员程序不规范", "流动党员管理缺失", "党费收缴不规范")),
        ("换届选举", 2, ("换届选举程序不规范", "换届后班子分工不明确")),
        ("村务公开与民主监督", 4, ("村务公开不及时不全面", "“四议两公开”执行不到位", "村务监督委员会作用发挥不充分")),
        ("宗族势力与涉黑涉恶", 1, ("宗族势力干扰村务", "涉黑涉恶线索排查不深入")),
    )),
    ("从严治党责任与整改", 12, (
        ("主体责任与监督责任", 4, ("主体责任落实不到位", "监督责任缺位")),
        ("廉政教育与风险防控", 3, ("廉政教育开展较少", "廉政风险点排查不到位")),
        ("以往巡视巡察审计整改不到位", 3, ("上轮巡察反馈问题整改不到位", "审计发现问题整改不彻底")),
        ("信访矛盾化解", 2, ("信访积案化解不及时", "重复信访问题未有效解决")),
    )),
)


def _issue_table() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """Flatten the taxonomy into a table where each (category, subcategory)
    appears in proportion to its weight, so a draw is one index lookup."""
    table = []
    for top, top_w, subs in TAXONOMY:
        sub_total = sum(w for _, w, _ in subs)
        for sub, sub_w, descs in subs:
            copies = round(1000 * top_w / 100 * sub_w / sub_total)
            table.extend([(top, sub, descs)] * copies)
    return tuple(table)


ISSUE_TABLE = _issue_table()

# --------------------------------------------------------------------------
# Magnitudes
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Magnitudes:
    """Mean results of one inspection of an average unit (difficulty 1)."""

    issues: float
    clues: float
    disciplined: float
    org_handled: float
    judicial: float


COUNTY = Magnitudes(issues=12.0, clues=1.3, disciplined=0.19, org_handled=0.3, judicial=0.008)


@dataclass(frozen=True)
class MunicipalRatios:
    """Per-inspection municipal average / county average that the data shows.
    Part of each ratio comes from selection (municipal teams take the harder
    villages); the rest is a team effect, computed per city so that the two
    together give these ratios."""

    issues_and_clues: float = 1.23
    disciplined: float = 2.5
    org_handled: float = 1.6
    judicial: float = 2.5


MUNICIPAL = MunicipalRatios()
MIN_ISSUES = 2  # every inspection finds at least a couple of issues
MUNICIPAL_SHARE = 0.12  # share of villages/communities inspected by a municipal team
REINSPECT_SHARE = 0.008  # units inspected a second time (回头看 style) in a later round
PARTIAL_LIST_SHARE = 0.005  # inspections whose issue list differs from issues_found
STUCK_SHARE = 0.003  # issues that are never rectified (the overdue ones)
# Issues whose rectification is long-term (长期整改: not rectified, never overdue): the draws of the
# 31-60 day band from LONG_TERM_FROM up, written with one of the words offices use. They take the
# same random draws as the issues they replace, so every other figure of the demo stays the same.
LONG_TERM_FROM = 0.90
LONG_TERM_WORDS = ("长期坚持", "持续整改", "基本完成")

TYPE_FACTOR = {"村": 1.0, "社区": 0.9, "基层站所": 0.65}

# Modes: canonical name -> weight, for each level.
COUNTY_MODES = (("常规", 70), ("专项", 10), ("巡乡带村", 8), ("交叉", 7), ("点穴", 3), ("机动", 2))
MUNICIPAL_MODES = (("提级", 60), ("专项", 15), ("点穴", 15), ("常规", 10))
# How clerks write each mode; one clerk (district, year) keeps to one form.
MODE_FORMS = {
    "常规": ("常规巡察", "常规"),
    "专项": ("专项巡察", "专项"),
    "机动": ("机动巡察", "机动式巡察", "机动"),
    "提级": ("提级巡察", "提级"),
    "交叉": ("交叉巡察", "交叉"),
    "点穴": ("点穴式巡察", "点穴式", "点穴"),
    "巡乡带村": ("巡乡带村", "巡乡带村"),
    "回头看": ("回头看", "回头看"),  # province and national scales; kept as written on import
}
# Level as written, by plan year (0, 1, 2): (municipal, county in a 区, county in a 县/市).
LEVEL_TEXT = {
    0: ("市级", "县级", "县级"),
    1: ("市委", "县区", "县区"),
    2: ("市级巡察", "区委", "县委"),
}

CN_NUM = "零一二三四五六七八九十"

# --------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------

SURNAMES = (
    "王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余杜叶程魏苏吕"
    "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔汤"
)
VILLAGE_SUFFIXES = "庄营寨楼店岗湾集桥家屯坡洼园堂寺铺圩"
DIRECTIONS = "东西南北前后大小上下"
VILLAGE_WORDS = ("红星", "胜利", "团结", "光明", "建设", "和平", "幸福", "新华", "民主", "前进",
                 "东风", "新庄", "新风", "丰收", "永安", "太平", "兴隆", "五一", "红旗", "先锋")
COMMUNITY_WORDS = ("幸福", "和平", "光明", "建设", "人民", "解放", "团结", "新华", "东风", "胜利",
                   "朝阳", "长青", "文化", "健康", "育才", "花园", "滨河", "湖滨", "翠园", "锦绣",
                   "金桥", "银杏", "紫薇", "祥和", "安康", "龙泉", "兴华", "振兴", "阳光", "新城",
                   "世纪", "明珠", "桂园", "书香", "铁路", "纺织", "汇源", "春晖", "交通路", "人民路",
                   "建设路", "黄河路", "长江路", "嵩山路", "解放路", "文化路", "中山路", "滨河路",
                   "工农路", "五一路", "淮河路", "泰山路")
STATIONS = ("财政所", "农业服务中心", "水利站", "畜牧兽医站", "自然资源所", "林业站", "司法所",
            "市场监管所", "卫生院", "社会事务服务中心")
PLACE_FIRST = (
    "东西南北中上下前后大小新老高长青白黑红黄金银石龙凤马牛柳杨桃李梅竹松柏枣槐桑花清明安宁永丰太平"
    "和顺兴隆福寿康泰宝华阳乐昌盛文武德仁义孟姬万翟邓商裴沙澧汾漯颍舞召郾"
)
PLACE_SECOND = "庄集店桥河湖岗坡营寨屯楼寺庙铺堡口湾沟坪坝园林山城关台塘泉溪川洲峪峰滩港渡原岭陵水泽源"

CITY_NAME = "示范市"
CITY_DISTRICTS = ("源汇区", "郾城区", "召陵区", "沙澧区", "舞阳县", "临颍县", "澧河县")

# --------------------------------------------------------------------------
# Scales
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    cities: int
    districts_per_city: tuple[int, int]
    townships_per_district: tuple[int, int]
    units_per_city: int  # villages and communities (stations come on top)
    csv_only: bool
    chunk_rows: int = 1_000_000
    cycles: int = 1  # 2: the previous plan (2021-2023) too, and 回头看 follow-ups
    follow_up_share: float = 0.0  # share of the previous plan's inspections followed up (回头看)
    practice: float = 1.0  # mean factor on difficulty: how many problems teams find
    practice_sigma: float = 0.0  # province-to-province spread of that factor


SCALES = {
    "city": Scale(1, (7, 7), (6, 15), 1_300, csv_only=False),
    # One province modelled on the real city of the magnitudes (~12.7 issues per inspection).
    "province": Scale(17, (6, 12), (8, 20), 2_900, csv_only=True, cycles=2, follow_up_share=0.25,
                      practice=1.08),
    # ~28 provinces of 12 cities; provinces differ (5-13 issues per village are typical).
    "national": Scale(330, (6, 12), (8, 20), 1_800, csv_only=True, cycles=2, follow_up_share=0.25,
                      practice=0.85, practice_sigma=0.15),
}

# --------------------------------------------------------------------------
# Data model
# --------------------------------------------------------------------------


@dataclass(slots=True)
class Unit:
    district: str
    township: str
    name: str
    unit_type: str
    code: str
    poverty: bool
    weak: bool
    difficulty: float  # latent: how many problems the unit has (mean ~1)
    district_no: int
    township_no: int


@dataclass(slots=True)
class Inspection:
    round_no: int
    unit: Unit
    municipal: bool
    team: str
    mode: str
    start: dt.date
    end: dt.date
    issues_found: int = 0
    clues: int | None = 0
    immediate_fixes: int = 0
    disciplined: int = 0
    org_handled: int | None = 0
    judicial: int | None = 0
    rectified: int = 0
    funds: float | None = None
    # one tuple per listed issue: (category, subcategory, description,
    # status, due_date, rectified_date or None)
    issues: list = field(default_factory=list)
    name_in_inspections: str = ""
    name_in_issues: str = ""
    cycle: int = 0  # 0: the current plan (ROUNDS), -1: the previous plan (PREVIOUS_ROUNDS)

    @property
    def rnd(self) -> Round:
        return CYCLE_ROUNDS[self.cycle][self.round_no]

    @property
    def year(self) -> int:
        return self.rnd.year

    @property
    def year_no(self) -> int:
        """0, 1, 2: the year within its plan (the key of the per-year written forms)."""
        return YEAR_NO[self.year]

    @property
    def fed_back(self) -> bool:
        """Whether the feedback (反馈, end) has happened by AS_OF; if not, end is the
        planned date, used for due dates but left blank in the files."""
        return self.end <= AS_OF


@dataclass(slots=True)
class District:
    name: str
    no: int
    teams: int  # number of county inspection teams
    pace: float  # >0: front-loaded plan, <0: behind plan
    units: list[Unit]


@dataclass(slots=True)
class City:
    name: str
    team_prefix: str  # "市委" at city scale, "<city>委" above
    districts: list[District]
    inspections: list[Inspection]


# --------------------------------------------------------------------------
# Small random helpers
# --------------------------------------------------------------------------


_NORMAL = NormalDist()


def _poisson(lam: float, u: float) -> int:
    """Poisson quantile: the draw for uniform `u` (inverse CDF), so that draws
    can be stratified. Rounded normal approximation for large means."""
    if lam <= 0:
        return 0
    if lam > 40:
        return max(0, round(lam + math.sqrt(lam) * _NORMAL.inv_cdf(min(max(u, 1e-12), 1 - 1e-12))))
    k, p = 0, math.exp(-lam)
    cdf = p
    while u > cdf and p > 0:
        k += 1
        p *= lam / k
        cdf += p
    return k


def _stratified(rng: random.Random, n: int) -> list[float]:
    """n uniforms, one in each n-th of [0, 1), in random order: each draw is
    still uniform, but their sum hardly varies, so totals and averages of a
    level land close to their expectation even for a single city."""
    u = [(k + rng.random()) / n for k in range(n)]
    rng.shuffle(u)
    return u


def _weighted(rng: random.Random, options: tuple[tuple[str, int], ...]) -> str:
    names = [name for name, _ in options]
    return rng.choices(names, weights=[w for _, w in options])[0]


def _team_name(prefix: str, number: int) -> str:
    numeral = CN_NUM[number] if number <= 10 else "十" + CN_NUM[number - 10]
    return f"{prefix}第{numeral}巡察组"


class NamePicker:
    """Draws place names that are unique within a scope (a set of used names,
    only used for membership tests, so ordering never matters)."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def place_stem(self, used: set[str]) -> str:
        for attempt in range(200):
            stem = self.rng.choice(PLACE_FIRST) + self.rng.choice(PLACE_SECOND)
            if attempt > 50:  # crowded scope: allow three characters
                stem = self.rng.choice(PLACE_FIRST) + stem
            if stem not in used:
                used.add(stem)
                return stem
        raise RuntimeError("name space exhausted")


# --------------------------------------------------------------------------
# Building the roster
# --------------------------------------------------------------------------


def _village_name(rng: random.Random) -> str:
    r = rng.random()
    surname = rng.choice(SURNAMES)
    if r < 0.5:
        return surname + rng.choice(VILLAGE_SUFFIXES) + "村"
    if r < 0.8:
        return rng.choice(DIRECTIONS) + surname + "村"
    if r < 0.9:
        return rng.choice(DIRECTIONS) + surname + rng.choice(VILLAGE_SUFFIXES) + "村"
    return rng.choice(VILLAGE_WORDS) + "村"


def _community_name(rng: random.Random, township_stem: str) -> str:
    r = rng.random()
    if r < 0.7:
        return rng.choice(COMMUNITY_WORDS) + "社区"
    if r < 0.85:
        return rng.choice(SURNAMES) + rng.choice("庄营寨楼") + "社区"  # former village
    return township_stem + rng.choice(DIRECTIONS[:4]) + "街社区"


def _unique(used: set[str], make: Callable[[], str]) -> str:
    """A name from `make` not yet in `used` (a township's names)."""
    for _ in range(30):
        name = make()
        if name not in used:
            used.add(name)
            return name
    base = make()
    for n in range(2, 11):  # crowded township: 王庄村 -> 王庄二村
        name = base[:-1] + CN_NUM[n] + base[-1]
        if base.endswith("社区"):
            name = base[:-2] + CN_NUM[n] + "社区"
        if name not in used:
            used.add(name)
            return name
    raise RuntimeError("unit names exhausted")


def _township_mix(rng: random.Random, urban: bool) -> str:
    """Kind of township: 街道 (urban), 镇, 乡."""
    r = rng.random()
    if urban:
        return "街道" if r < 0.4 else ("镇" if r < 0.9 else "乡")
    return "街道" if r < 0.1 else ("镇" if r < 0.75 else "乡")


# Communities and villages of a township: (mean, sd, min, max) before scaling.
TOWNSHIP_SHAPES = {
    "街道": ((8, 3, 2, 24), (3, 3, 0, 12)),
    "镇": ((1.5, 1, 0, 5), (22, 7, 6, 50)),
    "乡": ((0.3, 0.5, 0, 2), (18, 6, 5, 40)),
}


def _township_size(rng: random.Random, kind: str) -> tuple[float, float]:
    """Unscaled (communities, villages) of a township; scaled to the target later."""
    community_shape, village_shape = TOWNSHIP_SHAPES[kind]
    return (max(0.0, rng.gauss(*community_shape[:2])), max(0.0, rng.gauss(*village_shape[:2])))


def _unit_counts(rng: random.Random, kind: str, size: tuple[float, float],
                 density: float) -> tuple[int, int, int]:
    """(communities, villages, stations) in one township."""
    (_, _, c_lo, c_hi), (_, _, v_lo, v_hi) = TOWNSHIP_SHAPES[kind]
    communities = max(c_lo, min(c_hi, round(size[0] * density)))
    villages = max(v_lo, min(v_hi, round(size[1] * density)))
    stations = 1 if rng.random() < 0.4 else 0
    return communities, villages, stations


def _difficulty(rng: random.Random, unit_type: str, poverty: bool, weak: bool) -> float:
    d = rng.lognormvariate(0.0, 0.3) * TYPE_FACTOR[unit_type]
    if poverty:
        d *= 1.2
    if weak:
        d *= 1.35
    return d


def _build_township(rng: random.Random, district: str, district_no: int, t_no: int, stem: str,
                    kind: str, size: tuple[float, float], code_prefix: str, density: float) -> list[Unit]:
    township = stem + kind
    communities, villages, stations = _unit_counts(rng, kind, size, density)
    used: set[str] = set()
    units: list[Unit] = []

    def add(name: str, unit_type: str, code: str) -> None:
        poverty = unit_type == "村" and rng.random() < 0.10
        weak = unit_type != "基层站所" and rng.random() < 0.03
        units.append(Unit(district, township, name, unit_type, code, poverty, weak,
                          _difficulty(rng, unit_type, poverty, weak), district_no, t_no))

    for i in range(communities):
        add(_unique(used, lambda: _community_name(rng, stem)), "社区", f"{code_prefix}{i + 1:03d}")
    for i in range(villages):
        add(_unique(used, lambda: _village_name(rng)), "村", f"{code_prefix}{200 + i:03d}")
    for i in range(stations):
        add(township + rng.choice(STATIONS), "基层站所", f"{code_prefix}{400 + i:03d}")
    return units


def _township_kinds(rng: random.Random, scale: Scale, district_name: str) -> list[str]:
    urban = district_name.endswith("区")
    n_townships = rng.randint(*scale.townships_per_district)
    if urban:  # city districts are smaller
        n_townships = max(scale.townships_per_district[0], n_townships - 3)
    return [_township_mix(rng, urban) for _ in range(n_townships)]


def _build_district(rng: random.Random, names: NamePicker, name: str, no: int, kinds: list[str],
                    sizes: list[tuple[float, float]], code_prefix: str, density: float) -> District:
    used: set[str] = set()
    counters = {"街道": 1, "镇": 100, "乡": 200}  # township code ranges
    units: list[Unit] = []
    for t, (kind, size) in enumerate(zip(kinds, sizes, strict=True)):
        t_code = counters[kind]
        counters[kind] += 1
        stem = names.place_stem(used)
        units += _build_township(rng, name, no, t, stem, kind, size, f"{code_prefix}{t_code:03d}", density)
    return District(name, no, rng.randint(3, 5), 0.0, units)


def _district_names(rng: random.Random, names: NamePicker, count: int,
                    used: set[str], city_scale: bool) -> list[str]:
    if city_scale:
        return list(CITY_DISTRICTS[:count])
    result = []
    for _ in range(count):
        suffix = rng.choices(("区", "县", "市"), weights=(30, 60, 10))[0]
        result.append(names.place_stem(used) + suffix)
    return result


def _assign_paces(rng: random.Random, districts: list[District]) -> None:
    """Some districts front-load the plan, others lag; the slowest is clearly behind."""
    for d in districts:
        d.pace = rng.uniform(-0.6, 0.8)
    slowest = min(districts, key=lambda d: d.pace)
    slowest.pace = -0.9


# --------------------------------------------------------------------------
# Planning the rounds
# --------------------------------------------------------------------------


def _round_counts(n: int, pace: float, n_rounds: int = len(ROUNDS)) -> list[int]:
    """How many units a district covers in each round (cumulative rounding)."""
    last = n_rounds - 1
    weights = [math.exp(pace * (last / 2 - r) / (last / 2)) for r in range(n_rounds)]
    total = sum(weights)
    counts, done, cum = [], 0, 0.0
    for w in weights:
        cum += w
        upto = round(n * cum / total)
        counts.append(upto - done)
        done = upto
    return counts


def _plan_district(rng: random.Random, district: District, n_rounds: int = len(ROUNDS)) -> list[list[Unit]]:
    """Split a district's units into rounds, township by township, leaving a few
    units (more in slow districts) for the last mile."""
    units = district.units
    uncovered_share = max(0.0, 0.006 - 0.02 * district.pace)
    n_uncovered = round(len(units) * uncovered_share)
    left_out = set(rng.sample(range(len(units)), n_uncovered))
    townships = sorted({u.township_no for u in units})
    rng.shuffle(townships)
    order = {t: i for i, t in enumerate(townships)}
    covered = [u for i, u in enumerate(units) if i not in left_out]
    covered.sort(key=lambda u: order[u.township_no])  # stable: keeps unit order
    slices, pos = [], 0
    for count in _round_counts(len(covered), district.pace, n_rounds):
        slices.append(covered[pos:pos + count])
        pos += count
    return slices


def _municipal_picks(rng: random.Random, units: list[Unit], mean_d: float) -> set[int]:
    """Indices of units a municipal team takes: harder villages are likelier."""
    picks = set()
    for i, u in enumerate(units):
        if u.unit_type == "基层站所":
            continue
        p = min(0.9, MUNICIPAL_SHARE * u.difficulty / mean_d)
        if rng.random() < p:
            picks.add(i)
    return picks


@dataclass(slots=True)
class _TeamRound:
    """A county team's work in one round."""

    mode: str
    name: str
    offset: int  # days after the round's start when it enters its first township
    townships: int = 0  # townships assigned so far


def _county_team(rng: random.Random, city: City, district: District, t: int, r: int) -> _TeamRound:
    mode = _weighted(rng, COUNTY_MODES)
    owner = district
    if mode == "交叉" and len(city.districts) > 1:  # cross inspection: a team of another district
        owner = rng.choice([d for d in city.districts if d is not district])
    number = (t + r) % owner.teams + 1
    return _TeamRound(mode, _team_name(owner.name + "委", number), rng.randint(0, 6))


def _entered_share(pace: float) -> float:
    """Share of its county units a district has entered (进驻) by AS_OF in a round
    still under way: districts behind plan have not reached their last townships."""
    return 1.0 if pace >= 0 else max(0.25, 1.0 + 0.8 * pace)


def _round_inspections(rng: random.Random, city: City, district: District, r: int,
                       units: list[Unit], muni_teams: list[int], mean_d: float,
                       rounds: tuple[Round, ...] = ROUNDS, cycle: int = 0) -> list[Inspection]:
    """Inspections of one district in one round: municipal picks first, the rest
    by the district's own teams, township by township. In a round under way at
    AS_OF, units not yet entered have no inspection (they are not in the files)."""
    rnd = rounds[r]
    end_of_round = rnd.start + dt.timedelta(days=rnd.days)
    picks = _municipal_picks(rng, units, mean_d)
    result: list[Inspection] = []

    muni_team_no = muni_teams[district.no % len(muni_teams)]
    muni_mode = _weighted(rng, MUNICIPAL_MODES)
    for i in sorted(picks):
        start = rnd.start + dt.timedelta(days=rng.randint(0, 12))
        end = end_of_round - dt.timedelta(days=rng.randint(0, 6))
        result.append(Inspection(r, units[i], True, _team_name(city.team_prefix, muni_team_no),
                                 muni_mode, start, end, cycle=cycle))

    county_units = [u for i, u in enumerate(units) if i not in picks]
    if rnd.start <= AS_OF < end_of_round:
        county_units = county_units[:round(len(county_units) * _entered_share(district.pace))]
    townships: list[int] = []
    for u in county_units:
        if not townships or townships[-1] != u.township_no:
            townships.append(u.township_no)
    teams = [_county_team(rng, city, district, t, r) for t in range(district.teams)]
    slot_of_township = {}  # township -> (team, its position in the team's sequence)
    for k, t_no in enumerate(townships):
        team = teams[(k + r) % len(teams)]
        slot_of_township[t_no] = (team, team.townships)
        team.townships += 1
    for u in county_units:
        team, seq = slot_of_township[u.township_no]
        # a team moves on to its next township every ~18 days; feedback comes at the end
        offset = team.offset + min(seq * 18, rnd.days - 35) + rng.randint(0, 4)
        start = rnd.start + dt.timedelta(days=offset)
        end = max(start + dt.timedelta(days=20), end_of_round - dt.timedelta(days=rng.randint(0, 8)))
        result.append(Inspection(r, u, False, team.name, team.mode, start, end, cycle=cycle))
    return result


def _reinspections(rng: random.Random, city: City, first: list[Inspection],
                   rounds: tuple[Round, ...] = ROUNDS, cycle: int = 0) -> list[Inspection]:
    """A few units are inspected again, two or more rounds later (回头看 style)."""
    last = len(rounds) - 1
    result = []
    for insp in first:
        if insp.round_no > last - 2 or rng.random() >= REINSPECT_SHARE:
            continue
        r = rng.randint(insp.round_no + 2, last)
        rnd = rounds[r]
        district = city.districts[insp.unit.district_no]
        start = rnd.start + dt.timedelta(days=rng.randint(5, 30))
        end = start + dt.timedelta(days=rng.randint(20, 35))
        team = _team_name(district.name + "委", rng.randint(1, district.teams))
        result.append(Inspection(r, insp.unit, False, team, "机动", start, end, cycle=cycle))
    return result


# --------------------------------------------------------------------------
# Results of an inspection and its issue list
# --------------------------------------------------------------------------


def _rectification(rng: random.Random, insp: Inspection, immediate: bool, k: int = 0) -> tuple[str, dt.date | None]:
    """Status and rectified_date of one issue (the k-th of its list), as seen on AS_OF."""
    if immediate:  # fixed on the spot, during the inspection
        span = max(0, (min(insp.end, AS_OF) - insp.start).days)
        return "已整改", insp.start + dt.timedelta(days=rng.randint(0, span))
    u = rng.random()
    if not insp.fed_back:  # no feedback yet: rectification has only begun
        return "整改中", None
    if u < STUCK_SHARE:
        return ("未整改" if rng.random() < 0.3 else "整改中"), None
    if u < 0.62:
        delay = rng.randint(1, 30)
    elif u < 0.92:
        delay = rng.randint(31, 60)
    elif u < 0.99:
        delay = rng.randint(61, 89)
    else:
        delay = rng.randint(91, 200)  # rectified, but after the deadline
    done = insp.end + dt.timedelta(days=delay)
    if LONG_TERM_FROM <= u < 0.92:
        if done > AS_OF:
            rng.random()  # the draw of the not yet rectified (keeps the stream of the other issues)
        return LONG_TERM_WORDS[k % len(LONG_TERM_WORDS)], None
    if done <= AS_OF:
        return "已整改", done
    return ("未整改" if rng.random() < 0.1 else "整改中"), None


def _issue_list(rng: random.Random, insp: Inspection, n: int) -> list[tuple]:
    rows = []
    table_len = len(ISSUE_TABLE)
    for k in range(n):
        top, sub, descs = ISSUE_TABLE[int(rng.random() * table_len)]
        desc = descs[int(rng.random() * len(descs))]
        due = insp.end + dt.timedelta(days=180 if rng.random() < 0.08 else 90)
        status, done = _rectification(rng, insp, k < insp.immediate_fixes, k)
        rows.append((top, sub, desc, status, due, done))
    return rows


def _level_magnitudes(inspections: list[Inspection], base: Magnitudes = COUNTY) -> dict[bool, Magnitudes]:
    """Magnitudes for county (False) and municipal (True) inspections of one city.

    Municipal magnitudes are set from the difficulty of the units each level
    actually got, so that the expected municipal/county ratios are those of
    MUNICIPAL whatever the selection effect of this particular city. `base`: the
    county magnitudes."""
    county = [i.unit.difficulty for i in inspections if not i.municipal]
    muni = [i.unit.difficulty for i in inspections if i.municipal]
    if not county or not muni:
        return {False: base, True: base}

    def ratio(power: float) -> float:  # county mean over municipal mean of d**power
        return (sum(d ** power for d in county) / len(county)) / (sum(d ** power for d in muni) / len(muni))

    per_d = base.issues - MIN_ISSUES + base.clues  # issues+clues per unit of difficulty
    county_ic = MIN_ISSUES + per_d * sum(county) / len(county)
    team_ic = (MUNICIPAL.issues_and_clues * county_ic - MIN_ISSUES) / (per_d * sum(muni) / len(muni))
    municipal = Magnitudes(
        issues=MIN_ISSUES + (base.issues - MIN_ISSUES) * team_ic,
        clues=base.clues * team_ic,
        disciplined=base.disciplined * MUNICIPAL.disciplined * ratio(1.5),
        org_handled=base.org_handled * MUNICIPAL.org_handled * ratio(1.0),
        judicial=base.judicial * MUNICIPAL.judicial * ratio(1.0),
    )
    return {False: base, True: municipal}


SPREAD_SIGMA = 0.45  # team-to-team and village-to-village noise on issues and clues


def _draw_counts(rng: random.Random, inspections: list[Inspection], m: Magnitudes) -> None:
    """Counts of one level of one city, Poisson around the unit's difficulty,
    with stratified draws so the level's averages sit close to expectation."""
    n = len(inspections)
    if n == 0:
        return
    u_spread, u_issues, u_clues, u_disc, u_org, u_jud = (_stratified(rng, n) for _ in range(6))
    for k, insp in enumerate(inspections):
        d = insp.unit.difficulty
        z = _NORMAL.inv_cdf(max(u_spread[k], 1e-9))
        spread = math.exp(SPREAD_SIGMA * z - SPREAD_SIGMA ** 2 / 2)  # mean 1
        insp.issues_found = MIN_ISSUES + _poisson(d * spread * (m.issues - MIN_ISSUES), u_issues[k])
        insp.clues = _poisson(d * spread * m.clues, u_clues[k])
        insp.disciplined = _poisson(d ** 1.5 * m.disciplined, u_disc[k])
        insp.org_handled = _poisson(d * m.org_handled, u_org[k])
        insp.judicial = _poisson(d * m.judicial, u_jud[k])


def _fill_details(rng: random.Random, insp: Inspection) -> None:
    """Immediate fixes, money recovered, the issue list and what is rectified."""
    share = rng.uniform(0.3, 0.5)
    insp.immediate_fixes = sum(1 for _ in range(insp.issues_found) if rng.random() < share)
    r = rng.random()
    if r < 0.4:
        insp.funds = None  # not reported
    elif r < 0.55:
        insp.funds = 0.0
    else:
        insp.funds = round(rng.lognormvariate(math.log(2.6), 0.7) * insp.unit.difficulty, 2)

    listed = insp.issues_found
    if rng.random() < PARTIAL_LIST_SHARE:  # the list is partial or has an extra row
        listed = max(1, listed - rng.randint(1, 3)) if rng.random() < 0.8 else listed + 1
    insp.issues = _issue_list(rng, insp, listed)
    insp.rectified = min(insp.issues_found, sum(1 for row in insp.issues if row[3] == "已整改"))


def _apply_blanks(rng: random.Random, city: City) -> None:
    """Figures some offices did not report: org_handled for the whole first round,
    judicial in one district for one round, and a few scattered clues."""
    lazy_district = rng.randrange(len(city.districts))
    for insp in city.inspections:
        current = insp.cycle == 0  # the blanks are in the current plan's forms
        if current and insp.round_no == 0:
            insp.org_handled = None
        if current and insp.round_no == 4 and insp.unit.district_no == lazy_district:
            insp.judicial = None
        if rng.random() < 0.005:
            insp.clues = None


def _written_names(rng: random.Random, insp: Inspection) -> None:
    """Units as clerks write them: sometimes with the Party organisation suffix,
    once in a while with stray spaces."""
    def variant(p: float) -> str:
        name = insp.unit.name
        if rng.random() < p:
            if insp.unit.unit_type == "社区":
                name += rng.choice(("党总支", "党委", "党支部"))
            else:
                name += "党总支" if rng.random() < 0.15 else "党支部"
        if rng.random() < 0.01:
            name = " " + name + " "
        return name

    insp.name_in_inspections = variant(0.3 if insp.year_no == 2 else 0.12)
    insp.name_in_issues = variant(0.1)


def _build_districts(rng: random.Random, names: NamePicker, scale: Scale, code_prefix: str,
                     used_districts: set[str]) -> list[District]:
    """The roster of one city: its districts, townships and units."""
    n_districts = rng.randint(*scale.districts_per_city)
    district_names = _district_names(rng, names, n_districts, used_districts, not scale.csv_only)
    kinds = [_township_kinds(rng, scale, name) for name in district_names]
    sizes = [[_township_size(rng, kind) for kind in ks] for ks in kinds]
    density = scale.units_per_city / sum(c + v for ss in sizes for c, v in ss)
    return [_build_district(rng, names, name, no, kinds[no], sizes[no],
                            f"{code_prefix}{no + 2:02d}", density)
            for no, name in enumerate(district_names)]


def build_city(rng: random.Random, names: NamePicker, scale: Scale, city_name: str,
               team_prefix: str, code_prefix: str, used_districts: set[str],
               practice: float = 1.0) -> City:
    """Roster, inspections and issue lists of one city (one plan; two plans and
    回头看 follow-ups when the scale has `cycles` = 2, see _build_two_plans)."""
    districts = _build_districts(rng, names, scale, code_prefix, used_districts)
    if scale.cycles > 1:
        return _build_two_plans(rng, scale, City(city_name, team_prefix, districts, []), practice)
    _assign_paces(rng, districts)
    city = City(city_name, team_prefix, districts, [])

    # Each round, three of the city's six teams go to villages.
    muni_by_round = [sorted(rng.sample(range(1, 7), 3)) for _ in ROUNDS]
    inspections: list[Inspection] = []
    for district in districts:
        mean_d = sum(u.difficulty for u in district.units) / max(1, len(district.units))
        for r, units in enumerate(_plan_district(rng, district)):
            inspections += _round_inspections(rng, city, district, r, units, muni_by_round[r], mean_d)
    inspections += _reinspections(rng, city, inspections)
    inspections.sort(key=lambda i: (i.round_no, i.unit.district_no, i.unit.township_no, i.unit.code))
    magnitudes = _level_magnitudes(inspections)
    for municipal in (False, True):
        _draw_counts(rng, [i for i in inspections if i.municipal == municipal], magnitudes[municipal])
    for insp in inspections:
        _fill_details(rng, insp)
        _written_names(rng, insp)
    city.inspections = inspections
    _apply_blanks(rng, city)
    return city


# --------------------------------------------------------------------------
# Province and national scale: two plans and 回头看 follow-ups
# --------------------------------------------------------------------------

PREVIOUS_FACTOR = 1.1  # the first full coverage of villages (2021-2023) found ~10 % more issues and clues
DISTRICT_SIGMA = 0.12  # county-to-county spread of practice (how deep teams dig), on difficulty
FOLLOW_UP_MODE = "回头看"
# A 回头看 checks the rectification of an earlier inspection: fewer new issues, more of
# them about rectification, few sanctions (county teams, per unit of difficulty; municipal
# teams follow up their own inspections with the MUNICIPAL ratios).
FOLLOW_UP = Magnitudes(issues=MIN_ISSUES + 0.45 * (COUNTY.issues - MIN_ISSUES), clues=0.45 * COUNTY.clues,
                       disciplined=0.35 * COUNTY.disciplined, org_handled=0.4 * COUNTY.org_handled,
                       judicial=0.5 * COUNTY.judicial)
FOLLOW_UP_WEIGHTS = {"从严治党责任与整改": 4.0, "以往巡视巡察审计整改不到位": 3.0}  # weight multipliers


def _follow_up_table() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """ISSUE_TABLE with rectification issues over-weighted, for 回头看 inspections."""
    table = []
    for top, top_w, subs in TAXONOMY:
        top_w *= FOLLOW_UP_WEIGHTS.get(top, 1.0)
        sub_total = sum(w for _, w, _ in subs)
        for sub, sub_w, descs in subs:
            sub_w *= FOLLOW_UP_WEIGHTS.get(sub, 1.0)
            table.extend([(top, sub, descs)] * round(1000 * top_w / 100 * sub_w / sub_total))
    return tuple(table)


FOLLOW_UP_TABLE = _follow_up_table()


def _scaled(m: Magnitudes, factor: float) -> Magnitudes:
    """Magnitudes with issues (above the minimum) and clues multiplied by `factor`."""
    return Magnitudes(MIN_ISSUES + (m.issues - MIN_ISSUES) * factor, m.clues * factor,
                      m.disciplined, m.org_handled, m.judicial)


def _follow_ups(rng: random.Random, city: City, previous: list[Inspection], taken: set[tuple],
                share: float) -> list[Inspection]:
    """回头看: a share of the units inspected in the previous plan are visited again one to
    three years later, in a round of the current plan other than their regular one, by a
    team of the level that inspected them. Units with more issues are likelier; units the
    current plan has not reached are left alone (so the follow-ups do not change the
    current plan's coverage)."""
    if not previous or share <= 0:
        return []
    current_units = {code for cycle, _, code in taken if cycle == 0}
    mean_issues = sum(i.issues_found for i in previous) / len(previous)
    result = []
    for insp in previous:
        code = insp.unit.code
        if code not in current_units:
            continue
        if rng.random() >= min(0.9, share * insp.issues_found / mean_issues):
            continue
        earliest, latest = insp.end + dt.timedelta(days=300), insp.end + dt.timedelta(days=1100)
        rounds = [r for r, rnd in enumerate(ROUNDS)
                  if earliest <= rnd.start <= latest and (0, r, code) not in taken]
        if not rounds:
            continue
        r = rng.choice(rounds)
        taken.add((0, r, code))
        start = ROUNDS[r].start + dt.timedelta(days=rng.randint(5, 40))
        end = start + dt.timedelta(days=rng.randint(15, 30))
        if insp.municipal:
            team = _team_name(city.team_prefix, rng.randint(1, 6))
        else:
            district = city.districts[insp.unit.district_no]
            team = _team_name(district.name + "委", rng.randint(1, district.teams))
        result.append(Inspection(r, insp.unit, insp.municipal, team, FOLLOW_UP_MODE, start, end, cycle=0))
    return result


def _build_two_plans(rng: random.Random, scale: Scale, city: City, practice: float) -> City:
    """Inspections of a city over the previous plan (2021-2023, complete) and the current
    one (2024-2026, as in build_city), plus 回头看 follow-ups of the previous plan's
    inspections. A unit has at most one inspection per round. `practice` (the province's)
    and a per-district factor scale the units' difficulty: offices differ in how many
    problems their teams find. The municipal/county ratios are kept within each plan."""
    for district in city.districts:
        factor = practice * rng.lognormvariate(-DISTRICT_SIGMA ** 2 / 2, DISTRICT_SIGMA)
        for u in district.units:
            u.difficulty *= factor
    taken: set[tuple] = set()  # (cycle, round_no, unit code)
    plans: dict[int, list[Inspection]] = {}
    for cycle, rounds, factor in ((-1, PREVIOUS_ROUNDS, PREVIOUS_FACTOR), (0, ROUNDS, 1.0)):
        _assign_paces(rng, city.districts)  # a district's pace differs from plan to plan
        muni_by_round = [sorted(rng.sample(range(1, 7), 3)) for _ in rounds]
        found: list[Inspection] = []
        for district in city.districts:
            mean_d = sum(u.difficulty for u in district.units) / max(1, len(district.units))
            for r, units in enumerate(_plan_district(rng, district, len(rounds))):
                found += _round_inspections(rng, city, district, r, units, muni_by_round[r], mean_d,
                                            rounds, cycle)
        found += _reinspections(rng, city, found, rounds, cycle)
        magnitudes = _level_magnitudes(found)
        for municipal in (False, True):
            _draw_counts(rng, [i for i in found if i.municipal == municipal],
                         _scaled(magnitudes[municipal], factor))
        taken.update((cycle, i.round_no, i.unit.code) for i in found)
        plans[cycle] = found
    follow_ups = _follow_ups(rng, city, plans[-1], taken, scale.follow_up_share)
    magnitudes = _level_magnitudes(follow_ups, FOLLOW_UP)
    for municipal in (False, True):
        _draw_counts(rng, [i for i in follow_ups if i.municipal == municipal], magnitudes[municipal])
    inspections = plans[-1] + plans[0] + follow_ups
    inspections.sort(key=lambda i: (i.cycle, i.round_no, i.unit.district_no, i.unit.township_no, i.unit.code))
    for insp in inspections:
        _fill_details_fast(rng, insp)
        _written_names(rng, insp)
    city.inspections = inspections
    _apply_blanks(rng, city)
    return city


# Issue rows of the large scales are built as CSV text directly (15M rows nationally):
# the (category, subcategory, description) cells of every table entry and the ISO dates
# are formatted once, and the random draws use rng.random() only.


def _csv_text(values: tuple | list) -> str:
    """Cells joined as csv.writer writes them (minimal quoting), without a line end."""
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(values)
    return buffer.getvalue()


def _table_cells(table: tuple[tuple[str, str, tuple[str, ...]], ...]) -> tuple[tuple[str, ...], ...]:
    """For each table entry, the CSV text of (category, subcategory, description) per description."""
    cache: dict[tuple, tuple[str, ...]] = {}
    return tuple(cache.setdefault(entry, tuple(_csv_text((entry[0], entry[1], d)) for d in entry[2]))
                 for entry in table)


ISSUE_CELLS = _table_cells(ISSUE_TABLE)
FOLLOW_UP_CELLS = _table_cells(FOLLOW_UP_TABLE)
AS_OF_ORDINAL = AS_OF.toordinal()
_ISO_DATES: dict[int, str] = {}


def _iso(ordinal: int) -> str:
    text = _ISO_DATES.get(ordinal)
    if text is None:
        text = _ISO_DATES[ordinal] = dt.date.fromordinal(ordinal).isoformat()
    return text


def _issue_tails(rng: random.Random, insp: Inspection, n: int) -> tuple[list[str], int]:
    """The issue rows of an inspection without their leading (round, unit) cells, as CSV
    text lines, and how many are rectified. Same story as _issue_list/_rectification."""
    cells = FOLLOW_UP_CELLS if insp.mode == FOLLOW_UP_MODE else ISSUE_CELLS
    n_cells = len(cells)
    rnd = rng.random
    start, end = insp.start.toordinal(), insp.end.toordinal()
    due90, due180 = _iso(end + 90), _iso(end + 180)
    span = max(0, min(end, AS_OF_ORDINAL) - start) + 1
    fed_back = end <= AS_OF_ORDINAL
    immediate = insp.immediate_fixes
    tails: list[str] = []
    rectified = 0
    for k in range(n):
        descs = cells[int(rnd() * n_cells)]
        text = descs[int(rnd() * len(descs))]
        due = due180 if rnd() < 0.08 else due90
        if k < immediate:  # fixed on the spot, during the inspection
            tails.append(f"{text},已整改,{due},{_iso(start + int(rnd() * span))}\r\n")
            rectified += 1
            continue
        if not fed_back:  # no feedback yet: rectification has only begun
            tails.append(f"{text},整改中,{due},\r\n")
            continue
        u = rnd()
        if u < STUCK_SHARE:
            tails.append(f"{text},{'未整改' if rnd() < 0.3 else '整改中'},{due},\r\n")
            continue
        if u < 0.62:
            delay = 1 + int(rnd() * 30)
        elif u < 0.92:
            delay = 31 + int(rnd() * 30)
        elif u < 0.99:
            delay = 61 + int(rnd() * 29)
        else:
            delay = 91 + int(rnd() * 110)  # rectified, but after the deadline
        done = end + delay
        if LONG_TERM_FROM <= u < 0.92:
            if done > AS_OF_ORDINAL:
                rnd()  # as in _rectification
            tails.append(f"{text},{LONG_TERM_WORDS[k % len(LONG_TERM_WORDS)]},{due},\r\n")
            continue
        if done <= AS_OF_ORDINAL:
            tails.append(f"{text},已整改,{due},{_iso(done)}\r\n")
            rectified += 1
        else:
            tails.append(f"{text},{'未整改' if rnd() < 0.1 else '整改中'},{due},\r\n")
    return tails, rectified


def _fill_details_fast(rng: random.Random, insp: Inspection) -> None:
    """As _fill_details, with the issue list kept as CSV text tails (see _issue_tails)."""
    rnd = rng.random
    share = 0.3 + 0.2 * rnd()
    insp.immediate_fixes = sum(1 for _ in range(insp.issues_found) if rnd() < share)
    r = rnd()
    if r < 0.4:
        insp.funds = None  # not reported
    elif r < 0.55:
        insp.funds = 0.0
    else:
        insp.funds = round(rng.lognormvariate(math.log(2.6), 0.7) * insp.unit.difficulty, 2)
    listed = insp.issues_found
    if rnd() < PARTIAL_LIST_SHARE:  # the list is partial or has an extra row
        listed = max(1, listed - rng.randint(1, 3)) if rnd() < 0.8 else listed + 1
    insp.issues, rectified = _issue_tails(rng, insp, listed)
    insp.rectified = min(insp.issues_found, rectified)


# --------------------------------------------------------------------------
# How values are written
# --------------------------------------------------------------------------


def _level_text(insp: Inspection) -> str:
    municipal, in_qu, in_xian = LEVEL_TEXT[insp.year_no]
    if insp.municipal:
        return municipal
    return in_qu if insp.unit.district.endswith("区") else in_xian


def _mode_text(insp: Inspection) -> str:
    """One clerk (district, year) keeps to one written form of the modes."""
    forms = MODE_FORMS[insp.mode]
    return forms[(insp.unit.district_no + insp.year_no) % len(forms)]


def _date_text(d: dt.date | None, style: int) -> str:
    if d is None:
        return ""
    if style == 0:
        return d.isoformat()
    if style == 1:
        return f"{d.year}/{d.month}/{d.day}"
    return f"{d.year}年{d.month}月{d.day}日"


def _yes_no(flag: bool) -> str:
    return "是" if flag else "否"


# Inspection columns: key -> value getter (dates stay dates; the writer formats).
INSPECTION_VALUES: dict[str, Callable[[Inspection], object]] = {
    "district": lambda i: i.unit.district,
    "township": lambda i: i.unit.township,
    "unit_name": lambda i: i.name_in_inspections,
    "unit_code": lambda i: i.unit.code,
    "round": lambda i: i.rnd.name,
    "level": _level_text,
    "team": lambda i: i.team,
    "mode": _mode_text,
    "start": lambda i: i.start,
    "end": lambda i: i.end if i.fed_back else None,  # blank until the feedback
    "issues_found": lambda i: i.issues_found,
    "clues": lambda i: i.clues,
    "immediate_fixes": lambda i: i.immediate_fixes,
    "disciplined": lambda i: i.disciplined,
    "org_handled": lambda i: i.org_handled,
    "judicial": lambda i: i.judicial,
    "rectified": lambda i: i.rectified,
    "funds": lambda i: i.funds,
}
SUMMED = ("issues_found", "clues", "immediate_fixes", "disciplined", "org_handled",
          "judicial", "rectified", "funds")

# City scale: each year's workbook was kept by a different clerk (keyed by plan year 0, 1, 2).
CITY_INSPECTION_HEADERS = {
    0: (("district", "县(市、区)"), ("township", "乡镇(街道)"), ("unit_name", "村(社区)名称"),
        ("round", "巡察轮次"), ("level", "巡察层级"), ("team", "巡察组"), ("mode", "巡察方式"),
        ("start", "进驻时间"), ("end", "反馈时间"), ("issues_found", "发现问题(个)"),
        ("clues", "移交问题线索数"), ("immediate_fixes", "立行立改数"),
        ("disciplined", "党纪政务处分(人)"), ("org_handled", "组织处理(人)"),
        ("judicial", "移交司法机关"), ("rectified", "已整改数"), ("funds", "追回资金(万元)")),
    1: (("district", "县（市、区）"), ("township", "乡镇（街道）"), ("unit_name", "村（社区）名称"),
        ("unit_code", "对象编码"), ("round", "巡察轮次"), ("level", "巡察层级"), ("team", "巡察组"),
        ("mode", "巡察方式"), ("start", "进驻时间"), ("end", "反馈时间"),
        ("issues_found", "发现问题\n（个）"), ("clues", "移交问题\n线索数"),
        ("immediate_fixes", "立行立改数"), ("disciplined", "党纪政务\n处分（人）"),
        ("org_handled", "组织处理\n（人）"), ("judicial", "移交司法\n机关（人）"),
        ("rectified", "已整改数"), ("funds", "追回资金\n（万元）")),
    2: (("district", "县区"), ("township", "乡镇"), ("unit_name", "被巡察党组织"),
        ("unit_code", "组织编码"), ("round", "轮次"), ("level", "层级"), ("team", "巡察组名称"),
        ("mode", "巡察形式"), ("start", "进驻日期"), ("end", "反馈时间"),
        ("issues_found", "发现问题数"), ("clues", "问题线索数"), ("immediate_fixes", "立行立改"),
        ("disciplined", "党纪政务处分人数"), ("org_handled", "组织处理人数"),
        ("judicial", "移交司法机关人数"), ("rectified", "整改完成数"),
        ("funds", "挽回经济损失(万元)")),
}
# Issue lists at city scale, by plan year (0, 1, 2): (encoding, headers). Issue row keys are fixed below.
CITY_ISSUE_FILES = {
    0: ("utf-8-sig", ("轮次", "县区", "乡镇", "村(社区)", "问题类别", "二级类别", "问题描述",
                      "整改状态", "整改时限", "整改完成时间")),
    1: ("gb18030", ("巡察轮次", "县(市、区)", "乡镇(街道)", "村(社区)名称", "一级类别", "二级类别",
                    "具体问题", "整改情况", "整改期限", "完成时间")),
    2: ("utf-8-sig", ("轮次", "县区", "乡镇", "村(社区)", "对象编码", "问题类别", "二级类别",
                      "问题描述", "整改状态", "整改时限", "整改完成时间")),
}
ROSTER_HEADERS = ("县(市、区)", "乡镇(街道)", "对象名称", "对象类型", "对象编码", "是否贫困村", "是否软弱涣散")

# Larger scales: plain UTF-8 CSV, ISO dates, codes everywhere.
BIG_ROSTER_HEADERS = ("县区", "乡镇", "对象名称", "对象类型", "对象编码", "是否贫困村", "是否软弱涣散")
BIG_INSPECTION_HEADERS = (
    ("district", "县区"), ("township", "乡镇"), ("unit_name", "村(社区)"), ("unit_code", "对象编码"),
    ("round", "轮次"), ("level", "巡察层级"), ("team", "巡察组"), ("mode", "巡察方式"),
    ("start", "开始日期"), ("end", "结束日期"), ("issues_found", "发现问题数"),
    ("clues", "移交问题线索数"), ("immediate_fixes", "立行立改数"), ("disciplined", "党纪政务处分人数"),
    ("org_handled", "组织处理人数"), ("judicial", "移交司法机关人数"), ("rectified", "已整改数"),
    ("funds", "追回资金(万元)"),
)
BIG_ISSUE_HEADERS = ("轮次", "县区", "乡镇", "村(社区)", "对象编码", "问题类别", "二级类别", "问题描述",
                     "整改状态", "整改时限", "整改完成时间")


def _roster_row(u: Unit) -> tuple:
    return (u.district, u.township, u.name, u.unit_type, u.code, _yes_no(u.poverty), _yes_no(u.weak))


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.2f}"
    return value


def _issue_rows(insp: Inspection, with_code: bool, date_style: int) -> Iterator[tuple]:
    head = (insp.rnd.name, insp.unit.district, insp.unit.township, insp.name_in_issues)
    if with_code:
        head += (insp.unit.code,)
    for top, sub, desc, status, due, done in insp.issues:
        yield head + (top, sub, desc, status, _date_text(due, date_style), _date_text(done, date_style))


# --------------------------------------------------------------------------
# City scale: Excel workbooks and CSVs as offices keep them
# --------------------------------------------------------------------------


FIXED_TIMESTAMP = (AS_OF.year, AS_OF.month, AS_OF.day, 0, 0, 0)  # stamped into .xlsx files instead of "now"


def _save_workbook(wb, path: pathlib.Path) -> None:
    """Save an openpyxl workbook byte-for-byte reproducibly: openpyxl stamps the
    save time into docProps/core.xml and the zip entries, so both are rewritten
    with a fixed timestamp (same seed, same bytes, same content hash)."""
    import io
    import re
    import zipfile

    wb.properties.creator = "巡察办"
    buffer = io.BytesIO()
    wb.save(buffer)
    stamp = dt.datetime(*FIXED_TIMESTAMP).strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = re.sub(r"(<dcterms:(created|modified)[^>]*>)[^<]*", r"\g<1>" + stamp, data.decode("utf-8"))
                data = text.encode("utf-8")
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=FIXED_TIMESTAMP), data,
                         compress_type=zipfile.ZIP_DEFLATED)


def _sheet_preamble(ws, title: str, subtitle: str, headers: tuple[str, ...]) -> None:
    from openpyxl.styles import Alignment, Font

    width = len(headers)
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append([subtitle])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.append(list(headers))
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    ws.freeze_panes = "A4"
    for col, header in enumerate(headers, start=1):
        letter = ws.cell(row=3, column=col).column_letter
        ws.column_dimensions[letter].width = max(10, 2.2 * len(header.split("\n")[0]))


def _write_roster_xlsx(path: pathlib.Path, city: City) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "对象名册"
    _sheet_preamble(ws, f"{city.name}村(社区)党组织巡察对象名册", f"填报单位：{city.name}委巡察办",
                    ROSTER_HEADERS)
    for district in city.districts:
        for u in district.units:
            ws.append(list(_roster_row(u)))
    ws.append(["注：对象类型分为村、社区、基层站所；是否贫困村指原建档立卡贫困村（脱贫村）。"])
    _save_workbook(wb, path)


def _write_inspections_xlsx(path: pathlib.Path, city: City, year: int,
                            inspections: list[Inspection]) -> None:
    from openpyxl import Workbook

    year_no = PLAN_YEARS.index(year)
    keys = [k for k, _ in CITY_INSPECTION_HEADERS[year_no]]
    headers = tuple(h for _, h in CITY_INSPECTION_HEADERS[year_no])
    wb = Workbook()
    ws = wb.active
    ws.title = f"{year}年"
    until = min(dt.date(year, 12, 31), AS_OF)
    _sheet_preamble(ws, f"{city.name}{year}年村(社区)党组织巡察情况统计表",
                    f"填报单位：{city.name}委巡察办　　　统计截至：{until.year}年{until.month}月{until.day}日", headers)
    date_format = 'yyyy"年"m"月"d"日"' if year_no == 1 else "yyyy-mm-dd"
    totals = {k: 0 for k in SUMMED}
    for insp in inspections:
        values = [INSPECTION_VALUES[k](insp) for k in keys]
        ws.append(values)
        for k, v in zip(keys, values, strict=True):
            if k in totals and v is not None:
                totals[k] += v
    for row in ws.iter_rows(min_row=4):
        for key, cell in zip(keys, row, strict=False):
            if key in ("start", "end"):
                cell.number_format = date_format
            elif key == "funds":
                cell.number_format = "0.00"
    total_row = ["合计"] + [None] * (len(keys) - 1)
    for col, key in enumerate(keys):
        if key in totals:
            total_row[col] = round(totals[key], 2) if key == "funds" else totals[key]
    ws.append(total_row)
    _save_workbook(wb, path)


def _write_issues_csv_city(path: pathlib.Path, year: int, inspections: list[Inspection]) -> None:
    year_no = PLAN_YEARS.index(year)
    encoding, headers = CITY_ISSUE_FILES[year_no]
    with_code = "对象编码" in headers
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        for insp in inspections:
            # each district's clerk writes dates their own way
            style = (insp.unit.district_no + year_no) % 3
            writer.writerows(_issue_rows(insp, with_code, style))


def _write_city(out_dir: pathlib.Path, city: City) -> list[pathlib.Path]:
    roster = out_dir / "01_对象名册.xlsx"
    _write_roster_xlsx(roster, city)
    paths = [roster]
    by_year = {y: [i for i in city.inspections if i.year == y] for y in PLAN_YEARS}
    for year in PLAN_YEARS:
        path = out_dir / f"02_巡察情况_{year}.xlsx"
        _write_inspections_xlsx(path, city, year, by_year[year])
        paths.append(path)
    for year in PLAN_YEARS:
        path = out_dir / f"03_问题清单_{year}.csv"
        _write_issues_csv_city(path, year, by_year[year])
        paths.append(path)
    return paths


# --------------------------------------------------------------------------
# Province and national scale: streaming CSV, one city at a time
# --------------------------------------------------------------------------


class _ChunkedCsv:
    """A CSV split into numbered parts of about `chunk_rows` rows each; a part is
    only closed between inspections so an inspection's issues stay together."""

    def __init__(self, out_dir: pathlib.Path, stem: str, headers: tuple[str, ...], chunk_rows: int):
        self.out_dir, self.stem, self.headers, self.chunk_rows = out_dir, stem, headers, chunk_rows
        self.paths: list[pathlib.Path] = []
        self.fh = None
        self.writer = None
        self.rows = 0

    def _open_next(self) -> None:
        self.close()
        path = self.out_dir / f"{self.stem}_{len(self.paths) + 1:02d}.csv"
        self.paths.append(path)
        self.fh = open(path, "w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.fh)
        self.writer.writerow(self.headers)
        self.rows = 0

    def write_group(self, rows: list[tuple]) -> None:
        if self.writer is None or self.rows >= self.chunk_rows:
            self._open_next()
        self.writer.writerows(rows)
        self.rows += len(rows)

    def write_text(self, text: str, n_rows: int) -> None:
        """An inspection's `n_rows` rows already written as CSV text."""
        if self.writer is None or self.rows >= self.chunk_rows:
            self._open_next()
        self.fh.write(text)
        self.rows += n_rows

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()
            self.fh = None


class _BigSink:
    """Open files of a large data set; cities are appended one after another."""

    def __init__(self, out_dir: pathlib.Path, chunk_rows: int, years: tuple[int, ...] = PLAN_YEARS):
        self.years = years
        self.roster_path = out_dir / "01_对象名册.csv"
        self.files = [open(self.roster_path, "w", encoding="utf-8", newline="")]
        self.roster = csv.writer(self.files[0])
        self.roster.writerow(BIG_ROSTER_HEADERS)
        self.inspection_paths, self.inspections = {}, {}
        for year in years:
            path = out_dir / f"02_巡察情况_{year}.csv"
            fh = open(path, "w", encoding="utf-8", newline="")
            self.files.append(fh)
            self.inspection_paths[year] = path
            self.inspections[year] = csv.writer(fh)
            self.inspections[year].writerow([h for _, h in BIG_INSPECTION_HEADERS])
        self.issues = {y: _ChunkedCsv(out_dir, f"03_问题清单_{y}", BIG_ISSUE_HEADERS, chunk_rows)
                       for y in years}

    def add_city(self, city: City) -> None:
        for district in city.districts:
            self.roster.writerows(_roster_row(u) for u in district.units)
        getters = [INSPECTION_VALUES[k] for k, _ in BIG_INSPECTION_HEADERS]
        for insp in city.inspections:
            self.inspections[insp.year].writerow([_csv_cell(get(insp)) for get in getters])
            if insp.issues and isinstance(insp.issues[0], str):  # CSV text tails (_issue_tails)
                head = _csv_text((insp.rnd.name, insp.unit.district, insp.unit.township,
                                  insp.name_in_issues, insp.unit.code)) + ","
                self.issues[insp.year].write_text(head + head.join(insp.issues), len(insp.issues))
            else:
                self.issues[insp.year].write_group(list(_issue_rows(insp, True, 0)))

    def close(self) -> list[pathlib.Path]:
        for fh in self.files:
            fh.close()
        paths = [self.roster_path] + [self.inspection_paths[y] for y in self.years]
        for year in self.years:
            self.issues[year].close()
            paths += self.issues[year].paths
        return paths


def _city_names(rng: random.Random, names: NamePicker, count: int) -> list[str]:
    used: set[str] = set()
    return [names.place_stem(used) + "市" for _ in range(count)]


def _city_code(scale_name: str, c: int) -> str:
    """First four digits of the 12-digit codes (province + city)."""
    if scale_name == "national":
        return f"{11 + c // 12:02d}{c % 12 + 1:02d}"
    return f"49{c + 1:02d}"


def _practices(scale_name: str, scale: Scale, seed: int) -> dict[str, float]:
    """Province (first two code digits) -> its practice factor, mean `scale.practice`."""
    rng = random.Random(seed * 7 + 1)
    result: dict[str, float] = {}
    for c in range(scale.cities):
        province = _city_code(scale_name, c)[:2]
        if province not in result:
            sigma = scale.practice_sigma
            result[province] = scale.practice * rng.lognormvariate(-sigma ** 2 / 2, sigma)
    return result


def _generate_big(out_dir: pathlib.Path, scale_name: str, scale: Scale, seed: int) -> list[pathlib.Path]:
    top = random.Random(seed)
    city_names = _city_names(top, NamePicker(top), scale.cities)
    used_districts: set[str] = set()
    practices = _practices(scale_name, scale, seed)
    sink = _BigSink(out_dir, scale.chunk_rows, (PREVIOUS_YEARS + PLAN_YEARS) if scale.cycles > 1 else PLAN_YEARS)
    try:
        for c, city_name in enumerate(city_names):
            rng = random.Random(seed * 1_000_003 + c + 1)
            code = _city_code(scale_name, c)
            city = build_city(rng, NamePicker(rng), scale, city_name, city_name + "委",
                              code, used_districts, practices[code[:2]])
            sink.add_city(city)
    finally:
        paths = sink.close()
    return paths


# --------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------


def generate(out_dir: pathlib.Path, scale: str = "city", seed: int = 20240101) -> list[pathlib.Path]:
    """Write a demo data set into `out_dir` and return the files written:
    roster first, then inspections by year, then issue lists by year."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; expected one of {', '.join(SCALES)}")
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    spec = SCALES[scale]
    if spec.csv_only:
        return _generate_big(out_dir, scale, spec, seed)
    rng = random.Random(seed)
    city = build_city(rng, NamePicker(rng), spec, CITY_NAME, "市委", "4990", set())
    return _write_city(out_dir, city)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write demo round data (roster, inspections, issues).")
    parser.add_argument("--scale", choices=tuple(SCALES), default="city")
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("demo_data"))
    parser.add_argument("--seed", type=int, default=20240101)
    args = parser.parse_args(argv)
    for path in generate(args.out, args.scale, args.seed):
        print(path)


if __name__ == "__main__":
    main()
