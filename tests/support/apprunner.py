"""The dashboard as a real Streamlit server for a test: `streamlit run dashboard.py` headless on a
free loopback port, waited for until its health endpoint answers, stopped at the end.

Imported by the test modules as `from support.apprunner import running_app` (pyproject puts tests/ on
the path). Each test module builds the server's environment
itself (which store, which settings); this module only starts, waits and stops.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0  # seconds for every server of one call to answer
STOP_TIMEOUT = 15.0  # seconds after SIGTERM before SIGKILL
OUTPUT_TAIL = 4000  # characters of a server's output shown when it did not start

_no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never through a proxy


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Server:
    """One `streamlit run dashboard.py` process; its output (stdout and stderr) goes to `log`, or to
    an anonymous temporary file."""

    def __init__(self, env: Mapping[str, str], port: int | None, extra_args: Sequence[str], log: Path | None,
                 script: str = "dashboard.py"):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.output = open(log, "wb") if log is not None else tempfile.TemporaryFile()
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", str(ROOT / script), "--server.address",
                 "127.0.0.1", "--server.port", str(self.port), "--server.headless", "true",
                 "--browser.gatherUsageStats", "false",
                 # a test's server never reruns because a source file changed under it
                 "--server.fileWatcherType", "none", *extra_args],
                cwd=ROOT, env=dict(env), stdout=self.output, stderr=subprocess.STDOUT)
        except BaseException:
            self.output.close()
            raise

    def healthy(self) -> bool:
        try:
            with _no_proxy.open(self.url + "/_stcore/health", timeout=1) as response:
                return response.read() == b"ok"
        except OSError:  # refused, reset, timed out, or 503 while the runtime starts
            return False

    def tail(self) -> str:
        """The end of the server's output so far (read without moving the shared file offset)."""
        fd = self.output.fileno()
        size = os.fstat(fd).st_size
        start = max(0, size - OUTPUT_TAIL)
        return os.pread(fd, size - start, start).decode("utf-8", "replace")

    def wait_until_healthy(self, deadline: float) -> None:
        while not self.healthy():
            code = self.proc.poll()
            if code is not None or time.monotonic() >= deadline:
                why = f"exited with code {code}" if code is not None else "did not answer its health check in time"
                pytest.fail(f"the dashboard at {self.url} {why}; its output:\n{self.tail()}", pytrace=False)
            time.sleep(0.3)

    def terminate(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()

    def reap(self) -> None:
        """Wait for the end after `terminate`; SIGKILL after STOP_TIMEOUT seconds."""
        try:
            self.proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        finally:
            self.output.close()


@contextmanager
def _serving(env: Mapping[str, str], places: Sequence[tuple[int | None, Path | None]], extra_args: Sequence[str],
             timeout: float, script: str = "dashboard.py") -> Iterator[list[str]]:
    """Servers started together, one per (port or None, log file or None); their URLs once all answer."""
    servers: list[_Server] = []
    try:
        for port, log in places:
            servers.append(_Server(env, port, extra_args, log, script))
        deadline = time.monotonic() + timeout
        for server in servers:
            server.wait_until_healthy(deadline)
        yield [server.url for server in servers]
    finally:
        for server in servers:  # all asked to stop first, then waited for: they end in parallel
            server.terminate()
        for server in servers:
            server.reap()


@contextmanager
def running_app(env: Mapping[str, str], *, port: int | None = None, extra_args: Sequence[str] = (),
                log: Path | None = None, timeout: float = START_TIMEOUT, script: str = "dashboard.py") -> Iterator[str]:
    """One dashboard with the complete environment `env` (not merged with os.environ), on `port` or
    a free one, `extra_args` appended to the `streamlit run` flags; yields its URL once its health
    endpoint answers "ok". Fails the test, showing the server's output, if it exits first or
    `timeout` seconds pass. Stops it at the end (SIGTERM, SIGKILL if needed). `log`: a file that
    keeps the server's output (stdout and stderr), else a temporary file. `script`: the entry,
    dashboard.py, or serve.py (the dashboard behind the middleware start.sh serves)."""
    with _serving(env, [(port, log)], extra_args, timeout, script) as urls:
        yield urls[0]


@contextmanager
def running_apps(env: Mapping[str, str], count: int, *, extra_args: Sequence[str] = (),
                 logs: Sequence[Path] | None = None, timeout: float = START_TIMEOUT) -> Iterator[list[str]]:
    """`count` dashboards as in `running_app`, started together on free ports and waited for
    together (one `timeout` for all); yields their URLs. `logs`: one file per server."""
    if logs is not None and len(logs) != count:
        raise ValueError(f"{count} servers but {len(logs)} log files")
    with _serving(env, [(None, logs[n] if logs is not None else None) for n in range(count)], extra_args,
                  timeout) as urls:
        yield urls
