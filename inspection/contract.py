"""The import contract (../shared/DATA_CONTRACT.md) as one declarative table.

Tables, their fields, the header synonyms a clerk may write, and the value
vocabularies. The importer reads only from here; nothing else knows a header name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # text | label | code | key | name | count | money | date | bool | level | mode | status | unit_type
    required: bool
    headers: tuple[str, ...]
    label: str  # Chinese label used in messages


@dataclass(frozen=True)
class Table:
    name: str
    label: str
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)


DISTRICT = ("县区", "县(市、区)", "县市区", "区县", "县(区)", "所属县区", "district", "county",
            "区(县、市)", "县(区、市)", "所属县(市、区)",
            # more that offices write (README, "Header names offices write")
            "县区名称", "区县名称", "县(市、区)名称", "所在县区", "所在县(市、区)")
TOWNSHIP = ("乡镇街道", "乡镇(街道)", "乡镇", "街道", "所属乡镇", "township",
            "镇(街道)", "乡(镇、街道)", "所属乡镇(街道)", "镇街",
            "乡(镇)", "乡镇名称", "乡镇(街道)名称", "所在乡镇", "所在乡镇(街道)", "街道(乡镇)")
UNIT_NAME = (
    "对象名称", "村(社区)", "村(社区)名称", "村社区", "党组织名称", "被巡察党组织",
    "被巡察单位", "unit", "unit_name", "被巡察村(社区)", "村(居)", "村居", "村(社区)党组织", "被巡察党组织名称",
    "巡察对象", "巡察对象名称", "被巡察对象", "被巡察对象名称", "被巡察单位名称", "单位名称", "村(居)名称",
    "村居名称", "行政村", "行政村名称",
)
UNIT_CODE = ("对象编码", "编码", "组织编码", "代码", "unit_code", "code",
             # the codes rosters carry beside the name: a village's 12-digit 行政区划代码 (统计用区划代码) and an
             # organisation's 18-character 统一社会信用代码
             "行政区划代码", "区划代码", "统计用区划代码", "统一社会信用代码", "社会信用代码", "组织机构代码")
ROUND = ("轮次", "巡察轮次", "批次", "round", "巡察批次")


def _unit_fields(required: bool) -> tuple[Field, ...]:
    return (
        Field("district", "name", required, DISTRICT, "县区"),
        Field("township", "name", required, TOWNSHIP, "乡镇"),
        Field("unit_name", "name", required, UNIT_NAME, "村(社区)"),
        Field("unit_code", "code", False, UNIT_CODE, "对象编码"),
    )


ROSTER = Table(
    "roster",
    "对象名册",
    _unit_fields(True)
    + (
        Field("unit_type", "unit_type", False, ("对象类型", "类型", "单位类型", "unit_type", "对象类别", "村(社区)类型"),
              "对象类型"),
        Field("is_poverty_village", "bool", False, ("是否贫困村", "是否脱贫村", "贫困村", "poverty", "是否为贫困村",
                                                    "是否建档立卡贫困村", "建档立卡贫困村", "是否为脱贫村"), "是否贫困村"),
        Field("is_weak_org", "bool", False, ("是否软弱涣散", "软弱涣散", "weak", "是否软弱涣散村", "软弱涣散村",
                                             "是否软弱涣散党组织", "是否为软弱涣散村"), "是否软弱涣散"),
    ),
)

COUNTS = (
    ("issues_found", True, ("发现问题数", "发现问题", "问题数", "issues", "issues_found",
                            "发现问题数量", "发现问题个数", "发现问题总数", "巡察发现问题", "巡察发现问题数", "问题总数"),
     "发现问题数"),
    ("clues", False, ("移交问题线索数", "问题线索数", "移交线索", "问题线索", "移交问题线索", "clues",
                      "移送问题线索", "移送问题线索数", "移交线索数", "移交纪检监察机关问题线索", "移交纪检监察机关问题线索数",
                      "移交纪委监委问题线索", "移交纪委监委问题线索数", "线索数"), "移交问题线索数"),
    ("immediate_fixes", False, ("立行立改数", "立行立改", "immediate_fixes", "立行立改问题数", "立行立改问题",
                                "即知即改", "即知即改数"), "立行立改数"),
    ("disciplined", False, ("党纪政务处分人数", "党纪政务处分", "处分人数", "disciplined", "党纪政务处分人次",
                            "给予党纪政务处分"), "党纪政务处分人数"),
    ("org_handled", False, ("组织处理人数", "组织处理", "org_handled", "组织处理人次"), "组织处理人数"),
    ("judicial", False, ("移交司法机关人数", "移交司法机关", "移交司法", "judicial", "移送司法机关", "移送司法机关人数",
                         "移送司法", "移交司法机关处理"), "移交司法机关人数"),
    ("rectified", False, ("已整改数", "整改完成数", "已整改问题数", "rectified", "已整改问题", "已整改数量",
                          "已整改问题个数", "完成整改数", "已完成整改数", "整改完成问题数"), "已整改数"),
)
COUNT_FIELDS = tuple(c[0] for c in COUNTS)

INSPECTIONS = Table(
    "inspections",
    "巡察情况",
    (
        Field("round", "key", True, ROUND, "轮次"),
        Field("level", "level", True, ("巡察层级", "层级", "级别", "巡察级别", "level"), "巡察层级"),
        Field("team", "label", True, ("巡察组", "巡察组名称", "组别", "巡察组别", "team", "巡察组组别"), "巡察组"),
        Field("mode", "mode", False, ("巡察方式", "方式", "巡察类型", "巡察形式", "mode"), "巡察方式"),
        Field("start_date", "date", True, ("开始日期", "开始时间", "进驻时间", "进驻日期", "start", "start_date",
                                           "巡察开始时间", "巡察开始日期"), "开始日期"),
        Field("end_date", "date", False, ("结束日期", "结束时间", "撤离时间", "反馈时间", "end", "end_date",
                                          "巡察结束时间", "巡察结束日期", "撤离日期", "反馈日期", "巡察反馈时间", "巡察反馈日期"),
              "结束日期"),
        # a range column: gives start_date and end_date (the importer splits it; never stored itself)
        Field("period", "range", False, ("巡察时间", "巡察起止时间", "进驻起止时间", "巡察起止日期", "巡察时间段", "巡察期间"),
              "巡察时间"),
    )
    + _unit_fields(True)
    + tuple(Field(n, "count", req, h, lab) for n, req, h, lab in COUNTS)
    + (Field("funds_recovered", "money", False, ("追回资金", "挽回经济损失", "追缴资金", "funds_recovered",
                                                 "追回资金数", "收回资金", "挽回损失", "追缴违纪资金", "追缴违纪违规资金",
                                                 "追回(挽回)经济损失", "挽回(追回)经济损失", "追回(挽回)资金",
                                                 "追回(挽回)损失"), "追回资金(万元)"),),
)

ISSUES = Table(
    "issues",
    "问题清单",
    (Field("round", "key", True, ROUND, "轮次"),)
    + _unit_fields(True)
    + (
        Field("category", "category", True, ("问题类别", "问题类型", "一级类别", "问题分类", "category", "一级分类",
                                         "问题类别(一级)", "一级问题类别", "问题大类"), "问题类别"),
        Field("subcategory", "subcategory", False, ("二级类别", "问题子类", "具体类别", "subcategory", "二级分类",
                                             "问题类别(二级)", "二级问题类别", "问题小类"), "二级类别"),
        Field("description", "text", False, ("问题描述", "具体问题", "问题表现", "问题内容", "反馈问题", "存在问题", "description",
                                             "反馈问题描述", "巡察反馈问题", "主要问题", "问题具体表现", "具体表现",
                                             "存在的问题"), "问题描述"),
        # 已整改 / 是否已整改: a column ticked (√) for the issues rectified, blank for the others
        Field("status", "status", False, ("整改状态", "整改情况", "是否整改", "整改进展", "办理状态", "完成情况", "已整改",
                                          "是否已整改", "是否整改到位", "status", "是否完成整改", "是否销号", "完成状态"),
              "整改状态"),
        Field("due_date", "due", False, ("整改时限", "整改期限", "整改截止日期", "完成时限", "整改时间节点", "due_date",
                                         "整改完成时限", "计划完成时间", "要求完成时间"), "整改时限"),
        Field("rectified_date", "date", False, ("整改完成时间", "完成时间", "销号时间", "实际完成时间", "销号日期", "rectified_date",
                                                "完成日期", "整改完成日期", "实际完成日期", "整改销号时间"), "整改完成时间"),
    ),
)

TABLES = (ROSTER, INSPECTIONS, ISSUES)
# applied in this order within one import, whatever order the files came in
APPLY_ORDER = ("roster", "inspections", "issues")

UNIT_TYPES = {
    "村": "村", "社区": "社区", "基层站所": "基层站所", "两新组织": "两新组织", "机关": "机关",
    "国企": "国企", "学校": "学校", "其他": "其他",
    "village": "村", "community": "社区", "station": "基层站所", "new-org": "两新组织",
    "organ": "机关", "soe": "国企", "school": "学校", "other": "其他",
    # what rosters write for the same types: 两新 = new economic (non-public firms) and new social organisations
    "国有企业": "国企", "非公企业": "两新组织", "非公有制企业": "两新组织", "社会组织": "两新组织",
    "新经济组织": "两新组织", "新社会组织": "两新组织", "党政机关": "机关",
}

# a cell marked with a tick or a cross: √ × as a Chinese input method types them, ✓ ✔ ✗ ✘ from the symbols
# of Word and WPS. Yes and no as a yes/no column reads them, rectified and not as a status column does
# (like 是 / 否); in a count, an amount or a mode a tick says nothing and is refused
TICKS = {"√": True, "✓": True, "✔": True, "×": False, "✗": False, "✘": False,
         "☑": True, "☐": False}  # a template's box, ticked or left empty

BOOLEANS = {
    "是": True, "否": False, "y": True, "n": False, "yes": True, "no": False,
    "1": True, "0": False, "true": True, "false": False, "": False, **TICKS,
    "●": True,  # a dot marking the yes rows (a blank is no)
    "是的": True, "非": False, "不是": False,
}

LEVELS = {
    **dict.fromkeys(("市级", "市委", "市", "市委巡察组", "市级巡察", "提级", "市委提级", "市级提级", "municipal"),
                    "municipal"),
    **dict.fromkeys(("县级", "县区", "县委", "区委", "县(区)委", "县区巡察组", "county",
                     # the county level as a city of districts or a league of banners writes it (县 as 市 is)
                     "县", "区", "旗", "区级", "旗级", "旗委", "县区级", "区县", "区县级", "县市区", "县(区)",
                     "县(区)级", "县(市)", "县(市)委", "县(市、区)", "县(市、区)委", "县(市、区)级"), "county"),
}

LEVEL_LABELS = {"municipal": "市级", "county": "县级"}  # a level as the import's messages name it

MODES = ("常规", "专项", "机动", "提级", "交叉", "点穴", "巡乡带村")
DEFAULT_MODE = "常规"

# Keys as `cells._vocabulary` looks them up: NFKC (half-width brackets), no spaces, lower case.
# long_term (长期整改): not rectified and never overdue (see queries/_views.sql).
STATUSES = {
    **dict.fromkeys(("已整改", "已完成", "完成", "已销号", "是", "已完成整改", "完成整改", "整改完成", "已整改到位",
                     "已办结", "已落实", "rectified",
                     # more of how ledgers say it (整改完毕, 已落实整改, 已完成整改并销号)
                     "整改完毕", "已整改完毕", "已落实整改", "已完成整改并销号", "已整改并销号", "已办结销号",
                     # 销号 (struck off the list) without 已, and fixed on the spot (立行立改) as a status
                     "销号", "整改销号", "已整改销号", "已整改完成", "立行立改", "已立行立改", "已立行立改到位"),
                    "rectified"),
    **dict.fromkeys(("整改中", "正在整改", "推进中", "正在推进", "部分整改", "整改中(部分完成)", "in_progress",
                     "正在整改中", "正在推进中"), "in_progress"),
    **dict.fromkeys(("未整改", "未完成", "否", "尚未整改", "未启动", "not_started", "尚未完成", "未开始", "尚未启动"),
                    "not_started"),
    **dict.fromkeys(("长期坚持", "长期整改", "持续整改", "持续推进", "基本完成", "阶段性完成", "按序时推进",
                     "按序时进度推进", "按时序推进", "按时序进度推进", "long_term", "long-term", "持续整改中", "基本完成整改", "持续推进中", "基本整改",
                     "已基本整改", "已基本完成", "基本整改到位"), "long_term"),
    **{mark: "rectified" if ticked else "not_started" for mark, ticked in TICKS.items()},
}
DEFAULT_STATUS = "in_progress"

SUMMARY_MARKERS = ("合计", "总计", "小计")
# a breakdown of a summary row (合计 / 其中：市级巡察 / 县级巡察): a first non-empty cell starting with these
SUMMARY_STARTS = ("其中",)
# a first non-empty cell ending with this is a summary row too: 汇总 is what Chinese Excel writes in the
# total row of a table (插入 > 表格, 汇总行), and 全县汇总 / 城关镇汇总 what offices write for 合计. Only the
# first cell: in a label column (an issue category 报表汇总) it may be a record's own word
SUMMARY_ENDS = ("汇总",)
# a row labelled with a whole area instead of a unit (全县 in the first cell or the 村(社区) column) holds
# the area's totals: a summary row, never a unit named 全镇. Whole cells only: 全福村 is a village
SUMMARY_WHOLE = frozenset({"全县", "全区", "全市", "全镇", "全乡", "全旗", "全街道", "全乡镇", "全县区", "全县(区)",
                           "全县(市、区)", "全县(市)", "全区(县)", "全部", "全体"})
NOTE_MARKERS = ("说明", "备注", "注:")
# a note row's first non-empty cell starts with one of these (after whitespace is removed); its text
# often names people and is never stored or shown, only its row number and kind
NOTE_STARTS = ("填表人", "填报人", "制表人", "审核人", "负责人", "联系人", "联系电话", "填报日期", "制表日期",
               "填报单位", "单位(盖章)", "说明", "备注", "注:", "注1", "注、", "填表说明", "制表说明",
               # the signature line of a printed form: 单位负责人：… 审核：… 填表：… 日期：…
               "单位负责人", "主要负责人", "分管领导", "经办人", "统计人", "审核:", "制表:", "填表:", "填报:",
               "填表日期", "报送日期",
               # more of a signature line: who sent, approved, checked or signed the form (a colon where the
               # words could begin an issue's text: 主要领导履行第一责任人职责不到位)
               "报送人", "报送单位", "审批人", "签发人", "核稿人", "核稿:", "审定人", "批准人", "领导签字", "领导签名",
               "负责人签字", "主管领导:", "主要领导:", "联系方式:",
               # a web system's export: when and by whom it was exported or printed, and what it was asked for
               "导出时间", "导出日期", "导出人", "打印时间", "打印日期", "打印人", "制表时间", "查询条件:", "数据来源:",
               "统计时间:", "统计截止",
               # a template's example row, left above the records (示例 / 填写示例 / （示例） in its first cell)
               "示例", "样例", "范例", "填写示例", "填报示例", "(示例)", "(样例)", "例:", "举例",
               # a printed form's end-of-records mark, and the form's footer below it
               "以下空白", "以下无正文", "以下为空白", "此页以下空白", "此页无正文", "(以下空白)", "(以下无正文)",
               "(以下为空白)", "(此页以下空白)", "(此页无正文)")
# a first non-empty cell that is only this is a note row too (例 alone: 例行巡察 is no note)
NOTE_WHOLE = frozenset({"例"})
# columns that are recognised only to be dropped: serial numbers, and people's names (confidential)
SERIAL_HEADERS = ("序号", "编号", "顺序号")
# a count in an issue list, whose rows are one issue each: a row that counts several cannot be split into them
ISSUE_COUNT_HEADERS = ("问题数量", "问题个数", "问题条数", "数量", "个数", "条数")
# a rectification-progress column: the work told in sentences (已整改，建立了台账 / 正在推进), read as the
# status when the list has no status column of its own (cells.to_status_text)
STATUS_TEXT_HEADERS = ("整改进展情况", "整改落实情况", "整改完成情况", "整改进度", "整改进度情况", "整改进展及成效",
                       "进展情况", "落实情况", "完成进度", "整改落实进展")
PERSON_HEADERS = ("整改责任人", "责任人", "责任领导", "分管领导", "联系人", "经办人", "填表人")
# more columns that name people or reach them, beyond the contract's list (DOMAIN.md "What is sensitive":
# names of disciplined people, petitioners and form fillers, clue details, ID and phone numbers): a header
# holding one of these words is dropped like a person column, unless it counts them (被处分人数, 线索条数)
PERSON_WORDS = ("姓名", "被处分人", "处分对象", "当事人", "被反映人", "反映人", "举报人", "信访人", "反映对象",
                "涉及人员", "涉案人员", "村支书", "书记", "主任", "组长", "带队",
                # the people a case was settled on (组织处理对象, 问责对象): names, not the 组织处理 figure
                "处理对象", "问责对象", "追责对象", "被问责人", "被处理人", "处理人员", "问责人员")
CONTACT_WORDS = ("身份证", "电话", "手机", "联系方式")
CLUE_WORDS = ("线索内容", "线索详情", "线索具体", "具体线索", "线索摘要", "线索描述", "反映内容", "反映问题内容",
              "举报内容", "信访内容")
# a role before a colon in a cell names its person after it (组长：李某某, 责任人：王某某): the name is never
# kept or quoted (cells.hide_personal), nor a bracketed note holding one (市委第一巡察组（组长：李某某）)
PERSON_ROLES = ("副组长", "组长", "组员", "成员", "联络员", "带队", "书记", "支书", "主任", "领导", "负责人", "责任人",
                "联系人", "经办人", "填表人", "填报人", "制表人", "统计人", "审核人", "审批人", "报送人", "签发人", "核稿人",
                "举报人", "反映人", "当事人", "姓名", "签字", "签名")
# a role that a team's or a unit's name is followed by in brackets, with the name and no colon (第一巡察组
# （组长李某某）, 张家村（书记王某某）): the bracket is dropped (cells.hide_leader)
PERSON_LEADS = ("副组长", "组长", "联络员", "带队", "负责人", "责任人", "联系人", "书记", "支书", "主任")
# a header ending so counts people or clues: a figure a mapping may name (被处分人数), never a name
COUNT_ENDINGS = ("数", "数量", "人次", "总数")

# the sub-columns a header is merged over that name fields of their own: a period (巡察时间 over 起 / 止)
# its start and end, a category (问题类别 over 一级 / 二级) its category and subcategory
HEADER_PARTS = {
    ("inspections", "period"): {"start_date": ("起", "开始", "始", "起始", "进驻", "自"),
                                "end_date": ("止", "结束", "终", "截止", "撤离", "至")},
    ("issues", "category"): {"category": ("一级", "大类", "一级分类"),
                             "subcategory": ("二级", "小类", "二级分类", "具体", "细类")},
}

MAX_TITLE_ROWS = 10

# a district's and a township's name ends with one of these (东城区, 城关镇): the same place written
# without it, or with it, is the one the roster has when exactly one fits (importer/units.py)
DISTRICT_SUFFIXES = ("自治县", "区", "县", "市", "旗")
TOWNSHIP_SUFFIXES = ("街道办事处", "街道", "镇", "乡")
# a township that became a town (撤乡设镇): a ledger older than the roster writes 柳林乡 for its 柳林镇
TOWNSHIP_RENAMED_AS = {"乡": ("镇",), "镇": ("乡",)}
# a place written as its government or committee (城关镇人民政府, 河口街道办事处, 河口街道党工委, 东城区委):
# the place the roster has without it, when it has that one (importer/units.py)
TOWNSHIP_OFFICES = (("街道办事处", "街道"), ("街道办", "街道"), ("街道党工委", "街道"), ("人民政府", ""), ("政府", ""))
DISTRICT_OFFICES = (("人民政府", ""), ("政府", ""), ("区委", "区"), ("县委", "县"), ("市委", "市"), ("旗委", "旗"))

# sheets of a workbook that are no ledger, told by their names: an import template's example (its sample
# rows are no records) and a statistics sheet or pivot table (figures by district, no unit column), which
# a pivot table's captions (求和项:发现问题数, 行标签) tell too
EXAMPLE_SHEETS = ("示例", "样例", "范例", "填表说明", "填写说明", "填报说明")
STATISTICS_SHEETS = ("统计", "汇总", "透视", "分析")
PIVOT_CAPTIONS = ("求和项", "计数项", "平均值项", "最大值项", "最小值项", "行标签", "列标签", "sumof", "countof",
                  "rowlabels", "columnlabels")

_UNIT_SUFFIX = re.compile(r"\((?:单位:?)?(个|人|条|万元|元|件|人次|项|起|次|户)\)$")
# a village's or community's 党群服务中心 (the building its party branch and committee work in) is the unit too
_PARTY_SUFFIX = re.compile(r"(党支部委员会|党总支部委员会|党总支委员会|党委员会|党总支部|党支部|党总支|党委|(?<=[村区])党群服务(?:中心|站))$"
                           r"|\((党支部|党总支|党委)\)$")  # 张家村（党支部）
# a party organisation's formal name (中共张家村支部委员会, 中共张家村总支部委员会, 中共张家墩社区委员会): the
# prefix 中共 says it is one, so its committee suffix without 党 is dropped too
_CPC_PREFIX = re.compile(r"^(中共|中国共产党)")
_CPC_SUFFIX = re.compile(r"(总支部委员会|支部委员会|委员会|总支部|支部|总支)$")
_VILLAGE_COMMITTEE = re.compile(r"(村委会|村民委员会|村委员会|村委)$")
# the village's or community's two committees (its party branch and its committee): 张家村两委, 张家村“两委”
_TWO_COMMITTEES = re.compile(r"(?<=村|区)[\"“”']?两委[\"“”']?(班子)?$")
_RESIDENT_COMMITTEE = re.compile(r"(社区居委会|社区居民委员会|居委会|居民委员会)$")


# characters a clerk cannot see, pasted with text copied from a web page, a chat or a PDF (zero-width
# space and joiners, word joiner, a byte-order mark in the middle of a text): no normalisation drops them
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE))


def normalise_text(value: str) -> str:
    """NFKC (full-width digits, letters, brackets and spaces to half-width), without invisible
    characters, trimmed."""
    return unicodedata.normalize("NFKC", value).translate(_INVISIBLE).strip()


def compact_text(value: str) -> str:
    """normalise_text without any whitespace inside either (第 1 轮 = 第1轮): how cells, headers and
    vocabularies are compared."""
    return re.sub(r"\s+", "", normalise_text(value))


# a template's marks on its columns: *县区 / 县区* (an asterisk or ※ for a required column), 县区（必填）
# and a template's hint on how to fill a column, in brackets after its name: 问题类别（填：党的建设/…）,
# 整改状态(已整改/整改中/未整改), 整改状态（已整改、整改中、未整改）, 发现时间（格式：2023-01-01）, 轮次（例：2021年第一轮）,
# 整改状态（三选一）; never 县（市、区） (two names) or 问题类别（一级）. RE2 reads it too (the CSV path's header test).
REQUIRED_MARK = re.compile(r"(?:\((?:必填|必填项|选填|选填项|可选|非必填|是/否|是或否|填是或否)\)"
                           r"|\((?:(?:填|请|如|例|格式|下拉|单选|多选|选择|示例|参考)[^()]*|[^()/]+(?:/[^()/]+)+"
                           r"|[^()、]+(?:、[^()、]+){2,}|[^()]*选一)\))+$")
HEADER_MARKS = "*※★☆"


def normalise_header(value: object) -> str:
    """A header cell as the synonym table writes it."""
    text = compact_text(str(value or "")).rstrip(":")  # a label's colon (发现问题数：)
    if text.endswith(")"):
        text = REQUIRED_MARK.sub("", text)
    text = _UNIT_SUFFIX.sub("", text.strip(HEADER_MARKS)).strip(HEADER_MARKS)
    return text.lower()


def normalise_name(value: str) -> str:
    """A unit/district/township name: same unit with or without a trailing 党支部/党总支/党委, or written
    as its party organisation's formal name (中共张家村支部委员会)."""
    text = compact_text(value)
    if text.endswith("行政村") and len(text) > 3:  # 张庄行政村 = 张庄村 (a 行政村 is what a roster calls a 村)
        text = text[:-3] + "村"
    if "党" not in text and "委" not in text and not text.startswith("中"):  # most names, at once: every
        # suffix below holds 党 or 委, every prefix starts with 中
        return text
    if _CPC_PREFIX.match(text):
        bare = _CPC_PREFIX.sub("", text)
        text = _CPC_SUFFIX.sub("", _PARTY_SUFFIX.sub("", bare)) or bare
    stripped = _PARTY_SUFFIX.sub("", text) or text
    stripped = _TWO_COMMITTEES.sub("", stripped) if stripped.endswith(("委", "委”", "委\"", "班子")) else stripped
    # 李官村委会 / 李官村村委会 / 李官村委 = 李官村; 城关居委会 / 城关社区居委会 = 城关社区
    if _VILLAGE_COMMITTEE.search(stripped):
        base = _VILLAGE_COMMITTEE.sub("", stripped)
        stripped = base if base.endswith("村") else base + "村"
    elif _RESIDENT_COMMITTEE.search(stripped):
        base = _RESIDENT_COMMITTEE.sub("", stripped)
        stripped = base if base.endswith("社区") else base + "社区"
    return stripped or text


def normalise_mode(value: str) -> str:
    text = compact_text(value)
    if not text:
        return DEFAULT_MODE
    base = text
    if base.endswith("巡察") and len(base) > 2:
        base = base[:-2]
    if base.endswith("式") and len(base) > 1:
        base = base[:-1]
    return base if base in MODES else text


HEADER_INDEX: dict[str, dict[str, str]] = {
    t.name: {normalise_header(h): f.name for f in t.fields for h in f.headers} for t in TABLES
}
ALL_HEADERS = {h for index in HEADER_INDEX.values() for h in index}


_RENAMED = re.compile(r"(.+)\(原(.+)\)")
# a unit marked as merged away or as its former self (原张家村, 张家村(已撤并), 张家村(原)): the unit of that name
_MERGED_AWAY = re.compile(r"原(.{2,})|(.+)\((?:已?撤并|已?合并|已?撤销|原)\)")


# a footnote's mark after a name (张庄村*, 张庄村△, 张庄村※, 张庄村(1); ① is 1 once normalised), a number a
# fill-down left after it (张庄村1, 张庄村2), a stray stop or dash after it (张庄村。, 张庄村—), or its number in
# the list before it (1.张庄村, 1、张庄村, (1)张庄村, as a Word table numbers its lines): the name without them, as is
# a name written in brackets ((张庄村))
_NOISE = re.compile(r"^\((.+)\)$|^(?:\d{1,3}[.、]|\(\d{1,3}\))(.+)$"
                    r"|^(.+?(?:村|社区))(?:[*#△▲▽※★☆†‡✱◆◇■□●◎]+|\d{1,3}|\(\d{1,2}\)|[—\-。、，,;；.]+)$")


def without_noise(name: str) -> list[str]:
    """The names a unit written with noise may have in the roster (see _NOISE), and 李家村 for 李家村村
    (李家村村党总支: the 村 of its party branch's name left when the 党总支 is dropped); else []."""
    found = []
    if match := _NOISE.match(name):
        found.append(match[1] or match[2] or match[3])
    if name.endswith("村村") and len(name) > 3:
        found.append(name[:-1])
    return found


_ZH_DIGITS = str.maketrans({"零": "〇", "○": "〇", "0": "〇", "1": "一", "2": "二", "3": "三", "4": "四", "5": "五",
                            "6": "六", "7": "七", "8": "八", "9": "九"})


def numerals_folded(name: str) -> str:
    """A name with its numbers in one way of writing them: 城关1村 and 城关一村 alike, 三0村, 三零村 and 三〇村
    alike; 10 as 十 (城关10村 and 城关十村), 12 as 十二."""
    def tens(match: re.Match) -> str:
        ten, one = match[0]
        return ("" if ten == "1" else ten) + "十" + ("" if one == "0" else one)
    return re.sub(r"(?<!\d)[1-9]\d(?!\d)", tens, name).translate(_ZH_DIGITS)


def with_unit_suffix(name: str) -> tuple[str, str]:
    """A name written without its 村 or 社区 (张庄), with each."""
    return name + "村", name + "社区"


def renamed_unit(name: str) -> list[str]:
    """A unit name (normalised) written with its former name after it (新村(原张家村), after a merger or
    a renaming), or marked as merged away (原张家村, 张家村(已撤并)): the names it may have in a roster,
    the new one first; else []."""
    if found := _RENAMED.fullmatch(name):
        return [found[1], found[2]]
    if found := _MERGED_AWAY.fullmatch(name):
        return [found[1] or found[2]]
    return []
