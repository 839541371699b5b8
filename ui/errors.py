"""The one place where a page shows an `InspectionError` (inspection/errors.py): its title and
message in the page's language, as an error box, never a traceback.

dashboard.py runs every page inside `caught()`: an error a page does not handle itself stops that
page with the message (a bare duckdb.Error too, as a StoreError). A page that goes on after a failed action (a form, a button) uses
`caught(stop=False)` or `show()`; `label` puts the message into a sentence of the page's own
(an i18n key with a {message} field, e.g. query_error).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import streamlit as st

from inspection.errors import InspectionError, StoreError
from inspection.i18n import t

from . import state


def text(exc: InspectionError, lang: str | None = None, label: str | None = None, private: bool = False) -> str:
    """What the user reads: the page's sentence around the message, else the title over the message.
    `private`: a store that cannot be opened, whose reason (paths, DuckDB's words) only the local
    administrator reads (ui/auth.store_error_text)."""
    lang = lang or state.lang()
    if private:
        from .auth import store_error_text  # ui.auth imports ui.state, as this module does

        return store_error_text(exc, lang)
    if label:
        return t(label, lang, message=exc.message(lang))
    return f"**{exc.title(lang)}**\n\n{exc.message(lang)}"


def show(exc: InspectionError, lang: str | None = None, label: str | None = None, where=None,
         private: bool = False) -> None:
    """The error box (in `where`, e.g. st.sidebar, when given)."""
    (where or st).error(text(exc, lang, label, private))


class Outcome:
    """What `caught` yields: true once an error was shown (the action did not complete)."""

    def __init__(self) -> None:
        self.error: InspectionError | None = None

    def __bool__(self) -> bool:
        return self.error is not None


@contextmanager
def caught(lang: str | None = None, label: str | None = None, stop: bool = True,
           where=None, private: bool = False) -> Iterator[Outcome]:
    """Run the block; an InspectionError becomes the error box, then the page stops (`stop`) or goes
    on after the block (`if outcome: ...` tells it that the block failed)."""
    outcome = Outcome()
    try:
        yield outcome
    except (InspectionError, duckdb.Error) as exc:
        outcome.error = exc if isinstance(exc, InspectionError) else unwrapped(exc)
        show(outcome.error, lang, label, where, private)
        if stop:
            st.stop()


def unwrapped(exc: duckdb.Error) -> StoreError:
    """A DuckDB error that reached the page without being given a message (the data layer wraps the
    ones it expects: opening, queries, imports, undo, plans, mappings): DuckDB's first line."""
    text = str(exc).strip()
    return StoreError(key="err_store_failed", reason=text.splitlines()[0] if text else type(exc).__name__)
