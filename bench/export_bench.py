"""Export speed: a 6-chart briefing deck (PPTX and PDF) with a warm export server.

    .venv/bin/python bench/export_bench.py [--db path] [--runs 3]

Builds the demo store when no --db is given. Prints the cold start, then per run the time of
rendering the 6 chart PNGs and assembling each deck; the target is < 5 s per deck once warm.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from inspection import bootstrap, briefing, export, store  # noqa: E402
from inspection.filters import Filters  # noqa: E402

TARGET_S = 5.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if export.browser_path() is None:
        print("no Chromium: PNG export unavailable, nothing to measure")
        return 1
    db = args.db
    if db is None:
        db = Path(tempfile.mkdtemp()) / "demo.duckdb"
        bootstrap.build_demo(db, out_dir=db.parent / "files")
    con = store.connect(db, read_only=True)
    as_of = con.execute("SELECT max(start_date) FROM v_inspections").fetchone()[0] or dt.date.today()
    brief = briefing.build(con, Filters(as_of=as_of))
    slides = brief.deck_slides(with_extra=True)
    charts = sum(s.figure is not None for s in slides)
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    t0 = time.perf_counter()
    export.figure_png(slides[1].figure, 400, 300, 1)
    print(f"cold start of the export server + first PNG: {time.perf_counter() - t0:.2f} s")
    pptx_times, pdf_times = [], []
    for run in range(args.runs):
        export._png_cache.clear()  # each deck renders its charts afresh
        t0 = time.perf_counter()
        export.deck_pptx(brief.title, brief.subtitle, slides)
        pptx_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        export.deck_pdf(brief.title, brief.subtitle, slides)
        pdf_after = time.perf_counter() - t0  # the same view's PNGs are cached by now
        export._png_cache.clear()
        t0 = time.perf_counter()
        export.deck_pdf(brief.title, brief.subtitle, slides)
        pdf_times.append(time.perf_counter() - t0)
        export._png_cache.clear()
        t0 = time.perf_counter()
        export.render_images(slides)
        render = time.perf_counter() - t0
        print(f"run {run + 1}: PPTX {pptx_times[-1]:.2f} s, PDF {pdf_times[-1]:.2f} s, PDF right after the PPTX "
              f"{pdf_after:.2f} s ({charts} charts; rendering alone {render:.2f} s)")
    best = max(statistics.median(pptx_times), statistics.median(pdf_times))
    print(f"median, {charts}-chart deck, warm: PPTX {statistics.median(pptx_times):.2f} s, "
          f"PDF {statistics.median(pdf_times):.2f} s (target < {TARGET_S:.0f} s): "
          + ("OK" if best < TARGET_S else "SLOW"))
    export.stop_export_server()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
