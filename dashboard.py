"""Entry point: page config, navigation, the shared filter sidebar. `streamlit run dashboard.py`."""

from pathlib import Path

import streamlit as st

from inspection.i18n import t
from ui import sidebar

ROOT = Path(__file__).resolve().parent

st.set_page_config(page_title="巡察数据看板", page_icon="📊", layout="wide")
lang = sidebar.language()

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
    ("pages/imports.py", "page_imports", ":material/upload_file:"),
]
# --------------------------------------------------------------------------------------------

pages = [st.Page(path, title=t(key, lang), icon=icon, default=(i == 0))
         for i, (path, key, icon) in enumerate(PAGES) if (ROOT / path).is_file()]
current = st.navigation(pages)
sidebar.render(lang)
current.run()
