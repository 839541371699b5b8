"""Where a query's time goes: planning (bind, optimise, physical plan) against execution, per query
file, from DuckDB's own profiler (issue 22: the fixed per-query cost of the macro-expanded SQL).

    .venv/bin/python bench/plan_bench.py [--db path] [--sets 7] [--queries a,b,...] [--top 10]

Each query runs alone, on one cursor, with the default view and random filter sets as
bench/benchmark.py draws them; the medians in ms of: bind (the binder, which expands the table
macros of queries/_views.sql), optimise (every optimizer) and the costliest optimizer, physical
plan, the whole statement (DuckDB's latency) and the rest, execution. Builds the demo city store in
a temporary folder when no --db is given. Prints a Markdown table, slowest first, with the load
average (planning runs on one core, so a busy machine inflates it as much as the scans).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import benchmark  # noqa: E402

from inspection import store  # noqa: E402
from inspection.filters import Filters  # noqa: E402


def profile(con, name: str, filter_sets: list[dict], out: Path, chosen: bool = True) -> dict:
    """The medians (ms) of one query's phases over the filter sets (one warm-up run each)."""
    cur = con.cursor()
    cur.execute("SET enable_progress_bar = false")
    cur.execute("SET enable_profiling = 'json'")
    cur.execute("SET profiling_mode = 'detailed'")
    cur.execute(f"SET profiling_output = '{out}'")
    wanted = store.query_params(name)
    phases: dict[str, list[float]] = {}
    for params in filter_sets:
        params = benchmark.as_page(name, params)
        bound = {key: store._bindable(params[key]) for key in wanted}
        # the statement run_query runs (queries/paths/), or the general one (--general)
        sql, bound = store.statement(cur, name, bound)[:2] if chosen else (store.load_sql(name), bound)
        cur.execute(sql, bound).df()  # warm-up: the first run reads the row groups
        cur.execute(sql, bound).df()
        timings = json.loads(out.read_text(encoding="utf-8"))
        optimizers = {k[len("optimizer_"):]: v for k, v in timings.items() if k.startswith("optimizer_")}
        top = max(optimizers, key=optimizers.get) if optimizers else ""
        plan = timings.get("planner", 0.0) + timings.get("all_optimizers", 0.0) + timings.get("physical_planner", 0.0)
        for key, value in (("bind", timings.get("planner", 0.0)), ("optimise", timings.get("all_optimizers", 0.0)),
                           ("top_optimizer", optimizers.get(top, 0.0)),
                           ("physical", timings.get("physical_planner", 0.0)), ("planning", plan),
                           ("total", timings.get("latency", 0.0)), ("execution", timings.get("latency", 0.0) - plan)):
            phases.setdefault(key, []).append(1000 * value)
        phases.setdefault("top_name", []).append(top)
    cur.close()
    names = phases.pop("top_name")
    result = {key: statistics.median(values) for key, values in phases.items()}
    result["top_name"] = max(set(names), key=names.count)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--sets", type=int, default=7, help="filter sets per query (the default view first)")
    parser.add_argument("--queries", default="", help="comma-separated query names (default: every page query)")
    parser.add_argument("--top", type=int, default=0, help="only the N slowest")
    parser.add_argument("--general", action="store_true",
                        help="the general statements (queries/<name>.sql), not the ones chosen (queries/paths/)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        con = benchmark.reading_store(args.db, tmp)
        try:
            choices = benchmark.filter_choices(con)
            rng = random.Random(7)
            sets = [Filters(as_of=benchmark.AS_OF).params()]
            sets += [benchmark.random_filters(rng, choices).params() for _ in range(max(0, args.sets - 1))]
            sets = [benchmark.with_group(con, params) for params in sets]  # the by-group queries' districts
            names = [n for n in args.queries.split(",") if n]
            names = names or sorted({n for page in benchmark.page_queries().values() for n in page})
            load = os.getloadavg()[0]
            rows = [(name, profile(con, name, sets, Path(tmp) / "profile.json", not args.general)) for name in names]
            load = (load + os.getloadavg()[0]) / 2
        finally:
            con.close()
    rows.sort(key=lambda row: -row[1]["total"])
    if args.top:
        rows = rows[:args.top]
    print(f"{args.db.name if args.db else 'demo.duckdb'}, {len(sets)} filter sets, median ms, load average {load:.1f}\n")
    print("| query | bind | optimise (costliest) | physical | planning | execution | total | planning share |")
    print("|---|---|---|---|---|---|---|---|")
    for name, r in rows:
        share = r["planning"] / r["total"] if r["total"] else 0.0
        print(f"| {name} | {r['bind']:.1f} | {r['optimise']:.1f} ({r['top_name']} {r['top_optimizer']:.1f}) "
              f"| {r['physical']:.1f} | {r['planning']:.1f} | {r['execution']:.1f} | {r['total']:.1f} | {share:.0%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
