"""python -m inspection import|imports|exports-log|undo|restore|mappings|metrics|briefing|maintain|demo ..."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import sys
from pathlib import Path

from . import importer, lake, mappings, metrics, settings, store
from .errors import InspectionError
from .filters import LEVELS, Filters, default_as_of
from .i18n import LANGS


def _user() -> str:
    return settings.get("INSPECTION_USER") or settings.os_user("cli")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from None


def _print_stage(stage: str, info: dict) -> None:
    print(importer.progress_text(stage, info), file=sys.stderr, flush=True)


def cmd_import(args) -> int:
    files = []
    for name in args.files:
        path = Path(name)
        if not path.is_file():
            print(f"文件不存在：{name}", file=sys.stderr)
            return 2
        files.append(importer.InputFile(path.name, path.read_bytes()))
    db = store.store_path(args.db)
    store.check_file(db)
    con = store.connect(db)
    try:
        # the stages on a terminal (reading file 2 of 5, rows read, checking, writing); never in a pipe
        progress = _print_stage if sys.stderr.isatty() else None
        result = importer.import_files(con, files, _user(), store.originals_dir(db), progress=progress)
    finally:
        con.close()
    if result.status == "imported":
        store.backup(db)
    if args.problems and result.problems:
        if not _write_problems(Path(args.problems), files, result):
            return 2
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=2, default=str))
    else:
        _print_result(result)
    return 1 if result.status == "rejected" else 0


def _write_problems(path: Path, files: list[importer.InputFile], result: importer.ImportResult) -> bool:
    """The problem workbook the import page offers, written to `path`."""
    from . import problem_report

    try:
        path.write_bytes(problem_report.build(files, result.problems, result.mappings))
    except OSError as exc:
        print(f"无法写入问题清单 {path}：{exc.strerror or exc}", file=sys.stderr)
        return False
    print(f"问题清单已写入：{path}", file=sys.stderr)
    return True


def _print_result(result: importer.ImportResult) -> None:
    labels = {"imported": "已导入", "unchanged": "没有变化（数据已在库中）", "rejected": "已拒绝，数据库未改动"}
    print(f"{labels[result.status]}：{importer.counts_text(result)}"
          + (f"（导入编号 {result.import_id}）" if result.import_id else ""))
    if result.changes:
        print(f"  替换的内容（{len(result.changes)} 项）：")
        for c in result.changes[:20]:
            where = " ".join(x for x in (c["round"], c["district"], c["township"], c["unit"]) if x)
            print(f"  ~ {c['table']} {where} {c['field']}：{c['old']} → {c['new']}")
        if len(result.changes) > 20:
            print(f"  ~ …另有 {len(result.changes) - 20} 项（--json 列出全部）")
    for p in result.problems:
        where = " ".join(x for x in (p.file, p.sheet and f"[{p.sheet}]", p.row and f"第{p.row}行",
                                     p.column and f"列「{p.column}」") if x)
        value = f" 值「{p.value}」" if p.value not in (None, "") else ""
        hint = f"（{p.suggestion}）" if p.suggestion else ""
        print(f"  ✗ {where}{value}：{p.reason}{hint}")
    for w in result.warnings:
        print(f"  ! {w}")
    for m in result.mappings:
        print(f"  = 使用映射 #{m.mapping_id}：{m.describe()}")
    if result.questions:  # rejected only for what mappings can answer: say how
        print("  这些表头或取值可以映射一次，以后的导入都会使用（mappings add，或在看板的「数据导入」页面回答）：")
        for q in result.questions.headers:
            for name in q.missing:
                print(f"  ? {q.file} 缺少必填列 {name}：mappings add --table {q.table} --header <{'|'.join(q.columns)}> "
                      f"--field {name}")
        for v in result.questions.values:
            print(f"  ? 「{v.value}」（{v.field}，{v.rows} 行）：mappings add --table {v.table} --field {v.field} "
                  f"--value \"{v.value}\" --means <{'|'.join(mappings.means_label(v.table, v.field, c) for c in v.choices())}>")


def cmd_imports(args) -> int:
    con = store.connect(args.db)
    try:
        frame = importer.list_imports(con)
    finally:
        con.close()
    if args.json:
        print(frame.to_json(orient="records", force_ascii=False, date_format="iso"))
        return 0
    if frame.empty:
        print("还没有导入记录")
    for row in frame.itertuples():
        names = ", ".join(f["name"] for f in json.loads(row.files))
        print(f"#{row.import_id}  {row.imported_at:%Y-%m-%d %H:%M}  {row.imported_by}  {row.status}  "
              f"新增 {row.added} 替换 {row.replaced} 未变 {_count(row.unchanged)} 跳过 {row.skipped}  {names}")
    return 0


def _count(value) -> str:
    """A count the log may lack (imports before the release that counted unchanged rows): '-'."""
    return "-" if value is None or value != value else str(int(value))


def cmd_exports_log(args) -> int:
    from . import exportlog

    con = reader(args)
    try:
        frame = exportlog.list_exports(con, None)
    finally:
        con.close()
    if args.json:
        rows = [{**row, "exported_at": row["exported_at"].isoformat(), "filters": json.loads(row["filters"] or "{}")}
                for row in frame.to_dict("records")]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if frame.empty:
        print("还没有导出记录")
    for row in frame.itertuples():
        print(f"{row.exported_at:%Y-%m-%d %H:%M:%S}  {row.exported_by}  {row.kind}  {row.page}  {row.file_name}"
              f"  {row.filters}")
    return 0


def cmd_undo(args) -> int:
    db = store.store_path(args.db)
    store.check_file(db)
    con = store.connect(db)
    try:
        print(importer.undo(con, args.import_id, _user()))
    except InspectionError as exc:  # no such import, already undone, a store that cannot take it
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        con.close()
    store.backup(db)
    return 0


def cmd_restore(args) -> int:
    source, kept = store.restore(args.db, args.backup)
    print(f"已从备份 {source} 恢复数据库 {store.store_path(args.db)}"
          + (f"；原文件保留为 {kept}" if kept else ""))
    return 0


def cmd_mappings(args) -> int:
    """mappings [list] | add | remove ID | export FILE | import FILE: 0 done, 1 refused, 2 usage."""
    action = getattr(args, "action", None) or "list"
    wanted: list[mappings.Mapping] = []
    if action == "import":
        path = Path(args.file)
        if not path.is_file():
            print(f"文件不存在：{args.file}", file=sys.stderr)
            return 2
        try:
            wanted = mappings.parse_text(path.read_bytes().decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise mappings.MappingError(f"映射文件不是 UTF-8 文本：{args.file}") from None
    elif action == "add":
        if (args.header is None) == (args.value is None) or (args.value is not None) != (args.means is not None):
            print("用法：mappings add --table T --header 原表头 --field FIELD，"
                  "或 mappings add --table T --field FIELD --value 原值 --means 合同中的值", file=sys.stderr)
            return 2
        wanted = [mappings.Mapping(args.table, args.field, header=args.header, value=args.value, means=args.means)]
    db = store.store_path(args.db)
    if action in ("list", "export"):  # read only: beside a running dashboard, from its newest backup
        found = []
        if db.exists() or store.lake_target(args.db):
            con = reader(args)
            try:
                found = mappings.load(con)
            finally:
                con.close()
        return _list_or_export(args, action, found)
    store.check_file(db)
    con = store.connect(db)
    try:
        if action == "remove":
            removed = mappings.remove(con, args.mapping_id, _user())
            saved, kept = [], 0
        else:
            saved, kept = mappings.add_all(con, wanted, _user(), keep_same=action == "import")
    finally:
        con.close()
    store.backup(db)
    if action == "remove":
        _say(args, f"已删除映射 #{removed.mapping_id}：{removed.describe()}",
             {"status": "removed", "mapping": removed.to_json()})
        return 0
    lines = [f"已保存映射 #{m.mapping_id}：{m.describe()}" for m in saved]
    if action == "import":
        lines.append(f"已导入 {len(saved)} 条映射" + (f"，{kept} 条已存在" if kept else ""))
    _say(args, "\n".join(lines), {"status": "saved", "mappings": [m.to_json() for m in saved], "unchanged": kept})
    return 0


def _list_or_export(args, action: str, found: list) -> int:
    if action == "list":
        _print_mappings(found, args.json)
        return 0
    try:
        Path(args.file).write_text(mappings.export_text(found), encoding="utf-8")
    except OSError as exc:
        raise mappings.MappingError(f"无法写入 {args.file}：{exc.strerror or exc}") from None
    _say(args, f"已导出 {len(found)} 条映射：{args.file}", {"status": "exported", "count": len(found)})
    return 0


def _say(args, text: str, doc: dict) -> None:
    print(json.dumps(doc, ensure_ascii=False, default=str) if getattr(args, "json", False) else text)


def _print_mappings(found: list, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"mappings": [m.to_json() for m in found]}, ensure_ascii=False, indent=2))
        return
    if not found:
        print("还没有映射")
    for m in found:
        when = f"{m.created_at:%Y-%m-%d %H:%M}" if m.created_at else ""
        print(f"#{m.mapping_id}  {m.describe()}  （{m.created_by}，{when}）")


def cmd_add_user(args) -> int:
    from . import auth

    if args.sso:
        password = None
    elif args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"{args.name} 的密码：")
        if password != getpass.getpass("再输入一次："):
            print("两次输入的密码不一致", file=sys.stderr)
            return 1
    try:
        path = auth.add_user(args.name, password, args.role, args.users_file)
    except auth.AuthError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"已保存用户「{args.name}」（{args.role}）：{path}")
    return 0


def _filters(args, con) -> Filters:
    """The filters of `metrics` and `briefing` (see _filter_arguments); without --as-of, the day the
    data covers (数据截至, queries/data_as_of.sql), as the dashboard's as-of filter defaults to."""
    return Filters(
        districts=tuple(args.district or ()), townships=tuple(args.township or ()),
        rounds=tuple(args.round or ()), levels=tuple(args.level or ()),
        modes=tuple(args.mode or ()), unit_types=tuple(args.unit_type or ()),
        poverty_only=args.poverty_only, year_from=args.year_from, year_to=args.year_to,
        categories=tuple(args.category or ()),
        as_of=args.as_of or default_as_of(store.run_query(con, "data_as_of", {})))


def reader(args):
    """The store for a command that only reads: (connection, note). While a dashboard holds the file,
    the newest backup (the data as of the last committed import), and the note says so on stderr."""
    con, note = store.connect_reader(store.store_path(args.db))
    if note:
        print(note, file=sys.stderr)
    return con


def cmd_metrics(args) -> int:
    con = reader(args)
    try:
        filters = _filters(args, con)
        result = metrics.compute(con, filters)
    finally:
        con.close()
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    else:
        blank = result.get("not_reported", {})
        for key, value in result.items():
            if not isinstance(value, (list, dict)):
                print(f"{key}: {'—' if value is None else value}")  # a figure that cannot be given
                if blank.get(key):  # a sum some inspections left blank (未填报): how many
                    print(f"{key}_not_reported: {blank[key]}")
    return 0


BRIEFING_FORMATS = (".docx", ".pptx", ".pdf")


def cmd_briefing(args) -> int:
    from . import briefing, export, marks
    from .i18n import describe_filters

    out = Path(args.out) if args.out else None
    if out is not None and out.suffix.lower() not in BRIEFING_FORMATS:
        print(f"不支持的文件类型「{out.suffix or out.name}」：请用 .docx、.pptx 或 .pdf", file=sys.stderr)
        return 2
    if out is not None and not out.parent.is_dir():
        print(f"目录不存在：{out.parent}", file=sys.stderr)
        return 2
    lang = args.lang or settings.get("INSPECTION_LANG")
    con = reader(args)
    try:
        filters = _filters(args, con)
        if not con.execute("SELECT (SELECT count(*) FROM v_units) + (SELECT count(*) FROM v_inspections)").fetchone()[0]:
            print("数据库中还没有巡察数据：请先导入对象名册、巡察情况和问题清单", file=sys.stderr)
            return 1
        brief = briefing.build(con, filters, lang, args.title)
    finally:
        con.close()
    if not brief.summary:
        print(f"筛选条件下没有数据（{describe_filters(filters.active(), 'zh')}）", file=sys.stderr)
        return 1
    if out is None:
        print(brief.summary_text())
        return 0
    mk = marks.current(_user())  # the classification line and watermark, as on the page's downloads
    try:
        kind = out.suffix.lower()
        if kind == ".docx":
            data = brief.docx(marks=mk)
        elif kind == ".pptx":
            data = export.deck_pptx(brief.title, brief.subtitle, brief.deck_slides(with_extra=True), marks=mk)
        else:
            data = export.deck_pdf(brief.title, brief.subtitle, brief.deck_slides(with_extra=True), marks=mk)
    except export.ExportUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        export.stop_export_server()
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(out)  # a weekly job never leaves half a file under the report's name
    print(f"已生成：{out}（{len(data):,} 字节）")
    return 0


def cmd_demo(args) -> int:
    from . import bootstrap

    db = store.store_path(args.db)
    if store.lake_target(args.db):
        print("demo 只生成嵌入式数据库文件；DuckLake 请用 import 导入台账", file=sys.stderr)
        return 2
    result = bootstrap.build_demo(db)
    print(f"演示数据已生成：{db}（{importer.counts_text(result)}）")
    return 0


def cmd_demo_if_missing(args) -> int:

    db = store.store_path(args.db)
    if db.exists() or store.lake_target(args.db):
        return 0
    if not settings.get("INSPECTION_DEMO"):
        print(f"数据库 {db} 不存在：将以空库启动，请在「数据导入」页面导入台账")
        return 0
    return cmd_demo(args)


def cmd_maintain(args) -> int:
    con = store.connect(args.db)
    try:
        done = lake.maintain(con, dt.timedelta(days=args.expire_days), dt.timedelta(hours=args.orphan_hours),
                             notify=lambda message: print(message, file=sys.stderr))
    finally:
        con.close()
    if args.json:
        print(json.dumps(done))
    else:
        print(f"已合并 {done['merged']} 个小文件组，过期 {done['expired_snapshots']} 个快照，"
              f"删除 {done['deleted_old_files']} 个旧文件和 {done['deleted_orphans']} 个孤立文件")
    return 0


def _filter_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db")
    p.add_argument("--district", action="append")
    p.add_argument("--township", action="append")
    p.add_argument("--round", action="append")
    p.add_argument("--level", action="append", choices=LEVELS)
    p.add_argument("--mode", action="append")
    p.add_argument("--unit-type", action="append")
    p.add_argument("--category", action="append")
    p.add_argument("--poverty-only", action="store_true")
    p.add_argument("--year-from", type=int)
    p.add_argument("--year-to", type=int)
    p.add_argument("--as-of", type=_date)


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m inspection", description="巡察数据看板：导入台账与核对指标")
    sub = top.add_subparsers(dest="command", required=True)

    p = sub.add_parser("import", help="import ledger files (all or nothing)")
    p.add_argument("--db")
    p.add_argument("--json", action="store_true")
    p.add_argument("--problems", metavar="FILE.xlsx",
                   help="when the import is rejected, write the problem workbook (every problem, each sheet marked)")
    p.add_argument("files", nargs="+")
    p.set_defaults(run=cmd_import)

    p = sub.add_parser("imports", help="list the import log")
    p.add_argument("--db")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_imports)

    p = sub.add_parser("exports-log", help="list the export log (who exported what, when, with which filters)")
    p.add_argument("--db")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_exports_log)

    p = sub.add_parser("undo", help="undo one import")
    p.add_argument("--db")
    p.add_argument("import_id", type=int)
    p.set_defaults(run=cmd_undo)

    p = sub.add_parser("restore", help="replace a damaged store with a backup (the newest by default)")
    p.add_argument("--db")
    p.add_argument("backup", nargs="?", help="a backup file (default: the newest in backups/ beside the store)")
    p.set_defaults(run=cmd_restore)

    p = sub.add_parser("mappings", help="list, add, remove, export and import mappings of headers and values")
    p.add_argument("--db")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_mappings)
    verbs = p.add_subparsers(dest="action")
    one = verbs.add_parser("add", help="map a header to a field, or a value to one the contract knows")
    one.add_argument("--table", required=True, choices=mappings.TABLE_NAMES)
    one.add_argument("--field", required=True)
    one.add_argument("--header")
    one.add_argument("--value")
    one.add_argument("--means")
    one = verbs.add_parser("remove", help="remove one mapping")
    one.add_argument("mapping_id", type=int, metavar="ID")
    one = verbs.add_parser("export", help="write every mapping to a small UTF-8 file")
    one.add_argument("file", metavar="FILE")
    one = verbs.add_parser("import", help="add the mappings of an exported file (all or nothing)")
    one.add_argument("file", metavar="FILE")
    for one in verbs.choices.values():
        one.add_argument("--db", default=argparse.SUPPRESS)  # after the verb as well as before it
        one.add_argument("--json", action="store_true", default=argparse.SUPPRESS)

    p = sub.add_parser("add-user", help="add or replace a user (salted password hash in the users file)")
    p.add_argument("name")
    p.add_argument("--role", choices=("admin", "viewer"), required=True)
    p.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    p.add_argument("--sso", action="store_true", help="no password: the user logs in by single sign-on (st.login)")
    p.add_argument("--users-file", help="default: the INSPECTION_USERS_FILE setting")
    p.set_defaults(run=cmd_add_user)

    p = sub.add_parser("metrics", help="print the headline figures")
    _filter_arguments(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_metrics)

    p = sub.add_parser("briefing", help="the briefing: its summary text (--text) or a .docx/.pptx/.pdf (--out)")
    _filter_arguments(p)
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--text", action="store_true", help="print the summary text")
    what.add_argument("--out", metavar="FILE", help="write the Word report, deck or PDF (by the extension)")
    p.add_argument("--lang", choices=LANGS, help="default: the INSPECTION_LANG setting")
    p.add_argument("--title", help="the report's title (default: the briefing page's)")
    p.set_defaults(run=cmd_briefing)

    p = sub.add_parser("maintain", help="DuckLake: compact small files, expire old snapshots, delete unused files")
    p.add_argument("--db")
    p.add_argument("--expire-days", type=float, default=7, help="expire snapshots older than this (default 7)")
    p.add_argument("--orphan-hours", type=float, default=24,
                   help="delete orphaned and expired files older than this (default 24)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=cmd_maintain)

    p = sub.add_parser("demo", help="rebuild the demo store")
    p.add_argument("--db")
    p.set_defaults(run=cmd_demo)

    p = sub.add_parser("demo-if-missing", help="build the demo store on first start (when INSPECTION_DEMO=1)")
    p.add_argument("--db")
    p.set_defaults(run=cmd_demo_if_missing)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except InspectionError as exc:  # every kind (a LakeError is a StoreError)
        if getattr(args, "json", False):
            print(json.dumps({"status": "error", "message": str(exc)}, ensure_ascii=False))
        print(str(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
