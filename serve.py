"""The entry scripts/start.sh runs: dashboard.py as an `st.App` behind ui/server_hooks.Guard
(uploads only by sessions that may import, no /_stcore/metrics, no framing).
`streamlit run serve.py` takes the same flags as `streamlit run dashboard.py`."""

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from ui.server_hooks import Guard

app = st.App(str(Path(__file__).resolve().parent / "dashboard.py"), middleware=[Middleware(Guard)])
