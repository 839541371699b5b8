"""The small ledger of the metamorphic tests (tests/queries/test_metamorphic.py, test_metamorphic2.py),
written by hand, and the figures it must give: TRUTH, worked out by hand from the contract's "What
the figures mean" as of AS_OF with no filter; the files a clerk would bring; the figures and page
rows a store gives."""

from __future__ import annotations

import atexit
import copy
import datetime as dt
import hashlib
import json
import shutil
import tempfile
from pathlib import Path

from inspection import metrics, store
from inspection.filters import Filters
from support.ledgers import InputFile, csv_bytes, memory_store, run, store_template, table

AS_OF = dt.date(2022, 12, 31)
R1, R2 = "2021年第一轮", "2022年第一轮"

ROSTER_HEADER = ["县区", "乡镇街道", "村(社区)", "对象类型", "是否贫困村"]
ROSTER = [
    ["东城区", "城关镇", "张家村", "村", "是"],
    ["东城区", "城关镇", "李家村", "村", "否"],
    ["东城区", "城关镇", "张家墩社区", "社区", "否"],
    ["东城区", "新安镇", "新安村", "村", "否"],
    ["东城区", "新安镇", "王湾村", "村", "是"],
    ["西城区", "河口镇", "王庄村", "村", "是"],
    ["西城区", "河口镇", "河口社区", "社区", "否"],
    ["西城区", "河口镇", "柳林村", "村", "否"],
    ["南山区", "南山镇", "南山村", "村", "否"],
    ["南山区", "南山镇", "石桥村", "村", "否"],
    ["南山区", "南山镇", "北岭村", "村", "是"],
    ["南山区", "南山镇", "南山社区", "社区", "否"],
]

INSPECTION_HEADER = ["轮次", "巡察层级", "巡察组", "巡察方式", "开始日期", "结束日期", "县区", "乡镇街道", "村(社区)",
                     "发现问题数", "移交问题线索数", "立行立改数", "党纪政务处分人数", "组织处理人数", "移交司法机关人数",
                     "已整改数", "追回资金(万元)"]
# counts: issues_found, clues, immediate_fixes, disciplined, org_handled, judicial, rectified, funds (万元);
# "" = left blank (not reported)
INSPECTIONS = [
    [R1, "市级", "市委第一巡察组", "常规", "2021-03-15", "2021-05-20", "东城区", "城关镇", "张家村", 5, 1, 2, 1, 0, 0, 4, 3.5],
    [R1, "县级", "县委第一巡察组", "常规", "2021-03-15", "2021-05-20", "东城区", "城关镇", "李家村", 3, 0, 1, 0, 1, 0, 3, ""],
    [R1, "县级", "县委第一巡察组", "常规", "2021-04-01", "2021-05-30", "东城区", "新安镇", "新安村", 4, "", 0, 0, 0, 0, 2, 1.2],
    [R1, "县级", "县委第二巡察组", "专项", "2021-04-10", "2021-06-10", "西城区", "河口镇", "王庄村", 0, 0, 0, 0, 0, 0, 0, 0],
    [R1, "县级", "县委第二巡察组", "专项", "2021-04-10", "2021-06-10", "西城区", "河口镇", "河口社区", 6, 2, 3, 1, 1, 1, 5, 10],
    [R1, "市级", "市委第一巡察组", "常规", "2021-06-01", "2021-07-15", "南山区", "南山镇", "南山村", 7, 2, 2, 2, 0, 0, 6, 5.25],
    [R1, "县级", "县委第三巡察组", "常规", "2021-06-01", "", "南山区", "南山镇", "石桥村", 2, 0, "", 0, 0, 0, "", ""],
    [R2, "县级", "县委第一巡察组", "常规", "2022-03-01", "2022-04-30", "东城区", "城关镇", "张家村", 2, 0, 1, 0, 0, 0, 2, 0.5],
    [R2, "市级", "市委第二巡察组", "提级", "2022-03-01", "2022-04-30", "东城区", "城关镇", "张家墩社区", 4, 1, 1, 0, 2, 0, 3, 2],
    [R2, "县级", "县委第一巡察组", "常规", "2022-03-10", "2022-05-10", "东城区", "新安镇", "王湾村", 3, 1, 1, 0, 0, 0, 1, ""],
    [R2, "县级", "县委第二巡察组", "常规", "2022-03-10", "2022-05-10", "西城区", "河口镇", "王庄村", 3, 0, 0, 0, 0, 0, 3, 0.8],
    [R2, "县级", "县委第二巡察组", "常规", "2022-04-01", "2022-05-31", "西城区", "河口镇", "柳林村", 5, 1, 2, 1, 0, 1, 4, 4],
    [R2, "市级", "市委第二巡察组", "常规", "2022-04-01", "2022-05-31", "南山区", "南山镇", "北岭村", 6, 2, 0, 1, 1, 0, 5, 7.5],
    [R2, "县级", "县委第三巡察组", "机动", "2022-09-01", "2022-09-20", "南山区", "南山镇", "南山村", 1, 0, 1, 0, 0, 0, 1, 0],
    [R2, "县级", "县委第三巡察组", "常规", "2022-12-31", "", "东城区", "城关镇", "李家村", 2, 0, 0, 0, 0, 0, 0, ""],
]

ISSUE_HEADER = ["轮次", "县区", "乡镇街道", "村(社区)", "问题类别", "二级类别", "整改状态", "整改时限", "整改完成时间"]
ISSUES = [
    # 张家村, round 1 (end 2021-05-20): five listed of five found
    [R1, "东城区", "城关镇", "张家村", "群众身边腐败问题", "集体三资", "已整改", "2021-08-01", "2021-06-10"],  # 21 days
    [R1, "东城区", "城关镇", "张家村", "群众身边腐败问题", "惠民资金", "已整改", "2021-08-01", "2021-07-30"],  # 71 days
    [R1, "东城区", "城关镇", "张家村", "基层党组织建设", "组织生活", "已整改", "2021-05-20", ""],  # rectified, no date
    [R1, "东城区", "城关镇", "张家村", "党的领导", "理论学习", "长期整改", "", ""],
    [R1, "东城区", "城关镇", "张家村", "基层党组织建设", "组织生活", "整改中", "2022-12-31", ""],  # due on the as-of day
    # 河口社区, round 1 (end 2021-06-10): three listed of six found (a partial list)
    [R1, "西城区", "河口镇", "河口社区", "群众身边腐败问题", "集体三资", "已整改", "2021-09-30", "2023-01-15"],  # after as-of
    [R1, "西城区", "河口镇", "河口社区", "党的领导", "政治站位", "未整改", "2021-09-30", ""],
    [R1, "西城区", "河口镇", "河口社区", "基层党组织建设", "", "整改中", "", ""],  # no due date
    # 石桥村, round 1 (no end date)
    [R1, "南山区", "南山镇", "石桥村", "基层党组织建设", "组织生活", "已整改", "2021-12-31", "2021-10-01"],
    [R1, "南山区", "南山镇", "石桥村", "群众身边腐败问题", "集体三资", "整改中", "2023-06-30", ""],
    # 张家墩社区, round 2 (end 2022-04-30)
    [R2, "东城区", "城关镇", "张家墩社区", "党的领导", "理论学习", "已整改", "2022-06-30", "2022-05-20"],  # 20 days
    [R2, "东城区", "城关镇", "张家墩社区", "群众身边腐败问题", "惠民资金", "已整改", "2022-06-30", "2022-05-30"],  # 30
    [R2, "东城区", "城关镇", "张家墩社区", "群众身边腐败问题", "集体三资", "整改中", "2022-06-30", ""],
    [R2, "东城区", "城关镇", "张家墩社区", "基层党组织建设", "组织生活", "长期整改", "2022-06-30", ""],
    # 南山村, round 2 (end 2022-09-20)
    [R2, "南山区", "南山镇", "南山村", "党的领导", "政治站位", "未整改", "2022-12-30", ""],
]

# The figures as of 2022-12-31 with no filter, worked out by hand from the contract (see the comments).
TRUTH = {
    "units_total": 12, "units_covered": 11,  # 南山社区 never inspected
    "inspections": 15,  # 张家村, 李家村, 王庄村 and 南山村 twice (李家村's second starts on the as-of day)
    "issues_found": 53, "clues": 10, "immediate_fixes": 14, "disciplined": 6, "org_handled": 5, "judicial": 2,
    "rectified": 39, "funds_recovered": 34.75,
    "not_reported": {"issues_found": 0, "clues": 1, "immediate_fixes": 1, "disciplined": 0, "org_handled": 0,
                     "judicial": 0, "rectified": 1, "funds_recovered": 4},
    "listed_issues": 15,
    # rectified as of the day: the two dated ones of 张家村, its undated one, 石桥村's, 张家墩社区's two
    # (河口社区's was rectified after the as-of day): 6 of 15
    "rectification_rate": 6 / 15, "rectification_basis": "list",
    # not rectified, not long-term, due strictly before 2022-12-31: 河口社区 x2, 张家墩社区 x1, 南山村 x1
    "overdue": 4, "long_term": 2,
    # within 30 days of the end date: 张家村's 21 days, 张家墩社区's 20 and 30; over the 13 listed issues
    # whose inspection has an end date (石桥村's has none)
    "one_month_rectification_rate": 3 / 13,
    "by_level": {
        "municipal": {"inspections": 4, "units": 4, "issues_found": 22, "clues": 6, "disciplined": 4,
                      "avg_issues_and_clues": 28 / 4, "avg_disciplined": 1.0},
        # issues + clues over the 10 county inspections that reported both (新安村's clues blank)
        "county": {"inspections": 11, "units": 9, "issues_found": 31, "clues": 4, "disciplined": 2,
                   "avg_issues_and_clues": 31 / 10, "avg_disciplined": 2 / 11},
    },
    "ratio_issues_and_clues": (28 / 4) / (31 / 10), "ratio_disciplined": 1.0 / (2 / 11),
    "by_district": {"东城区": (5, 5), "西城区": (3, 3), "南山区": (4, 3)},
    "by_category": {("群众身边腐败问题", "集体三资"): (4, 1, 0), ("群众身边腐败问题", "惠民资金"): (2, 2, 0),
                    ("基层党组织建设", "组织生活"): (4, 2, 1), ("基层党组织建设", None): (1, 0, 0),
                    ("党的领导", "理论学习"): (2, 1, 1), ("党的领导", "政治站位"): (2, 0, 0)},
    "uncovered": [("南山区", "南山镇", "南山社区")],
}


def roster_file(rows=ROSTER, name="名册.csv") -> InputFile:
    return InputFile(name, csv_bytes(table(ROSTER_HEADER, rows)))


def inspections_file(rows=INSPECTIONS, name="巡察情况.csv") -> InputFile:
    return InputFile(name, csv_bytes(table(INSPECTION_HEADER, rows)))


def issues_file(rows=ISSUES, name="问题清单.csv") -> InputFile:
    return InputFile(name, csv_bytes(table(ISSUE_HEADER, rows)))


def plain() -> list[InputFile]:
    return [roster_file(), inspections_file(), issues_file()]


# ---------------------------------------------------------------- figures

def figures(con, f: Filters | None = None) -> dict:
    """What `metrics --json` prints for the filters (as of AS_OF by default), the filters' echo left out."""
    out = metrics.compute(con, f or Filters(as_of=AS_OF))
    out.pop("filters")
    return json.loads(json.dumps(out, ensure_ascii=False, default=str))


NO_PARAMS = {"filter_options_by_kind", "plan_settings_by_district", "data_as_of"}
UNIT = {"unit_district": "东城区", "unit_township": "城关镇", "unit_name": "张家村"}


def pages(con, f: Filters) -> dict:
    """Every page query's rows under the filters (the lists whole, the unit page at 张家村), sorted:
    what the screens and exports would show."""
    out = {}
    for name in store.query_names():
        params = {} if name in NO_PARAMS else {**f.params(), "limit": None, **UNIT}
        params = {k: v for k, v in params.items() if k in store.query_params(name)}
        frame = store.run_query(con, name, params)
        # a description and a code: only some statements write them
        rows = json.loads(frame.drop(columns=["description", "unit_code"], errors="ignore")
                          .to_json(orient="records", date_format="iso", double_precision=9))
        out[name] = sorted(rows, key=lambda r: json.dumps(r, ensure_ascii=False, sort_keys=True))
    return out


def assert_same_figures(con, other, f: Filters) -> None:
    """Two stores give the same metrics and the same rows of every page query under the filters."""
    assert figures(con, f) == figures(other, f), f
    got, want = pages(con, f), pages(other, f)
    for query in want:
        assert got[query] == want[query], (query, f)


_LOADED: dict[str, Path] = {}


_PLAIN_VIEWS: dict[tuple[str, Filters], tuple[dict, dict]] = {}


def plain_views(f: Filters) -> tuple[dict, dict]:
    """figures(con, f) and pages(con, f) of the plain ledger's store (loaded(*plain())), worked out once
    per filter set and test process on a store nothing else touches: the side of most comparisons
    that never changes (a page query costs ~0.02 s; the comparisons ran each over the plain store
    again). Copies: a test may change what it gets."""
    key = (str(store_template()), f)
    if key not in _PLAIN_VIEWS:
        con = loaded(*plain())
        try:
            _PLAIN_VIEWS[key] = (figures(con, f), pages(con, f))
        finally:
            con.close()
    return copy.deepcopy(_PLAIN_VIEWS[key])


def assert_same_as_plain(con, f: Filters) -> None:
    """The store gives the plain ledger's metrics and rows of every page query under the filters
    (assert_same_figures against loaded(*plain()))."""
    want_figures, want_pages = plain_views(f)
    assert figures(con, f) == want_figures, f
    got = pages(con, f)
    assert got.keys() == want_pages.keys(), f
    for query in want_pages:
        assert got[query] == want_pages[query], (query, f)


def loaded(*files: InputFile):
    """A new store in memory with the files imported (checked: imported), writable. The same files
    (names and bytes, on the same new store) are imported once per test process: later calls get a
    copy of that store (ATTACH and COPY FROM DATABASE, as memory_store copies the new store), a third
    of an import's cost; the metamorphic tests load the plain ledger about a hundred times."""
    digest = hashlib.sha256(str(store_template()).encode())
    for file in files:
        digest.update(b"\0%d\0%s\0" % (len(file.name.encode()), file.name.encode()))
        digest.update(hashlib.sha256(file.data).digest())
    key = digest.hexdigest()
    if key not in _LOADED:
        con = memory_store()
        result = run(con, *files)
        assert result.status == "imported", (result.problems, result.warnings)
        folder = Path(tempfile.mkdtemp(prefix="inspection-loaded-"))
        atexit.register(shutil.rmtree, folder, True)
        con.execute("ATTACH '{}' AS loaded_copy".format(str(folder / "loaded.duckdb").replace("'", "''")))
        con.execute("COPY FROM DATABASE memory TO loaded_copy")
        con.execute("DETACH loaded_copy")
        _LOADED[key] = folder / "loaded.duckdb"
        return con
    return memory_store(_LOADED[key])


def stored(path: Path) -> Path:
    """The plain ledger imported into a store file at `path` (for a page in AppTest), closed again."""
    con = store.connect(path)
    try:
        assert run(con, *plain()).status == "imported"
    finally:
        con.close()
    return path


def close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 1e-9
