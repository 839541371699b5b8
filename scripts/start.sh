#!/usr/bin/env bash
# Set up everything and start the dashboard; on first start the demo store is built.
# The address: $ADDRESS when set; else 127.0.0.1 while no user is configured (anyone who can reach
# the app could import), 0.0.0.0 (the office network) once an administrator has been added.
# Beyond 127.0.0.1 it serves HTTPS (INSPECTION_TLS_CERT / INSPECTION_TLS_KEY) or sits behind a TLS
# proxy (INSPECTION_BEHIND_TLS_PROXY=1); otherwise it refuses (inspection/serving.py decides).
# serve.py is dashboard.py behind a middleware: uploads only by sessions that may import, no
# /_stcore/metrics, no framing (ui/server_hooks.py).
set -euo pipefail
umask 077  # the store, backups, originals and logs: for this account only
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m inspection demo-if-missing
if [ -z "${ADDRESS:-}" ]; then
  ADDRESS="$(.venv/bin/python -c 'from inspection import auth; print(auth.server_address())')"
  if [ "$ADDRESS" = "127.0.0.1" ]; then
    echo "未配置用户：看板只在本机 127.0.0.1 提供服务（导入对本机用户开放）。" \
         "要在局域网使用，先运行 .venv/bin/python -m inspection add-user 姓名 --role admin。"
    echo "No users configured: serving on 127.0.0.1 only. Add an administrator to serve the network."
  else
    echo "已配置用户：看板在 ${ADDRESS} 提供服务，导入、撤销与设置需管理员登录。"
    echo "Users configured: serving on ${ADDRESS}; importing, undo and settings need an administrator log-in."
  fi
fi
mapfile -t TLS < <(.venv/bin/python -m inspection.serving "${ADDRESS}" || echo "__refused__")
if [ "${TLS[*]:-}" = "__refused__" ] || [[ " ${TLS[*]:-} " == *" __refused__ "* ]]; then
  exit 2
fi
exec .venv/bin/streamlit run serve.py --server.address "${ADDRESS}" --server.port "${PORT:-8501}" \
  ${TLS[@]+"${TLS[@]}"} "$@"
