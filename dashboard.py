"""Entry point: page config, navigation, the shared filter sidebar. `streamlit run dashboard.py`."""

from pathlib import Path

import streamlit as st

from inspection import store
from inspection.i18n import t
from ui import auth as ui_auth
from ui import errors as ui_errors
from ui import sidebar, state

ROOT = Path(__file__).resolve().parent

st.set_page_config(page_title="巡察数据看板", page_icon="📊", layout="wide")
lang = sidebar.language()
ui_auth.protect_session()  # before anything else: uploads only by sessions that may import


@st.cache_resource(show_spinner=False)
def _store_checked(path: str) -> bool:
    """Once per process: the store file opens and every table reads (in a child process, which a
    damaged file cannot crash). A failure raises and is not cached: checked again on the next run."""
    store.check_file(path)
    return True


with ui_errors.caught(lang, private=True):  # paths and DuckDB's words: the local administrator only
    _store_checked(state.db_path())

# ---- Page registry ------------------------------------------------------------------------
# (file under pages/, title key in inspection/i18n.py, icon). Pages owned by other issues are
# listed here too and registered only once their file exists, so the app runs before they land.
PAGES = [
    ("pages/overview.py", "page_overview", ":material/dashboard:"),
    ("pages/coverage.py", "page_coverage", ":material/map:"),
    ("pages/categories.py", "page_categories", ":material/category:"),
    ("pages/compare.py", "page_compare", ":material/compare_arrows:"),
    ("pages/briefing.py", "page_briefing", ":material/description:"),  # issue: briefing (简报)
    ("pages/followup.py", "page_followup", ":material/task_alt:"),  # issue: plan & follow-up (计划与整改)
    ("pages/unit.py", "page_unit", ":material/home_work:"),  # issue 19: a unit's profile (对象档案)
    ("pages/imports.py", "page_imports", ":material/upload_file:"),
]
# --------------------------------------------------------------------------------------------

pages = [st.Page(path, title=t(key, lang), icon=icon, default=(i == 0))
         for i, (path, key, icon) in enumerate(PAGES) if (ROOT / path).is_file()]
gated = ui_auth.current_role() is None  # viewing needs a log-in (INSPECTION_REQUIRE_LOGIN) and nobody is in
current = st.navigation(pages, position="hidden" if gated else "sidebar")
if gated:
    ui_auth.gate()  # only the log-in form; stops the run
ui_auth.login_box()
state.pin_version()
sidebar.render(lang)
st.session_state["_in_shell"] = True  # this session's pages run inside the shell (see ui/sidebar.ensure_shell)
with ui_errors.caught(lang):  # an error a page does not handle: its message, never a traceback
    current.run()
state.page_version()  # a query that ran after an import committed: draw the page again, whole
