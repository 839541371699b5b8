#!/usr/bin/env bash
# Set up everything, run the linters and the whole test suite (the command CI runs).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check .
# two or more workers (one per core, at most 4): the system tests run in turn on one of them, the
# rest of the suite on the others (tests/conftest.py); TEST_WORKERS=0 runs everything in this process;
# the 15 slowest tests are listed at the end (the suite must stay under 15 minutes)
workers=${TEST_WORKERS:-$(n=$(nproc); [ "$n" -lt 2 ] && n=2; [ "$n" -gt 4 ] && n=4; echo "$n")}
.venv/bin/python -m pytest -q -p no:cacheprovider -n "$workers" --dist loadgroup --durations=15 "$@"
