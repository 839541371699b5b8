"""A backup after an import succeeds while dashboard sessions are querying the same connection
(a plain CHECKPOINT refuses while another cursor has a transaction open)."""

from __future__ import annotations

import datetime as dt
import threading

from inspection import store
from inspection.filters import Filters


def test_backup_while_sessions_query(demo_copy):
    con = store.connect(demo_copy)
    params = Filters(as_of=dt.date(2026, 11, 15)).params()
    names = ["headline_totals", "issues_by_category", "coverage_by_month", "results_by_level"]
    stop, errors, runs = threading.Event(), [], [0]

    def session() -> None:
        i = 0
        while not stop.is_set():
            try:
                store.run_query(con, names[i % len(names)], params)
                runs[0] += 1
            except Exception as exc:  # noqa: BLE001 - any failure of a session is the finding
                errors.append(repr(exc))
            i += 1

    threads = [threading.Thread(target=session) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        while runs[0] < 6:  # the sessions are busy
            stop.wait(0.05)
        cursor = con.cursor()
        cursor.execute("UPDATE plan_settings SET updated_by = 'backup test' WHERE district = '*'")
        made = [store.backup(demo_copy, con=cursor) for _ in range(3)]
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    con.close()
    assert all(path is not None and path.is_file() for path in made)
    assert not errors, errors[:3]
