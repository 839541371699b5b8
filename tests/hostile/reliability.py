"""The tests' record of what was tried and held: tests/artifacts/reliability.json (git-ignored).

Each test adds its outcomes under a section; scripts/reliability_report.py turns the file into
the README's Reliability section.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

ARTIFACT = Path(__file__).resolve().parents[1] / "artifacts" / "reliability.json"  # tests/artifacts


def record(section: str, key: str, value: object) -> None:
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    try:
        document = json.loads(ARTIFACT.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        document = {}
    document.setdefault(section, {})[key] = value
    document["updated_at"] = dt.datetime.now().isoformat(timespec="seconds")
    tmp = ARTIFACT.with_suffix(".tmp")
    tmp.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(ARTIFACT)
