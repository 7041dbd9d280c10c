#!/usr/bin/env bash
# Lint, format check and type check, as CI runs them before the tests: ruff (lint and format)
# and mypy, configured in pyproject.toml, from the project's .venv (made on first use).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_venv.sh
venv_setup requirements-dev.txt
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
# No merge-conflict markers left anywhere in the tracked text (one once survived in a docstring).
if git rev-parse --git-dir >/dev/null 2>&1; then
  if git grep -n -I -E '^(<<<<<<< |>>>>>>> |=======$)' -- . ':(exclude)*.md'; then
    echo "error: merge-conflict markers above; resolve them." >&2
    exit 1
  fi
fi
