"""Entry point: page config, navigation, the shared filter sidebar. `streamlit run dashboard.py`."""

import streamlit as st

from inspection import store
from ui import auth as ui_auth
from ui import errors as ui_errors
from ui import registry, sidebar, state

st.set_page_config(page_title="巡察数据看板", page_icon="📊", layout="wide")
lang = sidebar.language()
ui_auth.protect_session()  # before anything else: uploads only by sessions that may import


@st.cache_resource(show_spinner=False)
def _store_checked(path: str) -> bool:
    """Once per process: the store file opens and every table reads (in a child process, which a
    damaged file cannot crash). A failure raises and is not cached: checked again on the next run."""
    store.check_file(path)
    return True


# The pages, their titles, icons and queries: ui/registry.py (the tests take the list from there too).
pages = registry.navigation_pages(lang)
gated = ui_auth.current_role() is None  # viewing needs a log-in (INSPECTION_REQUIRE_LOGIN) and nobody is in
current = st.navigation([shown for shown, _ in pages], position="hidden" if gated else "sidebar")
# after the navigation (a store that cannot open still leaves the page list titled, not the file
# names) and before anything opens the store (the check opens it in a child process)
with ui_errors.caught(lang, private=True):  # paths and DuckDB's words: the local administrator only
    _store_checked(state.db_path())
if gated:
    ui_auth.gate()  # only the log-in form; stops the run
ui_auth.login_box()
state.pin_version()
sidebar.render(lang, shown=registry.chosen(pages, current).filters)  # hidden on the import page
with ui_errors.caught(lang):  # an error a page does not handle: its message, never a traceback
    registry.shell_run(current)  # the page, marked as run inside this shell (registry.ensure_shell)
state.page_version()  # a query that ran after an import committed: draw the page again, whole
