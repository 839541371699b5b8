"""How scripts/start.sh serves the dashboard: the address, TLS, and what it refuses.

`python -m inspection.serving ADDRESS` prints the extra `streamlit run` flags (one a line) and
exits 0, or prints why it refuses and exits 2. Messages (Chinese, then English) go to stderr.

- No users configured: local mode on 127.0.0.1; any other address is refused (anyone who can
  reach the app would be its administrator's equal for viewing).
- Users configured, served beyond 127.0.0.1: HTTPS with INSPECTION_TLS_CERT / INSPECTION_TLS_KEY,
  or INSPECTION_BEHIND_TLS_PROXY=1 when a reverse proxy terminates TLS; without either, refused.
- INSPECTION_REQUIRE_LOGIN=0 with users configured: served, with a warning.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from . import auth, settings

LOCAL_ADDRESSES = ("127.0.0.1", "localhost", "::1")


class Refused(Exception):
    """start.sh must not serve like this (the message says why and what to do)."""


def plan(address: str) -> tuple[list[str], list[str]]:
    """(extra streamlit flags, messages) for serving on `address`; Refused when it must not."""
    users = auth.users_configured()
    local = address in LOCAL_ADDRESSES
    cert, key = settings.get("INSPECTION_TLS_CERT"), settings.get("INSPECTION_TLS_KEY")
    flags: list[str] = []
    messages: list[str] = []
    if not users and not local:
        raise Refused(f"未配置用户时看板只能在本机 127.0.0.1 提供服务（ADDRESS={address}）。"
                      "先运行 .venv/bin/python -m inspection add-user 姓名 --role admin。\n"
                      f"No users configured: the dashboard serves 127.0.0.1 only, not {address}; add an administrator first.")
    if bool(cert) != bool(key):
        raise Refused("INSPECTION_TLS_CERT 与 INSPECTION_TLS_KEY 须同时设置。\n"
                      "Set both INSPECTION_TLS_CERT and INSPECTION_TLS_KEY.")
    if cert:
        for name, path in (("INSPECTION_TLS_CERT", cert), ("INSPECTION_TLS_KEY", key)):
            if not Path(path).is_file() or not os.access(path, os.R_OK):
                raise Refused(f"{name} 指向的文件无法读取：{path}\n{name} is not a readable file: {path}")
        flags += ["--server.sslCertFile", cert, "--server.sslKeyFile", key]
        messages.append("HTTPS：使用 INSPECTION_TLS_CERT 的证书。 Serving HTTPS with INSPECTION_TLS_CERT.")
    elif users and not local:
        if not settings.get("INSPECTION_BEHIND_TLS_PROXY"):
            raise Refused(
                f"已配置用户，看板将在 {address} 提供服务，但没有 TLS：设置 INSPECTION_TLS_CERT 与 INSPECTION_TLS_KEY"
                "（证书与私钥），或在由反向代理提供 HTTPS 时设置 INSPECTION_BEHIND_TLS_PROXY=1。\n"
                f"Users are configured and the dashboard would serve {address} over plain HTTP: set "
                "INSPECTION_TLS_CERT and INSPECTION_TLS_KEY, or INSPECTION_BEHIND_TLS_PROXY=1 behind a TLS proxy.")
        messages.append("由反向代理提供 HTTPS（INSPECTION_BEHIND_TLS_PROXY=1）。 "
                        "TLS is terminated by the reverse proxy (INSPECTION_BEHIND_TLS_PROXY=1).")
    if auth.viewing_open():
        messages.append("警告：INSPECTION_REQUIRE_LOGIN=0，未登录的任何人都能查看看板。 "
                        "WARNING: INSPECTION_REQUIRE_LOGIN=0: anyone who reaches the app can view it without a log-in.")
    elif users:
        messages.append("查看看板需要登录。 Viewing requires a log-in.")
    return flags, messages


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m inspection.serving ADDRESS", file=sys.stderr)
        return 2
    try:
        flags, messages = plan(argv[0])
    except Refused as exc:
        print(f"拒绝启动 / refusing to start: {exc}", file=sys.stderr)
        return 2
    for message in messages:
        print(message, file=sys.stderr)
    for flag in flags:
        print(flag)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
