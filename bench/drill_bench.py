"""Drill-down speed on one store: every page's queries side by side at each grain (the undrilled
view by district, one district by township, one township by unit), as bench/benchmark.py's query
phase measures them at every scale.

    .venv/bin/python bench/drill_bench.py [--db path] [--places 12]

Builds the demo city store in a temporary folder when no --db is given. Prints a table in ms.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import benchmark  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--places", type=int, default=12, help="districts (and one township of each) measured")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        con = benchmark.reading_store(args.db, tmp)
        try:
            sets = benchmark.drilled_filter_sets(con, random.Random(19), args.places)
            result = benchmark.measure_drilled(con, benchmark.page_queries(), sets)
        finally:
            con.close()
    print(f"{'page':<12}" + "".join(f"{level + ' median/p95 (CPU) ms':>32}" for level in benchmark.DRILL_LEVELS))
    for page, levels in result.items():
        print(f"{page:<12}" + "".join(f"{levels[lv]['median_ms']:>17.0f} / {levels[lv]['p95_ms']:<5.0f}"
                                       f" ({levels[lv]['cpu_median_ms']:>4.0f})" for lv in benchmark.DRILL_LEVELS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
