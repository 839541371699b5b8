"""The importer: read -> recognise -> parse -> validate -> load, all or nothing (see run.py).

One module per step:
    model       what the steps pass on: InputFile, Problem, ImportResult, records, staged rows
    recognise   where a sheet's header is, which table it holds, the kind of each row
    parse_rows  a recognised sheet row by row (every reader): cells to values
    parse_csv   large regular CSVs read and converted in DuckDB (the vectorised path)
    units       unit ids and the index of known units
    validate    the rows checked against each other and the store
    load        the diff with the store, the write, the originals; undo and the import log
    run         the Importer that runs the steps, `import_files` and its progress stages
    messages    every text the importer shows a user, written once
    temp        the TEMP-table helpers the steps share
"""

from .load import list_imports, undo
from .messages import counts_text, progress_text
from .model import MAX_PROBLEMS, ImportResult, InputFile, Problem
from .run import Importer, Progress, import_files
from .units import UnitIndex

__all__ = ["MAX_PROBLEMS", "ImportResult", "Importer", "InputFile", "Problem", "Progress", "UnitIndex",
           "counts_text", "import_files", "list_imports", "progress_text", "undo"]
