"""The command line as the tests drive it: in this process (fast) or in a child process, as a clerk
would, and the ledgers written to a folder first."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from inspection import cli

ROOT = Path(__file__).resolve().parents[2]


def write_files(folder: Path, files) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for item in files:
        path = folder / item.name
        path.write_bytes(item.data)
        paths.append(str(path))
    return paths


def call(capsys, *argv: str) -> tuple[int, str, str]:
    """Run the command line in this process (fast); (exit code, stdout, stderr)."""
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def shell(*argv: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `python -m inspection ...` in a child process, as a clerk would."""
    return subprocess.run([sys.executable, "-m", "inspection", *argv], capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout, env={**os.environ, "INSPECTION_DEMO": "0"})
