"""The product's one error family: every failure a user can act on is an `InspectionError`.

Each kind has a title (what went wrong, in the user's words) and a message (the real reason), both
in Chinese by default and in English on the language switch (labels in inspection/i18n.py). Pages
catch the base class in one place (ui/errors.py); the command line prints `str(exc)` (the Chinese
message) and keeps its exit codes. A traceback never reaches the screen.

A message is given either as text already written for the user (`StoreError("...")`; the same text
in both languages, as most messages built from DuckDB's words or a file's contents are) or as an
i18n key with values (`StoreError(key="err_...", path=...)`), which each page renders in its own
language. Subclasses (kinds):

    StoreError          the store cannot be opened, read or written (lake, mapping and query errors
                        are StoreErrors too)
    ImportInputError    the files given to an import cannot be used (unreadable, wrong table...)
    SettingsError       a plan or another setting cannot be saved or read (PlanError)
    UndoError           an undo that cannot run: ImportNotFound, ImportAlreadyUndone
    ExportError         an export that cannot be produced
"""

from __future__ import annotations

from .i18n import t


class InspectionError(Exception):
    """A failure with a title and a message for the user (never a traceback)."""

    title_key = "err_title"

    def __init__(self, message: str = "", *, key: str | None = None, **values):
        self.key, self.values, self.text = key, values, str(message)
        super().__init__(self.message("zh"))

    def title(self, lang: str = "zh") -> str:
        return t(self.title_key, lang)

    def message(self, lang: str = "zh") -> str:
        """The reason, in `lang` when it was given as a key (else as written), never empty."""
        if self.key is not None:
            return t(self.key, lang, **self.values)
        return self.text or self.title(lang)

    def __reduce__(self):  # pickled as its state, whatever the subclass's constructor takes
        return _restore, (type(self), self.args, self.__dict__)


def _restore(cls: type[InspectionError], args: tuple, state: dict) -> InspectionError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class StoreError(InspectionError):
    """The store cannot be opened, read or written, with a message for the user."""

    title_key = "err_store"


class ImportInputError(InspectionError):
    """The files given to an import cannot be used (nothing is changed)."""

    title_key = "err_import_input"


class SettingsError(InspectionError):
    """A plan or another setting that cannot be saved or read."""

    title_key = "err_settings"


class UndoError(InspectionError):
    """An undo that cannot run (nothing is changed)."""

    title_key = "err_undo"


class ImportNotFound(UndoError):
    def __init__(self, import_id: int):
        self.import_id = import_id
        super().__init__(key="err_import_not_found", import_id=import_id)


class ImportAlreadyUndone(UndoError):
    def __init__(self, import_id: int):
        self.import_id = import_id
        super().__init__(key="err_import_undone", import_id=import_id)


class ExportError(InspectionError):
    """An export (CSV, workbook, deck, chart image) that cannot be produced."""

    title_key = "err_export"
