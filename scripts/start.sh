#!/usr/bin/env bash
# Set up everything and start the dashboard; on first start the demo store is built.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/python -m inspection demo-if-missing
exec .venv/bin/streamlit run dashboard.py --server.address "${ADDRESS:-127.0.0.1}" --server.port "${PORT:-8501}" "$@"
