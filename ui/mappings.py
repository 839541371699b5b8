"""The import page's mappings (inspection/mappings.py): the form that answers a rejection for
unknown headers or values, and the administrators' list of mappings with removal.

Submitting the form saves the mappings and imports the same files again in the same step. Only
administrators (the local user when no users are configured) save or remove mappings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from inspection import mappings
from inspection.i18n import t

from . import auth as ui_auth
from . import components as ui
from . import state
from .errors import caught

FILES_KEY = "_mapping_files"  # the files of a rejection the form can answer, for the import again
MESSAGE_KEY = "_mapping_message"
REMOVED_KEY = "_mapping_removed"
ACTION = "settings"  # administrators only


@dataclass(frozen=True)
class KeptFile:
    """An uploaded file kept for the import again (as the upload box gives it: name, getvalue())."""

    name: str
    data: bytes

    def getvalue(self) -> bytes:
        return self.data


def remember(files, result) -> None:
    """Keep the files of a rejection that the form can answer; forget them otherwise."""
    if result.questions is not None:
        st.session_state[FILES_KEY] = [KeptFile(f.name, f.data) for f in files]
    else:
        st.session_state.pop(FILES_KEY, None)


def _where(question: mappings.HeaderQuestion, lang: str) -> str:
    sheet = f"「{question.sheet}」" if question.sheet else ""
    return f"{question.file}{sheet}（{mappings.table_label(question.table, lang)}）"


def render_questions(result, lang: str, import_again: Callable[[list], None]) -> None:
    """After a rejection only for unknown headers or values: ask, save the answers, import again."""
    found = result.questions if result.status == "rejected" else None
    files = st.session_state.get(FILES_KEY)
    if found is None or not files or not ui_auth.allowed(ACTION):
        return
    st.subheader(t("map_title", lang))
    st.caption(t("map_help", lang))
    none = t("map_choose", lang)
    # widget keys name the question itself: an answer never carries over to another question
    with st.form("mapping_form"):
        header_answers: dict[tuple[int, str], str] = {}
        column_answers: dict[tuple[int, str], str] = {}
        for i, question in enumerate(found.headers):
            st.markdown(f"**{_where(question, lang)}**")
            for name in question.missing:
                label = mappings.field_label(question.table, name, lang)
                column = st.selectbox(t("map_missing", lang, field=label), [None, *question.columns],
                                      format_func=lambda c: none if c is None else c, key=f"map_missing_{question.file}_{question.sheet}_{name}")
                if column:
                    header_answers[(i, column)] = name
            optional = question.optional_fields()
            for column in question.columns:
                chosen = st.selectbox(
                    t("map_column", lang, column=column), [None, *optional], key=f"map_column_{question.file}_{question.sheet}_{column}",
                    format_func=lambda f, q=question: t("map_ignore", lang) if f is None
                    else mappings.field_label(q.table, f, lang))
                if chosen:
                    column_answers[(i, column)] = chosen
        value_answers: dict[int, str] = {}
        for j, question in enumerate(found.values):
            label = mappings.field_label(question.table, question.field, lang)
            chosen = st.selectbox(
                t("map_value", lang, table=mappings.table_label(question.table, lang), field=label,
                  value=question.value, rows=question.rows), [None, *question.choices()], key=f"map_value_{question.table}_{question.field}_{question.value}",
                format_func=lambda v, q=question: none if v is None else mappings.means_label(q.table, q.field, v, lang))
            if chosen:
                value_answers[j] = chosen
        submitted = st.form_submit_button(t("map_save", lang), type="primary")
    if not submitted:
        return
    ui_auth.require(ACTION)
    with caught(lang, label="map_refused", stop=False) as failed:
        twice = [c for (i, c), name in column_answers.items() if header_answers.get((i, c)) not in (None, name)]
        if twice:
            raise mappings.MappingError(t("map_twice", lang, columns="、".join(twice)))
        wanted = mappings.answers(found, {**column_answers, **header_answers}, value_answers)
        if not wanted:
            raise mappings.MappingError(t("map_nothing", lang))
        with state.writer() as con:
            saved, _ = mappings.add_all(con, wanted, ui_auth.current_user())
    if failed:
        return
    st.session_state[MESSAGE_KEY] = t("map_saved", lang, n=len(saved))
    with st.spinner("…"):
        import_again(files)
    st.rerun()


def render_saved_message() -> None:
    message = st.session_state.pop(MESSAGE_KEY, None)
    if message:
        st.success(message)


def render_used(result, lang: str) -> None:
    """The mappings an import used (its report)."""
    if result.mappings:
        with st.expander(t("map_used", lang, n=len(result.mappings)), expanded=True):
            for m in result.mappings:
                st.markdown(f"- #{m.mapping_id} {m.describe(lang)}")


def render_list(lang: str) -> None:
    """Administrators: every mapping, and removing one."""
    if not ui_auth.allowed(ACTION):
        return
    found = mappings.load(state.connection().cursor())
    st.subheader(t("map_list", lang))
    removed = st.session_state.pop(REMOVED_KEY, None)
    if removed:
        st.success(removed)
    if not found:
        st.caption(t("map_none", lang))
        return
    frame = pd.DataFrame([{"id": m.mapping_id, "rule": m.describe(lang), "by": m.created_by,
                           "at": m.created_at} for m in found])
    ui.table(frame, {"id": "log_id", "rule": "map_rule", "by": "map_by", "at": "map_at"})
    with st.form("mapping_remove_form"):
        choice = st.selectbox(t("map_remove_select", lang), [m.mapping_id for m in found], index=None,
                              placeholder=t("map_choose", lang),
                              format_func=lambda i: next(f"#{m.mapping_id} {m.describe(lang)}" for m in found
                                                         if m.mapping_id == i))
        submitted = st.form_submit_button(t("map_remove", lang))
    if submitted and choice is not None:
        ui_auth.require(ACTION)
        with caught(lang, stop=False) as failed:
            with state.writer() as con:
                removed = mappings.remove(con, int(choice), ui_auth.current_user())
        if failed:
            return
        st.session_state[REMOVED_KEY] = t("map_removed", lang, rule=removed.describe(lang))
        st.rerun()
