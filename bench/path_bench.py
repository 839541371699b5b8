"""The statements chosen before binding (queries/paths/, inspection/store.py statement) against the
general statements, back to back (issue 22): per query, the CPU ms of the process and the wall ms of
one run, the general statement (queries/<name>.sql) and run_query's choice (the condition's statement
included) alternating on one cursor each, over the default view and random filter sets as
bench/benchmark.py draws them; medians per query and path, and the pages' queries side by side
(store.run_queries against the same requests with every path turned off).

    .venv/bin/python bench/path_bench.py --db /tmp/copy.duckdb [--sets 12] [--runs 5] [--queries a,b]

Opens the store as bench/benchmark.reading_store does (writable when its views are out of date: only
ever on a copy). Prints Markdown.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import benchmark  # noqa: E402

from inspection import store  # noqa: E402
from inspection.filters import Filters  # noqa: E402


def timed(run) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    run()
    return (time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000


def general(con, name: str, params: dict):
    bound = {k: store._bindable(params[k]) for k in store.query_params(name)}
    return con.cursor().execute(store.load_sql(name), bound).df()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--sets", type=int, default=12, help="filter sets (the default view first)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each side per filter set")
    parser.add_argument("--queries", default="", help="comma-separated query names (default: those with paths)")
    parser.add_argument("--pages", action="store_true", help="also each page's queries side by side")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        con = benchmark.reading_store(args.db, tmp)
        choices = benchmark.filter_choices(con)
        rng = random.Random(7)
        sets = [Filters(as_of=benchmark.AS_OF).params()]
        sets += [benchmark.random_filters(rng, choices).params() for _ in range(max(0, args.sets - 1))]
        sets = [benchmark.with_group(con, params) for params in sets]
        names = [n for n in args.queries.split(",") if n] or [n for n in store.query_names() if store.query_paths(n)]
        load = os.getloadavg()[0]
        print(f"{args.db.name}, {len(sets)} filter sets x {args.runs} runs, medians (ms), load {load:.1f}\n")
        print("| query | path | sets | CPU general | CPU chosen | wall general | wall chosen |")
        print("|---|---|---|---|---|---|---|")
        for name in names:
            by_path: dict[str | None, dict[str, list[float]]] = {}
            for params in sets:
                params = benchmark.as_page(name, params)
                bound = {k: store._bindable(params[k]) for k in store.query_params(name)}
                path = store.statement(con.cursor(), name, bound)[2]
                out = by_path.setdefault(path, {"n": [], "cg": [], "cc": [], "wg": [], "wc": []})
                out["n"].append(1)
                general(con, name, params), store.run_query(con, name, params)  # warm
                for _ in range(args.runs):
                    c, w = timed(lambda: general(con, name, params))  # noqa: B023
                    out["cg"].append(c), out["wg"].append(w)
                    c, w = timed(lambda: store.run_query(con, name, params))  # noqa: B023
                    out["cc"].append(c), out["wc"].append(w)
            for path, out in by_path.items():
                m = {k: statistics.median(v) for k, v in out.items() if k != "n"}
                print(f"| {name} | {path or 'general'} | {len(out['n'])} | {m['cg']:.1f} | {m['cc']:.1f} "
                      f"| {m['wg']:.1f} | {m['wc']:.1f} |")
        if args.pages:
            print("\n| page | CPU general | CPU chosen | wall general | wall chosen | p95 wall general | p95 wall chosen |")
            print("|---|---|---|---|---|---|---|")
            no_paths = mock.patch.object(store, "query_paths", lambda name: ())
            for page, queries in benchmark.page_queries().items():
                queries = [n for n in queries if store.query_params(n)]
                cg, cc, wg, wc = [], [], [], []
                for params in sets:
                    requests = [(n, benchmark.as_page(n, params)) for n in queries]
                    for _ in range(args.runs):
                        with no_paths:
                            c, w = timed(lambda: store.run_queries(con, requests))  # noqa: B023
                        cg.append(c), wg.append(w)
                        c, w = timed(lambda: store.run_queries(con, requests))  # noqa: B023
                        cc.append(c), wc.append(w)
                print(f"| {page} | {statistics.median(cg):.1f} | {statistics.median(cc):.1f} | "
                      f"{statistics.median(wg):.1f} | {statistics.median(wc):.1f} | "
                      f"{benchmark.pctl(wg, 0.95):.1f} | {benchmark.pctl(wc, 0.95):.1f} |")
        con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
