"""The page registry: every page of the dashboard once (its file, title, icon, whether the filter
panel shows), and the preamble every page runs first (`start`). dashboard.py builds st.navigation
from PAGES; the tests take the page list from here too.

A page names each query once, where it draws it (`state.run_query("x", filters.params())`): the
registry reads the page's source (`drawn`, an AST scan, once per file) and `start` starts those
queries side by side before the page draws (state.prefetch); run_query then takes the started
result. A call declares its kind by its parameters: `filters.params()` (started first),
`listing("x", filters.params())` (started first, as the first rows of a list) or
`ui.narrowed(filters, shown).params()` (one group of districts: computed by the warm-up after an
import, `warm`). A query the page runs only sometimes (in one branch, for administrators) says
`prefetch=False` and is not started for everyone. tests/queries/test_prefetch.py checks that every
started query is used.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import itertools
import json
import runpy
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from inspection import briefing, charts, report
from inspection.filters import Filters, default_as_of, listing
from inspection.i18n import t

from . import components as ui
from . import sidebar, state

ROOT = Path(__file__).resolve().parent.parent
SHELL = ROOT / "dashboard.py"


@dataclasses.dataclass(frozen=True)
class Drawn:
    """The queries a page's source runs with a literal name, by the parameters it runs them with."""

    queries: tuple[str, ...] = ()  # with the filters' parameters (Filters.params())
    listings: tuple[str, ...] = ()  # as the first rows of a list (filters.listing)
    by_group: tuple[str, ...] = ()  # for the group of districts a chart shows (ui.narrowed)


def _is_filters_params(node: ast.expr) -> bool:
    """`filters.params()`"""
    return (isinstance(node, ast.Call) and not node.args and not node.keywords
            and ast.unparse(node.func) == "filters.params")


def _kind(name: str, params: ast.expr) -> str | None:
    if _is_filters_params(params):
        return "queries"
    if (isinstance(params, ast.Call) and isinstance(params.func, ast.Name) and params.func.id == "listing"
            and len(params.args) == 2 and not params.keywords and isinstance(params.args[0], ast.Constant)
            and params.args[0].value == name and _is_filters_params(params.args[1])):
        return "listings"
    if (isinstance(params, ast.Call) and not params.args and isinstance(params.func, ast.Attribute)
            and params.func.attr == "params" and isinstance(params.func.value, ast.Call)
            and ast.unparse(params.func.value.func) == "ui.narrowed" and params.func.value.args
            and ast.unparse(params.func.value.args[0]) == "filters"):
        return "by_group"
    return None  # other parameters (one unit, no filters): not started first


def _calls(tree: ast.Module) -> list[ast.Call]:
    """The `state.run_query` calls with a literal name in the order the page draws them: its `main`'s
    own first (the headline figures it reads before the sections), then the rest in source order."""
    mains = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "main"]
    in_main = {id(node) for main in mains for node in ast.walk(main)}
    calls = [node for node in ast.walk(tree)
             if isinstance(node, ast.Call) and ast.unparse(node.func) == "state.run_query" and len(node.args) == 2
             and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)]
    return sorted(calls, key=lambda node: (id(node) not in in_main, node.lineno, node.col_offset))


@functools.cache
def drawn(path: str) -> Drawn:
    """The page's `state.run_query("name", <parameters>)` calls by kind (see the module's docstring);
    a call with `prefetch=False` is left out."""
    found: dict[str, list[str]] = {"queries": [], "listings": [], "by_group": []}
    for node in _calls(ast.parse((ROOT / path).read_text(encoding="utf-8"), path)):
        if any(k.arg == "prefetch" and isinstance(k.value, ast.Constant) and k.value.value is False
               for k in node.keywords):
            continue
        kind = _kind(node.args[0].value, node.args[1])
        if kind and node.args[0].value not in found[kind]:
            found[kind].append(node.args[0].value)
    return Drawn(**{kind: tuple(names) for kind, names in found.items()})


@dataclasses.dataclass(frozen=True)
class Page:
    path: str  # the file under pages/; its stem is the URL path (/coverage)
    title: str  # the title's key in inspection/i18n.py
    icon: str
    # queries the page runs through another module (the briefing's, inspection/briefing.QUERIES),
    # started first with the filters' parameters like those it runs itself (`drawn`)
    elsewhere: tuple[str, ...] = ()
    # more queries started first with other parameters: filters -> [(names, params), ...]
    more: Callable[[Filters], Sequence[tuple[Sequence[str], dict]]] | None = None
    # more queries the warm-up computes whose parameters depend on a result: (filters, fetch) -> [(name, params)]
    warm_more: Callable[[Filters, Callable[[str, dict], pd.DataFrame]], list[tuple[str, dict]]] | None = None
    filters: bool = True  # the shared filter panel shows in the sidebar (its values stay in the URL)
    breadcrumb: bool = True  # 全部县区 › 沙澧区 › 某镇 above a drilled view's charts
    title_shown: bool = True  # False: the page draws its own heading (the briefing)

    @property
    def queries(self) -> tuple[str, ...]:
        """Started first, with the filters' parameters (Filters.params())."""
        own = drawn(self.path).queries
        return self.elsewhere + tuple(name for name in own if name not in self.elsewhere)

    @property
    def listings(self) -> tuple[str, ...]:
        """Started first, as the first rows of a list (filters.listing)."""
        return drawn(self.path).listings

    @property
    def by_group(self) -> tuple[str, ...]:
        """Run for the group of districts a chart shows (ui.choose_districts, ui.narrowed): the
        warm-up after an import (`warm`) computes them for the first group, which a page opens on."""
        return drawn(self.path).by_group

    @property
    def slug(self) -> str:
        return Path(self.path).stem

    def requests(self, filters: Filters) -> list[tuple[str, dict]]:
        """The queries the page starts first, each with the parameters it runs it with."""
        params = filters.params()
        out = [(name, params) for name in self.queries]
        out += [(name, listing(name, params)) for name in self.listings]
        for names, more in (self.more(filters) if self.more else ()):
            out += [(name, more) for name in names]
        return out

    def prefetch(self, filters: Filters) -> None:
        params = filters.params()
        if self.queries:
            state.prefetch(list(self.queries), params)
        for name in self.listings:
            state.prefetch([name], listing(name, params))
        for names, more in (self.more(filters) if self.more else ()):
            state.prefetch(list(names), more)


def _briefing_text(filters: Filters) -> list[tuple[Sequence[str], dict]]:
    return [(report.queries(filters), report.query_params(filters))]  # the summary text above the charts


def _briefing_progress(filters: Filters, fetch) -> list[tuple[str, dict]]:
    """The district progress chart's query for the districts it draws (briefing.progress_params)."""
    params = filters.params()
    asked, _ = briefing.progress_params(fetch("coverage_by_district", params), params)
    return [("coverage_by_district_month", asked)]


PAGES: tuple[Page, ...] = (
    Page("pages/overview.py", "page_overview", ":material/dashboard:"),
    Page("pages/coverage.py", "page_coverage", ":material/map:"),
    Page("pages/categories.py", "page_categories", ":material/category:"),
    Page("pages/compare.py", "page_compare", ":material/compare_arrows:", breadcrumb=False),
    Page("pages/briefing.py", "page_briefing", ":material/description:", tuple(briefing.QUERIES),
         more=_briefing_text, warm_more=_briefing_progress, title_shown=False),
    Page("pages/followup.py", "page_followup", ":material/task_alt:"),
    Page("pages/unit.py", "page_unit", ":material/home_work:", breadcrumb=False),  # queries name one unit
    Page("pages/imports.py", "page_imports", ":material/upload_file:", filters=False, breadcrumb=False),
)
BY_SLUG = {page.slug: page for page in PAGES}


def views(fetch: Callable[[str, dict], pd.DataFrame]) -> Iterator[tuple[str, dict]]:
    """What a leader opens first, in order: the sidebar's own queries, the default view of every
    page, then each single-district view (the districts most behind the plan first), each as the
    (query, parameters) the page asks for, so that the page then finds them in the cache.
    `fetch` runs a query through the cache (the warm-up's, on the version it warms)."""
    yield "filter_options_by_kind", {}
    yield "data_as_of", {}
    day = default_as_of(fetch("data_as_of", {}))  # the as-of filter's default (ui/sidebar.render)
    default = Filters(as_of=day)
    seen: set[str] = set()
    for filters in itertools.chain([default], (Filters(districts=(d,), as_of=day) for d in _districts(fetch, default))):
        for page in PAGES:
            for name, params in page.requests(filters) + _group_requests(page, filters, fetch):
                key = json.dumps([name, params], sort_keys=True, default=str)
                if key not in seen:
                    seen.add(key)
                    yield name, params


def _districts(fetch, default: Filters) -> list[str]:
    """The districts in the order of the plan (most behind first), then any without a plan row."""
    plan = fetch("plan_by_district", default.params())
    ordered = [str(d) for d in plan.loc[~plan["is_total"].astype(bool), "district"]]
    options = fetch("filter_options_by_kind", {})
    every = [str(d) for d in options.loc[options["kind"] == "district", "value"]]
    return ordered + [d for d in every if d not in set(ordered)]


def _group_requests(page: Page, filters: Filters, fetch) -> list[tuple[str, dict]]:
    """The page's by-group queries for the group of districts it opens on (ui.choose_districts)."""
    more = page.warm_more(filters, fetch) if page.warm_more else []
    if not page.by_group:
        return more
    plan = fetch("plan_by_district", filters.params())
    order = plan.loc[~plan["is_total"].astype(bool), "district"]
    if order.empty:  # no plan (none set): the lowest coverage first, as pages/coverage.py chooses
        order = charts.lowest_first(fetch("coverage_by_district", filters.params()))["district"]
    groups = charts.district_groups(order)
    shown = groups[0] if len(groups) > 1 else None
    params = ui.narrowed(filters, shown).params()
    return [(name, params) for name in page.by_group] + more


def warm() -> None:
    """Right after an import or undo committed: the views a leader opens first computed in the
    background (state.warm), so the first one after an import waits no longer than the second."""
    state.warm(views)


def navigation_pages(lang: str) -> list[tuple[st.Page, Page]]:
    """st.Page objects of the registered pages whose file exists (the first the default), each with
    its entry: dashboard.py passes the first of each pair to st.navigation."""
    present = [page for page in PAGES if (ROOT / page.path).is_file()]
    return [(st.Page(page.path, title=t(page.title, lang), icon=page.icon, default=(i == 0)), page)
            for i, page in enumerate(present)]


def chosen(pairs: list[tuple[st.Page, Page]], current: st.Page) -> Page:
    """The registry's entry of the page st.navigation returned (one of the pairs' st.Page objects)."""
    return next(page for shown, page in pairs if shown is current)


@dataclasses.dataclass
class View:
    """What `start` gives a page: its language and the filters (None: the store is empty, said)."""

    lang: str
    filters: Filters | None


def start(slug: str, breadcrumb: bool | None = None) -> View:
    """The preamble of every page: inside the shell, the title, the empty store said once, the
    filters, the breadcrumb and the page's declared queries started side by side."""
    page = BY_SLUG[slug]
    ensure_shell()
    lang = state.lang()
    if page.title_shown:
        st.title(t(page.title, lang))
    if not page.filters:
        return View(lang, None)
    if ui.store_is_empty():
        ui.empty("empty_store")
        return View(lang, None)
    filters = sidebar.current()
    if page.breadcrumb if breadcrumb is None else breadcrumb:
        ui.breadcrumb(filters, lang)
    page.prefetch(filters)
    return View(lang, filters)


def run(slug: str, draw: Callable[[Filters, str], None]) -> None:
    """A page that shows nothing but the empty store's note before the first import: the preamble
    (`start`), then `draw(filters, lang)` when there is data to draw."""
    view = start(slug)
    if view.filters is not None:
        draw(view.filters, view.lang)


# ---- Streamlit's legacy pages/ mode -----------------------------------------------------------
# The one place that touches a Streamlit internal (tests/app/test_registry.py fails when an upgrade
# breaks it). A folder named pages/ beside the entry script makes Streamlit run an app in its legacy
# multipage mode until st.navigation is first called in the process (PagesManager.uses_pages_directory,
# a class attribute with no public setter; AppTest sets it again before every run): a deep link
# (/coverage) opened first then runs the page file alone, without the log-in gate, the store check
# and the filter panel. Streamlit has no public switch for it (st.navigation only clears the flag
# once called; client.showSidebarNavigation only hides the list). The folder keeps its name (the
# product's design names it), so a page run outside dashboard.py runs the shell itself, in the same
# run: dashboard.py calls st.navigation (which leaves the legacy mode for good) and runs the page
# inside it; the outer run then stops. Page hashes are equal in both modes, so the shell picks the
# same page, and nothing is lost to a rerun (a button's click in that run still counts).

_run = threading.local()  # this script run's thread: inside dashboard.py's page run, or in the shell's own run


def ensure_shell() -> None:
    """Run the page inside dashboard.py (navigation, log-in gate, store check, filter panel)."""
    if getattr(_run, "in_shell", False):
        return
    PagesManager.uses_pages_directory = False
    if getattr(_run, "inline", False):  # dashboard.py itself did not reach its page: no loop
        return
    _run.inline = True
    try:
        runpy.run_path(str(SHELL), run_name="__main__")
    finally:
        _run.inline = False
    st.stop()


def shell_run(current) -> None:
    """dashboard.py: run the chosen page, marked as inside the shell for ensure_shell."""
    _run.in_shell = True
    try:
        current.run()
    finally:
        _run.in_shell = False
