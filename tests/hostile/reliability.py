"""The tests' record of what was tried and held: tests/artifacts/reliability.json (git-ignored).

Each test adds its outcomes under a section; scripts/reliability_report.py turns the file into
the README's Reliability section.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from pathlib import Path

ARTIFACT = Path(__file__).resolve().parents[1] / "artifacts" / "reliability.json"  # tests/artifacts


def record(section: str, key: str, value: object) -> None:
    """Add one outcome; safe beside other test processes (pytest-xdist workers): the file is read
    and replaced under a lock, through a temporary file of this process."""
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    with open(ARTIFACT.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            document = json.loads(ARTIFACT.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            document = {}
        document.setdefault(section, {})[key] = value
        document["updated_at"] = dt.datetime.now().isoformat(timespec="seconds")
        tmp = ARTIFACT.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
        tmp.replace(ARTIFACT)
