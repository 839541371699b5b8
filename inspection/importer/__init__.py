"""The importer (moving into one module per step)."""

from .validate import (  # noqa: F401
    MAX_PROBLEMS,
    Importer,
    ImportResult,
    InputFile,
    Problem,
    Progress,
    UnitIndex,
    import_files,
    list_imports,
    progress_text,
    refresh_rounds,
    undo,
)
