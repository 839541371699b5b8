"""What the browser tests share: Chromium as this machine has it (never `playwright install`), its
flags, where screenshots go, the skip when it is missing, and the wait for a Streamlit run to end."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "tests" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
# A page of a test that only reads what the page shows: prefers-reduced-motion, a setting of the
# user's the app honours (Streamlit's skeletons and running indicators stand still). A page waiting
# for its run under load otherwise animates the whole time: in the ten-session load test Chromium
# took ~2/3 of the CPU of the run, ~1/3 less so (3 sessions x 8 pages: 75 -> 51 s of CPU).
CALM = {"reduced_motion": "reduce"}
NEEDS_CHROMIUM = pytest.mark.skipif(not CHROMIUM.exists(), reason="browser tests need /usr/bin/chromium (not installed)")

START = 0.8  # seconds for the run an action asked for to begin (it shows in the page at once)
QUIET = 0.6  # seconds without a run after one ended: a run the end starts (a rerun) begins within them
# The page's script-run state, as Streamlit writes it on its root element (data-test-script-state:
# running, notRunning, rerunRequested, ...), watched from every change of the page: each change of
# the state counted, with the moment of the last. Installed once per loaded page.
_WATCH = """() => {
  if (window.__settle) return window.__settle.changes;
  const read = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app ? app.getAttribute('data-test-script-state') : null;
  };
  const watch = window.__settle = {state: read(), changes: 0, last: performance.now(), read};
  new MutationObserver(() => {
    const now = read();
    if (now !== watch.state) { watch.state = now; watch.changes += 1; watch.last = performance.now(); }
  }).observe(document, {subtree: true, childList: true, attributes: true,
                        attributeFilter: ['data-test-script-state']});
  return 0;
}"""


def settle(tab) -> None:
    """Wait until the script run triggered by the last action has finished: the run begins (or
    START seconds pass without one), then the page is not running for QUIET seconds on end. Reads
    the state Streamlit keeps on its root element, not the status widget (shown only after half a
    second of running, and gone 0.2 s after the end)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    seen = tab.evaluate(_WATCH)
    try:
        tab.wait_for_function(f"() => window.__settle.changes > {seen} || window.__settle.read() !== 'notRunning'",
                              timeout=START * 1000)
    except PlaywrightTimeout:
        pass  # no run began: nothing to wait for but the quiet
    tab.wait_for_function(f"() => window.__settle.read() === 'notRunning' "
                          f"&& performance.now() - window.__settle.last >= {QUIET * 1000}", timeout=240_000)
