"""What the browser tests share: Chromium as this machine has it (never `playwright install`), its
flags, where screenshots go, the skip when it is missing, and the wait for a Streamlit run to end."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "tests" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
NEEDS_CHROMIUM = pytest.mark.skipif(not CHROMIUM.exists(), reason="browser tests need /usr/bin/chromium (not installed)")


def settle(tab) -> None:
    """Wait until the script run triggered by the last action has finished."""
    time.sleep(0.8)
    tab.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=240_000)
    time.sleep(0.8)
