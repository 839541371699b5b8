"""数据导入 Import: upload several ledgers at once through the importer, see every problem (and
download them as a workbook mirroring the input), warnings, the import log with undo.
Uploading, undoing and the file names in the log are for administrators (ui/auth.py); with no user
configured the app is local-only and its local user is the administrator. After every import or
undo the store is backed up (store.backup)."""

import datetime as dt
import json

import pandas as pd
import streamlit as st

from inspection import contract, export, exportlog, importer, problem_report, readers, store, templates
from inspection.errors import InspectionError
from inspection.i18n import describe_filters, t
from ui import auth as ui_auth
from ui import components as ui
from ui import exports, registry, state
from ui import mappings as ui_mappings
from ui.errors import caught

RESULT_KEY = "_import_result"
UNDO_KEY = "_undo_message"
UNDO_NOTICE = "_undo_notice"
UNDO_TYPE_ROWS = 300  # undoing an import that wrote more rows asks for its number to be typed


CLERK_KEY = "import_clerk_name"


def _user() -> str:
    """imported_by / undone_by: the logged-in user; in local mode the name the clerk typed (never the
    server's system account)."""
    if ui_auth.local_mode():
        return (st.session_state.get(CLERK_KEY) or "").strip()[:40] or t("local_clerk", state.lang())
    return ui_auth.current_user()


def _backup(con) -> None:
    """A copy of the store after a successful import or undo; a failure is shown, never raised."""
    try:
        store.backup(state.db_path(), con=con)
    except Exception as exc:  # a full disk or a busy checkpoint must not hide that the import worked
        st.warning(f"{ui_auth.label('backup_failed')}{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")


def run_import(uploads, user: str, progress=None) -> None:
    ui_auth.require("import")
    files = [importer.InputFile(u.name, u.getvalue()) for u in uploads]
    with state.writer() as con:
        result = importer.import_files(con, files, user or _user(), store.originals_dir(), progress=progress)
        if result.status == "imported":
            state.clear_caches()
            _backup(con)
    if result.status == "imported":
        registry.warm()  # the views leaders open first, computed in the background
    ui_mappings.remember(files, result)
    problems_xlsx = problem_report.build(files, result.problems, result.mappings) if result.problems else None
    st.session_state[RESULT_KEY] = (result, problems_xlsx, dt.datetime.now().strftime("%Y%m%d_%H%M"))
    st.session_state.pop(UNDO_KEY, None)


def render_result(lang: str) -> None:
    stored = st.session_state.get(RESULT_KEY)
    if not stored:
        return
    result, problems_xlsx, stamp = stored
    ui_mappings.render_saved_message()
    if result.status == "imported":
        st.success(t("import_done", lang, counts=importer.counts_text(result, lang)))
        render_changes(result, stamp, lang)
    elif result.status == "unchanged":
        st.info(t("import_unchanged", lang) + ("（" if lang == "zh" else " (") + importer.counts_text(result, lang)
                + ("）" if lang == "zh" else ")"))
    else:
        st.error(t("import_rejected", lang, n=len(result.problems)))
    if result.problems:
        # a problem without a row, column or value (a missing column, an unreadable file) shows blanks
        frame = pd.DataFrame([{k: "" if v is None else str(v) for k, v in vars(p).items()} for p in result.problems])
        labels = {"file": "p_file", "sheet": "p_sheet", "row": "p_row", "column": "p_column", "value": "p_value",
                  "reason": "p_reason", "suggestion": "p_suggestion"}
        ui.table(frame, labels)
        name = f"导入问题清单_{stamp}.xlsx"
        st.download_button(t("problems_download", lang), exports.logged(lambda: problems_xlsx, "xlsx", "imports", name),
                           file_name=name, on_click="ignore",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           type="primary")
    ui_mappings.render_questions(result, lang, lambda files: run_import(files, _user()))
    ui_mappings.render_used(result, lang)
    if result.warnings:
        with st.expander(f"{t('warnings', lang)}（{len(result.warnings)}）", expanded=True):
            for warning in result.warnings:
                st.warning(warning)


CHANGE_LABELS = {"table": "ch_table", "round": "ch_round", "district": "ch_district", "township": "ch_township",
                 "unit": "ch_unit", "field": "ch_field", "old": "ch_old", "new": "ch_new"}


def render_changes(result, stamp: str, lang: str) -> None:
    """What a replacing import changed (unit, round, field: old -> new), to read and to download."""
    if not result.changes:
        return
    frame = pd.DataFrame(result.changes, columns=list(CHANGE_LABELS)).fillna("")
    with st.expander(t("import_changes", lang, n=f"{len(frame):,}"), expanded=len(frame) <= 20):
        ui.table(frame, CHANGE_LABELS)
        shown = frame.rename(columns={k: t(v, lang) for k, v in CHANGE_LABELS.items()})
        name = f"导入替换清单_{stamp}.xlsx"
        st.download_button(t("import_changes_download", lang),
                           exports.logged(lambda: export.tables_xlsx({t("import_changes", lang, n=len(frame)): shown}),
                                          "xlsx", "imports", name),
                           file_name=name, on_click="ignore",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def uploader_css(lang: str) -> str:
    """Streamlit's file uploader speaks English whatever the page's language ("Upload", "50MB per
    file • XLSX, …"): in Chinese its button and its limits line say it in Chinese (CSS: the texts are
    the widget's own, not a parameter). The size is the server's setting, the types the readers'."""
    if lang != "zh":
        return ""
    types = "、".join(e.lstrip(".").upper() for e in readers.UPLOAD_EXTENSIONS if e not in readers.ARCHIVE_EXTENSIONS)
    limit = f"每个文件不超过 {st.get_option('server.maxUploadSize')}MB · {types}"
    drop = '[data-testid="stFileUploaderDropzone"]'
    return f"""<style>
{drop} [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"] p {{ font-size: 0 !important; }}
{drop} [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"] p::after {{
    content: "选择文件"; font-size: 0.875rem; }}
[data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0 !important; }}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {{ content: "{limit}"; font-size: 0.75rem; }}
</style>"""


def render_upload(lang: str) -> None:
    if css := uploader_css(lang):
        st.html(css)
    if ui_auth.local_mode():
        st.text_input(t("clerk_name", lang), key=CLERK_KEY, max_chars=40)
    with st.form("import_form", clear_on_submit=True):
        # every type the readers take, and those they refuse with advice (WPS .et: save as .xlsx; an archive: unzip) or read
        # only by their content (.xml: an Excel 2003 XML table)
        uploads = st.file_uploader(t("upload", lang), type=[e.lstrip(".") for e in readers.UPLOAD_EXTENSIONS],
                                   accept_multiple_files=True)
        st.caption(f"{t('import_user', lang)}{'：' if lang == 'zh' else ': '}{_user()}")
        submitted = st.form_submit_button(t("import_button", lang), type="primary")
    if submitted and uploads:
        stage = st.empty()  # what the import is doing: reading file 2 of 5, rows read, checking, writing

        def progress(name: str, info: dict) -> None:
            stage.caption(importer.progress_text(name, info, lang))

        with st.spinner("…"), caught(lang, stop=False):  # e.g. a store that cannot take the write
            run_import(uploads, _user(), progress)
        stage.empty()
    render_result(lang)


def render_help(lang: str) -> None:
    """For a first-time clerk: the three tables, their columns, and a blank template of each."""
    with st.expander(t("help_title", lang)):
        st.markdown(t("help_intro", lang))
        for table in contract.TABLES:  # one under the other: the 说明 (Meaning) column needs the width
            with st.container():
                name = t(f"table_{table.name}", lang)
                st.markdown(f"**{name}**")
                frame = templates.columns(table, lang).assign(
                    required=lambda f: f["required"].map(lambda r: t("help_required" if r else "help_optional", lang)))
                labels = {"header": "help_header", "meaning": "help_meaning", "required": "help_need",
                          "also": "help_also"}
                # a static table: its long cells (the values a column takes) wrap instead of being cut
                st.table(frame[list(labels)].rename(columns={c: t(k, lang) for c, k in labels.items()}),
                         hide_index=True)
                st.download_button(t("help_template", lang, table=name), templates.workbook(table),
                                   file_name=t("help_template_file", lang, table=name), key=f"template_{table.name}",
                                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                   on_click="ignore")


def render_log(lang: str) -> None:
    st.subheader(t("import_log", lang))
    if st.session_state.get(UNDO_KEY):  # kept until the next import: a run cut short by a click must not lose it
        st.success(st.session_state[UNDO_KEY])
    log = importer.list_imports(state.connection().cursor())
    if log.empty:
        st.info(t("import_log_empty", lang))
        return
    # imports before the release that counted unchanged rows apart have no figure: "—" (ui.table), not "None"
    log = log.assign(unchanged=log["unchanged"].astype("Int64"))  # a count as its neighbours, right-aligned
    if not ui_auth.allowed("view_text"):  # viewers: when and how much, not file names or who
        log = log.assign(status=log["status"].map(lambda s: t(f"status_{s}", lang)))
        labels = {"import_id": "log_id", "imported_at": "log_time", "added": "log_added",
                  "replaced": "log_replaced", "unchanged": "log_unchanged", "skipped": "log_skipped",
                  "status": "log_status"}
        ui.table(log, labels)
        return
    log = log.assign(
        files=log["files"].map(_file_names),
        status=log["status"].map(lambda s: t(f"status_{s}", lang)),
    )
    labels = {"import_id": "log_id", "imported_at": "log_time", "imported_by": "log_user", "files": "log_files",
              "added": "log_added", "replaced": "log_replaced", "unchanged": "log_unchanged", "skipped": "log_skipped",
              "status": "log_status"}
    ui.table(log, labels)
    active = log[log["status"] == t("status_active", lang)]
    if active.empty or not ui_auth.allowed("undo"):
        return
    render_undo(active.set_index("import_id"), lang)


def render_undo(active: pd.DataFrame, lang: str) -> None:
    """Nothing is chosen or ticked when the form appears, and again after every import or undo (the
    widgets' keys change), so a second click never undoes the next import; a large import must also
    be named by its number; a click that does nothing says why. The click is handled in the button's
    callback, before the page is drawn again."""
    # the widgets' keys follow the store's version (it moves with every import and undo, whoever made
    # it), not session state, which a run cut short by a second click can lose
    generation = "_".join(map(str, state.data_version()))
    with st.form(f"undo_form_{generation}"):
        st.selectbox(t("undo_select", lang), active.index.tolist(), index=None, key=f"undo_choice_{generation}",
                     placeholder=t("undo_placeholder", lang), format_func=lambda i: f"#{i} {active.loc[i, 'files']}")
        st.checkbox(t("undo_confirm", lang), key=f"undo_confirm_{generation}")
        st.text_input(t("undo_type", lang, n=UNDO_TYPE_ROWS), key=f"undo_typed_{generation}")
        st.form_submit_button(t("undo_button", lang), on_click=_undo_clicked,
                              args=(generation, (active["added"] + active["replaced"]).astype(int).to_dict(), lang))
    notice = st.session_state.pop(UNDO_NOTICE, None)
    if notice:
        st.warning(notice)


def _undo_clicked(generation: str, rows_by_import: dict, lang: str) -> None:
    choice = st.session_state.get(f"undo_choice_{generation}")
    typed = str(st.session_state.get(f"undo_typed_{generation}") or "")
    if choice is None:
        st.session_state[UNDO_NOTICE] = t("undo_none_chosen", lang)
    elif not st.session_state.get(f"undo_confirm_{generation}"):
        st.session_state[UNDO_NOTICE] = t("undo_not_confirmed", lang, id=choice)
    elif rows_by_import[choice] > UNDO_TYPE_ROWS and typed.strip().lstrip("#＃").strip() != str(choice):
        st.session_state[UNDO_NOTICE] = t("undo_type_needed", lang, id=choice, rows=rows_by_import[choice])
    else:
        ui_auth.require("undo")
        with state.writer() as con:
            try:
                message = importer.undo(con, int(choice), _user())
            except InspectionError as exc:  # a callback runs before the page: its notice says why
                st.session_state[UNDO_NOTICE] = exc.message(lang)
                return
            # recorded first: a click arriving now cuts the callback short at its next Streamlit call
            st.session_state.pop(RESULT_KEY, None)
            st.session_state[UNDO_KEY] = message
            state.clear_caches()
            _backup(con)
        registry.warm()


EXPORT_ROWS = 500  # the latest exports shown; the command line prints them all


def render_exports_log(lang: str) -> None:
    """Administrators only: who exported what, when, with which filters."""
    if not ui_auth.allowed("view_text"):
        return
    st.subheader(t("export_log", lang))
    st.caption(t("export_log_help", lang))
    failure = exports.last_failure()
    if failure:
        st.warning(t("export_not_logged", lang, at=f"{failure['at']:%Y-%m-%d %H:%M:%S}", message=failure["message"]))
    log = exportlog.list_exports(state.connection().cursor(), EXPORT_ROWS)
    if log.empty:
        st.info(t("export_log_empty", lang))
        return
    log = log.assign(kind=log["kind"].str.upper(), filters=log["filters"].map(lambda raw: _filters_text(raw, lang)))
    labels = {"exported_at": "x_time", "exported_by": "x_user", "kind": "x_kind", "page": "x_page",
              "file_name": "x_file", "filters": "x_filters"}
    ui.table(log, labels)
    if len(log) == EXPORT_ROWS:
        st.caption(t("export_log_first", lang, n=EXPORT_ROWS))


def _filters_text(raw: str, lang: str) -> str:
    """'数据截至 2026-06-30；县区: 源汇区' from the logged JSON."""
    try:
        active = json.loads(raw or "{}")
    except ValueError:
        return str(raw)
    as_of = active.pop("as_of", None)
    text = describe_filters(active, lang)
    return f"{t('f_as_of', lang)} {as_of}；{text}" if as_of else text


def _file_names(raw: str) -> str:
    try:
        return "、".join(f.get("name", "") for f in json.loads(raw))
    except (TypeError, ValueError):
        return str(raw)


def main() -> None:
    lang = registry.start("imports").lang
    if ui_auth.local_mode():
        st.info(ui_auth.label("local_only", lang) if ui_auth.allowed("import") else ui_auth.label("local_remote", lang),
                icon="🔒")
    if ui_auth.allowed("import"):
        render_help(lang)
        render_upload(lang)
    else:
        st.warning(ui_auth.label("denied_import", lang), icon="🔒")
    render_log(lang)
    ui_mappings.render_list(lang)
    render_exports_log(lang)


main()
