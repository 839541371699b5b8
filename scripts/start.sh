#!/usr/bin/env bash
# Set up everything and start the dashboard; on first start the demo store is built.
# The address: $ADDRESS when set; else 127.0.0.1 while no user is configured (anyone who can reach
# the app could import), 0.0.0.0 (the office network) once an administrator has been added.
set -euo pipefail
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
exec .venv/bin/streamlit run dashboard.py --server.address "${ADDRESS}" --server.port "${PORT:-8501}" "$@"
